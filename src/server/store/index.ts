/**
 * Persistence of the reference CTI server on an embedded SQLite file: agents (with scrypt
 * password hashes), queues, customers (phone lookup for the screen pop) and interactions (one per
 * call, with its event timeline, notes and disposition). See README.md in this folder.
 */
import { agentRepo } from './agents.js';
import type { RepoContext } from './context.js';
import { customerRepo } from './customers.js';
import { openDatabase, type Db, type DbOptions } from './db.js';
import { StoreError, toStoreError } from './errors.js';
import { interactionRepo } from './interactions.js';
import { MIGRATIONS, migrate, type MigrationResult } from './migrations.js';
import { queueRepo } from './queues.js';
import { DEFAULT_SCRYPT, type ScryptParams } from './passwords.js';
import { applySeed, SEED, type SeedData } from './seed.js';
import type { CallRecord } from '../switch/types.js';
import type {
  Agent,
  AgentPatch,
  Customer,
  CustomerPatch,
  CustomerQuery,
  Interaction,
  InteractionPatch,
  InteractionQuery,
  InteractionWithTimeline,
  NewAgent,
  NewCustomer,
  NewQueue,
  Queue,
  QueuePatch,
  RecordResult,
} from './types.js';

export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export { SEED, SEED_PASSWORD, type SeedData } from './seed.js';
export { MIGRATIONS, type Migration, type MigrationResult } from './migrations.js';
export { DEFAULT_SCRYPT, type ScryptParams } from './passwords.js';
export { phoneKey, tryPhoneKey, TAIL_DIGITS, type PhoneKey } from './phone.js';
export * from './types.js';

export interface StoreOptions extends DbOptions {
  /**
   * Data for a brand-new file: SEED by default (the demo agents, queues and customers), false for
   * an empty store. Only ever applied once, when the file is created.
   */
  readonly seed?: SeedData | false;
  /** Cost of new password hashes. Default DEFAULT_SCRYPT. */
  readonly scrypt?: ScryptParams;
  /** Link a new interaction to the customer whose phone matches the ANI when exactly one does. Default true. */
  readonly autoLinkCustomers?: boolean;
  /** Clock for createdAt/updatedAt and status changes. Default Date.now. */
  readonly now?: () => number;
}

export interface Store {
  /** The file given to openStore. */
  readonly file: string;
  /** What opening did to the schema (from 0 = new file). */
  readonly migration: MigrationResult;
  /** True when this open created the file's demo data. */
  readonly seeded: boolean;

  createAgent(agent: NewAgent): Agent;
  updateAgent(agentId: string, patch: AgentPatch): Agent;
  deleteAgent(agentId: string): void;
  getAgent(agentId: string): Agent | undefined;
  listAgents(): Agent[];
  /** Resolves false for a wrong password or an unknown agent; hashing runs off the event loop. */
  verifyAgentPassword(agentId: string, password: string): Promise<boolean>;

  createQueue(queue: NewQueue): Queue;
  updateQueue(name: string, patch: QueuePatch): Queue;
  deleteQueue(name: string): void;
  getQueue(name: string): Queue | undefined;
  getQueueByDnis(dnis: string): Queue | undefined;
  listQueues(): Queue[];

  createCustomer(customer: NewCustomer): Customer;
  updateCustomer(id: string, patch: CustomerPatch): Customer;
  deleteCustomer(id: string): void;
  getCustomer(id: string): Customer | undefined;
  listCustomers(query?: CustomerQuery): Customer[];
  findCustomersByPhone(number: string): Customer[];

  recordCallEvent(record: CallRecord): RecordResult;
  getInteraction(id: number): InteractionWithTimeline | undefined;
  getInteractionByCallId(callId: string): InteractionWithTimeline | undefined;
  updateInteraction(id: number, patch: InteractionPatch): InteractionWithTimeline;
  listInteractions(query?: InteractionQuery): Interaction[];

  /** Connection settings and schema version, for health checks and logs. */
  info(): StoreInfo;
  /** A trivial query: throws (CLOSED, BUSY…) when the database cannot answer. For /healthz. */
  ping(): void;
  /**
   * Closes, as `interrupted`, every interaction whose call was still in progress when the server
   * stopped (open, never ended): no call survives a restart. Their end time is their last timeline
   * event, the last thing known before the stop. One already wrapped up (or marked abandoned) during
   * its call keeps its status and gets that end time too. Run once at start; returns what it closed.
   */
  closeInterruptedInteractions(): InterruptedSummary;

  /** Checkpoints the WAL and closes the file. Idempotent; any later call throws CLOSED. */
  close(): void;
}

export interface InterruptedSummary {
  readonly count: number;
  /** Interaction ids closed. */
  readonly ids: readonly number[];
}

export interface StoreInfo {
  readonly file: string;
  readonly schemaVersion: number;
  readonly journalMode: string;
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  readonly foreignKeys: boolean;
  readonly busyTimeoutMs: number;
}

type Methods = Omit<Store, 'file' | 'migration' | 'seeded' | 'close'>;

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

function info(db: Db, file: string): StoreInfo {
  const pragma = (name: string): unknown => db.pragma(name, { simple: true });
  return {
    file,
    schemaVersion: Number(pragma('user_version')),
    journalMode: String(pragma('journal_mode')),
    synchronous: SYNCHRONOUS[Number(pragma('synchronous'))] ?? 'FULL',
    foreignKeys: pragma('foreign_keys') === 1,
    busyTimeoutMs: Number(pragma('busy_timeout')),
  };
}

/** Every method: refuses after close, and lets only StoreErrors out. */
function guard<T extends object>(methods: T, isClosed: () => boolean): T {
  const guarded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods) as [string, (...args: unknown[]) => unknown][]) {
    guarded[name] = (...args: unknown[]): unknown => {
      if (isClosed()) throw new StoreError('CLOSED', `${name}: the store is closed`);
      try {
        const result = fn(...args);
        return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(toStoreError(err, name))) : result;
      } catch (err) {
        throw toStoreError(err, name);
      }
    };
  }
  return guarded as T;
}

function seedIfNew(db: Db, methods: Methods, data: SeedData | false): boolean {
  const pending = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'seed_pending'");
  if (pending.get() === undefined) return false;
  let seeded = false;
  db.transaction(() => {
    if (pending.get() === undefined) return; // another process seeded while we waited for the lock
    if (data !== false) {
      applySeed(methods, data);
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
export function openStore(file: string, options: StoreOptions = {}): Store {
  if (typeof file !== 'string' || file.length === 0) {
    throw new StoreError('INVALID', `openStore needs a file path (or ':memory:'), got ${JSON.stringify(file)}`);
  }
  const db = openDatabase(file, options);
  try {
    const ctx: RepoContext = { db, now: options.now ?? Date.now, scrypt: options.scrypt ?? DEFAULT_SCRYPT };
    const migration = migrate(db, MIGRATIONS, ctx.now);
    const methods: Methods = {
      ...agentRepo(ctx),
      ...queueRepo(ctx),
      ...customerRepo(ctx),
      ...interactionRepo(ctx, { autoLinkCustomers: options.autoLinkCustomers ?? true }),
      info: () => info(db, file),
      ping: () => {
        db.prepare('SELECT 1').get();
      },
    };
    let seeded: boolean;
    try {
      seeded = seedIfNew(db, methods, options.seed ?? SEED);
    } catch (err) {
      throw toStoreError(err, 'seeding the new store');
    }
    let closed = false;
    return {
      file,
      migration,
      seeded,
      ...guard(methods, () => closed),
      close(): void {
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
