import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';

export const NATS_URL = process.env.OPENCTI_TEST_NATS ?? 'nats://127.0.0.1:4222';
export const PG_URL = process.env.OPENCTI_TEST_DATABASE ?? 'postgres://root@127.0.0.1:5432/postgres';

/** A cluster name no other test uses. */
export function randomCluster(prefix = 't'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function natsConnect(): Promise<NatsConnection> {
  return connect({ servers: NATS_URL, name: 'opencti-cluster-infra-test' });
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Resolves when check() returns true, re-checked after each event the caller signals via poke(). */
export function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** A promise with its resolve function, for waiting on a callback. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
