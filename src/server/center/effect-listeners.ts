/**
 * The listeners of a driver's effects. Delivery runs for every effect of every input, so it
 * allocates nothing: the list is copied when a listener comes or goes, which is rare, and a
 * delivery walks the list as it was when it began.
 */
import type { Effect } from './center.js';

interface Entry {
  readonly listener: (effect: Effect) => void;
  live: boolean;
}

export class EffectListeners {
  private entries: readonly Entry[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Subscribes; the function returned unsubscribes (again: nothing). Each call is its own subscription. */
  add(listener: (effect: Effect) => void): () => void {
    const entry: Entry = { listener, live: true };
    this.entries = [...this.entries, entry];
    return () => {
      if (!entry.live) return;
      entry.live = false;
      this.entries = this.entries.filter((e) => e !== entry);
    };
  }

  /**
   * Gives the effect to every listener, in subscription order. One added meanwhile gets the next
   * effect, not this one; one removed meanwhile (by itself or another) gets nothing more.
   */
  deliver(effect: Effect): void {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry;
      if (entry.live) entry.listener(effect);
    }
  }
}
