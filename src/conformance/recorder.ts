/**
 * Records everything an implementation forwards, in arrival order and with the time it came,
 * validates each event, and waits for expected ones. An event that breaks the schema is kept
 * with its problems, so a wait that times out can say what came instead. Strict intake checks the
 * contract's shapes; lenient intake takes events as a session with `events: "lenient"` does
 * (vendor state names, bare call events filled from the call already seen).
 */
import type { EventIntake } from '../framework/schema/context.js';
import type { OpenCtiEvent } from '../framework/schema/events.js';
import { validateIncomingEvent, type KnownCallFacts } from '../framework/schema/lenient.js';
import { describeProblems, type ValidationProblem } from '../framework/schema/validate.js';

export type AnyEvent = OpenCtiEvent & Record<string, unknown>;

export interface Arrival {
  /** Milliseconds since the recorder was made. */
  readonly at: number;
  readonly raw: unknown;
  /** The event, when it passed the schema. */
  readonly event?: AnyEvent;
  /** Why it did not, with JSON paths. */
  readonly problems?: readonly ValidationProblem[];
}

/** "SnapshotEvent/Snapshot", or whatever of it can be named. */
export function nameOf(raw: unknown): string {
  const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const part = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '?' : JSON.stringify(v));
  return `${part(e.pyEventType)}/${part(e.pyEventName)}`;
}

/** One line for a rejected event: what it was and every problem with its JSON path. */
export const describeRejected = (arrival: Arrival): string => `${nameOf(arrival.raw)}: ${describeProblems(arrival.problems ?? [])}`;

export class EventRecorder {
  readonly arrivals: Arrival[] = [];
  readonly #start = performance.now();
  readonly #onArrival: ((arrival: Arrival) => void) | undefined;
  #waiters: { match: (e: AnyEvent) => boolean; resolve: (e: AnyEvent) => void }[] = [];

  readonly #intake: EventIntake;

  /** `onArrival` hears every event as it comes (for --verbose). */
  constructor(onArrival?: (arrival: Arrival) => void, intake: EventIntake = 'strict') {
    this.#onArrival = onArrival;
    this.#intake = intake;
  }

  /** Milliseconds since the recorder was made: the clock of the whole run. */
  now(): number {
    return Math.round(performance.now() - this.#start);
  }

  /** The events that passed the schema, in order. */
  get events(): AnyEvent[] {
    return this.arrivals.flatMap((a) => (a.event ? [a.event] : []));
  }

  /** The events that did not. */
  get rejected(): Arrival[] {
    return this.arrivals.filter((a) => !a.event);
  }

  /** The function handed to the implementation as `forwardEvent`. */
  readonly forward = (raw: unknown): void => {
    const checked = validateIncomingEvent(raw, this.#intake, (callId) => this.#knownCall(callId));
    const arrival: Arrival = checked.ok ? { at: this.now(), raw, event: checked.value as AnyEvent } : { at: this.now(), raw, problems: checked.problems };
    this.arrivals.push(arrival);
    this.#onArrival?.(arrival);
    const event = arrival.event;
    if (!event) return;
    this.#waiters = this.#waiters.filter((w) => (w.match(event) ? (w.resolve(event), false) : true));
  };

  /** The facts of the last event recorded about a call, to fill a bare event about it. */
  #knownCall(callId: string): KnownCallFacts | undefined {
    const events = this.events;
    for (let i = events.length - 1; i >= 0; i -= 1) {
      const event = events[i];
      if (event?.pyEventType === 'CallStateEvent' && event.pyCallId === callId) return event as KnownCallFacts;
    }
    return undefined;
  }

  /** Where the next wait starts looking: arrivals before the mark are not considered. */
  mark(): number {
    return this.arrivals.length;
  }

  /** The valid events from `since` on. */
  eventsSince(since: number): AnyEvent[] {
    return this.arrivals.slice(since).flatMap((a) => (a.event ? [a.event] : []));
  }

  /** Resolves with the first valid event from `since` on that matches; rejects after `ms` naming `what` and what came instead. */
  waitFor(since: number, match: (e: AnyEvent) => boolean, what: string, ms: number): Promise<AnyEvent> {
    const seen = this.eventsSince(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (e: AnyEvent) => (clearTimeout(timer), resolve(e)) };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${ms} ms (${this.describeSince(since)})`));
      }, ms);
      this.#waiters.push(waiter);
    });
  }

  /** What arrived since `since`: the valid events by name, and every rejected one with its problems. */
  describeSince(since: number): string {
    const arrivals = this.arrivals.slice(since);
    const valid = arrivals.filter((a) => a.event).map((a) => nameOf(a.raw));
    const rejected = arrivals.filter((a) => !a.event).map(describeRejected);
    const seen = `events seen since the request: ${valid.join(', ') || 'none'}`;
    return rejected.length ? `${seen}; rejected as breaking the schema: ${rejected.join(' | ')}` : seen;
  }
}

export const isCallEvent = (name: string | readonly string[], callId?: string) => (e: AnyEvent) =>
  e.pyEventType === 'CallStateEvent' &&
  (typeof name === 'string' ? e.pyEventName === name : name.includes(e.pyEventName)) &&
  (callId === undefined || e.pyCallId === callId);

export const isAgentEvent = (name: string) => (e: AnyEvent) => e.pyEventType === 'AgentStateEvent' && e.pyEventName === name;

export const isSnapshot = (e: AnyEvent) => e.pyEventType === 'SnapshotEvent';
