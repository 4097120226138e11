/**
 * Recent events from one source, with waiting on a condition: `waitFor` looks at what already
 * arrived first, so a fast event is never missed between an action and the wait for its result.
 * When the source goes away every waiter fails at once with the reason, instead of timing out.
 */
import { SipControlError } from './errors.js';

interface Waiter<T> {
  predicate: (event: T) => boolean;
  resolve: (event: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class EventLog<T> {
  private readonly events: T[] = [];
  /** Number of events pushed so far (also the sequence number of the next one, minus one). */
  private pushed = 0;
  private readonly waiters = new Set<Waiter<T>>();
  private failure: Error | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly limit = 2000,
  ) {}

  push(event: T): void {
    this.pushed += 1;
    this.events.push(event);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(event)) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(event);
      }
    }
  }

  /** A mark for `waitFor(…, since)`: only events pushed after this call count. */
  mark(): number {
    return this.pushed;
  }

  /** Every retained event, oldest first. */
  all(): readonly T[] {
    return this.events;
  }

  find(predicate: (event: T) => boolean): T | undefined {
    return this.events.find(predicate);
  }

  /** Forgets what arrived so far (e.g. between two test steps). */
  clear(): void {
    this.events.length = 0;
  }

  /**
   * Resolves with the first retained or future event that matches. Rejects after `timeoutMs`
   * (the message names `what` and lists the last events) or when the source fails. With `since`
   * (from mark()), events that arrived before the mark are not considered.
   */
  waitFor(predicate: (event: T) => boolean, what: string, timeoutMs = 5000, since?: number): Promise<T> {
    const skip = since === undefined ? 0 : Math.max(0, this.events.length - (this.pushed - since));
    const seen = this.events.slice(skip).find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const recent = this.events.slice(-8).map((e) => JSON.stringify(e)).join('\n  ');
          reject(new SipControlError('timeout', this.endpoint, `no ${what} within ${timeoutMs} ms; last events:\n  ${recent || '(none)'}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Fails every pending and future wait with `err` (the source is gone). */
  fail(err: Error): void {
    this.failure = err;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
    this.waiters.clear();
  }
}
