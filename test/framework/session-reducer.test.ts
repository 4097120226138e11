import { describe, expect, it } from 'vitest';
import {
  initialState,
  loggedIn,
  loggedOut,
  reduce,
  validateEvent,
  type OpenCtiEvent,
  type SessionState,
} from '../../src/framework/index.js';
import { agentState, callInfo, callState, partyInfo, snapshot } from './helpers/events.js';

const T0 = new Date('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

/** Events go through the real validator, as in the session. */
function valid(raw: unknown): OpenCtiEvent {
  const result = validateEvent(raw);
  if (!result.ok) throw new Error(`test event is invalid: ${JSON.stringify(result.problems)}`);
  return result.value;
}

/** Reduces raw events one second apart, returning the final state and every change. */
function run(events: unknown[], from: SessionState = initialState()) {
  let state = from;
  const changes = [];
  for (const [i, raw] of events.entries()) {
    const r = reduce(state, valid(raw), at(i));
    state = r.state;
    changes.push(...r.changes);
  }
  return { state, changes, kinds: changes.map((c) => c.kind) };
}

describe('reducer: initial state', () => {
  it('is logged out, device closed, link disconnected, no calls', () => {
    expect(initialState()).toEqual({
      loggedIn: false,
      link: 'DISCONNECTED',
      device: 'CLOSED',
      agent: { state: 'Logout', afterCallWork: false },
      calls: [],
    });
  });
});

describe('reducer: calls', () => {
  it('a ringing call appears with everything the event says about it', () => {
    const { state, changes } = run([
      callState('Alerting', 'c1', { pyDNIS: '8000', pyQueue: 'sales', pyOtherDN: '5550000', pyInteractionID: 'i-9', pyCallData: { order: '42' } }),
    ]);
    expect(state.calls).toEqual([
      {
        callId: 'c1',
        type: 'INBOUND',
        state: 'Alerting',
        ani: '5551234',
        otherDN: '5550000',
        thisDN: '1001',
        dnis: '8000',
        queue: 'sales',
        interactionId: 'i-9',
        parties: [],
        callData: { order: '42' },
        userData: {},
        callVariables: [],
        applicationData: {},
        startedAt: iso(0),
        stateChangedAt: iso(0),
        answeredAt: undefined,
        endedAt: undefined,
      },
    ]);
    expect(changes).toEqual([{ kind: 'callAdded', call: state.calls[0] }]);
  });

  it('Offering then Alerting is one call: added once, then changed', () => {
    const { state, kinds } = run([callState('Offering', 'c1'), callState('Alerting', 'c1')]);
    expect(kinds).toEqual(['callAdded', 'call']);
    expect(state.calls).toHaveLength(1);
    expect(state.calls[0]).toMatchObject({ state: 'Alerting', startedAt: iso(0), stateChangedAt: iso(1) });
  });

  it.each(['Established', 'Connected'] as const)('%s marks the call answered', (name) => {
    const { state } = run([callState('Alerting', 'c1'), callState(name, 'c1')]);
    expect(state.calls[0]).toMatchObject({ state: name, answeredAt: iso(1), stateChangedAt: iso(1) });
  });

  it('hold and retrieve keep the answer time and move stateChangedAt', () => {
    const { state, kinds } = run([
      callState('Alerting', 'c1'),
      callState('Established', 'c1'),
      callState('Held', 'c1'),
      callState('Retrieved', 'c1'),
    ]);
    expect(kinds).toEqual(['callAdded', 'call', 'call', 'call']);
    expect(state.calls[0]).toMatchObject({ state: 'Retrieved', answeredAt: iso(1), stateChangedAt: iso(3), startedAt: iso(0) });
  });

  it('an outbound call goes Initiated → Alerting → Established', () => {
    const { state, kinds } = run([
      callState('Initiated', 'o1', { pyCallType: 'OUTBOUND', pyANI: '1001', pyOtherDN: '5559999' }),
      callState('Alerting', 'o1', { pyCallType: 'OUTBOUND', pyANI: '1001', pyOtherDN: '5559999' }),
      callState('Established', 'o1', { pyCallType: 'OUTBOUND', pyANI: '1001', pyOtherDN: '5559999' }),
    ]);
    expect(kinds).toEqual(['callAdded', 'call', 'call']);
    expect(state.calls[0]).toMatchObject({ type: 'OUTBOUND', state: 'Established', otherDN: '5559999', answeredAt: iso(2) });
  });

  it.each(['Disconnected', 'Abandoned'] as const)('%s removes the call and reports it ended', (name) => {
    const { state, changes } = run([callState('Alerting', 'c1'), callState(name, 'c1')]);
    expect(state.calls).toEqual([]);
    expect(changes[1]).toEqual({
      kind: 'callEnded',
      call: expect.objectContaining({ callId: 'c1', state: name, endedAt: iso(1) }),
    });
  });

  it('an end of a call never seen changes nothing', () => {
    const before = initialState();
    const r = reduce(before, valid(callState('Disconnected', 'ghost')), T0);
    expect(r.changes).toEqual([]);
    expect(r.state).toBe(before);
  });

  it('keeps several calls on one extension, oldest first, and ends only the one named', () => {
    const { state } = run([
      callState('Alerting', 'c1'),
      callState('Established', 'c1'),
      callState('Held', 'c1'),
      callState('Initiated', 'c2', { pyCallType: 'CONSULT' }),
      callState('Established', 'c2', { pyCallType: 'CONSULT' }),
      callState('Alerting', 'c3', { pyANI: '5557777' }),
      callState('Disconnected', 'c2'),
    ]);
    expect(state.calls.map((c) => [c.callId, c.state])).toEqual([
      ['c1', 'Held'],
      ['c3', 'Alerting'],
    ]);
  });

  it('an event for an unknown call that is not a new-call state still creates it (the server knows better)', () => {
    const { state, kinds } = run([callState('Held', 'lost')]);
    expect(kinds).toEqual(['callAdded']);
    // A held call was answered before we saw it: its answer time is the best bound we have.
    expect(state.calls[0]).toMatchObject({ callId: 'lost', state: 'Held', startedAt: iso(0), answeredAt: iso(0) });
  });

  it('uses the server time pyTimestamp when the event carries one', () => {
    const { state } = run([
      callState('Alerting', 'c1', { pyTimestamp: '2026-01-01T09:59:00.000Z' }),
      callState('Established', 'c1', { pyTimestamp: '2026-01-01T09:59:05.000Z' }),
    ]);
    expect(state.calls[0]).toMatchObject({ startedAt: '2026-01-01T09:59:00.000Z', answeredAt: '2026-01-01T09:59:05.000Z' });
  });

  it('later events refine the call but never erase what was known', () => {
    const { state } = run([
      callState('Alerting', 'c1', { pyDNIS: '8000', pyQueue: 'sales', pyCallData: { a: '1' } }),
      callState('Established', 'c1', { pyCallType: 'UNKNOWN', pyANI: '', pyOtherDN: '', pyCallData: { b: '2' } }),
    ]);
    expect(state.calls[0]).toMatchObject({ type: 'INBOUND', ani: '5551234', otherDN: '5551234', dnis: '8000', queue: 'sales', callData: { a: '1', b: '2' } });
  });

  it('the same event twice changes nothing the second time', () => {
    const first = run([callState('Alerting', 'c1'), callState('Established', 'c1')]);
    const r = reduce(first.state, valid(callState('Established', 'c1')), at(9));
    expect(r.changes).toEqual([]);
    expect(r.state).toBe(first.state);
  });
});

describe('reducer: PartyInfo and CallInfo', () => {
  it('PartyInfo sets the full party list of a call', () => {
    const { state, kinds } = run([callState('Established', 'c1'), partyInfo('c1', ['1001', '5551234', '2002'])]);
    expect(kinds).toEqual(['callAdded', 'call']);
    expect(state.calls[0]?.parties).toEqual(['1001', '5551234', '2002']);
    const after = run([partyInfo('c1', ['1001', '2002'])], state);
    expect(after.state.calls[0]?.parties).toEqual(['1001', '2002']);
  });

  it('CallInfo merges call data', () => {
    const { state, kinds } = run([
      callState('Alerting', 'c1', { pyCallData: { account: '7', tier: 'gold' } }),
      callInfo('c1', { tier: 'platinum', note: 'vip' }),
    ]);
    expect(kinds).toEqual(['callAdded', 'call']);
    expect(state.calls[0]?.callData).toEqual({ account: '7', tier: 'platinum', note: 'vip' });
  });

  it('pyUserData and pyApplicationData merge group by group; pyCallVariables is replaced whole', () => {
    const { state, kinds } = run([
      callState('Alerting', 'c1', {
        pyUserData: { account: { id: 'ACC-9', tier: 'gold' }, lang: 'fr' },
        pyCallVariables: 'IVR-2|billing',
        pyApplicationData: { ivr: { menu: '3' } },
      }),
      callState('Established', 'c1', { pyUserData: { account: { tier: 'platinum' } }, pyCallVariables: ['IVR-3'] }),
      { pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyCallId: 'c1', pyCallData: {}, pyApplicationData: { ivr: { lang: 'fr' }, bot: 'yes' } },
    ]);
    expect(kinds).toEqual(['callAdded', 'call', 'call']);
    expect(state.calls[0]).toMatchObject({
      userData: { account: { id: 'ACC-9', tier: 'platinum' }, lang: 'fr' },
      callVariables: ['IVR-3'],
      applicationData: { ivr: { menu: '3', lang: 'fr' }, bot: 'yes' },
    });
    // A string replaces a group, a group a string.
    const after = run([callState('Established', 'c1', { pyUserData: { account: 'closed', lang: { spoken: 'fr' } } })], state).state;
    expect(after.calls[0]?.userData).toEqual({ account: 'closed', lang: { spoken: 'fr' } });
  });

  it('pyCallVariables: "a|b|c" and ["a","b","c"] are the same list; "" is none; empty positions are kept', () => {
    const list = (value: unknown) => run([callState('Alerting', 'c1', { pyCallVariables: value })]).state.calls[0]?.callVariables;
    expect(list('a|b|c')).toEqual(['a', 'b', 'c']);
    expect(list(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(list('')).toEqual([]);
    expect(list('a||c')).toEqual(['a', '', 'c']);
    expect(list(undefined)).toEqual([]);
  });

  it('the same containers again change nothing; nested data handed out is frozen', () => {
    const data = { pyUserData: { account: { id: 'ACC-9' } }, pyCallVariables: 'a|b', pyApplicationData: { ivr: { menu: '3' } } };
    const first = run([callState('Alerting', 'c1', data)]);
    const again = run([callState('Alerting', 'c1', { ...data, pyCallVariables: ['a', 'b'] })], first.state);
    expect(again.changes).toEqual([]);
    expect(again.state).toBe(first.state);
    const call = first.state.calls[0]!;
    expect(Object.isFrozen(call.userData.account)).toBe(true);
    expect(Object.isFrozen(call.applicationData.ivr)).toBe(true);
    expect(Object.isFrozen(call.callVariables)).toBe(true);
    // The event's own objects are copied, not frozen or kept.
    expect(Object.isFrozen(data.pyUserData.account)).toBe(false);
  });

  it('PartyInfo and CallInfo for an unknown call change nothing', () => {
    const before = initialState();
    expect(reduce(before, valid(partyInfo('x', ['1'])), T0).state).toBe(before);
    expect(reduce(before, valid(callInfo('x', { a: 'b' })), T0).state).toBe(before);
  });
});

describe('reducer: agent state', () => {
  it.each([
    ['Login', {}, { state: 'Login', afterCallWork: false }],
    ['Ready', { pyWorkMode: 'MODE_AUTO_IN' }, { state: 'Ready', workMode: 'MODE_AUTO_IN', afterCallWork: false, reasonCode: undefined }],
    ['NotReady', { pyReasonCode: 'BREAK' }, { state: 'NotReady', reasonCode: 'BREAK', afterCallWork: false }],
    ['NotReady', { pyWorkMode: 'ACW' }, { state: 'NotReady', workMode: 'ACW', afterCallWork: true }],
    ['Busy', {}, { state: 'Busy', afterCallWork: false }],
    ['Logout', { pyReasonCode: 'EOD' }, { state: 'Logout', reasonCode: 'EOD', afterCallWork: false }],
    ['Unknown', {}, { state: 'Unknown', afterCallWork: false }],
  ] as const)('%s %j', (name, extra, expected) => {
    const { state, changes } = run([agentState(name, extra)]);
    expect(state.agent).toMatchObject({ agentId: 'agent1', extension: '1001', ...expected });
    expect(changes).toEqual([{ kind: 'agent', agent: state.agent }]);
  });

  it('Ready after after-call work clears the reason and the ACW flag', () => {
    const { state } = run([agentState('NotReady', { pyWorkMode: 'ACW', pyReasonCode: 'WRAP' }), agentState('Ready')]);
    expect(state.agent).toMatchObject({ state: 'Ready', afterCallWork: false, reasonCode: undefined, workMode: undefined });
  });

  it('Busy is not after-call work even in work mode ACW', () => {
    expect(run([agentState('Busy', { pyWorkMode: 'ACW' })]).state.agent.afterCallWork).toBe(false);
  });

  it('the same agent state twice changes nothing', () => {
    const first = run([agentState('NotReady', { pyReasonCode: 'BREAK' })]);
    const r = reduce(first.state, valid(agentState('NotReady', { pyReasonCode: 'BREAK' })), T0);
    expect(r.changes).toEqual([]);
  });
});

describe('reducer: Snapshot', () => {
  it('resets agent, device, link and calls, calls listed with their parties', () => {
    const { state, kinds } = run([
      snapshot({
        pyAgentState: 'NotReady',
        pyReasonCode: 'LUNCH',
        pyWorkMode: 'AUX_WORK',
        pyCalls: [
          { pyEventName: 'Established', pyCallId: 's1', pyCallType: 'INBOUND', pyANI: '555', pyOtherDN: '555', pyParties: [{ pyDN: '1001' }, { pyDN: '555' }] },
          { pyEventName: 'Held', pyCallId: 's2', pyCallType: 'INTERNAL', pyANI: '2002', pyOtherDN: '2002' },
        ],
      }),
    ]);
    expect(state).toMatchObject({
      link: 'CONNECTED',
      device: 'OPENED',
      agent: { agentId: 'agent1', extension: '1001', state: 'NotReady', reasonCode: 'LUNCH', workMode: 'AUX_WORK', afterCallWork: false },
    });
    expect(state.calls.map((c) => [c.callId, c.state, c.parties])).toEqual([
      ['s1', 'Established', ['1001', '555']],
      ['s2', 'Held', []],
    ]);
    expect(kinds).toEqual(['agent', 'link', 'device', 'callAdded', 'callAdded']);
  });

  it('ends calls the Snapshot no longer lists and keeps the history of those it still lists', () => {
    const before = run([callState('Alerting', 'keep'), callState('Established', 'keep'), callState('Alerting', 'gone')]).state;
    const { state, changes } = run(
      [snapshot({ pyCalls: [{ pyEventName: 'Held', pyCallId: 'keep', pyCallType: 'INBOUND', pyANI: '5551234', pyOtherDN: '5551234' }] })],
      before,
    );
    expect(state.calls.map((c) => c.callId)).toEqual(['keep']);
    expect(state.calls[0]).toMatchObject({ state: 'Held', startedAt: iso(0), answeredAt: iso(1) });
    expect(changes.map((c) => [c.kind, 'call' in c ? c.call.callId : undefined])).toEqual([
      ['agent', undefined],
      ['link', undefined],
      ['device', undefined],
      ['call', 'keep'],
      ['callEnded', 'gone'],
    ]);
  });

  it('a Snapshot after logout or link loss shows the device closed and the link down', () => {
    const { state, kinds } = run([
      snapshot(),
      snapshot({ pyAgentState: 'Logout', pyDeviceState: 'CLOSED', pyLinkState: 'DISCONNECTED', pyCalls: undefined }),
    ]);
    expect(state).toMatchObject({ link: 'DISCONNECTED', device: 'CLOSED', agent: { state: 'Logout' }, calls: [] });
    expect(kinds.slice(3)).toEqual(['agent', 'link', 'device']);
  });

  it('a link-down Snapshot without pyCalls keeps the calls shown; the next Snapshot that lists calls decides', () => {
    const down = run([snapshot(), callState('Alerting', 'c1'), callState('Established', 'c1'), snapshot({ pyAgentState: 'Busy', pyLinkState: 'DISCONNECTED', pyCalls: undefined })]);
    expect(down.state.link).toBe('DISCONNECTED');
    expect(down.state.calls.map((c) => [c.callId, c.state])).toEqual([['c1', 'Established']]);
    expect(down.kinds).not.toContain('callEnded');
    const back = run([snapshot({ pyLinkState: 'CONNECTED', pyCalls: [] })], down.state);
    expect(back.state.calls).toEqual([]);
    expect(back.kinds).toContain('callEnded');
  });

  it('after-call work from a Snapshot is NotReady with work mode ACW', () => {
    expect(run([snapshot({ pyAgentState: 'NotReady', pyWorkMode: 'ACW' })]).state.agent.afterCallWork).toBe(true);
  });

  it('an identical Snapshot changes nothing', () => {
    const first = run([snapshot({ pyCalls: [{ pyEventName: 'Established', pyCallId: 's1', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '1' }] })]);
    const r = reduce(first.state, valid(snapshot({ pyCalls: [{ pyEventName: 'Established', pyCallId: 's1', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '1' }] })), at(5));
    expect(r.changes).toEqual([]);
    expect(r.state).toBe(first.state);
  });

  it('a Snapshot that lists a call twice keeps one call, the last entry, and names the problem', () => {
    const before = run([callState('Alerting', 's1'), callState('Established', 's1')]).state;
    const first = { pyEventName: 'Established', pyCallId: 's1', pyCallType: 'INBOUND', pyANI: '555', pyOtherDN: '555' };
    const r = reduce(
      before,
      valid(snapshot({ pyCalls: [first, { pyEventName: 'Alerting', pyCallId: 's2', pyCallType: 'INBOUND', pyANI: '777', pyOtherDN: '777' }, { ...first, pyEventName: 'Held', pyParties: [{ pyDN: '1001' }, { pyDN: '555' }] }] })),
      at(5),
    );
    expect(r.state.calls.map((c) => [c.callId, c.state, c.parties])).toEqual([
      ['s2', 'Alerting', []],
      ['s1', 'Held', ['1001', '555']],
    ]);
    // still the call we knew: its history is kept
    expect(r.state.calls[1]).toMatchObject({ startedAt: iso(0), answeredAt: iso(1) });
    expect(r.problems).toEqual(['Snapshot lists call "s1" 2 times: only the last entry was kept']);
    expect(r.changes.filter((c) => c.kind === 'call').map((c) => 'call' in c && c.call.callId)).toEqual(['s1']);
  });

  it('a Snapshot whose calls are all distinct has no problems', () => {
    const r = reduce(initialState(), valid(snapshot({ pyCalls: [{ pyEventName: 'Held', pyCallId: 's1', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '1' }] })), at(0));
    expect(r.problems).toBeUndefined();
  });

  it('ignores ended calls listed in a Snapshot', () => {
    const { state } = run([snapshot({ pyCalls: [{ pyEventName: 'Disconnected', pyCallId: 'x', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '1' }] })]);
    expect(state.calls).toEqual([]);
  });
});

describe('reducer: logged in, logged out and immutability', () => {
  it('loggedIn marks the agent logged in without overriding what a Snapshot already said', () => {
    const fresh = loggedIn(initialState(), 'agent1', '1001');
    expect(fresh.state).toMatchObject({ loggedIn: true, agent: { agentId: 'agent1', extension: '1001', state: 'Login' } });
    expect(fresh.changes.map((c) => c.kind)).toEqual(['agent']);
    const afterSnapshot = run([snapshot({ pyAgentState: 'Ready', pyThisDN: '2002' })]).state;
    const r = loggedIn(afterSnapshot, 'agent1', '2002');
    expect(r.state).toMatchObject({ loggedIn: true, agent: { state: 'Ready', extension: '2002' } });
    expect(r.changes).toEqual([]);
  });

  it('loggedOut ends every call, closes the device and logs the agent out', () => {
    const before = run([snapshot(), callState('Established', 'c1')]).state;
    const r = loggedOut({ ...before, loggedIn: true }, at(10), 'EOD');
    expect(r.state).toMatchObject({ loggedIn: false, device: 'CLOSED', calls: [], agent: { state: 'Logout', reasonCode: 'EOD', agentId: 'agent1' } });
    expect(r.changes.map((c) => c.kind)).toEqual(['agent', 'device', 'callEnded']);
  });

  it('states are frozen snapshots; an older state never changes', () => {
    const first = run([callState('Alerting', 'c1', { pyCallData: { a: '1' } })]).state;
    const copy = JSON.parse(JSON.stringify(first)) as unknown;
    run([callState('Established', 'c1'), callInfo('c1', { a: '2' })], first);
    expect(first).toEqual(copy);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.calls)).toBe(true);
    expect(Object.isFrozen(first.calls[0])).toBe(true);
    expect(Object.isFrozen(first.calls[0]?.callData)).toBe(true);
    expect(Object.isFrozen(first.agent)).toBe(true);
  });
});
