/**
 * Hosts an embedded implementation (pega.cti.embeddedApi.<Vendor>): the vendor's own call-control
 * panel renders into the area the desktop gives it, and the vendor tells the desktop what to do
 * through pega.cti.embeddedEventHandler. The desktop:
 * - calls load(linkDefinition, success, failure) once, with the configured link plus `panelId`,
 *   the id of the panel area (a light-DOM element, so the vendor's document.getElementById finds it);
 * - calls expandCCP() / collapseCCP() as the CSR opens and closes the panel, and unload() when the
 *   page goes;
 * - calls makeCall(number) for click-to-call while the vendor has enabled it, answerCall(callId)
 *   from a pop's Answer button, and setTransferContext(context) with a pop's data once it shows;
 * - offers applyCallTreatment(json) (shows the screen pop), showUIPanel() (opens the panel) and
 *   enableClickToCall(enabled) (switches click-to-call on or off).
 */
import type { EmbeddedEventHandler, PegaNamespace } from '../../pega/namespace.js';
import type { CtiLink } from '../../framework/schema/context.js';
import { pageNamespace, vendorSource } from './hosted-implementation.js';

export const PANEL_ID = 'pega-cti-embedded-panel';

/** What a vendor's embedded implementation offers; all but load are optional. */
export interface EmbeddedImplementation {
  load(linkDefinition: unknown, success: (result?: unknown) => void, failure: (error?: unknown) => void): void;
  unload?(): void;
  makeCall?(phoneNumber: string, success?: (result?: unknown) => void, failure?: (error?: unknown) => void): void;
  answerCall?(callId: string, success?: (result?: unknown) => void, failure?: (error?: unknown) => void): void;
  setTransferContext?(context: Record<string, string>): void;
  expandCCP?(): void;
  collapseCCP?(): void;
}

/** One screen pop from applyCallTreatment. */
export interface EmbeddedPop {
  readonly callId: string;
  readonly ani: string;
  readonly dnis: string;
  readonly callType: string;
  readonly data: Readonly<Record<string, string>>;
  readonly answerRequested: boolean;
}

export type LoadState = { readonly phase: 'loading' } | { readonly phase: 'loaded' } | { readonly phase: 'failed'; readonly message: string };

type Raw = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** The call a treatment names, from an object or its JSON text; throws naming what is wrong. */
export function parseTreatment(json: unknown): EmbeddedPop {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new Error(`pega.cti.embeddedEventHandler.applyCallTreatment: the text given is not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`pega.cti.embeddedEventHandler.applyCallTreatment: expected the call as an object or JSON text, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const call = value as Raw;
  const callId = text(call.pyCallId);
  if (callId === '') throw new Error('pega.cti.embeddedEventHandler.applyCallTreatment: pyCallId is required (the call id, a non-empty string)');
  const rawData = call.pyCallData;
  if (rawData !== undefined && (typeof rawData !== 'object' || rawData === null || Array.isArray(rawData))) {
    throw new Error('pega.cti.embeddedEventHandler.applyCallTreatment: pyCallData must be an object of names to values');
  }
  const data = Object.fromEntries(Object.entries((rawData ?? {}) as Raw).map(([name, v]) => [name, text(v)]));
  return { callId, ani: text(call.pyANI), dnis: text(call.pyDNIS), callType: text(call.pyCallType) || 'INBOUND', data, answerRequested: false };
}

export interface EmbeddedHostOptions {
  readonly vendor: string;
  readonly link: CtiLink;
  /** Called after every change the page shows. */
  readonly changed: () => void;
  /** A vendor call that failed or threw: shown to the CSR. */
  readonly error: (message: string) => void;
}

export class EmbeddedHost {
  readonly #options: EmbeddedHostOptions;
  #api: EmbeddedImplementation | undefined;
  #pops: EmbeddedPop[] = [];
  #open = false;
  #clickToCall = false;
  #load: LoadState = { phase: 'loading' };

  constructor(options: EmbeddedHostOptions) {
    this.#options = options;
  }

  get pops(): readonly EmbeddedPop[] {
    return this.#pops;
  }
  get open(): boolean {
    return this.#open;
  }
  get clickToCall(): boolean {
    return this.#clickToCall;
  }
  get loadState(): LoadState {
    return this.#load;
  }

  /** Instantiates the vendor's implementation, offers the handlers, and loads it into the panel area. */
  start(): void {
    const source = vendorSource(this.#options.vendor, 'embedded');
    const api = (typeof source === 'function' ? Reflect.construct(source, []) : source) as EmbeddedImplementation;
    if (typeof api?.load !== 'function') {
      throw new Error(`pega.cti.embeddedApi.${this.#options.vendor} has no load(linkDefinition, success, failure)`);
    }
    const pega = pageNamespace() as PegaNamespace;
    pega.cti.API = api;
    pega.cti.embeddedEventHandler = this.#handlers();
    this.#api = api;
    this.#guard('load', () =>
      api.load(
        { ...this.#options.link, panelId: PANEL_ID },
        () => this.#set(() => (this.#load = { phase: 'loaded' })),
        (error) => this.#set(() => (this.#load = { phase: 'failed', message: describeFailure(error) })),
      ),
    );
  }

  /** The CSR opens or closes the panel. */
  setOpen(open: boolean): void {
    if (open === this.#open) return;
    this.#set(() => (this.#open = open));
    this.#guard(open ? 'expandCCP' : 'collapseCCP', () => (open ? this.#api?.expandCCP?.() : this.#api?.collapseCCP?.()));
  }

  /** Click-to-call: only while the vendor has enabled it. */
  call(phoneNumber: string): void {
    const number = phoneNumber.trim();
    if (!this.#clickToCall) return this.#options.error('Click-to-call is switched off by the phone panel');
    if (number === '') return this.#options.error('Enter a number to call');
    this.#guard('makeCall', () => this.#api?.makeCall?.(number, undefined, (error) => this.#options.error(`makeCall: ${describeFailure(error)}`)));
  }

  answer(callId: string): void {
    this.#set(() => (this.#pops = this.#pops.map((pop) => (pop.callId === callId ? { ...pop, answerRequested: true } : pop))));
    this.#guard('answerCall', () => this.#api?.answerCall?.(callId, undefined, (error) => this.#options.error(`answerCall: ${describeFailure(error)}`)));
  }

  dismiss(callId: string): void {
    this.#set(() => (this.#pops = this.#pops.filter((pop) => pop.callId !== callId)));
  }

  /** The page goes: the vendor lets go of its panel and its connections. */
  unload(): void {
    if (!this.#api) return;
    this.#guard('unload', () => this.#api?.unload?.());
    this.#api = undefined;
  }

  #handlers(): EmbeddedEventHandler {
    return {
      applyCallTreatment: (json: unknown) => {
        const pop = parseTreatment(json);
        this.#set(() => (this.#pops = [...this.#pops.filter((p) => p.callId !== pop.callId), pop]));
        this.#guard('setTransferContext', () => this.#api?.setTransferContext?.({ pyCallId: pop.callId, pyANI: pop.ani, ...pop.data }));
      },
      showUIPanel: () => this.setOpen(true),
      enableClickToCall: (enabled: boolean = true) => this.#set(() => (this.#clickToCall = enabled !== false)),
    };
  }

  #set(change: () => void): void {
    change();
    this.#options.changed();
  }

  /** A vendor function that throws is reported, never breaks the page. */
  #guard(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#options.error(`pega.cti.embeddedApi.${this.#options.vendor}.${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function describeFailure(error: unknown): string {
  const e = error as { errCode?: unknown; errMessage?: unknown } | undefined;
  if (e && typeof e.errMessage === 'string') return typeof e.errCode === 'string' ? `${e.errMessage} (${e.errCode})` : e.errMessage;
  if (error instanceof Error) return error.message;
  return error === undefined ? 'no reason given' : String(error);
}
