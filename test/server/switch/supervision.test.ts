/**
 * Silent monitor, whisper and barge-in on the simulated switch: the supervisor's party, its
 * states, and who is told what (the supervisor all, the agent whisper and barge, the caller barge).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, errorOf, harness, short, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

/** Parties as each extension was last told them, with roles: "1004:monitor". */
function partiesSeen(extension: string): string[] {
  return withRoles(h.last(extension, 'PartyInfoEvent').pyParties);
}

/** Like take, with a PartyInfo written as the list with roles it gives: "PartyInfo [+33…,1001,1004:monitor]". */
function takeWithRoles(): Record<string, string[]> {
  const taken = Object.values(h.take()).flat().length;
  const out: Record<string, string[]> = {};
  for (const e of h.events.slice(h.events.length - taken)) {
    (out[e.extension] ??= []).push(e.event.pyEventType === 'PartyInfoEvent' ? `PartyInfo [${withRoles(e.event.pyParties).join(',')}]` : short(e.event));
  }
  return out;
}

const withRoles = (parties: readonly { pyDN: string }[]): string[] =>
  parties.map((p) => ((p as { role?: string }).role ? `${p.pyDN}:${(p as { role?: string }).role}` : p.pyDN));

/** A customer's queue call answered by alice (1001); dave (1004) is logged in Not Ready, the supervisor. */
function customerWithAlice(): string {
  h = harness();
  h.ready('alice');
  h.sw.login('dave', '');
  const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
  h.sw.answer('alice', callId);
  h.take();
  return callId;
}

describe('supervising an agent’s call', () => {
  it('monitor: the supervisor gets the call and every party, the agent is told nothing', () => {
    const c1 = customerWithAlice();
    expect(h.sw.supervise('dave', 'alice', 'monitor')).toEqual({ supervisorId: 'dave', agentId: 'alice', callId: c1, mode: 'monitor' });
    expect(takeWithRoles()).toEqual({
      '1004': [`Established ${c1} INBOUND other=1001`, `PartyInfo [${CUSTOMER},1001,1004:monitor]`, 'agent Busy'],
    });
    expect(h.last('1004', 'CallStateEvent')).toMatchObject({ pyANI: CUSTOMER, pyQueue: 'sales', pyThisDN: '1004' });
    // the agent's snapshot does not list the monitor; the supervisor's lists everyone
    expect(h.snapshot('alice').pyCalls?.[0]?.pyParties).toEqual([{ pyDN: CUSTOMER }, { pyDN: '1001' }]);
    expect(h.snapshot('dave').pyCalls?.[0]).toMatchObject({ pyEventName: 'Established', pyParties: [{ pyDN: CUSTOMER }, { pyDN: '1001' }, { pyDN: '1004', role: 'monitor' }] });
    // the agent still has a two-party call: blind transfer works, and the monitor leaves with the agent
    h.sw.login('bob', '');
    h.take();
    h.sw.blindTransfer('alice', c1, '1002');
    const after = h.take();
    expect(after['1004']).toEqual([`Disconnected ${c1} INBOUND other=1001`, 'agent NotReady AUX_WORK']);
    expect(after['1002']).toEqual([`Alerting ${c1} INBOUND other=${CUSTOMER}`]);
    expect(h.sw.calls()[0]?.parties).toEqual([CUSTOMER, '1002']);
  });

  it('whisper: the agent sees the supervisor as a whisperer, the caller does not', () => {
    h = harness();
    h.sw.login('alice', '');
    h.sw.login('bob', '');
    h.sw.login('dave', '');
    const { callId } = h.sw.makeCall('bob', '1001'); // bob is alice's caller, on a device we watch
    h.sw.answer('alice', callId);
    h.take();
    h.sw.supervise('dave', 'alice', 'whisper');
    expect(takeWithRoles()).toEqual({
      '1004': [`Established ${callId} INTERNAL other=1001`, 'PartyInfo [1002,1001,1004:whisper]', 'agent Busy'],
      '1001': ['PartyInfo [1002,1001,1004:whisper]'],
    });
    // the caller is still in a two-party call with alice
    expect(h.snapshot('bob').pyCalls?.[0]).toMatchObject({ pyOtherDN: '1001', pyParties: [{ pyDN: '1002' }, { pyDN: '1001' }] });
    // barge: everyone in the call is told
    h.sw.supervise('dave', 'alice', 'barge');
    expect(takeWithRoles()).toEqual({
      '1004': ['PartyInfo [1002,1001,1004:barge]'],
      '1001': ['PartyInfo [1002,1001,1004:barge]'],
      '1002': ['PartyInfo [1002,1001,1004:barge]'],
    });
    h.sw.supervise('dave', 'alice', 'monitor');
    expect(takeWithRoles()).toEqual({
      '1004': ['PartyInfo [1002,1001,1004:monitor]'],
      '1001': ['PartyInfo [1002,1001]'],
      '1002': ['PartyInfo [1002,1001]'],
    });
    h.sw.supervise('dave', 'alice', 'leave');
    expect(h.take()).toEqual({ '1004': [`Disconnected ${callId} INTERNAL other=1001`, 'agent NotReady AUX_WORK'] });
    expect(h.sw.calls()[0]?.parties).toEqual(['1002', '1001']);
  });

  it('barge: a full party; the call goes on between the caller and the supervisor when the agent leaves', () => {
    const c1 = customerWithAlice();
    h.sw.supervise('dave', 'alice', 'barge');
    expect(takeWithRoles()).toEqual({
      '1004': [`Established ${c1} INBOUND other=1001`, `PartyInfo [${CUSTOMER},1001,1004:barge]`, 'agent Busy'],
      '1001': [`PartyInfo [${CUSTOMER},1001,1004:barge]`],
    });
    // the agent's desktop lists the barger as a party of a conference
    expect(partiesSeen('1001')).toContain('1004:barge');
    h.sw.hangUp('alice', c1);
    const after = takeWithRoles();
    expect(after['1001']).toEqual([`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW']);
    expect(after['1004']).toEqual([`PartyInfo [${CUSTOMER},1004:barge]`]);
    expect(h.sw.calls()[0]).toMatchObject({ callId: c1, parties: [CUSTOMER, '1004'] });
    h.sw.callerHangUp(c1);
    expect(h.take()['1004']).toEqual([`Disconnected ${c1} INBOUND other=1001`, 'agent NotReady AUX_WORK']);
    expect(h.sw.calls()).toEqual([]);
  });

  it('a monitored call ends for the supervisor when the caller hangs up; the supervisor owes no after-call work', () => {
    const c1 = customerWithAlice();
    h.sw.supervise('dave', 'alice', 'monitor');
    h.take();
    h.sw.callerHangUp(c1);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady ACW'],
      '1004': [`Disconnected ${c1} INBOUND other=1001`, 'agent NotReady AUX_WORK'],
    });
    // no record names the supervisor: their statistics count no call
    expect(h.records.filter((r) => r.agentId === 'dave')).toEqual([]);
  });

  it('the supervisor’s leaving is seen only by those who saw them', () => {
    const c1 = customerWithAlice();
    h.sw.supervise('dave', 'alice', 'monitor');
    h.take();
    h.sw.hangUp('dave', c1); // the supervisor hangs up their own leg
    expect(h.take()).toEqual({ '1004': [`Disconnected ${c1} INBOUND other=1001`, 'agent NotReady AUX_WORK'] });
    h.sw.supervise('dave', 'alice', 'whisper');
    h.take();
    h.sw.supervise('dave', 'alice', 'leave');
    expect(takeWithRoles()).toEqual({
      '1004': [`Disconnected ${c1} INBOUND other=1001`, 'agent NotReady AUX_WORK'],
      '1001': [`PartyInfo [${CUSTOMER},1001]`],
    });
  });

  it('hides a monitor from the agent’s drop party and its refusals', () => {
    const c1 = customerWithAlice();
    h.sw.supervise('dave', 'alice', 'monitor');
    const error = errorOf(() => h.sw.dropParty('alice', c1, '1004'));
    expect(error.errCode).toBe('OPENCTI_CF_INVALID_DESTINATION');
    expect(error.errMessage).toBe(`"1004" is not a party of call ${c1} (parties: ${CUSTOMER},1001)`);
  });

  it('refuses what cannot be done, naming why', () => {
    h = harness();
    h.sw.login('alice', '');
    h.sw.login('dave', '');
    const refusal = (fn: () => unknown) => {
      const e = errorOf(fn);
      return `${e.errCode}: ${e.errMessage}`;
    };
    expect(refusal(() => h.sw.supervise('dave', 'alice', 'monitor'))).toBe('OPENCTI_CF_INVALID_OBJECT_STATE: agent "alice" is not on a call (answered or held) to supervise');
    expect(refusal(() => h.sw.supervise('dave', 'bob', 'monitor'))).toBe('OPENCTI_AGENT_NOT_LOGGED_IN: agent "bob" is not logged in');
    expect(refusal(() => h.sw.supervise('carol', 'alice', 'monitor'))).toBe('OPENCTI_AGENT_NOT_LOGGED_IN: agent "carol" is not logged in');
    expect(refusal(() => h.sw.supervise('dave', 'alice', 'listen' as never))).toBe('OPENCTI_INVALID_ACTION: mode must be monitor, whisper, barge or leave, got "listen"');
    expect(refusal(() => h.sw.supervise('alice', 'alice', 'monitor'))).toBe('OPENCTI_INVALID_ACTION: agent "alice" cannot supervise their own call');
    expect(refusal(() => h.sw.supervise('dave', 'alice', 'leave'))).toBe('OPENCTI_CF_INVALID_OBJECT_STATE: "dave" is not supervising a call of agent "alice"');

    // a ringing call is not yet supervisable; an answered one is, once
    const { callId } = h.sw.inboundCall(CUSTOMER, '1001');
    expect(refusal(() => h.sw.supervise('dave', 'alice', 'barge'))).toMatch(/not on a call/);
    h.sw.answer('alice', callId);
    h.sw.supervise('dave', 'alice', 'monitor');
    expect(refusal(() => h.sw.supervise('dave', 'alice', 'monitor'))).toBe(`OPENCTI_IN_SAME_STATE: 1004 already supervises call ${callId} in monitor mode`);

    // a supervisor busy on a call of their own cannot join another
    h.sw.supervise('dave', 'alice', 'leave');
    h.sw.makeCall('dave', '+33700000000');
    expect(refusal(() => h.sw.supervise('dave', 'alice', 'monitor'))).toMatch(/^OPENCTI_CF_INVALID_OBJECT_STATE: extension 1004 is on call c\d+: end it before supervising$/);
  });

  it('gives the supervisor’s leg no call control but hanging up', () => {
    const c1 = customerWithAlice();
    h.sw.supervise('dave', 'alice', 'monitor');
    const error = errorOf(() => h.sw.consult('dave', c1, '1002'));
    expect(`${error.errCode}: ${error.errMessage}`).toBe(`OPENCTI_INVALID_ACTION: extension 1004 supervises call ${c1} (monitor): it can only hang up or change mode`);
    expect(errorOf(() => h.sw.hold('dave', c1)).errCode).toBe('OPENCTI_INVALID_ACTION');
    expect(errorOf(() => h.sw.dropParty('dave', c1, CUSTOMER)).errCode).toBe('OPENCTI_INVALID_ACTION');
    h.sw.hangUp('dave', c1);
    expect(h.sw.calls()[0]?.parties).toEqual([CUSTOMER, '1001']);
  });

  it('joins the held call when the agent has put the caller on hold', () => {
    const c1 = customerWithAlice();
    h.sw.hold('alice', c1);
    h.take();
    expect(h.sw.supervise('dave', 'alice', 'monitor').callId).toBe(c1);
    expect(h.take()['1001']).toBeUndefined();
  });
});
