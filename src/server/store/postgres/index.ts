/**
 * The PostgreSQL back end (cluster mode): the same tables, rules and errors as the SQLite store,
 * on a pg.Pool. Several servers may share one database; see README.md in the folder above.
 */
import type pg from 'pg';
import { StoreError } from '../errors.js';
import { guardAsync } from '../guard.js';
import { DEFAULT_SCRYPT } from '../passwords.js';
import { applySeedAsync, SEED, type SeedData } from '../seed.js';
import type { PostgresInfo, Store, StoreOptions } from '../store.js';
import { pgAgentRepo } from './agents.js';
import type { PgContext } from './context.js';
import { pgCustomerRepo } from './customers.js';
import { translator } from './errors.js';
import { pgInteractionRepo } from './interactions.js';
import { migratePostgres, PG_MIGRATIONS, underSchemaLock } from './migrations.js';
import { pgDirectoryRepo } from './directory.js';
import { pgQueueRepo } from './queues.js';
import { createPool, endpointOf, maskUrl, poolSql, type Sql } from './sql.js';
import { writeQueue } from './write-queue.js';

export { isPostgresUrl, maskUrl } from './sql.js';
export { PG_MIGRATIONS, SCHEMA_LOCK, type PgMigration } from './migrations.js';

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

type Context = Omit<PgContext, 'sql'>;

function repos(ctx: PgContext, autoLinkCustomers: boolean) {
  return { ...pgAgentRepo(ctx), ...pgQueueRepo(ctx), ...pgDirectoryRepo(ctx), ...pgCustomerRepo(ctx), ...pgInteractionRepo(ctx, { autoLinkCustomers }) };
}

/** The seed, by whichever open first finds the mark left by migration 1, under the schema lock. */
async function seedIfNew(sql: Sql, ctx: Context, data: SeedData | false): Promise<boolean> {
  return underSchemaLock(sql, async (tx) => {
    if ((await tx.run("DELETE FROM meta WHERE key = 'seed_pending'")) === 0) return false;
    if (data === false) return false;
    await applySeedAsync(repos({ ...ctx, sql: tx }, false), data);
    return true;
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new StoreError('INVALID', `${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** Opens the store on the PostgreSQL database of `url` (which must exist), migrates and seeds it. */
export async function openPostgresStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const location = maskUrl(url);
  const toStoreError = translator(endpointOf(url));
  const poolSize = positiveInteger('poolSize', options.poolSize ?? DEFAULT_POOL_SIZE);
  const connectTimeoutMs = positiveInteger('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  const queryTimeoutMs = positiveInteger('queryTimeoutMs', options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS);
  let pool: pg.Pool;
  try {
    pool = createPool(url, { size: poolSize, connectTimeoutMs, queryTimeoutMs });
  } catch (err) {
    throw new StoreError('OPEN_FAILED', `cannot open PostgreSQL at ${location}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const sql = poolSql(pool);
  const ctx: Context = { now: options.now ?? Date.now, scrypt: options.scrypt ?? DEFAULT_SCRYPT };
  let migration;
  let seeded: boolean;
  try {
    migration = await migratePostgres(sql, location, PG_MIGRATIONS, ctx.now);
    seeded = await seedIfNew(sql, ctx, options.seed ?? SEED);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw toStoreError(err, `opening the store at ${location}`);
  }

  const r = repos({ ...ctx, sql }, options.autoLinkCustomers ?? true);
  // Writes run one after another in the order they were called (a caller may fire call records
  // without awaiting each); reads wait for the writes called before them, then run side by side.
  const writes = writeQueue();
  const methods = {
    ...writes.reads({
      getAgent: r.getAgent,
      listAgents: r.listAgents,
      verifyAgentPassword: r.verifyAgentPassword,
      getQueue: r.getQueue,
      getQueueByDnis: r.getQueueByDnis,
      listQueues: r.listQueues,
      getSavedNumber: r.getSavedNumber,
      listSavedNumbers: r.listSavedNumbers,
      getCustomer: r.getCustomer,
      listCustomers: r.listCustomers,
      findCustomersByPhone: r.findCustomersByPhone,
      recordedPosition: r.recordedPosition,
      getInteraction: r.getInteraction,
      getInteractionByCallId: r.getInteractionByCallId,
      listInteractions: r.listInteractions,
      callRecordsSince: r.callRecordsSince,
    }),
    ...writes.writes({
      createAgent: r.createAgent,
      updateAgent: r.updateAgent,
      deleteAgent: r.deleteAgent,
      createQueue: r.createQueue,
      updateQueue: r.updateQueue,
      deleteQueue: r.deleteQueue,
      createSavedNumber: r.createSavedNumber,
      updateSavedNumber: r.updateSavedNumber,
      deleteSavedNumber: r.deleteSavedNumber,
      createCustomer: r.createCustomer,
      updateCustomer: r.updateCustomer,
      deleteCustomer: r.deleteCustomer,
      recordCallEvent: r.recordCallEvent,
      recordCallEvents: r.recordCallEvents,
      updateInteraction: r.updateInteraction,
      recordCallQuality: r.recordCallQuality,
      closeInterruptedInteractions: r.closeInterruptedInteractions,
    }),
    async ping(): Promise<void> {
      await sql.run('SELECT 1');
    },
    async info(): Promise<PostgresInfo> {
      const version = await sql.one<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      const server = await sql.one<{ server_version: string }>('SHOW server_version');
      return { backend: 'postgres', location, schemaVersion: version?.v ?? 0, serverVersion: server?.server_version ?? '', poolSize };
    },
  };

  let closed = false;
  return {
    backend: 'postgres',
    location,
    migration,
    seeded,
    ...guardAsync(methods, () => closed, toStoreError),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await writes.idle();
      await pool.end();
    },
  };
}
