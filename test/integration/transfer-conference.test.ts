/** Two and three agents on the real server through framework sessions: consult transfer and conference. */
import { describe, expect, it } from 'vitest';
import { useAgentBed } from '../helpers/agent-bed.js';
import { callIn, type TestAgent } from '../helpers/agents.js';
import { api } from '../helpers/server.js';

const bed = useAgentBed();

/** A customer call through the sales queue, answered by `agent`. */
async function answeredCall(agent: TestAgent, from: string): Promise<string> {
  const { callId } = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from, to: '8000', data: { order: 'A-17' } });
  await agent.until((s) => callIn(s, callId)?.state === 'Alerting', 'the call ringing');
  await agent.session.answerCall(callId);
  await agent.until((s) => callIn(s, callId)?.state === 'Established', 'the call established');
  return callId;
}

describe('consult transfer between two agents', () => {
  it('hands the caller to the second agent with the call data, and frees the first', async () => {
    const first = await bed.ready('agent1');
    const callId = await answeredCall(first, '+15551230011');
    const second = await bed.ready('agent2');

    await first.session.transferInitiate(callId, '5002');
    await first.until((s) => callIn(s, callId)?.state === 'Held', 'the customer on hold');
    const ringing = await second.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'agent2 ringing');
    const consultId = ringing.calls.find((c) => c.state === 'Alerting')!.callId;
    expect(ringing.calls[0]!.callData).toMatchObject({ order: 'A-17' });
    await second.session.answerCall(consultId);
    const consult = await first.until((s) => s.calls.some((c) => c.callId !== callId && c.state === 'Established'), 'consult established');
    const activeId = consult.calls.find((c) => c.callId !== callId)!.callId;

    await first.session.transferComplete(callId, activeId);
    await first.until((s) => s.calls.length === 0, 'agent1 free');
    const after = await second.until((s) => s.calls.some((c) => c.state === 'Established' && c.ani === '+15551230011'), 'agent2 talking to the customer');
    const handed = after.calls.find((c) => c.ani === '+15551230011')!;
    expect(handed.callData).toMatchObject({ order: 'A-17' });
    // The customer is now agent2's: agent2 can hold and hang up the call.
    await second.session.holdCall(handed.callId);
    await second.until((s) => callIn(s, handed.callId)?.state === 'Held', 'held by agent2');
    await second.session.retrieveCall(handed.callId);
    await second.session.hangUpCall(handed.callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
  });

  it('refuses completing a transfer when the call is not held', async () => {
    const first = await bed.ready('agent1');
    const callId = await answeredCall(first, '+15551230012');
    await expect(first.session.transferComplete(callId, 'nope')).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE' });
    await first.session.hangUpCall(callId);
  });
});

describe('conference of three agents and a customer', () => {
  it('joins everyone, shows every party to every agent, and drops a party', async () => {
    const first = await bed.ready('agent1');
    const callId = await answeredCall(first, '+15551230013');
    const second = await bed.ready('agent2');
    const third = await bed.ready('agent3');

    for (const [target, agent] of [['5002', second], ['5003', third]] as const) {
      await first.session.conferenceInitiate(callId, target);
      const ringing = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting'), `${target} ringing`);
      await agent.session.answerCall(ringing.calls.find((c) => c.state === 'Alerting')!.callId);
      const consult = await first.until((s) => s.calls.some((c) => c.callId !== callId && c.state === 'Established'), 'consult established');
      await first.session.conferenceComplete(callId, consult.calls.find((c) => c.callId !== callId)!.callId);
      await first.until((s) => s.calls.length === 1 && s.calls[0]!.parties.includes(target), `${target} in the conference`);
    }
    for (const agent of [first, second, third]) {
      const state = await agent.until((s) => s.calls.length === 1 && s.calls[0]!.parties.length === 4, 'four parties');
      expect([...state.calls[0]!.parties].sort()).toEqual(['+15551230013', '5001', '5002', '5003'].sort());
    }
    const conf = first.session.state.calls[0]!.callId;
    await first.session.dropParty(conf, '5003');
    await third.until((s) => s.calls.length === 0, 'agent3 dropped');
    await second.until((s) => s.calls[0]?.parties.length === 3, 'three parties left');
    await first.session.hangUpCall(conf);
    await first.until((s) => s.calls.length === 0, 'agent1 left');
  });
});
