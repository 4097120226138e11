/**
 * The switch's clock when the switch is driven by a log of inputs: `now()` is the time written in
 * the entry being applied, and a timer fires only when an entry says so. Every replica that applies
 * the same entries sees the same times and the same timer ids, so they all hold the same state.
 * Whoever leads arms real timers for the pending ones (`arming`) and logs each firing.
 */
import type { Clock } from '../switch/types.js';

export interface PendingTimer {
  readonly id: number;
  /** Time (ms since the epoch, entry time) at which it falls due. */
  readonly due: number;
}

/** Told of timers as they are set and cleared, to arm real ones; only the node that leads listens. */
export interface TimerArming {
  set(timer: PendingTimer): void;
  clear(id: number): void;
}

export class LogClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { due: number; fn: () => void }>();
  arming: TimerArming | undefined;

  now(): number {
    return this.#now;
  }

  /** Moves to the time of the entry about to be applied; never backwards (leaders' clocks differ). */
  advanceTo(at: number): void {
    if (Number.isFinite(at) && at > this.#now) this.#now = at;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    const due = this.#now + (Number.isFinite(ms) && ms > 0 ? ms : 0);
    this.#timers.set(id, { due, fn });
    this.arming?.set({ id, due });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle !== 'number' || !this.#timers.delete(handle)) return;
    this.arming?.clear(handle);
  }

  /** Runs timer `id` (an entry said it fired); false when it was cleared or already ran. */
  fire(id: number): boolean {
    const timer = this.#timers.get(id);
    if (!timer) return false;
    this.#timers.delete(id);
    timer.fn();
    return true;
  }

  pending(): PendingTimer[] {
    return [...this.#timers].map(([id, { due }]) => ({ id, due }));
  }
}
