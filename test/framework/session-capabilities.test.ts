/** The reducer keeps a call's capabilities and the agent's pending next state as the server says them. */
import { describe, expect, it } from 'vitest';
import { initialState, reduce, validateEvent, type SessionState } from '../../src/framework/index.js';
import { agentState, callState, snapshot } from './helpers/events.js';

const T0 = new Date('2026-01-01T10:00:00.000Z');

function run(events: unknown[], from: SessionState = initialState()) {
  let state = from;
  const kinds: string[] = [];
  for (const raw of events) {
    const checked = validateEvent(raw);
    if (!checked.ok) throw new Error(`test event is invalid: ${JSON.stringify(checked.problems)}`);
    const r = reduce(state, checked.value, T0);
    state = r.state;
    kinds.push(...r.changes.map((c) => c.kind));
  }
  return { state, kinds };
}

describe('capabilities on the call view', () => {
  it('follow the last event that says them; an event without them keeps the last list', () => {
    const { state, kinds } = run([
      callState('Alerting', 'c1', { pyCapabilities: ['answerCall', 'hangUpCall'] }),
      callState('Established', 'c1', { pyCapabilities: ['hangUpCall', 'holdCall'] }),
      callState('Established', 'c1', { pyCapabilities: ['hangUpCall'] }),
      callState('Established', 'c1'),
    ]);
    expect(state.calls[0]?.capabilities).toEqual(['hangUpCall']);
    // The change of capabilities alone is a change of the call; the event without them is none.
    expect(kinds).toEqual(['callAdded', 'call', 'call']);
  });

  it('are undefined when the server never says them, and come with a Snapshot', () => {
    expect(run([callState('Alerting', 'c1')]).state.calls[0]?.capabilities).toBeUndefined();
    const listed = { pyEventName: 'Established', pyCallId: 'c2', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '1', pyCapabilities: ['holdCall'] };
    expect(run([snapshot({ pyAgentState: 'Busy', pyCalls: [listed] })]).state.calls[0]?.capabilities).toEqual(['holdCall']);
  });

  it('an invalid list is refused naming the property', () => {
    const checked = validateEvent(callState('Alerting', 'c1', { pyCapabilities: 'answerCall' }));
    expect(checked.ok).toBe(false);
    expect(JSON.stringify(!checked.ok && checked.problems)).toMatch(/pyCapabilities/);
  });
});

describe('pending next state on the agent view', () => {
  it('shows while pending and clears with the event that applies it', () => {
    const pending = run([agentState('Busy'), agentState('Busy', { pyPendingState: 'NotReady', pyPendingReasonCode: 'BREAK' })]);
    expect(pending.state.agent).toMatchObject({ state: 'Busy', pendingState: 'NotReady', pendingReasonCode: 'BREAK' });
    expect(pending.kinds).toEqual(['agent', 'agent']);
    const applied = run([agentState('NotReady', { pyReasonCode: 'BREAK', pyWorkMode: 'AUX_WORK' })], pending.state);
    expect(applied.state.agent.pendingState).toBeUndefined();
    expect(applied.state.agent.pendingReasonCode).toBeUndefined();
  });

  it('comes with a Snapshot, and a pending Ready has no reason', () => {
    const { state } = run([snapshot({ pyAgentState: 'Busy', pyPendingState: 'Ready', pyPendingReasonCode: 'ignored' })]);
    expect(state.agent).toMatchObject({ pendingState: 'Ready' });
    expect(state.agent.pendingReasonCode).toBeUndefined();
  });
});
