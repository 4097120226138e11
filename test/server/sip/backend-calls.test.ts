/**
 * The server on the sip back end with real calls: Kamailio, baresip agent phones, a baresip
 * caller and an answering far end, driven through framework sessions as a desktop drives them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cancelCallerScenario, registerScenario, rejectingCalleeScenario, ringingCalleeScenario } from '../../../src/server/sip/testbed/index.js';
import { callIn, createAgent, type TestAgent } from '../../helpers/agents.js';
import { api } from '../../helpers/server.js';
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
      // the switch's RONA (2 s) comes before Kamailio's own ring limit (20 s)
      server: { ringTimeoutMs: 2000 },
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
    // baresip sends RFC 4733 in the media: the caller's phone reports each digit it received
    const beforeDigits = caller.log.mark();
    await agent.session.sendDTMF(call.callId, '12#');
    const digits: string[] = [];
    await caller.log.waitFor(
      (e) => {
        if (e.type === 'CALL_DTMF_START' && e.id === sipId) digits.push(String(e.param));
        return digits.length === 3;
      },
      'the three DTMF digits at the caller',
      5000,
      beforeDigits,
    );
    expect(digits).toEqual(['1', '2', '#']);

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

  it('blind transfer from the desktop to a second agent: the caller calls agent2, who answers from the desktop', async () => {
    const first = await ready('agent1');
    const caller = stack.bed.baresip(CALLER).control;
    const sipId = await caller.dial(uri('8000'));
    const { calls } = await first.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'Alerting at agent1');
    const callId = calls[0]!.callId;
    await first.session.answerCall(callId);
    const second = createAgent(stack.server.ctiUrl, 'full');
    agents.push(second);
    await second.session.login({ agentId: 'agent2', agentPwd: 'demo' });

    const mark = caller.log.mark();
    await first.session.blindTransfer(callId, '5002');
    await first.until((s) => s.calls.length === 0, 'agent1 released');
    await second.until((s) => callIn(s, callId)?.state === 'Alerting', 'the transferred call Alerting at agent2');
    await second.session.answerCall(callId);
    const established = await caller.log.waitFor((e) => e.type === 'CALL_ESTABLISHED' && e.id !== sipId, 'the caller talking to agent2', 5000, mark);
    await caller.waitForCallEvent('CALL_CLOSED', sipId);
    await caller.hangup(established.id);
    await second.until((s) => s.calls.length === 0, 'the call gone at agent2');
  });

  it('a direct call to an extension rings the agent; rejecting it on the phone ends it', async () => {
    const agent = await ready('agent1');
    const caller = stack.bed.baresip(CALLER).control;
    const sipId = await caller.dial(uri('5001'));
    const { calls } = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'the direct call Alerting');
    expect(calls[0]).toMatchObject({ ani: CALLER, dnis: '5001' });
    await stack.bed.baresip(CALLER).control.waitForCallEvent('CALL_RINGING', sipId);
    await agent.session.hangUpCall(calls[0]!.callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    await caller.waitForCallEvent('CALL_CLOSED', sipId);
  });

  it('makeCall from the desktop dials from the phone; the far end answers; a busy SIPp callee gives Disconnected with pyCause Busy', async () => {
    const agent = await ready('agent2');
    await agent.session.makeCall(FAR_END);
    const talking = await agent.until((s) => s.calls.some((c) => c.state === 'Established'), 'the outbound call Established');
    const callId = talking.calls[0]!.callId;
    expect(talking.calls[0]).toMatchObject({ type: 'OUTBOUND' });
    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the outbound call gone');

    const busy = stack.bed.sipp({ name: 'busy', scenarioXml: rejectingCalleeScenario({ code: 486, reason: 'Busy Here' }) });
    const register = stack.bed.sipp({ name: 'register-busy', scenarioXml: registerScenario({ user: '5550000999', contactPort: busy.port, expires: 60 }) });
    expect(await register.done).toBe(0);
    const causes: unknown[] = [];
    const off = stack.server.switch.onDeviceEvent((e) => {
      if (e.extension === '5002' && e.event.pyEventName === 'Disconnected') causes.push((e.event as { pyCause?: unknown }).pyCause);
    });
    await agent.session.makeCall('5550000999');
    await agent.until((s) => s.calls.length === 0 && causes.length > 0, 'the busy call gone');
    off();
    expect(causes).toEqual(['Busy']);
    expect(await busy.done).toBe(0);
  });

  it('SIPp callers: cancel while ringing at the agent (the call ends at the desktop), cancel while queued (Abandoned)', async () => {
    const agent = await ready('agent1');
    const ringing = `sipp-ringing-${Date.now()}`;
    const canceller = stack.bed.sipp({ name: 'cancel-ringing', callId: ringing, scenarioXml: cancelCallerScenario({ target: '8000', waitFor: 180, cancelAfterMs: 300 }) });
    const { calls } = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'the SIPp call Alerting');
    await agent.until((s) => s.calls.length === 0, 'the cancelled call gone');
    expect(await canceller.done).toBe(0);
    expect(agent.session.state.agent.state).toBe('Ready');

    await agent.session.agentNotReady({ reasonCode: 'BREAK' });
    const queued = `sipp-queued-${Date.now()}`;
    const waiting = stack.bed.sipp({ name: 'cancel-queued', callId: queued, scenarioXml: cancelCallerScenario({ target: '8000', waitFor: 182, cancelAfterMs: 300 }) });
    expect(await waiting.done).toBe(0);
    // the switch counts a queue call whose caller hangs up before an answer as abandoned, ringing or queued
    const interactions = await api<{ callId: string; status: string; queue?: string }[]>(stack.server, 'GET', '/api/interactions');
    expect(interactions.find((i) => i.callId === calls[0]!.callId)?.status).toBe('abandoned');
    const queuedOnly = interactions.filter((i) => i.callId !== calls[0]!.callId && i.status === 'abandoned' && i.queue === 'sales');
    expect(queuedOnly.length).toBeGreaterThan(0);
    expect(agent.emitted.filter((e) => e.name === 'callAdded')).toHaveLength(1);
  });

  it('an agent who never answers: RONA takes the call back (agent Not Ready, RONA) and offers it to the next Ready agent', async () => {
    const slow = await ready('agent1');
    const caller = stack.bed.baresip(CALLER).control;
    const sipId = await caller.dial(uri('8000'));
    const { calls } = await slow.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'Alerting at agent1');
    const callId = calls[0]!.callId;
    const next = await ready('agent2');
    await slow.until((s) => s.calls.length === 0 && s.agent.state === 'NotReady', 'agent1 Not Ready after RONA', 6000);
    expect(slow.session.state.agent).toMatchObject({ reasonCode: 'RONA' });
    await next.until((s) => callIn(s, callId)?.state === 'Alerting', 'the call offered to agent2', 8000);
    await next.session.answerCall(callId);
    await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);
    await next.session.hangUpCall(callId);
    await caller.waitForCallEvent('CALL_CLOSED', sipId);
  });

  it('a SIPp callee that never answers: the desktop sees the call ringing out, hangs up, the callee gets the CANCEL', async () => {
    const agent = await ready('agent2');
    const callee = stack.bed.sipp({ name: 'never-answers', scenarioXml: ringingCalleeScenario() });
    const register = stack.bed.sipp({ name: 'register-never', scenarioXml: registerScenario({ user: '5550000888', contactPort: callee.port, expires: 60 }) });
    expect(await register.done).toBe(0);
    const placed = (await agent.session.makeCall('5550000888')) as { callId?: string } | undefined;
    const { calls } = await agent.until((s) => s.calls.length === 1, 'the outbound call');
    const callId = placed?.callId ?? calls[0]!.callId;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(callIn(agent.session.state, callId)?.state).not.toBe('Established');
    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    expect(await callee.done).toBe(0);
  });
});
