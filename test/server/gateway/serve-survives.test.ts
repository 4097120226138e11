/**
 * `opencti serve` as a process, against frames that used to kill it and a client that used to
 * make it grow without bound: the process must live on, its memory stay put, and an agent logged
 * in beside the attacker keep taking calls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';
import { metric } from './metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'opencti-hostile-'));
let child: ChildProcess;
let server: { url: string; ctiUrl: string; adminToken: string };
let agent: WsClient;
const clients: WsClient[] = [];
let stderr = '';

/** Starts `opencti serve` with a config file and reads its URL and admin token from what it prints. */
async function serve(config: Record<string, unknown>): Promise<void> {
  const file = join(dir, 'server.json');
  writeFileSync(file, JSON.stringify(config));
  child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'silent', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${stderr}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /server on (http:\/\/[^\s]+)/.exec(out)?.[1];
      const adminToken = /admin token:\s+(\S+)/.exec(out)?.[1];
      if (url && adminToken) {
        clearTimeout(timer);
        server = { url, ctiUrl: `${url.replace('http', 'ws')}/cti`, adminToken };
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

async function connect(): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

const alive = () => child.exitCode === null && child.signalCode === null;

/** The agent beside the attacker takes a whole queue call, then is Ready again (after-call work ends). */
async function agentTakesACall(): Promise<void> {
  const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15550001000', to: '8001' });
  await agent.waitForEvent('CallStateEvent', 'Alerting', (e) => e.pyCallId === callId);
  await agent.ok('answerCall', { callId });
  await agent.waitForEvent('CallStateEvent', 'Established', (e) => e.pyCallId === callId);
  await agent.ok('hangUpCall', { callId });
  await agent.waitForEvent('CallStateEvent', 'Disconnected', (e) => e.pyCallId === callId);
  await agent.ok('agentReady', {});
}

beforeAll(async () => {
  // Budgets wide open, so that only the limits under test act; a small send buffer bound.
  await serve({ heartbeatMs: 10_000, limits: { framesPerSecond: 100_000, bytesPerSecond: 100 * 1024 * 1024, maxSendBufferBytes: 64 * 1024 } });
  agent = await connect();
  await agent.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
  await agent.ok('agentReady', {});
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  if (child && alive()) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid!, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

it('survives a frame nested 4,500 deep in each field, answers each, and the agent keeps working', async () => {
  const deep = '['.repeat(4500) + ']'.repeat(4500);
  const frames = [
    `{"type":"request","id":${deep},"op":"login","args":{}}`,
    `{"type":${deep},"id":1,"op":"login","args":{}}`,
    `{"type":"request","id":2,"op":${deep},"args":{}}`,
    `{"type":"request","id":3,"op":"login","args":${deep}}`,
    `{"type":"request","id":4,"op":"login","args":{},"extra":${deep}}`,
  ];
  const attacker = await connect();
  for (const frame of frames) {
    const response = await attacker.raw(frame);
    expect(response.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(response.error?.errMessage).toMatch(/nested deeper than the 32-level limit/);
  }
  expect(alive()).toBe(true);
  expect(stderr).not.toMatch(/RangeError/);
  expect(await metric(server, 'opencti_bad_frames_total', 'reason="too_deep"')).toBe(frames.length);
  await agentTakesACall();
});

it('drops a client that asks and never reads once it is over the send buffer bound; memory stays put; the agent keeps working', async () => {
  const attacker = await connect();
  const login = await attacker.ok<{ token: string }>('login', { agentId: 'agent2', agentPwd: 'demo' });
  // State changes fill the replay buffer (bounded by bytes: it keeps the last few dozen frames).
  for (let i = 0; i < 240; i++) await attacker.ok(i % 2 ? 'agentNotReady' : 'agentReady', {});
  await attacker.waitFor(() => attacker.events.length >= 241, 'the state events');
  const seq = attacker.events.at(-1)!.seq;
  const rssBefore = await metric(server, 'opencti_process_resident_memory_bytes');

  // About 3,000 resumes of 7 frames each (the last 6 events, kept whatever the byte bound, and a
  // Snapshot): several MB asked for, none read.
  const tcp = (attacker.socket as unknown as { _socket: Socket })._socket;
  tcp.pause();
  for (let k = 0; k < 3000; k++) {
    attacker.sendRaw(JSON.stringify({ type: 'request', id: k, op: 'resume', args: { token: login.token, lastSeq: seq + k - 6 } }));
    if (k % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
  }
  await expect.poll(() => metric(server, 'opencti_ws_closed_by_server_total', 'reason="send_buffer"'), { timeout: 15_000 }).toBe(1);
  const rssAfter = await metric(server, 'opencti_process_resident_memory_bytes');
  expect(rssAfter - rssBefore).toBeLessThan(50 * 1024 * 1024);
  // Reading again, the attacker finds the connection gone.
  const gone = attacker.socket.readyState === attacker.socket.CLOSED ? undefined : new Promise((resolve) => attacker.socket.once('close', resolve));
  tcp.resume();
  await gone;
  expect(alive()).toBe(true);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  await agentTakesACall();
}, 60_000);
