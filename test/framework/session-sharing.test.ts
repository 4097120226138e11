/**
 * The reducer shares what an event does not touch: a host (or a UI framework comparing by
 * identity) can tell what changed with `===`, and every state it holds stays frozen and equal to
 * what it was, whatever events come after.
 */
import { describe, expect, it } from 'vitest';
import { initialState, reduce, validateEvent, type CallView, type OpenCtiEvent, type SessionState } from '../../src/framework/index.js';
import { agentState, callInfo, callState, partyInfo, snapshot } from './helpers/events.js';
import { loggedIn } from './helpers/session.js';

const T0 = new Date('2026-01-01T10:00:00.000Z');

function valid(raw: unknown): OpenCtiEvent {
  const result = validateEvent(raw);
  if (!result.ok) throw new Error(`test event is invalid: ${JSON.stringify(result.problems)}`);
  return result.value;
}

const apply = (state: SessionState, ...events: unknown[]): SessionState => events.reduce<SessionState>((s, raw) => reduce(s, valid(raw), T0).state, state);

/** Two calls, each with data, parties and capabilities, and an agent Ready. */
function twoCalls(): SessionState {
  return apply(
    initialState(),
    agentState('Ready'),
    callState('Alerting', 'c1', { pyCallData: { account: '1' }, pyUserData: { case: { id: 'k1' } }, pyCapabilities: ['answerCall'] }),
    callState('Established', 'c1'),
    partyInfo('c1', ['1001', '5551234']),
    callState('Alerting', 'c2', { pyCallData: { account: '2' }, pyCallVariables: 'a|b' }),
  );
}

const callIn = (state: SessionState, callId: string): CallView => {
  const call = state.calls.find((c) => c.callId === callId);
  if (!call) throw new Error(`no call ${callId} in the state`);
  return call;
};

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Reflect.ownKeys(value).every((key) => isDeepFrozen((value as Record<PropertyKey, unknown>)[key]));
}

describe('reducer: structural sharing', () => {
  it.each([
    ['a state change', callState('Held', 'c2')],
    ['a party list', partyInfo('c2', ['1001', '5550000'])],
    ['call data', callInfo('c2', { note: 'vip' })],
    ['capabilities', callState('Alerting', 'c2', { pyCapabilities: ['answerCall', 'rejectCall'] })],
  ])('an event about one call (%s) leaves the other call, its data and the agent the very same objects', (_what, event) => {
    const before = twoCalls();
    const c1 = callIn(before, 'c1');
    const after = apply(before, event);

    expect(after).not.toBe(before);
    expect(after.calls).not.toBe(before.calls);
    expect(callIn(after, 'c1')).toBe(c1);
    expect(callIn(after, 'c1').callData).toBe(c1.callData);
    expect(callIn(after, 'c1').userData).toBe(c1.userData);
    expect(callIn(after, 'c1').parties).toBe(c1.parties);
    expect(after.agent).toBe(before.agent);
    // The call the event named is a new object, in the same place.
    expect(callIn(after, 'c2')).not.toBe(callIn(before, 'c2'));
    expect(after.calls.map((c) => c.callId)).toEqual(['c1', 'c2']);
  });

  it('in the call that changed, the parts the event did not touch are shared too', () => {
    const before = twoCalls();
    const c1 = callIn(before, 'c1');
    const held = callIn(apply(before, callState('Held', 'c1')), 'c1');
    expect(held.state).toBe('Held');
    expect(held.callData).toBe(c1.callData);
    expect(held.userData).toBe(c1.userData);
    expect(held.callVariables).toBe(c1.callVariables);
    expect(held.parties).toBe(c1.parties);
    expect(held.capabilities).toBe(c1.capabilities);

    const withData = callIn(apply(before, callInfo('c1', { note: 'vip' })), 'c1');
    expect(withData.callData).toEqual({ account: '1', note: 'vip' });
    expect(withData.callData).not.toBe(c1.callData);
    expect(withData.userData).toBe(c1.userData);
    expect(withData.parties).toBe(c1.parties);
  });

  it('an agent event keeps the calls list itself; the end of one call keeps the other', () => {
    const before = twoCalls();
    const notReady = apply(before, agentState('NotReady', { pyReasonCode: 'BREAK' }));
    expect(notReady.calls).toBe(before.calls);
    expect(notReady.agent).not.toBe(before.agent);

    const ended = apply(before, callState('Disconnected', 'c1'));
    expect(ended.calls).toEqual([callIn(before, 'c2')]);
    expect(ended.calls[0]).toBe(callIn(before, 'c2'));
  });

  it('a Snapshot keeps every call it lists unchanged, and the agent when it says the same', () => {
    const before = twoCalls();
    const listed = (call: CallView) => ({
      pyEventName: call.state,
      pyCallId: call.callId,
      pyCallType: call.type,
      pyANI: call.ani,
      pyOtherDN: call.otherDN,
      pyParties: call.parties.map((pyDN) => ({ pyDN })),
    });
    const after = apply(
      before,
      snapshot({ pyAgentState: 'Ready', pyCalls: [listed(callIn(before, 'c1')), { ...listed(callIn(before, 'c2')), pyEventName: 'Established' }] }),
    );
    expect(callIn(after, 'c1')).toBe(callIn(before, 'c1'));
    expect(callIn(after, 'c2').state).toBe('Established');
    expect(after.agent).toBe(before.agent);
  });

  it('an event that changes nothing hands back the very same state', () => {
    const before = twoCalls();
    expect(apply(before, callState('Alerting', 'c2'))).toBe(before);
    expect(apply(before, partyInfo('c1', ['1001', '5551234']))).toBe(before);
    expect(apply(before, callInfo('c1', { account: '1' }))).toBe(before);
    expect(apply(before, agentState('Ready'))).toBe(before);
  });
});

describe('reducer: the state stays immutable', () => {
  it('every state is frozen all the way down, and an older one never changes', () => {
    const states = [twoCalls()];
    const copies = [structuredClone(states[0])];
    for (const event of [callState('Held', 'c1'), callInfo('c2', { note: 'vip' }), partyInfo('c2', ['1001']), callState('Disconnected', 'c1'), agentState('NotReady')]) {
      const next = apply(states[states.length - 1] as SessionState, event);
      states.push(next);
      copies.push(structuredClone(next));
    }
    states.forEach((state, i) => {
      expect(isDeepFrozen(state), `state ${i} is frozen all the way down`).toBe(true);
      expect(state, `state ${i} is unchanged by the events after it`).toEqual(copies[i]);
    });
  });

  it('writing to a state, a call or its data throws and changes nothing', () => {
    const state = twoCalls();
    const call = callIn(state, 'c1') as CallView & Record<string, unknown>;
    const writes: [string, () => void][] = [
      ['state.calls', () => ((state as { calls: unknown }).calls = [])],
      ['calls.push', () => (state.calls as CallView[]).push(call)],
      ['calls[0]', () => ((state.calls as CallView[])[0] = call)],
      ['call.state', () => ((call as { state: string }).state = 'Held')],
      ['call.callData', () => ((call.callData as Record<string, string>).account = 'x')],
      ['call.userData group', () => (((call.userData as Record<string, Record<string, string>>).case as Record<string, string>).id = 'x')],
      ['call.parties', () => (call.parties as string[]).push('x')],
      ['call.capabilities', () => (call.capabilities as string[]).push('x')],
      ['agent.state', () => ((state.agent as { state: string }).state = 'NotReady')],
    ];
    const copy = structuredClone(state);
    for (const [what, write] of writes) expect(write, what).toThrow(TypeError);
    expect(state).toEqual(copy);
  });
});

describe('session: what the host holds is shared and frozen', () => {
  it('after an event on one call, session.state keeps the other call object, and the call heard is the one in the state', async () => {
    const t = await loggedIn('full');
    t.fake.emit(callState('Alerting', 'c1', { pyCallData: { account: '1' } }));
    t.fake.emit(callState('Alerting', 'c2'));
    const before = t.session.state;
    t.fake.emit(callState('Established', 'c2'));
    const after = t.session.state;
    expect(callIn(after, 'c1')).toBe(callIn(before, 'c1'));
    expect(t.of('call').at(-1)).toBe(callIn(after, 'c2'));
    expect(isDeepFrozen(after)).toBe(true);
    expect(isDeepFrozen(before)).toBe(true);
    expect(callIn(before, 'c2').state).toBe('Alerting');
  });
});
