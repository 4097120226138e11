/** /healthz answers, naming the store, when PostgreSQL goes silent (a partition) rather than away. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { healthReport } from '../../src/server/http/routes/ops.js';
import type { HttpApiDeps } from '../../src/server/http/context.js';
import { openStore, type Store } from '../../src/server/store/index.js';
import { startProxy, type CuttableProxy } from '../helpers/proxy.js';

const PG_ADMIN = process.env.OPENCTI_TEST_DATABASE ?? 'postgres://root@127.0.0.1:5432/postgres';
const dbName = `opencti_health_${randomBytes(4).toString('hex')}`;
let proxy: CuttableProxy;
let store: Store;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`CREATE DATABASE ${dbName}`);
  proxy = await startProxy(5432);
  store = await openStore(PG_ADMIN.replace(/\/\/([^/]*):5432\/[^/]*$/, `//$1:${proxy.port}/${dbName}`));
}, 30_000);

afterAll(async () => {
  await proxy?.close();
  await store?.close().catch(() => undefined);
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}, 30_000);

it('a store that stops answering is reported down after the probe deadline, not waited on', async () => {
  const sw = { calls: () => [], agents: () => [] } as unknown as HttpApiDeps['switch'];
  expect((await healthReport({ store, switch: sw })).status).toBe('ok');

  // The open connections stop carrying bytes: the store's next query waits for ever.
  proxy.freeze();
  const report = await healthReport({ store, switch: sw });
  expect(report.down).toEqual(['store']);
  expect(report.checks.store.error).toMatch(/no answer within \d+ ms/);
}, 30_000);

it('the store serves again once a silent PostgreSQL answers again: the queries caught in the silence give their connections up', async () => {
  const url = PG_ADMIN.replace(/\/\/([^/]*):5432\/[^/]*$/, `//$1:${proxy.port}/${dbName}`);
  // Two connections at most: two queries caught in the silence would hold the whole pool.
  const small = await openStore(url, { poolSize: 2, queryTimeoutMs: 1000 });
  try {
    await Promise.all([small.ping(), small.ping()]);
    proxy.refuse = true;
    proxy.freeze();
    await expect(Promise.all([small.ping(), small.ping()])).rejects.toThrow(/PostgreSQL .* unreachable/);
    proxy.refuse = false;
    await expect.poll(async () => small.ping().then(() => 'up', (error: Error) => error.message), { timeout: 10_000 }).toBe('up');
  } finally {
    await small.close().catch(() => undefined);
  }
}, 30_000);
