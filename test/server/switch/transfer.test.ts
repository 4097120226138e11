import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

const FAR = '+33799999999';

/** A customer call to the sales queue, answered by alice. */
function customerWithAlice(harnessOptions = {}, callData: Record<string, string> = { account: '42' }) {
  h = harness(harnessOptions);
  h.ready('alice');
  h.sw.login('bob', '');
  h.sw.login('carol', '');
  const { callId } = h.sw.inboundCall(CUSTOMER, '8000', callData);
  h.sw.answer('alice', callId);
  h.take();
  return callId;
}

describe('blind transfer', () => {
  it('to an agent: the transferring agent drops out, the target rings with the caller and the call data', () => {
    const c1 = customerWithAlice();
    h.sw.blindTransfer('alice', c1, '1002', { note: 'billing question' });
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW'],
      '1002': [`Alerting ${c1} INBOUND other=${CUSTOMER}`],
    });
    expect(h.last('1002', 'CallStateEvent')).toMatchObject({ pyANI: CUSTOMER, pyDNIS: '8000', pyQueue: 'sales', pyCallData: { account: '42', note: 'billing question' } });
    h.sw.answer('bob', c1);
    expect(h.take()).toEqual({ '1002': [`Established ${c1} INBOUND other=${CUSTOMER}`, 'agent Busy'] });
    expect(h.kinds(c1)).toEqual(['queued', 'offered:alice', 'answered:alice', 'transferred:alice', 'offered:bob', 'answered:bob']);
    h.sw.callerHangUp(c1);
    // still an ACD call: bob owes after-call work too
    expect(h.take()).toEqual({ '1002': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW'] });
  });

  it('to a queue: the call waits there and goes to an agent with that skill', () => {
    const c1 = customerWithAlice();
    h.sw.blindTransfer('alice', c1, '8001');
    expect(h.sw.calls()[0]).toMatchObject({ state: 'queued', queue: 'support', parties: [CUSTOMER] });
    h.sw.ready('carol');
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW'],
      '1003': ['agent Ready MODE_NONE', `Alerting ${c1} INBOUND other=${CUSTOMER}`],
    });
    expect(h.last('1003', 'CallStateEvent')).toMatchObject({ pyQueue: 'support', pyDNIS: '8000', pyCallData: { account: '42' } });
    expect(h.kinds(c1).slice(3)).toEqual(['transferred:alice', 'queued', 'offered:carol']);
  });

  it('to an outside number: the call leaves the desktops and lives until a party hangs up', () => {
    const c1 = customerWithAlice();
    h.sw.blindTransfer('alice', c1, FAR);
    expect(h.sw.calls()[0]).toMatchObject({ callId: c1, state: 'Alerting', parties: [CUSTOMER, FAR] });
    h.sw.farEndAnswer(c1);
    expect(h.sw.calls()[0]?.state).toBe('Established');
    h.sw.callerHangUp(c1, FAR);
    expect(h.sw.calls()).toEqual([]);
    expect(h.take()).toEqual({ '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW'] });
  });

  it('of an internal call: the agent left in the call gets the new party list', () => {
    h = harness();
    h.ready('alice', 'bob', 'carol');
    const c1 = h.sw.makeCall('alice', '1002').callId;
    h.sw.answer('bob', c1);
    h.take();
    h.sw.blindTransfer('bob', c1, '1003');
    expect(h.take()).toEqual({
      '1001': [`PartyInfo ${c1} [1001,1003]`],
      '1002': [`Disconnected ${c1} INTERNAL other=1001`, 'agent Ready MODE_NONE'],
      '1003': [`Alerting ${c1} INTERNAL other=1001`],
    });
  });
});

describe('consultation', () => {
  it('holds the call and dials the target on a CONSULT leg that carries the call data', () => {
    const c1 = customerWithAlice();
    const { callId: c2 } = h.sw.consult('alice', c1, '1002', { note: 'wants a refund' });
    expect(c2).not.toBe(c1);
    expect(h.take()).toEqual({
      '1001': [`Held ${c1} INBOUND other=${CUSTOMER}`, `Initiated ${c2} CONSULT other=1002`],
      '1002': [`Alerting ${c2} CONSULT other=1001`],
    });
    expect(h.last('1002', 'CallStateEvent')).toMatchObject({ pyANI: '1001', pyDNIS: '1002', pyCallData: { account: '42', note: 'wants a refund' } });
    h.sw.answer('bob', c2);
    expect(h.take()).toEqual({
      '1001': [`Established ${c2} CONSULT other=1002`],
      '1002': [`Established ${c2} CONSULT other=1001`, 'agent Busy'],
    });
    expect(h.snapshot('alice').pyCalls?.map((c) => [c.pyCallId, c.pyEventName])).toEqual([
      [c1, 'Held'],
      [c2, 'Established'],
    ]);
  });

  it('transferComplete (two agents): the customer is connected to the target under the original call id', () => {
    const c1 = customerWithAlice();
    const { callId: c2 } = h.sw.consult('alice', c1, '1002', { note: 'wants a refund' });
    h.sw.answer('bob', c2);
    h.take();
    h.sw.transferComplete('alice', c1, c2);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1002`, 'agent NotReady ACW'],
      '1002': [`Established ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1001`, `PartyInfo ${c1} [${CUSTOMER},1002]`],
    });
    const joined = h.events.find((e) => e.extension === '1002' && e.event.pyEventName === 'Established' && (e.event as { pyCallId: string }).pyCallId === c1);
    expect(joined?.event).toMatchObject({ pyANI: CUSTOMER, pyDNIS: '8000', pyQueue: 'sales', pyCallData: { account: '42', note: 'wants a refund' } });
    expect(h.sw.calls()).toEqual([expect.objectContaining({ callId: c1, state: 'Established', parties: [CUSTOMER, '1002'] })]);
    expect(h.kinds(c1).slice(3)).toEqual(['held:alice', 'transferred:alice', 'answered:bob']);
    expect(h.kinds(c2)).toEqual(['offered:bob', 'answered:bob', 'ended']);
    expect(h.snapshot('bob')).toMatchObject({ pyAgentState: 'Busy', pyCalls: [{ pyCallId: c1, pyEventName: 'Established', pyCallType: 'INBOUND' }] });
    h.sw.hangUp('bob', c1);
    expect(h.take()['1002']).toEqual([`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW']);
  });

  it('transferComplete to a target who has held the consult for a consult of their own: the call arrives held', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    // bob holds alice's consult to ask the sales queue, where nobody is Ready yet
    const c3 = h.sw.consult('bob', c2, '8000').callId;
    h.take();
    h.sw.transferComplete('alice', c1, c2);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1002`, 'agent NotReady ACW'],
      '1002': [`Held ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1001`, `PartyInfo ${c1} [${CUSTOMER},1002]`],
    });
    const bobCalls = () => h.snapshot('bob').pyCalls?.map((c) => [c.pyCallId, c.pyEventName]);
    expect(bobCalls()).toEqual([
      [c1, 'Held'],
      [c3, 'Initiated'],
    ]);
    expect(h.sw.calls().find((c) => c.callId === c1)).toMatchObject({ state: 'Held', parties: [CUSTOMER, '1002'] });
    // bob's own consult goes on as usual: dave becomes Ready and answers, bob hands the customer over
    h.ready('dave');
    h.sw.answer('dave', c3);
    expect(bobCalls()).toEqual([
      [c1, 'Held'],
      [c3, 'Established'],
    ]);
    h.sw.transferComplete('bob', c1, c3);
    expect(h.sw.calls()).toEqual([expect.objectContaining({ callId: c1, state: 'Established', parties: [CUSTOMER, '1004'] })]);
  });

  it('transferComplete to a target who has only held the consult: the call arrives held and is retrieved', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    h.sw.hold('bob', c2);
    h.take();
    h.sw.transferComplete('alice', c1, c2);
    expect(h.take()['1002']).toEqual([`Held ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1001`, `PartyInfo ${c1} [${CUSTOMER},1002]`]);
    h.sw.retrieve('bob', c1);
    expect(h.take()).toEqual({ '1002': [`Retrieved ${c1} INBOUND other=${CUSTOMER}`] });
    expect(h.sw.calls()).toEqual([expect.objectContaining({ callId: c1, state: 'Established', parties: [CUSTOMER, '1002'] })]);
  });

  it('transferComplete (three agents): alice and bob talk, alice hands bob over to carol', () => {
    h = harness();
    h.ready('alice', 'bob', 'carol');
    const c1 = h.sw.makeCall('alice', '1002').callId;
    h.sw.answer('bob', c1);
    const c2 = h.sw.consult('alice', c1, '1003').callId;
    h.sw.answer('carol', c2);
    h.take();
    h.sw.transferComplete('alice', c1, c2);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${c1} INTERNAL other=1002`, `Disconnected ${c2} CONSULT other=1003`, 'agent Ready MODE_NONE'],
      '1002': [`PartyInfo ${c1} [1002,1003]`],
      '1003': [`Established ${c1} INTERNAL other=1002`, `Disconnected ${c2} CONSULT other=1001`, `PartyInfo ${c1} [1002,1003]`],
    });
    h.sw.hangUp('carol', c1);
    expect(h.take()).toEqual({
      '1002': [`Disconnected ${c1} INTERNAL other=1003`, 'agent Ready MODE_NONE'],
      '1003': [`Disconnected ${c1} INTERNAL other=1002`, 'agent Ready MODE_NONE'],
    });
  });

  it('transferComplete (three agents): a customer handed from alice to bob, then from bob to carol', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    h.sw.transferComplete('alice', c1, c2);
    const c3 = h.sw.consult('bob', c1, '1003').callId;
    h.sw.answer('carol', c3);
    h.take();
    h.sw.transferComplete('bob', c1, c3);
    expect(h.take()).toEqual({
      '1002': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c3} CONSULT other=1003`, 'agent NotReady ACW'],
      '1003': [`Established ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c3} CONSULT other=1002`, `PartyInfo ${c1} [${CUSTOMER},1003]`],
    });
    expect(h.sw.calls()).toEqual([expect.objectContaining({ callId: c1, parties: [CUSTOMER, '1003'], callData: { account: '42' } })]);
  });

  it('conferenceComplete: everyone joins the original call and every device gets the full party list', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    h.take();
    h.sw.conferenceComplete('alice', c1, c2);
    const parties = `[${CUSTOMER},1001,1002]`;
    expect(h.take()).toEqual({
      '1001': [`Retrieved ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1002`, `PartyInfo ${c1} ${parties}`],
      '1002': [`Established ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1001`, `PartyInfo ${c1} ${parties}`],
    });
    expect(h.last('1001', 'PartyInfoEvent')).toMatchObject({ pyThisDN: '1001', pyCallId: c1, pyParties: [{ pyDN: CUSTOMER }, { pyDN: '1001' }, { pyDN: '1002' }] });
    expect(h.kinds(c1).at(-1)).toBe('conferenced:alice');
    expect(h.snapshot('bob').pyCalls?.[0]?.pyParties).toEqual([{ pyDN: CUSTOMER }, { pyDN: '1001' }, { pyDN: '1002' }]);
    // the customer leaves: the two agents stay connected and are told
    h.sw.callerHangUp(c1);
    expect(h.take()).toEqual({ '1001': [`PartyInfo ${c1} [1001,1002]`], '1002': [`PartyInfo ${c1} [1001,1002]`] });
    expect(h.sw.calls()[0]?.state).toBe('Established');
  });

  it('conferenceComplete with a target who has held the consult: the target joins held, the others talk', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    const c3 = h.sw.consult('bob', c2, '8000').callId;
    h.take();
    h.sw.conferenceComplete('alice', c1, c2);
    expect(h.take()['1002']).toEqual([`Held ${c1} INBOUND other=${CUSTOMER}`, `Disconnected ${c2} CONSULT other=1001`, `PartyInfo ${c1} [${CUSTOMER},1001,1002]`]);
    expect(h.snapshot('bob').pyCalls?.map((c) => [c.pyCallId, c.pyEventName])).toEqual([
      [c1, 'Held'],
      [c3, 'Initiated'],
    ]);
    expect(h.snapshot('alice').pyCalls?.map((c) => [c.pyCallId, c.pyEventName])).toEqual([[c1, 'Established']]);
    h.sw.hangUp('bob', c3);
    h.sw.retrieve('bob', c1);
    expect(h.snapshot('bob').pyCalls?.map((c) => [c.pyCallId, c.pyEventName])).toEqual([[c1, 'Established']]);
  });

  it('conferenceComplete with three agents on an internal call tells all three', () => {
    h = harness();
    h.ready('alice', 'bob', 'carol');
    const c1 = h.sw.makeCall('alice', '1002').callId;
    h.sw.answer('bob', c1);
    const c2 = h.sw.consult('alice', c1, '1003').callId;
    h.sw.answer('carol', c2);
    h.take();
    h.sw.conferenceComplete('alice', c1, c2);
    const info = `PartyInfo ${c1} [1001,1002,1003]`;
    const taken = h.take();
    expect(taken['1001']?.at(-1)).toBe(info);
    expect(taken['1002']).toEqual([info]);
    expect(taken['1003']?.at(-1)).toBe(info);
  });

  it('dropParty removes one party; the others are told, and the call ends when only one is left', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    h.sw.conferenceComplete('alice', c1, c2);
    h.take();
    h.sw.dropParty('alice', c1, '1002');
    expect(h.take()).toEqual({
      '1001': [`PartyInfo ${c1} [${CUSTOMER},1001]`],
      '1002': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW'],
    });
    h.sw.dropParty('alice', c1, CUSTOMER);
    expect(h.take()).toEqual({ '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW'] });
    expect(h.sw.calls()).toEqual([]);
  });

  it('alternate swaps the held and the active call', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    h.take();
    h.sw.alternate('alice', c1, c2);
    expect(h.take()).toEqual({ '1001': [`Held ${c2} CONSULT other=1002`, `Retrieved ${c1} INBOUND other=${CUSTOMER}`] });
    h.sw.alternate('alice', c2, c1);
    expect(h.take()).toEqual({ '1001': [`Held ${c1} INBOUND other=${CUSTOMER}`, `Retrieved ${c2} CONSULT other=1002`] });
    expect(h.kinds(c2)).toEqual(['offered:bob', 'answered:bob', 'held:alice', 'retrieved:alice']);
  });

  it('the customer hanging up during a consultation ends only the original call', () => {
    const c1 = customerWithAlice();
    const c2 = h.sw.consult('alice', c1, '1002').callId;
    h.sw.answer('bob', c2);
    h.take();
    h.sw.callerHangUp(c1);
    expect(h.take()).toEqual({ '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`] });
    h.sw.hangUp('bob', c2);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${c2} CONSULT other=1002`, 'agent NotReady ACW'],
      '1002': [`Disconnected ${c2} CONSULT other=1001`, 'agent NotReady AUX_WORK'],
    });
  });

  it('a consultation to a queue and to an outside number', () => {
    const c1 = customerWithAlice({ defaultFarEnd: 'answer' });
    h.sw.ready('carol');
    const c2 = h.sw.consult('alice', c1, '8001').callId;
    expect(h.take()['1003']).toEqual(['agent Ready MODE_NONE', `Alerting ${c2} CONSULT other=1001`]);
    expect(h.last('1003', 'CallStateEvent')).toMatchObject({ pyQueue: 'support', pyCallData: { account: '42' } });
    h.sw.hangUp('alice', c2);
    h.sw.retrieve('alice', c1);
    const c3 = h.sw.consult('alice', c1, FAR).callId;
    h.clock.tick();
    h.sw.transferComplete('alice', c1, c3);
    expect(h.sw.calls()).toEqual([expect.objectContaining({ callId: c1, parties: [CUSTOMER, FAR], state: 'Established' })]);
  });

  it('call data added on the consult leg reaches the devices already in the call as CallInfo', () => {
    h = harness();
    h.ready('alice', 'bob', 'carol');
    const c1 = h.sw.makeCall('alice', '1002', { case: '7' });
    h.sw.answer('bob', c1.callId);
    const c2 = h.sw.consult('alice', c1.callId, '1003', { note: 'escalated' }).callId;
    h.sw.answer('carol', c2);
    h.take();
    h.sw.transferComplete('alice', c1.callId, c2);
    expect(h.take()['1002']).toEqual([`CallInfo ${c1.callId} {"case":"7","note":"escalated"}`, `PartyInfo ${c1.callId} [1002,1003]`]);
    expect(h.sw.calls()[0]?.callData).toEqual({ case: '7', note: 'escalated' });
  });
});
