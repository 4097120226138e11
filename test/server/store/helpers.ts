/**
 * The store's test suite runs against both back ends: a SQLite file in a temp folder, and a new
 * PostgreSQL database (`CREATE DATABASE opencti_test_<random hex>` on OPENCTI_TEST_POSTGRES, default
 * postgres://postgres@127.0.0.1:5432/postgres), each removed after the test that made it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { openStore, type Store, type StoreOptions } from '../../../src/server/store/index.js';

/** Cheap hashes for tests that are not about passwords (parameters travel with each hash). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 } as const;

export const POSTGRES_ADMIN_URL = process.env.OPENCTI_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const dirs: string[] = [];
const stores: Store[] = [];
const databases: string[] = [];
let admin: pg.Pool | undefined;

const adminPool = (): pg.Pool => (admin ??= new pg.Pool({ connectionString: POSTGRES_ADMIN_URL, max: 2 }));

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const name of databases.splice(0)) await adminPool().query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

afterAll(async () => {
  await admin?.end();
  admin = undefined;
});

/** A fresh temp folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opencti-store-'));
  dirs.push(dir);
  return dir;
}

export function tempFile(name = 'store.db'): string {
  return join(tempDir(), name);
}

/** A new, empty PostgreSQL database, dropped after the test; answers its URL. */
export async function tempDatabase(): Promise<string> {
  const name = `opencti_test_${randomBytes(6).toString('hex')}`;
  await adminPool().query(`CREATE DATABASE ${name}`);
  databases.push(name);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty location: a file path or a database URL, removed after the test. */
  fresh(): Promise<string>;
  /** Rows of a query on the database at `location`, bypassing the store. */
  rows(location: string, sql: string): Promise<Record<string, unknown>[]>;
}

export const sqlite: Backend = {
  name: 'sqlite',
  fresh: async () => tempFile(),
  async rows(location, sql) {
    const db = new Database(location, { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  },
};

export const postgres: Backend = {
  name: 'postgres',
  fresh: tempDatabase,
  async rows(location, sql) {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  },
};

export const BACKENDS: readonly Backend[] = [sqlite, postgres];

/** Opens a store on `location` (a fresh one of the backend unless given), closed after the test. */
export async function open(backend: Backend, options: StoreOptions & { location?: string } = {}): Promise<Store> {
  const { location = await backend.fresh(), ...rest } = options;
  const store = await openStore(location, { scrypt: FAST_SCRYPT, ...rest });
  stores.push(store);
  return store;
}

/** Opens a SQLite store on a real file (a new one unless given), closed after the test. */
export const openSqlite = (options: StoreOptions & { file?: string } = {}): Promise<Store> => {
  const { file, ...rest } = options;
  return open(sqlite, { ...rest, ...(file === undefined ? {} : { location: file }) });
};

/** The error a promise (or a function, sync or async) rejects with; fails the test when it succeeds. */
export async function rejected(work: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}
