/**
 * The server on the sip back end with real calls: Kamailio, baresip agent phones, a baresip
 * caller and an answering far end, driven through framework sessions as a desktop drives them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callIn, createAgent, type TestAgent } from '../../helpers/agents.js';
import { alive, startSipStack, type SipStack } from './sip-stack.js';

const CALLER = '+12025550101';
const FAR_END = '+15557770000';
const uri = (user: string) => `sip:${user}@127.0.0.1`;

describe('sip back end: real calls through Kamailio to agent phones', () => {
  let stack: SipStack;
  let agents: TestAgent[] = [];

  beforeAll(async () => {
    stack = await startSipStack({
      agents: [
        { agentId: 'agent1', extension: '5001' },
        { agentId: 'agent2', extension: '5002' },
      ],
      others: [
        { user: CALLER, kind: 'baresip' },
        { user: FAR_END, kind: 'baresip', autoAnswer: true },
      ],
    });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(agents.map((a) => a.close()));
    agents = [];
  });
  afterAll(async () => {
    await stack?.stop();
    expect(stack.pids.filter(alive)).toEqual([]);
  });

  async function ready(agentId: string): Promise<TestAgent> {
    const agent = createAgent(stack.server.ctiUrl, 'full');
    agents.push(agent);
    await agent.session.login({ agentId, agentPwd: 'demo' });
    await agent.session.agentReady({});
    await agent.until((s) => s.agent.state === 'Ready', `${agentId} Ready`);
    return agent;
  }

  it('a queue call rings the agent phone; answer, hold, retrieve, DTMF and hang-up from the desktop', async () => {
    const agent = await ready('agent1');
    const caller = stack.bed.baresip(CALLER).control;
    const t0 = Date.now();
    const sipId = await caller.dial(uri('8000'));
    const ringing = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'the queue call Alerting at agent1');
    const call = ringing.calls[0]!;
    expect(call).toMatchObject({ ani: CALLER, dnis: '8000', queue: 'sales' });
    console.info(`dial → Alerting at the desktop: ${Date.now() - t0} ms`);

    await agent.session.answerCall(call.callId);
    expect(callIn(agent.session.state, call.callId)?.state).toBe('Established');
    await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);

    await agent.session.holdCall(call.callId);
    await agent.until((s) => callIn(s, call.callId)?.state === 'Held', 'Held');
    await agent.session.retrieveCall(call.callId);
    await agent.until((s) => ['Retrieved', 'Established'].includes(callIn(s, call.callId)?.state ?? ''), 'Retrieved');
    await agent.session.sendDTMF(call.callId, '12#');

    await agent.session.hangUpCall(call.callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    await caller.waitForCallEvent('CALL_CLOSED', sipId);
  });

  it('the caller hangs up an answered call: the desktop sees it end', async () => {
    const agent = await ready('agent2');
    const caller = stack.bed.baresip(CALLER).control;
    const sipId = await caller.dial(uri('8000'));
    const { calls } = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'Alerting at agent2');
    await agent.session.answerCall(calls[0]!.callId);
    await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);
    await caller.hangup(sipId);
    await agent.until((s) => s.calls.length === 0, 'the call gone after the caller hung up');
  });
});
