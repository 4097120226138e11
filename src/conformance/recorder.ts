/**
 * Records what an implementation forwards, validates each event, and waits for expected ones.
 * Strict intake checks the contract's shapes; lenient intake takes events as a session with
 * `events: "lenient"` does (vendor state names, bare call events filled from the call already seen).
 */
import type { EventIntake } from '../framework/schema/context.js';
import type { OpenCtiEvent } from '../framework/schema/events.js';
import { validateIncomingEvent, type KnownCallFacts } from '../framework/schema/lenient.js';
import { describeProblems } from '../framework/schema/validate.js';

export type AnyEvent = OpenCtiEvent & Record<string, unknown>;

export class EventRecorder {
  readonly events: AnyEvent[] = [];
  readonly invalid: string[] = [];
  #waiters: { match: (e: AnyEvent) => boolean; resolve: (e: AnyEvent) => void }[] = [];
  readonly #intake: EventIntake;

  constructor(intake: EventIntake = 'strict') {
    this.#intake = intake;
  }

  /** The function handed to the implementation as `forwardEvent`. */
  readonly forward = (raw: unknown): void => {
    const checked = validateIncomingEvent(raw, this.#intake, (callId) => this.#knownCall(callId));
    if (!checked.ok) {
      this.invalid.push(`${JSON.stringify(raw)?.slice(0, 200)}: ${describeProblems(checked.problems)}`);
      return;
    }
    const event = checked.value as AnyEvent;
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => (w.match(event) ? (w.resolve(event), false) : true));
  };

  /** The facts of the last event recorded about a call, to fill a bare event about it. */
  #knownCall(callId: string): KnownCallFacts | undefined {
    for (let i = this.events.length - 1; i >= 0; i -= 1) {
      const event = this.events[i];
      if (event?.pyEventType === 'CallStateEvent' && event.pyCallId === callId) return event as KnownCallFacts;
    }
    return undefined;
  }

  /** Where the next wait starts looking: events before the mark are not considered. */
  mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event from `since` on that matches; rejects after `ms` naming `what`. */
  waitFor(since: number, match: (e: AnyEvent) => boolean, what: string, ms: number): Promise<AnyEvent> {
    const seen = this.events.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (e: AnyEvent) => (clearTimeout(timer), resolve(e)) };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const recent = this.events.slice(since).map((e) => `${e.pyEventType}/${e.pyEventName}`).join(', ') || 'none';
        reject(new Error(`no ${what} within ${ms} ms (events seen since the request: ${recent})`));
      }, ms);
      this.#waiters.push(waiter);
    });
  }
}

export const isCallEvent = (name: string | readonly string[], callId?: string) => (e: AnyEvent) =>
  e.pyEventType === 'CallStateEvent' &&
  (typeof name === 'string' ? e.pyEventName === name : name.includes(e.pyEventName)) &&
  (callId === undefined || e.pyCallId === callId);

export const isAgentEvent = (name: string) => (e: AnyEvent) => e.pyEventType === 'AgentStateEvent' && e.pyEventName === name;

export const isSnapshot = (e: AnyEvent) => e.pyEventType === 'SnapshotEvent';
