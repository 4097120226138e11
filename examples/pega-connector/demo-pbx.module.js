/**
 * The Acme "vendor SDK" as a module: the PBX of ../callback-connector/demo-pbx.js, plus
 * AcmeDemoPbx.shared(), the one PBX of the page, which the connector and a driver share, installed
 * as the global AcmeDemoPbx.
 *
 * A page loads implementation files by <script> tags, so what it loads is demo-pbx.js: this module
 * and the PBX bundled into one plain script by `npm run build` (scripts/build-examples.mjs).
 * Change this file or the callback example's PBX, never demo-pbx.js.
 */
import { DemoPbx, PbxError } from '../callback-connector/demo-pbx.js';

let shared = null;

class AcmeDemoPbx extends DemoPbx {
  static PbxError = PbxError;

  /** The page's PBX, made on first use: what a vendor SDK's singleton would be. */
  static shared() {
    if (!shared) shared = new AcmeDemoPbx();
    return shared;
  }

  /** Replaces the page's PBX with a fresh one (options as for the constructor); tests start clean with it. */
  static reset(options) {
    shared = new AcmeDemoPbx(options);
    return shared;
  }
}

globalThis.AcmeDemoPbx = AcmeDemoPbx;
