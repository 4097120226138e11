/**
 * What only the PostgreSQL store has: its migrations table, several servers opening one new
 * database at once, the URL's password kept out of sight, and a server that goes away and comes back.
 */
import { describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../../src/server/store/index.js';
import { migratePostgres, PG_MIGRATIONS, type PgMigration } from '../../../src/server/store/postgres/migrations.js';
import { createPool, poolSql } from '../../../src/server/store/postgres/sql.js';
import { startProxy } from '../../helpers/proxy.js';
import { FAST_SCRYPT, open, postgres, rejected, tempDatabase } from './helpers.js';

const withUrl = (url: string, change: (u: URL) => void): string => {
  const parsed = new URL(url);
  change(parsed);
  return parsed.toString();
};

describe('PostgreSQL migrations', () => {
  it('apply once on a new database and not again on reopen', async () => {
    const url = await tempDatabase();
    const first = await open(postgres, { location: url, seed: false });
    expect(first.migration).toEqual({ from: 0, to: PG_MIGRATIONS.length, applied: PG_MIGRATIONS.map((m) => m.version) });
    await first.close();
    const second = await open(postgres, { location: url, seed: false });
    expect(second.migration).toEqual({ from: PG_MIGRATIONS.length, to: PG_MIGRATIONS.length, applied: [] });
    expect(await second.info()).toMatchObject({ backend: 'postgres', schemaVersion: PG_MIGRATIONS.length, serverVersion: expect.stringMatching(/^\d+/) });
    expect(await postgres.rows(url, 'SELECT version, name FROM schema_migrations ORDER BY version')).toEqual(
      PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
  });

  it('refuse a database written by a newer version (SCHEMA_TOO_NEW) or with migrations not ours (SCHEMA_MISMATCH)', async () => {
    const url = await tempDatabase();
    await (await openStore(url, { seed: false })).close();
    await postgres.rows(url, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${PG_MIGRATIONS.length + 1}, 'from the future', 0)`);
    const tooNew = await rejected(openStore(url));
    expect(tooNew).toBeInstanceOf(StoreError);
    expect(tooNew).toMatchObject({ code: 'SCHEMA_TOO_NEW' });
    expect((tooNew as Error).message).toMatch(new RegExp(`schema version ${PG_MIGRATIONS.length + 1}.*only knows up to ${PG_MIGRATIONS.length}`));

    await postgres.rows(url, `DELETE FROM schema_migrations WHERE version > ${PG_MIGRATIONS.length}`);
    await postgres.rows(url, "UPDATE schema_migrations SET name = 'something else' WHERE version = 1");
    expect(await rejected(openStore(url))).toMatchObject({ code: 'SCHEMA_MISMATCH' });
  });

  it('roll back a failing migration whole and keep the ones before it', async () => {
    const url = await tempDatabase();
    const pool = createPool(url, { size: 2, connectTimeoutMs: 5000 });
    try {
      const sql = poolSql(pool);
      const steps: PgMigration[] = [
        { version: 1, name: 'one', up: 'CREATE TABLE t (x integer)' },
        { version: 2, name: 'two', up: 'INSERT INTO t VALUES (2)' },
      ];
      const failing: PgMigration = { version: 3, name: 'fails halfway', up: 'INSERT INTO t VALUES (30); INSERT INTO no_such_table VALUES (1)' };
      expect((await migratePostgres(sql, 'test', steps)).applied).toEqual([1, 2]);
      const err = await rejected(migratePostgres(sql, 'test', [...steps, failing]));
      expect(err).toMatchObject({ code: 'MIGRATION_FAILED', message: expect.stringContaining('migration 3 ("fails halfway")') });
      expect(await sql.rows('SELECT x FROM t')).toEqual([{ x: 2 }]);
      expect(await sql.rows('SELECT max(version) AS v FROM schema_migrations')).toEqual([{ v: 2 }]);
    } finally {
      await pool.end();
    }
  });
});

describe('several servers opening one new PostgreSQL database at the same moment', () => {
  it('migrate it once and seed it once', async () => {
    const url = await tempDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => open(postgres, { location: url })));
    expect(stores.filter((s) => s.seeded)).toHaveLength(1);
    expect(stores.flatMap((s) => s.migration.applied).sort()).toEqual(PG_MIGRATIONS.map((m) => m.version));
    for (const s of stores) expect((await s.listAgents()).map((a) => a.agentId)).toEqual(['agent1', 'agent2', 'agent3', 'agent4']);
    expect(await stores[4]!.listQueues()).toHaveLength(2);
  });

  it('apply a batch of a log replayed by two of them at once only once', async () => {
    const url = await tempDatabase();
    const [a, b] = await Promise.all([open(postgres, { location: url }), open(postgres, { location: url })]);
    const batch = [
      { kind: 'queued' as const, callId: 'shared-log', at: 1, ani: '+12025550101' },
      { kind: 'offered' as const, callId: 'shared-log', at: 2, ani: '+12025550101', agentId: 'agent1' },
    ];
    await Promise.all([a!.recordCallEvents(batch, { log: 'calls', seq: 2 }), b!.recordCallEvents(batch, { log: 'calls', seq: 2 })]);
    expect((await a!.getInteractionByCallId('shared-log'))?.timeline.map((e) => e.kind)).toEqual(['queued', 'offered']);
    expect(await b!.recordedPosition('calls')).toBe(2);
  });
});

describe('the PostgreSQL URL', () => {
  it('is the location, its password masked', async () => {
    const url = withUrl(await tempDatabase(), (u) => (u.password = 'top-secret'));
    const store = await open(postgres, { location: url, seed: false });
    expect(store.location).not.toContain('top-secret');
    expect(store.location).toContain(':***@');
    expect(store.backend).toBe('postgres');
    expect(JSON.stringify(await store.info())).not.toContain('top-secret');
  });

  it('opens PostgreSQL for postgresql:// too', async () => {
    const url = withUrl(await tempDatabase(), (u) => (u.protocol = 'postgresql:'));
    expect((await open(postgres, { location: url, seed: false })).backend).toBe('postgres');
  });

  it('names a missing database with OPEN_FAILED and an unreachable server with UNAVAILABLE, never the password', async () => {
    const missing = withUrl(await tempDatabase(), (u) => (u.pathname = '/opencti_test_never_created'));
    const err = await rejected(openStore(missing, { seed: false }));
    expect(err).toMatchObject({ code: 'OPEN_FAILED', message: expect.stringContaining('opencti_test_never_created') });

    const proxy = await startProxy(5432);
    proxy.refuse = true;
    try {
      const down = withUrl(missing, (u) => {
        u.port = String(proxy.port);
        u.password = 'top-secret';
      });
      const unreachable = await rejected(openStore(down, { seed: false }));
      expect(unreachable).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('PostgreSQL') });
      expect((unreachable as Error).message).not.toContain('top-secret');
    } finally {
      await proxy.close();
    }
  });
});

describe('a PostgreSQL store whose server goes away and comes back', () => {
  it('fails ping and calls with UNAVAILABLE while it is away, and works again once it is back', async () => {
    const url = await tempDatabase();
    const proxy = await startProxy(5432);
    let store: Store | undefined;
    try {
      store = await openStore(withUrl(url, (u) => (u.port = String(proxy.port))), { scrypt: FAST_SCRYPT, connectTimeoutMs: 2000 });
      await store.ping();

      proxy.refuse = true;
      proxy.cut();
      const down = await rejected(store.ping());
      expect(down).toBeInstanceOf(StoreError);
      expect(down).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/PostgreSQL at 127\.0\.0\.1:\d+\/opencti_test_\w+ is unreachable/) });
      expect(await rejected(store.getAgent('agent1'))).toMatchObject({ code: 'UNAVAILABLE' });
      expect(await rejected(store.recordCallEvent({ kind: 'queued', callId: 'while-away', at: 1, ani: '+1' }))).toMatchObject({ code: 'UNAVAILABLE' });

      proxy.refuse = false;
      await store.ping();
      expect((await store.getAgent('agent1'))?.displayName).toBe('Alice Martin');
      await store.recordCallEvent({ kind: 'queued', callId: 'after', at: 2, ani: '+1' });
      expect((await store.listInteractions()).map((i) => i.callId)).toEqual(['after']);
    } finally {
      await store?.close();
      await proxy.close();
    }
  });

  it('fails ping with CLOSED once its pool is closed', async () => {
    const store = await open(postgres, { seed: false });
    await store.ping();
    await store.close();
    const err = await rejected(store.ping());
    expect(err).toMatchObject({ code: 'CLOSED' });
  });
});
