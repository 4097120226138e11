import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLeadership, currentLeader, forgetLeader, type Leadership } from '../../../../src/server/cluster/infra/leadership.js';
import { leaderLockKey } from '../../../../src/server/cluster/infra/names.js';
import { deferred, PG_URL, randomCluster, waitFor } from './helpers.js';

const clusters: string[] = [];
const running: Leadership[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const l of running.splice(0)) await l.stop();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

afterAll(async () => {
  for (const c of clusters) await forgetLeader(PG_URL, c);
});

function cluster(): string {
  const c = randomCluster('lead');
  clusters.push(c);
  return c;
}

interface Contender {
  leadership: Leadership;
  elected: number;
  deposed: string[];
  nextElected(): Promise<void>;
  nextDeposed(): Promise<string>;
}

function contender(c: string, nodeId: string, database = PG_URL, log?: (level: string, msg: string) => void): Contender {
  let elected = deferred();
  let deposed = deferred<string>();
  const self: Contender = {
    elected: 0,
    deposed: [],
    nextElected: () => elected.promise,
    nextDeposed: () => deposed.promise,
    leadership: createLeadership({
      database,
      cluster: c,
      nodeId,
      pollMs: 50,
      onElected: () => {
        self.elected++;
        const d = elected;
        elected = deferred();
        d.resolve();
      },
      onDeposed: (reason) => {
        self.deposed.push(reason);
        const d = deposed;
        deposed = deferred<string>();
        d.resolve(reason);
      },
      ...(log ? { log } : {}),
    }),
  };
  running.push(self.leadership);
  return self;
}

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts a contender in a child process; resolves once it leads. */
function childContender(c: string, nodeId: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./fixtures/lock-holder.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, PG_URL, c, nodeId], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('elected\n')) resolve(child);
    });
    child.on('exit', (code, signal) => reject(new Error(`lock holder exited (${code ?? signal}) before leading: ${out}`)));
  });
}

describe('leadership by advisory lock', () => {
  it('elects exactly one of two contenders, records it, and hands over on stop()', async () => {
    const c = cluster();
    const a = contender(c, 'node-a');
    a.leadership.start();
    await a.nextElected();
    const b = contender(c, 'node-b');
    b.leadership.start();
    // b is connected and campaigning (its session has run a query) while a holds the lock.
    await eventually(async () => {
      const rows = await sql<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE application_name = $1`, [`opencti-leader ${c} node-b`]);
      return rows.some((r) => r.query.includes('pg_try_advisory_lock'));
    }, 'b to campaign');
    expect(a.leadership.isLeader).toBe(true);
    expect(await currentLeader(PG_URL, c)).toMatchObject({ nodeId: 'node-a' });
    expect(b.elected).toBe(0);

    const bElected = b.nextElected();
    await a.leadership.stop();
    expect(a.leadership.isLeader).toBe(false);
    await bElected;
    expect(b.leadership.isLeader).toBe(true);
    expect(a.deposed).toEqual([]); // a stop is not a deposition
    expect(await currentLeader(PG_URL, c)).toMatchObject({ nodeId: 'node-b' });
  });

  it('fails over when the leader process is killed with SIGKILL', async () => {
    const c = cluster();
    const child = await childContender(c, 'doomed');
    expect(await currentLeader(PG_URL, c)).toMatchObject({ nodeId: 'doomed' });
    const b = contender(c, 'survivor');
    b.leadership.start();
    const elected = b.nextElected();
    expect(b.leadership.isLeader).toBe(false);
    child.kill('SIGKILL');
    await elected;
    expect(b.leadership.isLeader).toBe(true);
    expect(b.elected).toBe(1);
    expect(await currentLeader(PG_URL, c)).toMatchObject({ nodeId: 'survivor' });
  });

  it('calls onDeposed when the leader connection is terminated, then campaigns again', async () => {
    const c = cluster();
    const a = contender(c, 'node-a');
    a.leadership.start();
    await a.nextElected();
    const deposed = a.nextDeposed();
    const reElected = deposed.then(() => a.nextElected());
    const pids = await sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [`opencti-leader ${c} node-a`]);
    expect(pids).toHaveLength(1);
    await sql('SELECT pg_terminate_backend($1)', [pids[0]!.pid]);
    expect(await deposed).toMatch(/PostgreSQL connection/);
    expect(a.leadership.isLeader).toBe(false);
    // Nobody else campaigns: a gets the lock back on a new connection.
    await reElected;
    expect(a.leadership.isLeader).toBe(true);
    expect(a.elected).toBe(2);
  });

  it('keeps retrying, never throwing, while PostgreSQL cannot be reached', async () => {
    const c = cluster();
    const logged: string[] = [];
    const a = contender(c, 'node-a', 'postgres://root@127.0.0.1:1/postgres', (_level, msg) => logged.push(msg));
    a.leadership.start();
    await waitFor(() => logged.filter((m) => m.includes('unreachable')).length >= 3, 'three failed attempts');
    expect(a.leadership.isLeader).toBe(false);
    expect(a.elected).toBe(0);
  });

  it('finds the lock holder in pg_locks whatever the sign and bits of the lock key', async () => {
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    try {
      for (let i = 0; i < 12; i++) {
        const c = cluster();
        const key = leaderLockKey(c);
        await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
        await holder.query(`CREATE TABLE IF NOT EXISTS opencti_cluster_leaders (cluster text PRIMARY KEY, node_id text NOT NULL, since timestamptz NOT NULL)`);
        await holder.query(`INSERT INTO opencti_cluster_leaders VALUES ($1, 'raw', now())`, [c]);
        expect(await currentLeader(PG_URL, c), `key ${key}`).toMatchObject({ nodeId: 'raw' });
        await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
        expect(await currentLeader(PG_URL, c), `key ${key} released`).toBeNull();
      }
    } finally {
      await holder.end();
    }
  });

  it('answers null when no node leads, and refuses bad options by name', async () => {
    const c = cluster();
    expect(await currentLeader(PG_URL, c)).toBeNull();
    expect(() => createLeadership({ database: PG_URL, cluster: 'a.b', nodeId: 'n', onElected() {}, onDeposed() {} })).toThrow(/cluster name "a.b"/);
    expect(() => createLeadership({ database: PG_URL, cluster: c, nodeId: '', onElected() {}, onDeposed() {} })).toThrow(/nodeId/);
  });
});
