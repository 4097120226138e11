/** The server as a process: `opencti serve` started for real, killed with SIGKILL mid-call, restarted. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { api } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opencti-sigkill-'));
const children: ChildProcess[] = [];

/** Starts `opencti serve` and reads its URL from what it prints, its admin token from the data folder (printed only when new). */
async function serve(): Promise<{ child: ChildProcess; url: string; adminToken: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /server on (http:\/\/[^\s]+)/.exec(out)?.[1];
      if (url) {
        const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
        clearTimeout(timer);
        resolve({ child, url, adminToken });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps the interactions of a call in progress when the server is killed with SIGKILL', async () => {
  const first = await serve();
  const client = await WsClient.connect(`${first.url.replace('http', 'ws')}/cti`);
  await client.ok('login', { agentId: 'agent2', agentPwd: 'demo' });
  await client.ok('agentReady', {});
  const { callId } = await api<{ callId: string }>(first, 'POST', '/api/calls', { from: '+15551230002', to: '8001' });
  await client.waitForEvent('CallStateEvent', 'Alerting', (e) => e.pyCallId === callId);
  await client.ok('answerCall', { callId });
  await client.waitForEvent('CallStateEvent', 'Established', (e) => e.pyCallId === callId);

  const exited = new Promise((resolve) => first.child.once('exit', resolve));
  process.kill(first.child.pid!, 'SIGKILL');
  await exited;
  await client.close();

  const second = await serve();
  expect(second.adminToken).toBe(first.adminToken); // kept in the data folder
  const items = await api<{ callId: string; id: number }[]>(second, 'GET', '/api/interactions?agentId=agent2');
  const stored = items.find((i) => i.callId === callId);
  expect(stored).toBeDefined();
  const detail = await api<{ ani: string; queue: string; answeredAt: unknown; timeline: { kind: string }[] }>(second, 'GET', `/api/interactions/${stored!.id}`);
  expect(detail.ani).toBe('+15551230002');
  expect(detail.answeredAt).toBeTruthy();
  expect(detail.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['offered', 'answered']));
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));
});
