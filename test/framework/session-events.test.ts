import { describe, expect, it } from 'vitest';
import { CtiError } from '../../src/framework/index.js';
import { agentState, callInfo, callState, partyInfo, snapshot } from './helpers/events.js';
import { loggedIn } from './helpers/session.js';

describe('session events: what a host hears', () => {
  it('a new call: callAdded, then state, then the raw event', async () => {
    const t = await loggedIn('simple');
    t.fake.emit(callState('Alerting', 'c1'));
    expect(t.heard.map((h) => h.name)).toEqual(['callAdded', 'state', 'event']);
    expect(t.of('callAdded')[0]).toMatchObject({ callId: 'c1', state: 'Alerting', ani: '5551234' });
    expect(t.of('state')[0]).toBe(t.session.state);
    expect(t.of('event')[0]).toMatchObject({ pyEventType: 'CallStateEvent', pyCallId: 'c1' });
  });

  it('call changes, parties, call data and the end of a call', async () => {
    const t = await loggedIn('full');
    t.fake.emit(callState('Alerting', 'c1'));
    t.fake.emit(callState('Established', 'c1'));
    t.fake.emit(partyInfo('c1', ['1001', '5551234']));
    t.fake.emit(callInfo('c1', { account: '42' }));
    t.fake.emit(callState('Disconnected', 'c1'));
    expect(t.of('call').map((c) => [c.state, c.parties.length, c.callData.account])).toEqual([
      ['Established', 0, undefined],
      ['Established', 2, undefined],
      ['Established', 2, '42'],
    ]);
    expect(t.of('callEnded')).toEqual([expect.objectContaining({ callId: 'c1', state: 'Disconnected', endedAt: expect.any(String) })]);
    expect(t.session.state.calls).toEqual([]);
  });

  it('agent state, link and device changes each have their event', async () => {
    const t = await loggedIn('agentState');
    t.fake.emit(agentState('NotReady', { pyWorkMode: 'ACW' }));
    expect(t.of('agentState')).toEqual([expect.objectContaining({ state: 'NotReady', afterCallWork: true })]);
    t.fake.emit(snapshot({ pyLinkState: 'DISCONNECTED', pyDeviceState: 'CLOSED', pyAgentState: 'NotReady', pyWorkMode: 'ACW' }));
    expect(t.of('link')).toEqual(['DISCONNECTED']);
    expect(t.of('device')).toEqual(['CLOSED']);
  });

  it('a valid event that changes nothing is still heard as an event, without a state change', async () => {
    const t = await loggedIn('full');
    t.fake.emit(callInfo('unknown-call', { a: 'b' }));
    expect(t.heard.map((h) => h.name)).toEqual(['event']);
    expect(t.session.counters.eventsAccepted).toBe(2);
  });

  it('once and off', async () => {
    const t = await loggedIn('simple');
    const seen: string[] = [];
    t.session.once('callAdded', (call) => seen.push(`once:${call.callId}`));
    const listener = (call: { callId: string }) => seen.push(`on:${call.callId}`);
    t.session.on('callAdded', listener);
    t.fake.emit(callState('Alerting', 'c1'));
    t.session.off('callAdded', listener);
    t.fake.emit(callState('Alerting', 'c2'));
    const unsubscribe = t.session.on('callAdded', (call) => seen.push(`fn:${call.callId}`));
    unsubscribe();
    t.fake.emit(callState('Alerting', 'c3'));
    expect(seen).toEqual(['once:c1', 'on:c1']);
  });
});

describe('session events: strict validation (events: "strict")', () => {
  const strict = { context: { events: 'strict' as const } };
  const cases: [string, unknown, RegExp][] = [
    ['a missing property', { ...callState('Alerting', 'c1'), pyCallId: undefined }, /\/pyCallId is required/],
    ['a wrong enum value', callState('Ringing' as never, 'c1'), /\/pyEventName must be one of "Alerting".*\(got "Ringing"\)/],
    ['a wrong call type', callState('Alerting', 'c1', { pyCallType: 'INCOMING' }), /\/pyCallType must be one of .*\(got "INCOMING"\)/],
    ['a wrong type', callState('Alerting', 'c1', { pyANI: 5551234 }), /\/pyANI must be string \(got 5551234\)/],
    ['a call-data value that is not a string', callInfo('c1', { n: 1 as never }), /\/pyCallData\/n must be string \(got 1\)/],
    ['a bad timestamp', callState('Alerting', 'c1', { pyTimestamp: 'yesterday' }), /\/pyTimestamp must match format "date-time" \(got "yesterday"\)/],
    ['a bad party', partyInfo('c1', ['']), /\/pyParties\/0\/pyDN/],
    ['a bad agent work mode', agentState('NotReady', { pyWorkMode: 'LUNCH' }), /\/pyWorkMode must be one of .*\(got "LUNCH"\)/],
    ['a bad snapshot device state', snapshot({ pyDeviceState: 'OPEN' }), /\/pyDeviceState must be one of "OPENED", "CLOSED" \(got "OPEN"\)/],
    ['an unknown event type', { pyEventType: 'RingEvent', pyEventName: 'Ring' }, /\/pyEventType must be one of .*\(got "RingEvent"\)/],
    ['no event type', { pyEventName: 'Alerting' }, /\/pyEventType is required/],
    ['a number', 42, /\(document\) must be a JSON object \(got 42\)/],
    ['null', null, /\(document\) must be a JSON object \(got null\)/],
    ['an array', [callState('Alerting', 'c1')], /\(document\) must be a JSON object/],
    ['a JSON string', JSON.stringify(callState('Alerting', 'c1')), /\(document\) must be a JSON object/],
  ];

  it.each(cases)('rejects %s: state unchanged, error names the property, counted', async (_what, event, message) => {
    const t = await loggedIn('full', strict);
    const before = t.session.state;
    expect(() => t.fake.emit(event)).not.toThrow();
    expect(t.session.state).toBe(before);
    const [error] = t.errors();
    expect(error).toBeInstanceOf(CtiError);
    expect(error?.errCode).toBe('OPENCTI_INVALID_EVENT');
    expect(error?.errMessage).toMatch(message);
    expect(error?.localizedMessage).toBe('An event from the CTI server was not valid and was ignored.');
    expect(t.heard.map((h) => h.name)).toEqual(['error']);
    expect(t.session.counters).toMatchObject({ eventsRejected: 1, eventsAccepted: 1 });
  });

  it('names every problem of an event, and the event type', async () => {
    const t = await loggedIn('full', strict);
    t.fake.emit({ pyEventType: 'CallStateEvent', pyEventName: 'Alerting', pyCallType: 'X', pyANI: 1 });
    const message = t.errors()[0]?.errMessage ?? '';
    expect(message).toMatch(/^invalid CallStateEvent ignored: /);
    for (const path of ['/pyCallId', '/pyOtherDN', '/pyCallType', '/pyANI']) expect(message).toContain(path);
  });

  it('an invalid event among valid ones loses nothing else', async () => {
    const t = await loggedIn('full', strict);
    t.fake.emit(callState('Alerting', 'c1'));
    t.fake.emit(callState('Bogus' as never, 'c1'));
    t.fake.emit(callState('Established', 'c1'));
    expect(t.session.state.calls[0]?.state).toBe('Established');
    expect(t.session.counters).toEqual({ eventsAccepted: 3, eventsRejected: 1, eventsRepaired: 0, eventsAfterLogout: 0 });
  });

  it('a Snapshot that lists a call twice is applied with one call, the last entry; the host is told and it is counted', async () => {
    const t = await loggedIn('full', strict);
    const listed = (pyEventName: string) => ({ pyEventName, pyCallId: 'c1', pyCallType: 'INBOUND', pyANI: '5551234', pyOtherDN: '5551234' });
    const raw = snapshot({ pyAgentState: 'Busy', pyCalls: [listed('Alerting'), listed('Established')] });
    t.fake.emit(raw);
    expect(t.session.state.calls.map((c) => [c.callId, c.state])).toEqual([['c1', 'Established']]);
    expect(t.session.state.agent.state).toBe('Busy');
    const [error] = t.errors();
    expect(error?.errCode).toBe('OPENCTI_INVALID_EVENT');
    expect(error?.errMessage).toBe('SnapshotEvent applied in part: Snapshot lists call "c1" 2 times: only the last entry was kept');
    expect(error?.details).toEqual({ problems: ['Snapshot lists call "c1" 2 times: only the last entry was kept'], event: raw });
    expect(t.of('callAdded')).toEqual([expect.objectContaining({ callId: 'c1', state: 'Established' })]);
    expect(t.session.counters).toMatchObject({ eventsAccepted: 2, eventsRejected: 0, eventsRepaired: 1 });
  });

  it('unknown extra properties are allowed (forward compatibility)', async () => {
    const t = await loggedIn('full');
    t.fake.emit(callState('Alerting', 'c1', { pyVendorThing: { deep: true } }));
    expect(t.errors()).toEqual([]);
    expect(t.session.state.calls).toHaveLength(1);
  });
});

describe('session events: listeners that misbehave', () => {
  it('a throwing listener breaks neither the session, the implementation nor other listeners', async () => {
    const t = await loggedIn('full');
    const later: string[] = [];
    t.session.on('callAdded', () => {
      throw new Error('render failed');
    });
    t.session.on('callAdded', (call) => later.push(call.callId));
    expect(() => t.fake.emit(callState('Alerting', 'c1'))).not.toThrow();
    expect(later).toEqual(['c1']);
    expect(t.session.state.calls).toHaveLength(1);
    expect(t.errors().map((e) => [e.errCode, e.errMessage])).toEqual([['OPENCTI_CF_GENERIC_OPERATION', 'a "callAdded" listener threw: render failed']]);
    t.fake.emit(callState('Established', 'c1'));
    expect(t.session.state.calls[0]?.state).toBe('Established');
  });

  it('a throwing error listener is swallowed', async () => {
    const t = await loggedIn('full');
    t.session.on('error', () => {
      throw new Error('oops');
    });
    t.session.on('state', () => {
      throw new Error('first');
    });
    expect(() => t.fake.emit(callState('Alerting', 'c1'))).not.toThrow();
    expect(t.session.state.calls).toHaveLength(1);
  });

  it('an event forwarded from inside a listener is handled after the current one, in order', async () => {
    const t = await loggedIn('full');
    const order: string[] = [];
    t.session.on('callAdded', (call) => {
      order.push(`added:${call.callId}`);
      if (call.callId === 'c1') t.fake.emit(callState('Established', 'c1'));
    });
    t.session.on('event', (e) => order.push(`event:${e.pyEventName}`));
    t.fake.emit(callState('Alerting', 'c1'));
    expect(order).toEqual(['added:c1', 'event:Alerting', 'event:Established']);
    expect(t.session.state.calls[0]?.state).toBe('Established');
  });
});
