/**
 * In-dialog requests an agent's phone sends through Kamailio, and their final answers: a re-INVITE
 * that holds (`a=sendonly`/`a=inactive`) or resumes (any other SDP), an INFO that carries a DTMF
 * digit. The far end's final reply is what confirms hold, retrieve and DTMF sent as SIP INFO:
 * Kamailio reports the request (`hold`, `resume`, `info`) and then its reply (`indialog-reply`,
 * same Call-ID, From and CSeq). Requests wait on these through `watch`.
 */
import type { EvapiEvent } from '../kamailio-evapi.js';
import { sipUser } from './state.js';

export type InDialogKind = 'hold' | 'resume' | 'info';

export interface InDialogRequest {
  readonly kind: InDialogKind;
  readonly callid: string;
  /** SIP user of the sender (the From of the request). */
  readonly by: string;
  readonly cseq: string;
  /** The DTMF digit of an INFO (its `Signal=` line). */
  readonly signal?: string | undefined;
}

export interface InDialogOutcome extends InDialogRequest {
  /** The final reply's status code. */
  readonly code: number;
}

/** What one request waits for: requests and answers on the call's SIP dialogs, from the agent. */
export interface InDialogWatch {
  /** Matching requests seen since the watch began. */
  readonly sent: InDialogRequest[];
  /** Their final answers, in order. */
  readonly answered: InDialogOutcome[];
  close(): void;
}

interface WatchFilter {
  readonly kind: InDialogKind;
  readonly sipIds: ReadonlySet<string>;
  /** SIP users the agent's phone sends as (its extension, the user of its SIP URI). */
  readonly users: ReadonlySet<string>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const KINDS = new Set<string>(['hold', 'resume', 'info']);

export class InDialogTracker {
  /** Requests waiting for their final reply, by "callid cseq by". */
  private readonly open = new Map<string, InDialogRequest>();
  private readonly watches = new Set<WatchFilter & InDialogWatch>();

  /** A `hold`/`resume`/`info` event: returns the request; an `indialog-reply`: the answered request. */
  onEvent(e: EvapiEvent): InDialogOutcome | undefined {
    if (KINDS.has(e.ev)) {
      const request: InDialogRequest = { kind: e.ev as InDialogKind, callid: str(e.callid), by: sipUser(e.by), cseq: str(e.cseq), signal: e.ev === 'info' ? str(e.signal) : undefined };
      // a retransmission reaches the routing script again: the first one counts
      const key = `${request.callid} ${request.cseq} ${request.by}`;
      if (this.open.has(key)) return undefined;
      if (this.open.size > 1000) this.open.delete(this.open.keys().next().value as string);
      this.open.set(key, request);
      for (const w of this.watches) if (this.matches(w, request)) w.sent.push(request);
      return undefined;
    }
    if (e.ev !== 'indialog-reply') return undefined;
    const key = `${str(e.callid)} ${str(e.cseq)} ${sipUser(e.by)}`;
    const request = this.open.get(key);
    if (!request) return undefined;
    this.open.delete(key);
    const outcome: InDialogOutcome = { ...request, code: Number(e.code) };
    for (const w of this.watches) if (w.sent.includes(request)) w.answered.push(outcome);
    return outcome;
  }

  /** Starts collecting the agent's requests of `kind` on the call's dialogs (start it before the phone acts). */
  watch(filter: WatchFilter): InDialogWatch {
    const watch = {
      ...filter,
      sent: [] as InDialogRequest[],
      answered: [] as InDialogOutcome[],
      close: () => {
        this.watches.delete(watch);
      },
    };
    this.watches.add(watch);
    return watch;
  }

  private matches(w: WatchFilter, r: InDialogRequest): boolean {
    return w.kind === r.kind && w.sipIds.has(r.callid) && w.users.has(r.by);
  }
}

export const isSuccess = (code: number): boolean => code >= 200 && code < 300;
