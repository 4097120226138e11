/** The conformance kit's inputs and outputs. */
import type { LinkDefinition } from '../framework/implementation.js';
import type { ImplementationSource } from '../framework/registry.js';
import type { EventIntake, TelephonyMode } from '../framework/schema/context.js';

/**
 * Makes the back end produce the outside world's part of each scenario. A vendor writes one for
 * their CTI server (or test PBX); ours drives the reference server's simulator API.
 */
export interface ConformanceDriver {
  /** Who logs in, and over which link. */
  readonly agent: { readonly agentId: string; readonly agentPwd: string; readonly extension?: string };
  readonly link: LinkDefinition;
  /** A number that rings the agent when called from outside (a queue DNIS or the extension). */
  readonly inboundNumber: string;
  /** An external number that answers when the agent calls it (full mode). */
  readonly answeringNumber: string;
  /** Another external number that answers: the third party of the conference (full mode). */
  readonly secondAnsweringNumber: string;
  /** Rings `to` from `from`; resolves with the call id when the back end knows it. */
  inboundCall(from: string, to: string): Promise<{ callId?: string } | void>;
  /** The far-end caller hangs up. */
  callerHangUp(callId: string): Promise<void>;
  /** Called once at the end, also after a failure. */
  close?(): Promise<void>;
}

export interface ConformanceOptions {
  /**
   * The connector as written: anything ImplementationRegistry.register() accepts — a
   * promise-style or callback-style object, or a constructor with its functions on the prototype
   * (alias spellings such as `consulationCall` included). The kit registers it the same way.
   */
  readonly implementation: ImplementationSource;
  readonly mode: TelephonyMode;
  readonly driver: ConformanceDriver;
  /**
   * How events are taken in, as an application context's `events` says: "strict" (the default)
   * accepts only the contract's shapes; "lenient" takes them as a lenient session does (vendor
   * state names such as Ringing, bare `{ pyCallId, pyEventName }` events of a known call).
   */
  readonly events?: EventIntake;
  /** How long to wait for each expected event. Default 5 s. */
  readonly eventTimeoutMs?: number;
  /** How long a request to the connector or the driver may take to settle. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** How long to listen for stray events after logout. Default 500 ms. */
  readonly quietMs?: number;
  /** Called as each check finishes, for live output. */
  readonly onCheck?: (check: CheckResult) => void;
  /**
   * Called with a line per request, settlement and event, each starting with the milliseconds
   * since the run began (`opencti conformance --verbose`).
   */
  readonly onTrace?: (line: string) => void;
}

export interface CheckResult {
  /** Stable id, e.g. "login.snapshot". */
  readonly id: string;
  /** The obligation, in words (with its section of docs/spec.md). */
  readonly title: string;
  /** `skipped` when a check it needs did not pass: it did not run, and the detail names that check. */
  readonly status: 'passed' | 'failed' | 'skipped';
  /** `status === 'passed'`. */
  readonly passed: boolean;
  /** What went wrong, when it failed; why it did not run, when skipped. */
  readonly detail?: string;
}

export interface ConformanceReport {
  readonly mode: TelephonyMode;
  readonly implementation: { readonly name: string; readonly version: string };
  /** How the registry took it: `callback` when it wrapped it with the callback adapter; absent when it refused it. */
  readonly style: 'promise' | 'callback' | undefined;
  readonly checks: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** `failed === 0 && skipped === 0`: every check of the mode passed. */
  readonly ok: boolean;
  /**
   * What registration accepted but warned about (e.g. no frameworkApi), and calls the kit could
   * not end before logout: worth reading, not failures.
   */
  readonly notes: readonly string[];
}

/** What a module given to `opencti conformance MODULE` provides (through `createTarget`). */
export interface ConformanceTarget {
  /** The connector as written (see ConformanceOptions.implementation). */
  readonly implementation: ImplementationSource;
  readonly driver: ConformanceDriver;
  /** How its events are to be taken in, unless `--events` says otherwise. Default "strict". */
  readonly events?: EventIntake;
}
