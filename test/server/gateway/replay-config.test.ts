/**
 * `limits.replay` in the server configuration file bounds what a desktop resuming after a lost
 * link gets back: a real server started from the file, real sockets, a resume after some events.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../src/server/config.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';

let dir: string;
const servers: TestServer[] = [];
const clients: WsClient[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opencti-replay-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A server started from a configuration file holding `file`. */
async function serveFromFile(name: string, file: Record<string, unknown>): Promise<TestServer> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(file));
  const server = await startTestServer(readConfigFile(path));
  servers.push(server);
  return server;
}

async function connect(server: TestServer): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

const CHANGES = 12;

/**
 * agent1 logs in, its desktop sees the Snapshot (seq `before`), then changes state CHANGES times
 * and loses its link. Returns the seqs a new socket resuming from `before` (or the seq `from` picks)
 * is sent, the Snapshot last.
 */
async function resumeAfterChanges(
  server: TestServer,
  from = (before: number, _last: number) => before,
): Promise<{ before: number; last: number; resumed: number[] }> {
  const desk = await connect(server);
  const { token } = await desk.ok<{ token: string }>('login', { agentId: 'agent1', agentPwd: 'demo' });
  await desk.waitForEvent('SnapshotEvent', 'Snapshot');
  const before = desk.events.at(-1)!.seq;
  for (let i = 0; i < CHANGES; i++) await desk.ok(i % 2 ? 'agentNotReady' : 'agentReady', {});
  await desk.waitFor(() => desk.events.at(-1)!.seq === before + CHANGES, 'the state events');
  const last = desk.events.at(-1)!.seq;
  await desk.close(); // the link is lost: the session keeps its grace period

  const back = await connect(server);
  await back.ok('resume', { token, lastSeq: from(before, last) });
  await back.waitForEvent('SnapshotEvent', 'Snapshot');
  return { before, last, resumed: back.events.map((f) => f.seq) };
}

describe('limits.replay from the configuration file', () => {
  it('with the defaults, a desktop resuming gets every event it missed, then the Snapshot', async () => {
    const server = await serveFromFile('defaults', {});
    const { before, last, resumed } = await resumeAfterChanges(server);
    expect(resumed).toEqual([...Array.from({ length: CHANGES }, (_, i) => before + 1 + i), last + 1]);
  });

  it('with a small maxBytes, the events it could not keep are not replayed: the desktop gets the Snapshot alone', async () => {
    const server = await serveFromFile('small', { limits: { replay: { maxBytes: 1024 } } });
    const { last, resumed } = await resumeAfterChanges(server);
    expect(resumed).toEqual([last + 1]);
    // It kept the latest frames, within the bound.
    const kept = server.gateway.sessions().get('agent1')!.replay;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.at(-1)!.seq).toBe(last + 1);
    expect(kept.reduce((n, r) => n + r.frame.length, 0)).toBeLessThanOrEqual(1024);
  });

  it('with maxFrames 0, nothing is kept: even a desktop that missed a single event gets the Snapshot alone', async () => {
    const server = await serveFromFile('none', { limits: { replay: { maxFrames: 0 } } });
    const { last, resumed } = await resumeAfterChanges(server, (_before, last) => last - 1);
    expect(resumed).toEqual([last + 1]);
    expect(server.gateway.sessions().get('agent1')!.replay).toEqual([]);
  });
});
