/**
 * The SQLite file's own opening and migrations (WAL, pragmas, user_version, a file that is not a
 * database): SQLite only. PostgreSQL's migrations are tested in postgres.test.ts.
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/server/store/db.js';
import { MIGRATIONS, migrate, type Migration } from '../../../src/server/store/migrations.js';
import { openStore, StoreError } from '../../../src/server/store/index.js';
import { FAST_SCRYPT, openSqlite as open, rejected, tempFile } from './helpers.js';

const raw = (file: string) => new Database(file, { readonly: true });

describe('opening a store', () => {
  it('uses WAL, synchronous NORMAL by default (FULL on request), foreign keys and a busy timeout', async () => {
    const store = await open({ seed: false });
    expect(await store.info()).toMatchObject({ journalMode: 'wal', synchronous: 'NORMAL', foreignKeys: true, busyTimeoutMs: 5000 });
    const full = await open({ seed: false, synchronous: 'FULL', busyTimeoutMs: 250 });
    expect(await full.info()).toMatchObject({ synchronous: 'FULL', busyTimeoutMs: 250 });
  });

  it('creates the folder of the file when missing', async () => {
    const file = `${tempFile('unused')}-dir/nested/store.db`;
    expect((await open({ file, seed: false }).then((st) => st.info())).schemaVersion).toBe(MIGRATIONS.length);
  });

  it('refuses a file that is not a SQLite database with OPEN_FAILED', async () => {
    const file = tempFile('garbage.db');
    writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    const err = await rejected(openStore(file));
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'OPEN_FAILED' });
    expect((err as Error).message).toContain('garbage.db');
  });

  it('refuses bad options with INVALID', async () => {
    expect(await rejected(openStore(tempFile(), { busyTimeoutMs: -1 }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(openStore(''))).toMatchObject({ code: 'INVALID' });
  });
});

describe('migrations', () => {
  it('apply once on a new file and not again on reopen', async () => {
    const file = tempFile();
    const first = await openStore(file, { seed: false });
    expect(first.migration).toEqual({ from: 0, to: MIGRATIONS.length, applied: MIGRATIONS.map((m) => m.version) });
    await first.close();
    const second = await openStore(file, { seed: false });
    expect(second.migration).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
    await second.close();

    const db = raw(file);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('migration 3 keeps the agents of a version 1 file to their own extension', async () => {
    const file = tempFile();
    const v1 = openDatabase(file);
    migrate(v1, MIGRATIONS.slice(0, 1));
    v1.prepare("DELETE FROM meta WHERE key = 'seed_pending'").run();
    const before = await openStore(tempFile('hash.db'), { seed: false, scrypt: FAST_SCRYPT });
    await before.createAgent({ agentId: 'old', displayName: 'Old', extension: '5001', password: 'pw' });
    const reader = raw(before.location);
    const hash = reader.prepare('SELECT password_hash FROM agents').pluck().get() as string;
    reader.close();
    await before.close();
    v1.prepare('INSERT INTO agents (agent_id, display_name, extension, skills, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1)').run(
      'old', 'Old', '5001', '[]', hash,
    );
    v1.close();

    const store = await openStore(file, { seed: false });
    expect(store.migration).toMatchObject({ from: 1, applied: [2, 3, 4, 5, 6, 7, 8] });
    expect(await store.getAgent('old')).toMatchObject({ extension: '5001', allowedExtensions: [], anyExtension: false });
    expect(await store.verifyAgentPassword('old', 'pw')).toBe(true);
    await store.close();
  });

  it('refuses a database written by a newer version with SCHEMA_TOO_NEW', async () => {
    const file = tempFile();
    await (await openStore(file, { seed: false })).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(MIGRATIONS.length + 1, 'from the future', 0);
    db.close();

    const err = await rejected(openStore(file));
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'SCHEMA_TOO_NEW' });
    expect((err as Error).message).toMatch(new RegExp(`schema version ${MIGRATIONS.length + 1}.*only knows up to ${MIGRATIONS.length}`));
  });

  it('refuses a database whose recorded migrations are not ours with SCHEMA_MISMATCH', async () => {
    const file = tempFile();
    await (await openStore(file, { seed: false })).close();
    const db = new Database(file);
    db.prepare("UPDATE schema_migrations SET name = 'something else' WHERE version = 1").run();
    db.close();
    expect(await rejected(openStore(file))).toMatchObject({ code: 'SCHEMA_MISMATCH' });
  });

  describe('with a list of our own', () => {
    const log: string[] = [];
    const steps: Migration[] = [
      { version: 1, name: 'one', up: 'CREATE TABLE t (x INTEGER)' },
      { version: 2, name: 'two', up: (db) => { log.push('two'); db.exec('INSERT INTO t VALUES (2)'); } },
      { version: 3, name: 'three', up: (db) => { log.push('three'); db.exec('INSERT INTO t VALUES (3)'); } },
    ];

    it('applies them in order, only the new ones when the list grows', async () => {
      const db = openDatabase(tempFile());
      log.length = 0;
      expect(migrate(db, steps.slice(0, 2)).applied).toEqual([1, 2]);
      expect(migrate(db, steps).applied).toEqual([3]);
      expect(migrate(db, steps).applied).toEqual([]);
      expect(log).toEqual(['two', 'three']);
      expect(db.prepare('SELECT x FROM t ORDER BY rowid').pluck().all()).toEqual([2, 3]);
      db.close();
    });

    it('rolls back a failing migration whole and keeps the ones before it', async () => {
      const db = openDatabase(tempFile());
      const failing: Migration = {
        version: 3,
        name: 'fails halfway',
        up: (d) => {
          d.exec('INSERT INTO t VALUES (30)');
          d.exec('INSERT INTO no_such_table VALUES (1)');
        },
      };
      const err = await rejected(() => migrate(db, [steps[0]!, steps[1]!, failing]));
      expect(err).toMatchObject({ code: 'MIGRATION_FAILED' });
      expect((err as Error).message).toContain('migration 3 ("fails halfway")');
      expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual([2]);
      expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(2);
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      db.close();
    });

    it('refuses a list with gaps or out of order', async () => {
      const db = openDatabase(':memory:');
      expect(await rejected(() => migrate(db, [steps[1]!]))).toMatchObject({ code: 'INVALID' });
      db.close();
    });
  });

  it('lets two stores on one file work side by side (WAL readers and a writer)', async () => {
    const file = tempFile();
    const a = await open({ file, seed: false });
    const b = await open({ file, seed: false, scrypt: FAST_SCRYPT });
    await a.createQueue({ name: 'billing', dnis: '8002' });
    expect((await b.getQueue('billing'))?.dnis).toBe('8002');
  });
});
