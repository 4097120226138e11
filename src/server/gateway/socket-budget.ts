/**
 * How much one socket may send: frames and bytes per second, each a token bucket holding one
 * second's worth, so that a burst (a reconnect, a resume) passes and a steady flood does not.
 */

export interface BudgetLimits {
  readonly framesPerSecond: number;
  readonly bytesPerSecond: number;
}

export interface OverBudget {
  readonly budget: 'frames' | 'bytes';
  readonly perSecond: number;
}

class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly perSecond: number,
    now: number,
  ) {
    this.#tokens = perSecond;
    this.#last = now;
  }

  /** Takes `amount` tokens when there are enough; refills at `perSecond` up to one second's worth. */
  take(amount: number, now: number): boolean {
    this.#tokens = Math.min(this.perSecond, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < amount) return false;
    this.#tokens -= amount;
    return true;
  }
}

export class SocketBudget {
  readonly #frames: TokenBucket;
  readonly #bytes: TokenBucket;

  /** `now` in milliseconds from a monotonic clock (performance.now()). */
  constructor(limits: BudgetLimits, now: number) {
    this.#frames = new TokenBucket(limits.framesPerSecond, now);
    this.#bytes = new TokenBucket(limits.bytesPerSecond, now);
  }

  /** Charges one frame of `bytes`; says which budget it broke, if any. */
  charge(bytes: number, now: number): OverBudget | undefined {
    if (!this.#frames.take(1, now)) return { budget: 'frames', perSecond: this.#frames.perSecond };
    if (!this.#bytes.take(bytes, now)) return { budget: 'bytes', perSecond: this.#bytes.perSecond };
    return undefined;
  }
}
