import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors.js';

export type Db = Database.Database;

export interface DbOptions {
  /** How long a writer waits for another connection's lock before BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * 'NORMAL' (default): in WAL mode every committed transaction has been written to the WAL file
   * before commit returns, so killing the process (even SIGKILL) loses nothing committed; only a
   * power cut or OS crash can lose the last few transactions (never corrupts the file).
   * 'FULL': also fsyncs the WAL on every commit, durable against power loss, slower writes.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const isMemory = (file: string): boolean => file === ':memory:' || file === '';

/** Opens (creating if needed) a SQLite file with the store's connection settings. */
export function openDatabase(file: string, options: DbOptions = {}): Db {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const synchronous = options.synchronous ?? 'NORMAL';
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StoreError('INVALID', `busyTimeoutMs must be a non-negative integer, got ${String(busyTimeoutMs)}`);
  }
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new StoreError('INVALID', `synchronous must be 'NORMAL' or 'FULL', got ${JSON.stringify(synchronous)}`);
  }
  let db: Db | undefined;
  try {
    if (!isMemory(file)) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: busyTimeoutMs });
    // The first statement reads the header: a file that is not a database fails here.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!isMemory(file) && mode !== 'wal') {
      throw new Error(`could not switch the journal to WAL (SQLite answered ${String(mode)})`);
    }
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof StoreError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new StoreError('OPEN_FAILED', `cannot open the store at ${JSON.stringify(file)}: ${message}`, { cause: err });
  }
}
