/**
 * `opencti serve --backend sip --config FILE` as a user runs it: against `npm run testbed
 * -- --server-config FILE` (both spawned, both stopped by PID), and the configuration errors it
 * names by JSON path.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BaresipControl } from '../../../src/server/sip/baresip-control.js';
import { callIn, createAgent, type TestAgent } from '../../helpers/agents.js';
import { alive } from './sip-stack.js';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

/** Resolves with the child's stdout once `pattern` matches it. */
function output(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  let text = '';
  let errors = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms; stdout: ${text}; stderr: ${errors}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${what}; stderr: ${errors}`)));
  });
}

describe('opencti serve --backend sip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opencti-serve-sip-'));
  const children: ChildProcess[] = [];
  let pids: number[] = [];
  let agent: TestAgent | undefined;

  afterAll(async () => {
    await agent?.close();
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.pid === undefined) continue;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...pids, ...children.map((c) => c.pid ?? 0)].filter((pid) => pid > 0 && alive(pid))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a sip back end without a sip section, and names the JSON path of a wrong value', async () => {
    await expect(run(process.execPath, [...CLI, 'serve', '--backend', 'sip', '--port', '0', '--data-dir', dir])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('/sip: the sip back end needs a "sip" section'),
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ backend: 'sip', sip: { kamailio: { evapiPort: 70000, rpcUrl: 'http://127.0.0.1:1/RPC' }, agents: [] } }));
    await expect(run(process.execPath, [...CLI, 'serve', '--config', bad, '--port', '0', '--data-dir', dir])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/\/sip\/kamailio\/evapiPort must be <= 65535.*\/sip\/agents must NOT have fewer than 1 items/),
    });
  });

  it('drives real calls: the demo agents on the test bed phones', async () => {
    const config = join(dir, 'sip.json');
    const bed = spawn(process.execPath, ['--import', 'tsx', 'scripts/testbed.ts', '--server-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(bed);
    const described = await output(bed, /\n}\n/, 'the test bed description');
    const info = JSON.parse(described.input as string) as { kamailio: { pid: number }; phones: { user: string; pid: number; ctrlTcp?: string }[] };
    pids = [info.kamailio.pid, ...info.phones.map((p) => p.pid)];

    const serve = spawn(process.execPath, [...CLI, 'serve', '--backend', 'sip', '--config', config, '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(serve);
    const [, ctiUrl] = (await output(serve, /CTI WebSocket:\s+(ws:\S+)/, 'the CTI WebSocket address')) as unknown as [string, string];

    agent = createAgent(ctiUrl, 'full');
    await agent.session.login({ agentId: 'agent1', agentPwd: 'demo' });
    await agent.until((s) => s.device === 'OPENED' && s.link === 'CONNECTED', 'device OPENED', 10_000);
    await agent.session.agentReady({});

    const callerPort = Number(info.phones.find((p) => p.user === '+12025550101')?.ctrlTcp?.split(':')[1]);
    const caller = await BaresipControl.connect({ port: callerPort, name: 'caller' });
    try {
      const sipId = await caller.dial('sip:8000@127.0.0.1');
      const { calls } = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'the queue call at agent1', 10_000);
      await agent.session.answerCall(calls[0]!.callId);
      await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);
      await agent.session.hangUpCall(calls[0]!.callId);
      await caller.waitForCallEvent('CALL_CLOSED', sipId);
      expect(callIn(agent.session.state, calls[0]!.callId)).toBeUndefined();
    } finally {
      await caller.close();
    }
  }, 90_000);
});
