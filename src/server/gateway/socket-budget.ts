/**
 * How much one socket may send: frames and bytes per second, each a token bucket holding one
 * second's worth, so that a burst (a reconnect, a resume) passes and a steady flood does not.
 */

export interface BudgetLimits {
  readonly framesPerSecond: number;
  readonly bytesPerSecond: number;
}

export interface OverBudget {
  readonly budget: 'frames' | 'bytes' | 'anonymousBytes' | 'sessionBytes';
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

/**
 * Bytes per second that the sockets of one remote address not logged in may send together. Each
 * socket's own budget stays under it, but many sockets (one address may open hundreds) would not:
 * parsing and checking hostile frames costs about 250 ns a byte, so a few dozen full budgets stall
 * the server for everyone. Logged-in sockets are not charged, so desktops behind one NAT share
 * nothing but their logins. An entry lives while its address has a socket open.
 */
export class AddressBudgets {
  readonly #entries = new Map<string, { bucket: TokenBucket; sockets: number }>();

  constructor(private readonly bytesPerSecond: number) {}

  join(address: string, now: number): void {
    const entry = this.#entries.get(address);
    if (entry) entry.sockets++;
    else this.#entries.set(address, { bucket: new TokenBucket(this.bytesPerSecond, now), sockets: 1 });
  }

  leave(address: string): void {
    const entry = this.#entries.get(address);
    if (entry && --entry.sockets === 0) this.#entries.delete(address);
  }

  /** Charges a frame of a socket not logged in; says so when the address is over its budget. */
  charge(address: string, bytes: number, now: number): OverBudget | undefined {
    const entry = this.#entries.get(address);
    if (!entry || entry.bucket.take(bytes, now)) return undefined;
    return { budget: 'anonymousBytes', perSecond: this.bytesPerSecond };
  }

  /** Addresses with a socket open, for tests and metrics. */
  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Bytes per second that the sockets of one agent session may send together. Anyone holding a
 * session token can attach many sockets with `resume`, each within its own budget: without this,
 * one token multiplies the per-socket budget. An entry lives as long as its session object.
 */
export class SessionBudgets {
  readonly #buckets = new WeakMap<object, TokenBucket>();

  constructor(private readonly bytesPerSecond: number) {}

  /** Charges a frame of a socket attached to `session`; says so when the session is over its budget. */
  charge(session: object, bytes: number, now: number): OverBudget | undefined {
    let bucket = this.#buckets.get(session);
    if (!bucket) this.#buckets.set(session, (bucket = new TokenBucket(this.bytesPerSecond, now)));
    return bucket.take(bytes, now) ? undefined : { budget: 'sessionBytes', perSecond: this.bytesPerSecond };
  }
}
