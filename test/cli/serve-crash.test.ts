/** `opencti serve` killed with SIGKILL mid-call: the next start closes the call's interaction as interrupted. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { api } from '../helpers/server.js';
import { WsClient } from '../helpers/ws-client.js';
import { killAll, serve, stop, tokenIn } from './serve-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opencti-crash-'));
afterAll(() => {
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Interaction {
  id: number;
  callId: string;
  status: string;
  endedAt?: number;
  timeline: { kind: string; at: number; detail?: string }[];
}

it('closes the interaction of a call in progress at a kill -9 as interrupted, ended at its last event', { timeout: 120_000 }, async () => {
  const first = await serve(['--data-dir', dataDir, '--log-level', 'silent']);
  const server = { url: first.url, adminToken: tokenIn(dataDir) };
  const client = await WsClient.connect(`${first.url.replace('http', 'ws')}/cti`);
  await client.ok('login', { agentId: 'agent2', agentPwd: 'demo' });
  await client.ok('agentReady', {});
  const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15551230002', to: '8001' });
  await client.waitForEvent('CallStateEvent', 'Alerting', (e) => e.pyCallId === callId);
  await client.ok('answerCall', { callId });
  await client.waitForEvent('CallStateEvent', 'Established', (e) => e.pyCallId === callId);
  const [listed] = await api<Interaction[]>(server, 'GET', `/api/interactions?callId=${callId}`);
  const before = await api<Interaction>(server, 'GET', `/api/interactions/${listed!.id}`);
  expect(before.status).toBe('open');
  const lastEvent = Math.max(...before.timeline.map((t) => t.at));

  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  await client.close();

  const second = await serve(['--data-dir', dataDir, '--log-level', 'info']);
  const restarted = { url: second.url, adminToken: tokenIn(dataDir) };
  expect(restarted.adminToken).toBe(server.adminToken); // kept in the data folder
  const after = await api<Interaction>(restarted, 'GET', `/api/interactions/${before.id}`);
  expect(after).toMatchObject({ status: 'interrupted', endedAt: lastEvent });
  expect(after.timeline.at(-1)).toMatchObject({ kind: 'status', detail: 'interrupted', at: lastEvent });
  expect(second.stdout()).toContain('closed 1 interaction(s) of calls cut by the last stop as interrupted');
  const interrupted = await api<Interaction[]>(restarted, 'GET', '/api/interactions?status=interrupted');
  expect(interrupted.map((i) => i.callId)).toEqual([callId]);
  await stop(second);
});
