import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqlite as open, tempFile } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CALLS = 20;

/** Starts the writer, resolves with its pid once it printed "committed". */
function startWriter(file: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, file, String(CALLS)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const committed = new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const pid = /committed (\d+)/.exec(out)?.[1];
      if (pid !== undefined) resolve(Number(pid));
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    void exited.then(({ code }) => reject(new Error(`writer exited (${code}) before committing:\n${err}`)));
  });
  return { child, committed, exited };
}

// About the SQLite file and its write-ahead log surviving SIGKILL: SQLite only (PostgreSQL's
// durability is the server's own, outside this process).
describe('crash safety', () => {
  it('keeps everything committed when the process is killed with SIGKILL', async () => {
    const file = tempFile('crash.db');
    const { child, committed, exited } = startWriter(file);
    try {
      const pid = await committed;
      expect(pid).toBe(child.pid);
      process.kill(pid, 'SIGKILL');
      expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    // The store was never closed: the data lives in the write-ahead log, not yet in the main file.
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const store = await open({ file });
    expect(store.seeded).toBe(false);
    const list = await store.listInteractions({ limit: 1000 });
    expect(list).toHaveLength(CALLS);
    for (let n = 0; n < CALLS; n++) {
      const i = await store.getInteractionByCallId(`crash-${n}`);
      expect(i, `crash-${n}`).toMatchObject({
        agentId: 'agent1',
        answeredAt: n * 1000 + 200,
        endedAt: n * 1000 + 900,
        status: n % 2 === 0 ? 'open' : 'abandoned',
        notes: `note ${n}`,
        disposition: 'resolved',
        customerId: 'cust-1001',
      });
      expect(i?.timeline.map((e) => e.kind)).toEqual(['queued', 'offered', 'answered', n % 2 === 0 ? 'ended' : 'abandoned']);
    }
    expect((await store.findCustomersByPhone('+12025550188')).map((c) => c.id)).toEqual(['crash-customer']);
    expect(await store.verifyAgentPassword('crash-agent', 'pw')).toBe(true);
    expect(await store.listAgents()).toHaveLength(5); // the seed committed in the same run is there too
  });
});
