/**
 * The sip back end when a phone or Kamailio goes away: Snapshots show the device CLOSED / the link
 * DISCONNECTED within seconds, requests fail at once with OPENCTI_LINK_DOWN naming the endpoint
 * (also one already waiting on the phone), and everything comes back when the process returns.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedProcess } from '../../../src/server/sip/testbed/index.js';
import type { TestAgent } from '../../helpers/agents.js';
import { alive, desktopLoggedIn, startSipStack, type SipStack } from './sip-stack.js';

const CALLER = '+12025550188';

describe('sip back end: phones and Kamailio going away and coming back', () => {
  let stack: SipStack;
  const agents: TestAgent[] = [];
  const restarted: ManagedProcess[] = [];

  beforeAll(async () => {
    stack = await startSipStack({
      agents: [
        { agentId: 'agent1', extension: '5001' },
        { agentId: 'agent2', extension: '5002' },
      ],
      others: [{ user: CALLER, kind: 'baresip' }],
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await Promise.allSettled(restarted.map((p) => p.stop()));
    await stack?.stop();
    expect([...stack.pids, ...restarted.map((p) => p.pid)].filter(alive)).toEqual([]);
  });

  const loggedIn = (agentId: string): Promise<TestAgent> => desktopLoggedIn(stack, agents, agentId);

  it('a phone that goes away: device CLOSED, requests fail naming the phone, a waiting answer fails at once; back when it returns', async () => {
    const a1 = await loggedIn('agent1');
    const phone = stack.bed.baresip('5001');
    await phone.process.stop();
    const t0 = Date.now();
    await a1.until((s) => s.device === 'CLOSED', 'device CLOSED', 3000);
    expect(a1.session.state.link).toBe('CONNECTED');
    console.info(`phone gone → device CLOSED at the desktop: ${Date.now() - t0} ms`);
    await expect(a1.session.makeCall('5002')).rejects.toMatchObject({ errCode: 'OPENCTI_LINK_DOWN', errMessage: expect.stringContaining('baresip agent1 ctrl_tcp') });

    // agent2's phone freezes while an answer is pending, then dies: the request fails then, not after a timeout
    const a2 = await loggedIn('agent2');
    await a2.session.agentReady({});
    const sipId = await stack.bed.baresip(CALLER).control.dial('sip:8000@127.0.0.1');
    const { calls } = await a2.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'Alerting at agent2');
    const frozen = stack.bed.baresip('5002');
    process.kill(frozen.pid, 'SIGSTOP');
    const answering = a2.session.answerCall(calls[0]!.callId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = Date.now();
    process.kill(-frozen.pid, 'SIGKILL');
    await expect(answering).rejects.toMatchObject({ errCode: 'OPENCTI_LINK_DOWN', errMessage: expect.stringContaining('baresip agent2 ctrl_tcp') });
    expect(Date.now() - killedAt).toBeLessThan(2000);
    await stack.bed.baresip(CALLER).control.hangup(sipId);

    // the phone returns on the same ports: the server reconnects
    const again = ManagedProcess.start({ name: 'baresip 5001 again', command: 'baresip', args: ['-f', phone.dir], logFile: join(phone.dir, 'baresip-again.log'), env: { ...process.env, HOME: phone.dir } });
    restarted.push(again);
    await a1.until((s) => s.device === 'OPENED', 'device OPENED again', 8000);
  });

  it('Kamailio going away: link DISCONNECTED for every agent, requests fail naming Kamailio; CONNECTED when it returns', async () => {
    const a1 = agents[0]!;
    const kamailio = stack.bed.kamailio;
    // a caller waiting in the queue (nobody Ready) when Kamailio goes
    await a1.session.agentNotReady({ reasonCode: 'BREAK' }).catch(() => undefined);
    const waiting = await stack.bed.baresip(CALLER).control.dial('sip:8001@127.0.0.1');
    await expect.poll(() => stack.server.switch.queues().find((q) => q.dnis === '8001')?.waiting.length ?? 0).toBe(1);
    await kamailio.process.stop();
    const t0 = Date.now();
    await a1.until((s) => s.link === 'DISCONNECTED' && s.device === 'CLOSED', 'link DISCONNECTED', 3000);
    console.info(`Kamailio gone → link DISCONNECTED at the desktop: ${Date.now() - t0} ms`);
    await expect(a1.session.makeCall('5002')).rejects.toMatchObject({ errCode: 'OPENCTI_LINK_DOWN', errMessage: expect.stringContaining('Kamailio evapi') });
    expect(stack.server.switch.queues().find((q) => q.dnis === '8001')?.waiting).toEqual([]);
    await stack.bed.baresip(CALLER).control.hangup(waiting).catch(() => undefined);

    const runDir = join(stack.bed.dir, 'kamailio');
    const again = ManagedProcess.start({
      name: 'kamailio again',
      command: 'kamailio',
      args: ['-DD', '-E', '-f', join(runDir, 'kamailio.cfg'), '-Y', runDir, '-m', '32', '-M', '4'],
      logFile: join(runDir, 'kamailio-again.log'),
    });
    restarted.push(again);
    await a1.until((s) => s.link === 'CONNECTED' && s.device === 'OPENED', 'link CONNECTED again', 10_000);
  });
});
