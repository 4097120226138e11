/**
 * What stands before the password check: failed logins per agent id and per remote address with
 * a growing delay, the lockout of an agent id after repeated failures, and a small gate that lets
 * only a few password hashes (scrypt, deliberately slow) run at once across the server.
 *
 * All of it lives in memory, in maps of bounded size: an attacker cycling through ids or
 * addresses pushes out the oldest entries instead of growing the server. A restart forgets it.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { ProtocolError } from './operations.js';

export interface LoginLimits {
  /** Password hashes running at once across the server; more wait their turn. */
  readonly maxConcurrentHashes: number;
  /** Failures of one agent id allowed before each next attempt must wait. */
  readonly failuresBeforeBackoff: number;
  /** Failures from one remote address allowed before each next attempt must wait. */
  readonly addressFailuresBeforeBackoff: number;
  /** First delay after the allowance; it doubles with each failure up to backoffMaxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Failures of one agent id in a row that lock it. */
  readonly failuresBeforeLockout: number;
  /** How long a lockout lasts; 0 = until an administrator unlocks the agent. */
  readonly lockoutMs: number;
  /** Failures are forgotten after this long without a new one. */
  readonly forgetAfterMs: number;
  /** Agent ids and addresses remembered at most (each); the least recently seen go first. */
  readonly maxTracked: number;
}

/** The same as the server configuration's `login` defaults (src/server/config.ts). */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  maxConcurrentHashes: 2,
  failuresBeforeBackoff: 3,
  addressFailuresBeforeBackoff: 20,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  failuresBeforeLockout: 10,
  lockoutMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxTracked: 10_000,
};

/** An agent's failed logins as an administrator sees them. */
export interface LoginStatus {
  /** Failed logins in a row, forgotten after forgetAfterMs without another. */
  readonly failedLogins: number;
  readonly locked: boolean;
  /** ISO time the lockout ends; null when not locked or locked until an administrator unlocks. */
  readonly lockedUntil: string | null;
}

/** The refusal of a login before the password is looked at; the error object carries retryAfterMs. */
export class LoginRefused extends ProtocolError {
  constructor(
    errCode: 'OPENCTI_LOGIN_THROTTLED' | 'OPENCTI_AGENT_LOCKED',
    errMessage: string,
    readonly retryAfterMs?: number,
  ) {
    super(errCode, errMessage);
  }
}

interface Failures {
  count: number;
  lastAt: number;
  /** No attempt is looked at before this time. */
  notBefore: number;
  /** Locked until this time; Infinity = until an administrator unlocks. */
  lockedUntil: number;
}

/** A Map used as an LRU: reading or writing an entry makes it the newest; past `max` the oldest goes. */
class Recent<V> {
  readonly #map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value as string);
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
  get size(): number {
    return this.#map.size;
  }
}

/** At most `limit` tasks at once, the others in arrival order. */
class Gate {
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  get running(): number {
    return this.#running;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next task, so that a newcomer cannot jump the queue.
      if (next) next();
      else this.#running--;
    }
  }
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export interface LoginGuard {
  /** Throws LoginRefused when the agent id is locked or the agent id or address must still wait. */
  admit(agentId: string, address: string): void;
  /**
   * Runs `check` (the password hash) when a slot is free. At its turn, `wanted()` false (the
   * socket has gone) drops it unhashed (undefined), and admit() runs again: attempts queued
   * together must not outrun the backoff.
   */
  verify(agentId: string, address: string, wanted: () => boolean, check: () => boolean | Promise<boolean>): Promise<boolean | undefined>;
  failed(agentId: string, address: string): void;
  succeeded(agentId: string): void;
  status(agentId: string): LoginStatus;
  /** Clears the agent id's failures and lockout. */
  unlock(agentId: string): void;
}

export function createLoginGuard(limits: LoginLimits, registry: Registry, now: () => number = Date.now): LoginGuard {
  const agents = new Recent<Failures>(limits.maxTracked);
  const addresses = new Recent<Failures>(limits.maxTracked);
  const gate = new Gate(limits.maxConcurrentHashes);

  const hashes = new Counter({ name: 'opencti_login_hashes_total', help: 'Password hashes run for logins', registers: [registry] });
  const dropped = new Counter({
    name: 'opencti_login_checks_dropped_total',
    help: 'Queued password checks dropped unhashed because their socket had gone',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'opencti_login_refused_total',
    help: 'Logins refused before the password check',
    labelNames: ['reason'],
    registers: [registry],
  });
  new Gauge({
    name: 'opencti_login_tracked',
    help: 'Agent ids and addresses whose failed logins are remembered',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.set({ kind: 'agent' }, agents.size);
      this.set({ kind: 'address' }, addresses.size);
    },
  });
  const peak = new Gauge({ name: 'opencti_login_hashes_peak', help: 'Most password hashes seen running at once', registers: [registry] });
  let peakSeen = 0;

  /** The entry, unless its failures are old enough to forget. */
  const current = (map: Recent<Failures>, key: string, at: number): Failures | undefined => {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    const locked = entry.lockedUntil > at;
    if (!locked && at - entry.lastAt > limits.forgetAfterMs) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };

  const record = (map: Recent<Failures>, key: string, allowance: number, at: number): Failures => {
    const entry = current(map, key, at) ?? { count: 0, lastAt: at, notBefore: 0, lockedUntil: 0 };
    entry.count++;
    entry.lastAt = at;
    const over = entry.count - allowance;
    if (over > 0) entry.notBefore = at + Math.min(limits.backoffBaseMs * 2 ** Math.min(over - 1, 30), limits.backoffMaxMs);
    map.set(key, entry);
    return entry;
  };

  const admit = (agentId: string, address: string): void => {
    const at = now();
    const agent = current(agents, agentId, at);
    if (agent && agent.lockedUntil > at) {
      refused.inc({ reason: 'locked' });
      const until =
        agent.lockedUntil === Infinity
          ? 'until an administrator unlocks it'
          : `until ${new Date(agent.lockedUntil).toISOString()} (retry in ${seconds(agent.lockedUntil - at)} s); an administrator can unlock it sooner`;
      throw new LoginRefused(
        'OPENCTI_AGENT_LOCKED',
        `agent "${agentId}" is locked after ${agent.count} failed logins ${until}`,
        agent.lockedUntil === Infinity ? undefined : agent.lockedUntil - at,
      );
    }
    const byAddress = current(addresses, address, at);
    const wait = Math.max(agent && agent.notBefore > at ? agent.notBefore - at : 0, byAddress && byAddress.notBefore > at ? byAddress.notBefore - at : 0);
    if (wait > 0) {
      refused.inc({ reason: 'throttled' });
      const who = agent && agent.notBefore - at === wait ? `agent "${agentId}"` : 'this address';
      throw new LoginRefused('OPENCTI_LOGIN_THROTTLED', `too many failed logins for ${who}: retry in ${seconds(wait)} s`, wait);
    }
  };

  return {
    admit,

    verify(agentId, address, wanted, check) {
      return gate.run(async () => {
        if (!wanted()) {
          dropped.inc();
          return undefined;
        }
        admit(agentId, address);
        hashes.inc();
        if (gate.running > peakSeen) peak.set((peakSeen = gate.running));
        return check();
      });
    },

    failed(agentId, address) {
      const at = now();
      const agent = record(agents, agentId, limits.failuresBeforeBackoff, at);
      if (agent.count >= limits.failuresBeforeLockout) agent.lockedUntil = limits.lockoutMs === 0 ? Infinity : at + limits.lockoutMs;
      record(addresses, address, limits.addressFailuresBeforeBackoff, at);
    },

    succeeded(agentId) {
      agents.delete(agentId);
    },

    status(agentId) {
      const at = now();
      const agent = current(agents, agentId, at);
      if (!agent) return { failedLogins: 0, locked: false, lockedUntil: null };
      const locked = agent.lockedUntil > at;
      return { failedLogins: agent.count, locked, lockedUntil: locked && agent.lockedUntil !== Infinity ? new Date(agent.lockedUntil).toISOString() : null };
    },

    unlock(agentId) {
      agents.delete(agentId);
    },
  };
}
