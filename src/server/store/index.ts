/**
 * Persistence of the reference CTI server: agents (with scrypt password hashes), queues,
 * customers (phone lookup for the screen pop) and interactions (one per call, with its event
 * timeline, notes and disposition). On an embedded SQLite file by default, on PostgreSQL for a
 * `postgres://` URL (cluster mode). See README.md in this folder.
 */
import { StoreError, toStoreError } from './errors.js';
import { isPostgresUrl, openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite.js';
import type { Store, StoreOptions } from './store.js';

export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export { SEED, SEED_PASSWORD, type SeedData } from './seed.js';
export { MIGRATIONS, type Migration, type MigrationResult } from './migrations.js';
export { DEFAULT_SCRYPT, type ScryptParams } from './passwords.js';
export { phoneKey, tryPhoneKey, TAIL_DIGITS, type PhoneKey } from './phone.js';
export { isPostgresUrl, maskUrl } from './postgres/index.js';
export type { InterruptedSummary, LogPosition, PostgresInfo, SqliteInfo, Store, StoreBackend, StoreInfo, StoreOptions } from './store.js';
export * from './types.js';

/**
 * Opens the store at `location`: a `postgres://` or `postgresql://` URL opens PostgreSQL, anything
 * else is a SQLite file path (created with its folder if missing; ':memory:' for a throw-away
 * store). Pending migrations are applied and a brand-new database is seeded.
 */
export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  if (typeof location !== 'string' || location.length === 0) {
    throw new StoreError('INVALID', `openStore needs a file path (or ':memory:') or a postgres:// URL, got ${JSON.stringify(location)}`);
  }
  if (isPostgresUrl(location)) return openPostgresStore(location, options);
  try {
    return openSqliteStore(location, options);
  } catch (err) {
    throw toStoreError(err, `opening the store at ${JSON.stringify(location)}`);
  }
}
