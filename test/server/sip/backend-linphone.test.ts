/**
 * Consult transfer and conference on a linphone agent phone through the sip back end, with real
 * calls: the caller is a baresip phone, the consulted party a second agent (baresip) or a far end
 * that answers at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callIn, type TestAgent } from '../../helpers/agents.js';
import { alive, desktopLoggedIn, startSipStack, type SipStack } from './sip-stack.js';

const CALLER = '+12025550102';
const FAR_END = '+15557770000';

describe('sip back end: consult transfer and conference on a linphone agent', () => {
  let stack: SipStack;
  let agents: TestAgent[] = [];

  beforeAll(async () => {
    stack = await startSipStack({
      agents: [
        { agentId: 'agent3', extension: '5003', kind: 'linphone' },
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

  const loggedIn = (agentId: string, ready: boolean): Promise<TestAgent> => desktopLoggedIn(stack, agents, agentId, ready);

  /** The caller dials the support queue; agent3 answers from the desktop. */
  async function answeredAtAgent3(agent3: TestAgent): Promise<{ callId: string; sipId: string }> {
    const sipId = await stack.bed.baresip(CALLER).control.dial('sip:8001@127.0.0.1');
    const { calls } = await agent3.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'Alerting at agent3');
    const callId = calls[0]!.callId;
    await agent3.session.answerCall(callId);
    await stack.bed.baresip(CALLER).control.waitForCallEvent('CALL_ESTABLISHED', sipId);
    return { callId, sipId };
  }

  it('consult a second agent, who answers from the desktop, then transfer: the caller ends up talking to agent2', async () => {
    const agent3 = await loggedIn('agent3', true);
    const agent2 = await loggedIn('agent2', false);
    const caller = stack.bed.baresip(CALLER).control;
    const { callId, sipId } = await answeredAtAgent3(agent3);

    const consult = (await agent3.session.consultationCall(callId, '5002')) as { callId?: string } | undefined;
    await agent3.until((s) => callIn(s, callId)?.state === 'Held', 'the customer call Held');
    const ringing = await agent2.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'the consult call Alerting at agent2');
    const consultId = consult?.callId ?? ringing.calls[0]!.callId;
    await agent2.session.answerCall(consultId);
    await agent3.until((s) => callIn(s, consultId)?.state === 'Established', 'the consult call Established at agent3');

    const mark = caller.log.mark();
    await agent3.session.transferComplete(callId, consultId);
    await agent3.until((s) => s.calls.length === 0, 'agent3 released');
    await agent2.until((s) => callIn(s, callId)?.state === 'Established', 'agent2 on the customer call');
    const established = await caller.log.waitFor((e) => e.type === 'CALL_ESTABLISHED' && e.id !== sipId, 'the caller talking to agent2', 8000, mark);
    await caller.hangup(established.id);
    await agent2.until((s) => s.calls.length === 0, 'the call gone at agent2');
  });

  it('conference with a far end: three parties, drop the far end, hang up from the desktop', async () => {
    const agent3 = await loggedIn('agent3', true);
    const caller = stack.bed.baresip(CALLER).control;
    const { callId, sipId } = await answeredAtAgent3(agent3);

    const consult = (await agent3.session.conferenceInitiate(callId, FAR_END)) as { callId?: string } | undefined;
    const talking = await agent3.until((s) => s.calls.some((c) => c.callId !== callId && c.state === 'Established'), 'the far end answering');
    const consultId = consult?.callId ?? talking.calls.find((c) => c.callId !== callId)!.callId;
    await agent3.session.conferenceComplete(callId, consultId);
    await agent3.until((s) => (callIn(s, callId)?.parties.length ?? 0) >= 3, 'three parties');
    expect([...(callIn(agent3.session.state, callId)?.parties ?? [])].sort()).toEqual([CALLER, FAR_END, '5003'].sort());

    await agent3.session.dropParty(callId, FAR_END);
    await agent3.until((s) => !callIn(s, callId)?.parties.includes(FAR_END), 'the far end dropped');
    await agent3.session.hangUpCall(callId);
    await agent3.until((s) => s.calls.length === 0, 'the conference gone at agent3');
    await caller.waitForCallEvent('CALL_CLOSED', sipId, 8000);
  });
});
