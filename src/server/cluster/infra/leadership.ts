/**
 * Leader election by a PostgreSQL session-level advisory lock.
 *
 * The lock belongs to one database connection: PostgreSQL releases it the moment that connection
 * ends, when the holder's process is killed too, so failover needs no lease or TTL to tune. Each
 * contender keeps one dedicated client (not a pool: the lock must stay on the same session) with TCP
 * keepalive on, tries the lock every pollMs while it does not lead, and while it leads checks its
 * connection every pollMs and at once on the client's 'error' event: a lost connection means the
 * lock may already be someone else's, so onDeposed is called before anything else. A holder cut off
 * without its connection closing (a partition) loses the lock too: its session has an
 * idle_session_timeout (see idleSessionTimeoutMs), which PostgreSQL enforces on its side.
 *
 * Who leads is also written for everyone to read: the leader upserts its row in
 * opencti_cluster_leaders; currentLeader() reads it, and answers null while no session holds the lock.
 */
import pg from 'pg';
import { checkClusterName, leaderLockKey } from './names.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFn = (level: LogLevel, msg: string, detail?: Record<string, unknown>) => void;

export interface Leadership {
  readonly isLeader: boolean;
  /** Campaigns until stopped (see the module comment). Calling it twice does nothing more. */
  start(): void;
  /** Stops campaigning; releases the lock and removes the leader row if held. onDeposed is not called. */
  stop(): Promise<void>;
}

export interface LeadershipOptions {
  /** PostgreSQL URL, e.g. postgres://user@host:5432/db. */
  database: string;
  cluster: string;
  nodeId: string;
  /** How often to try the lock, and to check the connection while leading; default 500 ms. */
  pollMs?: number;
  onElected(): void;
  onDeposed(reason: string): void;
  log?: LogFn;
}

export interface LeaderInfo {
  nodeId: string;
  since: Date;
}

const LEADERS_TABLE = 'opencti_cluster_leaders';
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${LEADERS_TABLE} (cluster text PRIMARY KEY, node_id text NOT NULL, since timestamptz NOT NULL)`;
/** The most a contender waits between two attempts while PostgreSQL cannot be reached. */
const MAX_BACKOFF_MS = 5000;
/** How long the lock's session may stay silent before PostgreSQL ends it: well above the poll, so a
 *  live holder never loses it, and short, so a silent one hands the lead over in seconds. */
export const idleSessionTimeoutMs = (pollMs: number): number => Math.max(3000, pollMs * 10);

export function createLeadership(o: LeadershipOptions): Leadership {
  checkClusterName(o.cluster);
  if (typeof o.nodeId !== 'string' || o.nodeId === '') throw new Error('leadership: nodeId must be a non-empty string');
  if (typeof o.database !== 'string' || o.database === '') throw new Error('leadership: database must be a PostgreSQL URL');
  const pollMs = o.pollMs ?? 500;
  if (!Number.isFinite(pollMs) || pollMs < 10) throw new Error(`leadership: pollMs must be at least 10, got ${String(pollMs)}`);
  return new AdvisoryLockLeadership(o, pollMs);
}

class AdvisoryLockLeadership implements Leadership {
  private leader = false;
  private running = false;
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private failures = 0;
  private generation = 0;
  private readonly key: string;
  private readonly log: LogFn;

  constructor(
    private readonly o: LeadershipOptions,
    private readonly pollMs: number,
  ) {
    this.key = leaderLockKey(o.cluster);
    this.log = o.log ?? (() => undefined);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
    const client = this.client;
    this.client = null;
    if (client && this.leader) {
      this.leader = false;
      try {
        await client.query(`DELETE FROM ${LEADERS_TABLE} WHERE cluster = $1 AND node_id = $2`, [this.o.cluster, this.o.nodeId]);
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.key]);
      } catch (err) {
        // Closing the connection below releases the lock anyway.
        this.log('warn', 'could not release the leader lock cleanly', { error: message(err) });
      }
    }
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.busy = this.tick().finally(() => {
        this.busy = null;
      });
    }, ms);
  }

  /** One attempt; never throws: every failure is a lost connection, handled and retried. */
  private async tick(): Promise<void> {
    // A connection lost meanwhile (the client's 'error' event) bumps the generation: this attempt's
    // outcome is then stale and must neither schedule nor touch the new connection.
    const generation = this.generation;
    try {
      const client = this.client ?? (await this.connect());
      if (!this.running || generation !== this.generation) return;
      if (this.leader) {
        await client.query('SELECT 1');
      } else {
        const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [this.key]);
        if (r.rows[0]?.locked) {
          await this.announce(client);
          if (!this.running || generation !== this.generation) return;
          this.leader = true;
          this.log('info', 'elected cluster leader', { cluster: this.o.cluster, nodeId: this.o.nodeId });
          try {
            this.o.onElected();
          } catch (err) {
            this.log('error', 'onElected threw', { error: message(err) });
          }
        }
      }
      if (generation !== this.generation) return;
      this.failures = 0;
      this.schedule(this.pollMs);
    } catch (err) {
      if (generation === this.generation) this.connectionLost(`PostgreSQL connection failed: ${message(err)}`);
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.o.database,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1000,
      connectionTimeoutMillis: Math.max(2000, this.pollMs * 4),
      // A query that hangs means a connection that is gone: fail it rather than wait for TCP.
      query_timeout: Math.max(2000, this.pollMs * 4),
      application_name: `opencti-leader ${this.o.cluster} ${this.o.nodeId}`.slice(0, 63),
      // The lock outlives a holder that went silent (a partition: no FIN reaches PostgreSQL) for
      // as long as the server's TCP keepalive takes, two hours by default. This session queries
      // every pollMs: PostgreSQL ends it, releasing the lock, once it has been idle this long.
      options: `-c idle_session_timeout=${idleSessionTimeoutMs(this.pollMs)}`,
    });
    // The backend was terminated or the socket broke while idle: react now, not at the next poll.
    client.on('error', (err) => {
      if (this.client === client) this.connectionLost(`PostgreSQL connection lost: ${err.message}`);
    });
    this.client = client;
    try {
      await client.connect();
    } catch (err) {
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  /** Writes this node in the leaders table (creating it on first use). */
  private async announce(client: pg.Client): Promise<void> {
    const upsert = `INSERT INTO ${LEADERS_TABLE} (cluster, node_id, since) VALUES ($1, $2, now())
      ON CONFLICT (cluster) DO UPDATE SET node_id = EXCLUDED.node_id, since = EXCLUDED.since`;
    try {
      await client.query(upsert, [this.o.cluster, this.o.nodeId]);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P01') throw err; // undefined_table
      await client.query(CREATE_TABLE).catch((e: unknown) => {
        // Two clusters' leaders creating it at once: one of them gets a unique violation.
        if ((e as { code?: string }).code !== '23505' && (e as { code?: string }).code !== '42P07') throw e;
      });
      await client.query(upsert, [this.o.cluster, this.o.nodeId]);
    }
  }

  private connectionLost(reason: string): void {
    this.generation++;
    const client = this.client;
    this.client = null;
    client?.end().catch(() => undefined);
    if (!this.running) return;
    this.failures++;
    const wasLeader = this.leader;
    this.leader = false;
    if (wasLeader) {
      this.log('warn', 'deposed: lost the leader lock connection', { cluster: this.o.cluster, reason });
      try {
        this.o.onDeposed(reason);
      } catch (err) {
        this.log('error', 'onDeposed threw', { error: message(err) });
      }
    } else {
      this.log('debug', 'leader campaign: PostgreSQL unreachable, retrying', { reason });
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(Math.min(this.pollMs * 2 ** Math.min(this.failures, 8), MAX_BACKOFF_MS));
  }
}

/** Who leads the cluster now, or null when no node holds the leader lock. */
export async function currentLeader(database: string, cluster: string): Promise<LeaderInfo | null> {
  const key = leaderLockKey(cluster);
  const client = new pg.Client({ connectionString: database, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    // A bigint advisory lock shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid 1.
    const held = await client.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND classid = (($1::bigint >> 32) & 4294967295)::bigint::oid AND objid = ($1::bigint & 4294967295)::bigint::oid) AS held`,
      [key],
    );
    if (!held.rows[0]?.held) return null;
    const r = await client.query<{ node_id: string; since: Date }>(`SELECT node_id, since FROM ${LEADERS_TABLE} WHERE cluster = $1`, [cluster]);
    const row = r.rows[0];
    return row ? { nodeId: row.node_id, since: row.since } : null;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return null; // no leader ever elected here
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Removes a cluster's leader row (tests, `opencti cluster reset`). */
export async function forgetLeader(database: string, cluster: string): Promise<void> {
  checkClusterName(cluster);
  const client = new pg.Client({ connectionString: database, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DELETE FROM ${LEADERS_TABLE} WHERE cluster = $1`, [cluster]);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P01') throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
