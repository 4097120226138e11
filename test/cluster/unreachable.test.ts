/** `opencti serve --cluster` refuses to start, exit code 2, naming NATS or PostgreSQL when it cannot reach it. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAll, serveRefused } from '../cli/serve-process.js';
import { NATS_URL } from '../helpers/cluster.js';

const PG_ADMIN = process.env.OPENCTI_TEST_DATABASE ?? 'postgres://root@127.0.0.1:5432/postgres';
const dbName = `opencti_unreachable_${randomBytes(4).toString('hex')}`;
const database = PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
const dir = mkdtempSync(join(tmpdir(), 'opencti-unreachable-'));

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(() => admin(`CREATE DATABASE ${dbName}`));

afterAll(async () => {
  killAll();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

it('exits 2 naming NATS when NATS cannot be reached', async () => {
  const { code, stderr } = await serveRefused(['--cluster', 'x', '--nats', 'nats://127.0.0.1:1', '--database', database, '--data-dir', join(dir, 'nats')]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
}, 30_000);

it('exits 2 naming PostgreSQL when the database cannot be reached', async () => {
  const { code, stderr } = await serveRefused(['--cluster', 'x', '--nats', NATS_URL, '--database', 'postgres://root@127.0.0.1:1/opencti', '--data-dir', join(dir, 'pg')]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/PostgreSQL at 127\.0\.0\.1:1\/opencti/);
}, 30_000);
