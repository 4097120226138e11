/**
 * The login guard's memory stays bounded whatever ids and addresses an attacker makes up (what a
 * real server would take hours of hashing to show), on a manual clock.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLoginGuard, DEFAULT_LOGIN_LIMITS } from '../../../src/server/gateway/login-guard.js';

async function tracked(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('opencti_login_tracked')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.kind), v.value]));
}

describe('the login guard', () => {
  it('remembers at most maxTracked agent ids and addresses: the least recently seen are forgotten first', async () => {
    const registry = new Registry();
    const guard = createLoginGuard({ ...DEFAULT_LOGIN_LIMITS, maxTracked: 100, failuresBeforeLockout: 1, lockoutMs: 0 }, registry, () => 1000);
    guard.failed('agent1', '10.0.0.1');
    for (let i = 0; i < 5000; i++) {
      guard.failed(`made-up-${i}`, `10.1.${i >> 8}.${i & 255}`);
      if (i % 50 === 0) expect(guard.status('agent1').locked).toBe(true); // read: kept as recently seen
    }
    expect(await tracked(registry)).toEqual({ agent: 100, address: 100 });
    expect(guard.status('made-up-4999')).toMatchObject({ failedLogins: 1, locked: true });
    expect(guard.status('made-up-0')).toMatchObject({ failedLogins: 0, locked: false });
  });

  it('forgets failures after forgetAfterMs without another, but not a lockout that has not ended', () => {
    let now = 0;
    const guard = createLoginGuard({ ...DEFAULT_LOGIN_LIMITS, forgetAfterMs: 1000, failuresBeforeLockout: 2, lockoutMs: 0 }, new Registry(), () => now);
    guard.failed('a', 'x');
    now = 2000;
    expect(guard.status('a').failedLogins).toBe(0);
    guard.failed('b', 'x');
    guard.failed('b', 'x');
    now = 1_000_000;
    expect(guard.status('b')).toMatchObject({ failedLogins: 2, locked: true, lockedUntil: null });
    expect(() => guard.admit('b', 'y')).toThrow('agent "b" is locked after 2 failed logins until an administrator unlocks it');
    guard.unlock('b');
    expect(() => guard.admit('b', 'y')).not.toThrow();
  });
});
