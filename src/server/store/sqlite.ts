/**
 * The SQLite back end: an embedded file through better-sqlite3, synchronous inside; the Store
 * methods wrap its results in Promises (a write is done when the call returns, so calls keep
 * their order without any queue).
 */
import { directoryRepo } from './directory.js';
import { agentRepo } from './agents.js';
import type { RepoContext } from './context.js';
import { customerRepo } from './customers.js';
import { openDatabase, type Db } from './db.js';
import { toStoreError } from './errors.js';
import { guardAsync } from './guard.js';
import { interactionRepo } from './interactions.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { queueRepo } from './queues.js';
import { DEFAULT_SCRYPT } from './passwords.js';
import { applySeed, SEED, type SeedData } from './seed.js';
import type { SqliteInfo, Store, StoreOptions } from './store.js';

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

function info(db: Db, file: string): SqliteInfo {
  const pragma = (name: string): unknown => db.pragma(name, { simple: true });
  return {
    backend: 'sqlite',
    location: file,
    schemaVersion: Number(pragma('user_version')),
    journalMode: String(pragma('journal_mode')),
    synchronous: SYNCHRONOUS[Number(pragma('synchronous'))] ?? 'FULL',
    foreignKeys: pragma('foreign_keys') === 1,
    busyTimeoutMs: Number(pragma('busy_timeout')),
  };
}

type Repos = ReturnType<typeof agentRepo> & ReturnType<typeof queueRepo> & ReturnType<typeof directoryRepo> & ReturnType<typeof customerRepo> & ReturnType<typeof interactionRepo>;

function seedIfNew(db: Db, repos: Repos, data: SeedData | false): boolean {
  const pending = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'seed_pending'");
  if (pending.get() === undefined) return false;
  let seeded = false;
  db.transaction(() => {
    if (pending.get() === undefined) return; // another process seeded while we waited for the lock
    if (data !== false) {
      applySeed(repos, data);
      seeded = true;
    }
    db.prepare("DELETE FROM meta WHERE key = 'seed_pending'").run();
  }).immediate();
  return seeded;
}

/**
 * Opens the store at `file` (created with its folder if missing; ':memory:' for a throw-away
 * store), applies pending migrations, and seeds a brand-new file.
 */
export function openSqliteStore(file: string, options: StoreOptions = {}): Store {
  const db = openDatabase(file, options);
  try {
    const ctx: RepoContext = { db, now: options.now ?? Date.now, scrypt: options.scrypt ?? DEFAULT_SCRYPT };
    const migration = migrate(db, MIGRATIONS, ctx.now);
    const repos: Repos = {
      ...agentRepo(ctx),
      ...queueRepo(ctx),
      ...directoryRepo(ctx),
      ...customerRepo(ctx),
      ...interactionRepo(ctx, { autoLinkCustomers: options.autoLinkCustomers ?? true }),
    };
    let seeded: boolean;
    try {
      seeded = seedIfNew(db, repos, options.seed ?? SEED);
    } catch (err) {
      throw toStoreError(err, 'seeding the new store');
    }
    let closed = false;
    const methods = {
      ...repos,
      info: () => info(db, file),
      ping: (): void => {
        db.prepare('SELECT 1').get();
      },
    };
    return {
      backend: 'sqlite',
      location: file,
      migration,
      seeded,
      ...guardAsync(methods, () => closed, toStoreError),
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw toStoreError(err, `opening the store at ${JSON.stringify(file)}`);
  }
}
