/**
 * Call data given on makeCall, consultationCall, transferInitiate, blindTransfer and
 * conferenceInitiate (options.callData: Pega's containers) against the real server: it reaches the
 * other agent's session, pyUserData and pyCallVariables included, and a screen pop that asks for it.
 */
import { describe, expect, it } from 'vitest';
import { createNodeReferenceConnector } from '../../src/connectors/reference/node.js';
import { Session } from '../../src/framework/session/session.js';
import type { ScreenPop } from '../../src/framework/session/types.js';
import { useAgentBed } from '../helpers/agent-bed.js';
import { callIn, contextFor, ringingCall, talking } from '../helpers/agents.js';
import { api } from '../helpers/server.js';

const bed = useAgentBed();

const USER_DATA = { account: { id: 'ACC-9', tier: 'gold' }, lang: 'fr' };

describe('call data on the requests that place or send on a call', () => {
  it('makeCall: the called agent\'s call carries every container, the list as a list; so does the caller\'s', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    await first.session.makeCall('5002', {
      callData: { pyCallData: { case: '42' }, pyUserData: USER_DATA, pyCallVariables: 'IVR-2|billing', pyApplicationData: { ivr: { menu: '3' } } },
    });
    const callId = await ringingCall(second, 'agent2 ringing');
    const expected = { callData: { case: '42' }, userData: USER_DATA, callVariables: ['IVR-2', 'billing'], applicationData: { ivr: { menu: '3' } } };
    expect(callIn(second.session.state, callId)).toMatchObject(expected);
    expect(callIn(first.session.state, callId)).toMatchObject(expected);
    await first.session.hangUpCall(callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
  });

  it('consultationCall: the consulted agent gets the call\'s data with what the consult added', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const third = await bed.ready('agent3');
    const callId = await talking(first, second, '5002', { pyUserData: USER_DATA, pyCallVariables: ['IVR-2'] });
    await second.session.consultationCall(callId, '5003', { callData: { pyUserData: { note: 'wants a refund' }, pyCallVariables: 'CONSULT|2' } });
    const consultId = await ringingCall(third, 'agent3 ringing');
    expect(consultId).not.toBe(callId);
    expect(callIn(third.session.state, consultId)).toMatchObject({
      type: 'CONSULT',
      userData: { ...USER_DATA, note: 'wants a refund' },
      callVariables: ['CONSULT', '2'],
    });
    // The original call keeps its own data.
    expect(callIn(second.session.state, callId)).toMatchObject({ userData: USER_DATA, callVariables: ['IVR-2'] });
    await second.session.hangUpCall(consultId);
    await first.session.hangUpCall(callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
  });

  it('transferInitiate then transferComplete: the target talks on the original call, which now carries the consult\'s data', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const third = await bed.ready('agent3');
    const callId = await talking(first, second, '5002', { pyUserData: USER_DATA });
    await second.session.transferInitiate(callId, '5003', { callData: { pyUserData: { account: { reason: 'refund' } } } });
    const consultId = await ringingCall(third, 'agent3 ringing');
    await third.session.answerCall(consultId);
    await second.until((s) => callIn(s, consultId)?.state === 'Established', 'consult answered');
    await second.session.transferComplete(callId, consultId);
    const merged = { account: { id: 'ACC-9', tier: 'gold', reason: 'refund' }, lang: 'fr' };
    await third.until((s) => callIn(s, callId)?.state === 'Established', 'agent3 on the original call');
    expect(callIn(third.session.state, callId)?.userData).toEqual(merged);
    // The caller hears about the data that joined its call.
    await first.until((s) => callIn(s, callId)?.userData.account !== undefined && (callIn(s, callId)!.userData.account as Record<string, string>).reason === 'refund', 'agent1 sees the merged data');
    await first.session.hangUpCall(callId);
    await third.until((s) => s.calls.length === 0, 'agent3 free');
  });

  it('blindTransfer: the target rings on the same call with the data merged in', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const third = await bed.ready('agent3');
    const callId = await talking(first, second, '5002', { pyUserData: USER_DATA, pyCallData: { case: '42' } });
    await second.session.blindTransfer(callId, '5003', { callData: { pyUserData: { account: { reason: 'refund' } }, pyCallVariables: ['TRANSFERRED'] } });
    const transferred = await ringingCall(third, 'agent3 ringing');
    expect(transferred).toBe(callId);
    expect(callIn(third.session.state, callId)).toMatchObject({
      callData: { case: '42' },
      userData: { account: { id: 'ACC-9', tier: 'gold', reason: 'refund' }, lang: 'fr' },
      callVariables: ['TRANSFERRED'],
    });
    await second.until((s) => s.calls.length === 0, 'agent2 released');
    await first.session.hangUpCall(callId);
    await third.until((s) => s.calls.length === 0, 'agent3 free');
  });

  it('conferenceInitiate then conferenceComplete: everyone in the conference sees the data given', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const third = await bed.ready('agent3');
    const callId = await talking(first, second, '5002', { pyUserData: USER_DATA });
    await second.session.conferenceInitiate(callId, '5003', { callData: { pyCallVariables: 'x|y', pyApplicationData: { bot: { intent: 'refund' } } } });
    const consultId = await ringingCall(third, 'agent3 ringing');
    expect(callIn(third.session.state, consultId)).toMatchObject({ userData: USER_DATA, callVariables: ['x', 'y'], applicationData: { bot: { intent: 'refund' } } });
    await third.session.answerCall(consultId);
    await second.until((s) => callIn(s, consultId)?.state === 'Established', 'consult answered');
    await second.session.conferenceComplete(callId, consultId);
    for (const agent of [first, second, third]) {
      const state = await agent.until((s) => callIn(s, callId)?.callVariables.length === 2 && callIn(s, callId)?.parties.length === 3, 'conference with the data');
      expect(callIn(state, callId)).toMatchObject({ userData: USER_DATA, callVariables: ['x', 'y'], applicationData: { bot: { intent: 'refund' } } });
    }
    await first.session.hangUpCall(callId);
    await second.session.hangUpCall(callId);
    await third.until((s) => s.calls.length === 0, 'agent3 free');
  });
});

describe('the called agent\'s screen pop shows what popData names inside the containers', () => {
  it('pyUserData.account.id and pyCallVariables.1 appear under their paths', async () => {
    const first = await bed.ready('agent1');
    const connector = createNodeReferenceConnector({});
    const base = contextFor('full', bed.server.ctiUrl);
    const session = new Session({
      context: {
        ...base,
        callTreatment: { INTERNAL: { enabled: true, answering: 'manual', launch: 'autoWithScreenPop', popData: ['pyANI', 'pyUserData.account.id', 'pyCallVariables.1'] } },
      },
      implementation: connector,
    });
    bed.afterTest(async () => {
      await session.logout({}).catch(() => undefined);
      session.dispose();
      connector.close();
    });
    await session.login({ agentId: 'agent2', agentPwd: 'demo' });
    const popped = new Promise<ScreenPop>((resolve) => session.once('screenPop', resolve));
    await first.session.makeCall('5002', { callData: { pyUserData: USER_DATA, pyCallVariables: 'IVR-2|billing' } });
    const pop = await popped;
    expect(pop.data).toEqual({ pyANI: '5001', 'pyUserData.account.id': 'ACC-9', 'pyCallVariables.1': 'billing' });
    await first.session.hangUpCall(pop.call.callId);
  });
});

describe('call data that is not valid', () => {
  it('the session refuses it before the server hears of it, naming the path', async () => {
    const first = await bed.ready('agent1');
    await expect(first.session.makeCall('5002', { callData: { pyUserData: { account: { id: 42 } } } as never })).rejects.toMatchObject({
      errCode: 'OPENCTI_INVALID_ACTION',
      errMessage: 'makeCall: options.callData is not valid: /pyUserData/account/id must be string or object (got 42)',
    });
    await expect(first.session.makeCall('5002', { callData: { account: '42' } as never })).rejects.toMatchObject({
      errMessage: 'makeCall: options.callData is not valid: /account is not an allowed property (got "42")',
    });
    await expect(first.session.makeCall('5002', null as never)).rejects.toMatchObject({ errMessage: 'makeCall: options must be an object (got null)' });
    expect(first.session.state.calls).toEqual([]);
    expect(await api<unknown[]>(bed.server, 'GET', '/api/calls')).toEqual([]);
  });

  it('the server refuses it on the wire with OPENCTI_BAD_FRAME naming the path', async () => {
    const client = await bed.raw('agent4');
    const response = await client.request('makeCall', { destination: '5002', callData: { pyCallVariables: { first: 'a' } } });
    expect(response.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(response.error?.errMessage).toContain('/callData/pyCallVariables must be string or array');
    const empty = await client.request('makeCall', { destination: '5002', callData: {} });
    expect(empty.error?.errMessage).toContain('/callData must NOT have fewer than 1 properties');
  });
});
