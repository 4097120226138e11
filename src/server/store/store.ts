/**
 * The Store interface both back ends implement (SQLite in sqlite.ts, PostgreSQL in postgres/).
 * Every method answers a Promise and rejects only with a StoreError.
 */
import type { CallRecord } from '../switch/types.js';
import type { DbOptions } from './db.js';
import type { MigrationResult } from './migrations.js';
import type { ScryptParams } from './passwords.js';
import type { SeedData } from './seed.js';
import type {
  Agent,
  AgentPatch,
  Customer,
  CustomerPatch,
  CustomerQuery,
  Interaction,
  CallQuality,
  InteractionPatch,
  InteractionQuery,
  InteractionWithTimeline,
  NewAgent,
  NewCustomer,
  NewQueue,
  Queue,
  QueuePatch,
  RecordResult,
  NewSavedNumber,
  SavedNumber,
  SavedNumberPatch,
} from './types.js';

export interface StoreOptions extends DbOptions {
  /**
   * Data for a brand-new database: SEED by default (the demo agents, queues and customers), false
   * for an empty store. Only ever applied once, when the schema is created.
   */
  readonly seed?: SeedData | false;
  /** Cost of new password hashes. Default DEFAULT_SCRYPT. */
  readonly scrypt?: ScryptParams;
  /** Link a new interaction to the customer whose phone matches the ANI when exactly one does. Default true. */
  readonly autoLinkCustomers?: boolean;
  /** Clock for createdAt/updatedAt and status changes. Default Date.now. */
  readonly now?: () => number;
  /** PostgreSQL only: connections kept by the pool. Default 10. */
  readonly poolSize?: number;
  /** PostgreSQL only: how long to wait for a connection before UNAVAILABLE. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** PostgreSQL only: how long a query may go unanswered before UNAVAILABLE; its connection is then
   *  dropped, so a server that went silent (a partition) cannot hold the pool once it answers again.
   *  Default 30000 ms. */
  readonly queryTimeoutMs?: number;
}

/** Where a log of call records (a cluster's stream) has been applied up to. */
export interface LogPosition {
  /** The log's name (e.g. a stream). */
  readonly log: string;
  /** The sequence number of the last record of the batch in that log, from 1. */
  readonly seq: number;
}

export interface Store {
  /** 'sqlite' or 'postgres'. */
  readonly backend: StoreBackend;
  /** The file path given to openStore, or the PostgreSQL URL with its password masked. */
  readonly location: string;
  /** What opening did to the schema (from 0 = new database). */
  readonly migration: MigrationResult;
  /** True when this open created the database's demo data. */
  readonly seeded: boolean;

  createAgent(agent: NewAgent): Promise<Agent>;
  updateAgent(agentId: string, patch: AgentPatch): Promise<Agent>;
  deleteAgent(agentId: string): Promise<void>;
  getAgent(agentId: string): Promise<Agent | undefined>;
  listAgents(): Promise<Agent[]>;
  /** Resolves false for a wrong password or an unknown agent; hashing runs off the event loop. */
  verifyAgentPassword(agentId: string, password: string): Promise<boolean>;

  createQueue(queue: NewQueue): Promise<Queue>;
  updateQueue(name: string, patch: QueuePatch): Promise<Queue>;
  deleteQueue(name: string): Promise<void>;
  getQueue(name: string): Promise<Queue | undefined>;
  getQueueByDnis(dnis: string): Promise<Queue | undefined>;
  listQueues(): Promise<Queue[]>;

  createSavedNumber(entry: NewSavedNumber): Promise<SavedNumber>;
  updateSavedNumber(id: number, patch: SavedNumberPatch): Promise<SavedNumber>;
  deleteSavedNumber(id: number): Promise<void>;
  getSavedNumber(id: number): Promise<SavedNumber | undefined>;
  /** By label. */
  listSavedNumbers(): Promise<SavedNumber[]>;

  createCustomer(customer: NewCustomer): Promise<Customer>;
  updateCustomer(id: string, patch: CustomerPatch): Promise<Customer>;
  deleteCustomer(id: string): Promise<void>;
  getCustomer(id: string): Promise<Customer | undefined>;
  listCustomers(query?: CustomerQuery): Promise<Customer[]>;
  findCustomersByPhone(number: string): Promise<Customer[]>;

  /**
   * Folds one call record into its interaction. Records are applied in the order of the calls,
   * even when the caller does not await each one.
   */
  recordCallEvent(record: CallRecord): Promise<RecordResult>;
  /**
   * Folds a batch of records of a log and, in the same transaction, moves the log's cursor to
   * `position.seq`. A batch whose seq is not past the stored cursor is skipped: replays are harmless.
   */
  recordCallEvents(records: readonly CallRecord[], position: LogPosition): Promise<void>;
  /** The cursor of a log recorded by recordCallEvents; 0 when none. */
  recordedPosition(log: string): Promise<number>;
  getInteraction(id: number): Promise<InteractionWithTimeline | undefined>;
  getInteractionByCallId(callId: string): Promise<InteractionWithTimeline | undefined>;
  updateInteraction(id: number, patch: InteractionPatch): Promise<InteractionWithTimeline>;
  /**
   * A phone leg's audio quality onto the interaction of `callId` (a later summary of the same leg
   * replaces the earlier one). INVALID naming the field for a malformed summary, NOT_FOUND when the
   * call has no interaction.
   */
  recordCallQuality(callId: string, quality: CallQuality): Promise<InteractionWithTimeline>;
  listInteractions(query?: InteractionQuery): Promise<Interaction[]>;
  /**
   * The switch's records kept in the interactions' timelines, at or after `since`, oldest first:
   * what the live statistics are rebuilt from at start. A record carries its interaction's
   * queue (the last one the call went through); the extension is not kept.
   */
  callRecordsSince(since: number): Promise<CallRecord[]>;

  /** Connection settings and schema version, for health checks and logs. */
  info(): Promise<StoreInfo>;
  /** A trivial query: rejects (CLOSED, BUSY, UNAVAILABLE…) when the database cannot answer. For /healthz. */
  ping(): Promise<void>;
  /**
   * Closes, as `interrupted`, every interaction whose call was still in progress when the server
   * stopped (open, never ended): no call survives a restart. Their end time is their last timeline
   * event, the last thing known before the stop. One already wrapped up (or marked abandoned) during
   * its call keeps its status and gets that end time too. Run once at start; returns what it closed.
   */
  closeInterruptedInteractions(): Promise<InterruptedSummary>;

  /** Waits for pending writes, then closes the file or the pool. Idempotent; any later call rejects with CLOSED. */
  close(): Promise<void>;
}

export type StoreBackend = 'sqlite' | 'postgres';

export interface InterruptedSummary {
  readonly count: number;
  /** Interaction ids closed. */
  readonly ids: readonly number[];
}

export type StoreInfo = SqliteInfo | PostgresInfo;

export interface SqliteInfo {
  readonly backend: 'sqlite';
  readonly location: string;
  readonly schemaVersion: number;
  readonly journalMode: string;
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  readonly foreignKeys: boolean;
  readonly busyTimeoutMs: number;
}

export interface PostgresInfo {
  readonly backend: 'postgres';
  /** The URL with its password masked. */
  readonly location: string;
  readonly schemaVersion: number;
  /** e.g. "15.4". */
  readonly serverVersion: string;
  readonly poolSize: number;
}
