/**
 * `opencti-ts/pega`: the `pega.cti` namespace Pega's OpenCTI implementation files expect to find
 * when they load by a `<script>` tag. Installing it is opt-in: a page that hosts Pega-written
 * connectors loads this module first, then the vendor's file, which assigns its constructor to
 * `pega.cti.desktopApi.<Vendor>` (or `pega.cti.embeddedApi.<Vendor>`).
 */
import { PegaLogger } from './logger.js';

/** The error object Pega's implementations hand to `failure` callbacks. */
export interface PegaErrorObject {
  errCode: string;
  errMessage: string;
}

/** What the host offers an embedded (vendor-panel) implementation. Filled in by the host page. */
export interface EmbeddedEventHandler {
  applyCallTreatment(json: unknown): void;
  showUIPanel(): void;
  enableClickToCall(enabled?: boolean): void;
}

export interface PegaCti {
  /** Desktop-style implementations, by vendor name, plus Pega's `errorObject` factory. */
  desktopApi: Record<string, unknown> & { errorObject: (errCode?: string, errMessage?: string) => PegaErrorObject };
  /** Embedded (vendor panel) implementations, by vendor name. */
  embeddedApi: Record<string, unknown>;
  embeddedEventHandler: EmbeddedEventHandler;
  Logger: typeof PegaLogger;
  /** The active implementation instance, set by the host once one is picked. */
  API: unknown;
}

export interface PegaNamespace {
  cti: PegaCti;
}

const notHosted = (what: string) => () => {
  throw new Error(`pega.cti.embeddedEventHandler.${what}: no embedded implementation is hosted on this page`);
};

/**
 * Installs `pega.cti` on `target` (default: globalThis) and returns it. Installing twice keeps
 * the first namespace and whatever was registered in it.
 */
export function installPega(target: object = globalThis): PegaNamespace {
  const holder = target as { pega?: Partial<PegaNamespace> };
  const pega = (holder.pega ??= {});
  pega.cti ??= {
    desktopApi: {
      errorObject: (errCode = 'OPENCTI_FAILURE', errMessage = '') => ({ errCode, errMessage }),
    },
    embeddedApi: {},
    embeddedEventHandler: {
      applyCallTreatment: notHosted('applyCallTreatment'),
      showUIPanel: notHosted('showUIPanel'),
      enableClickToCall: notHosted('enableClickToCall'),
    },
    Logger: PegaLogger,
    API: undefined,
  };
  return pega as PegaNamespace;
}
