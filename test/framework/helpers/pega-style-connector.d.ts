import type { DemoPbx } from '../../../examples/callback-connector/index.js';

/** Whatever a Pega connector's Logger is: here, anything with the methods the framework may call. */
export interface PegaLogger {
  warn?(message: string): void;
  info?(message: string): void;
  log?(message: string): void;
}

/** The Pega-style constructor of a connector talking to `pbx`; its getLogger() returns `logger`. */
export declare function definePegaConnector(pbx: DemoPbx, logger?: PegaLogger): new () => object;
