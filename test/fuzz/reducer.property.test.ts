/**
 * The framework's reducer (src/framework/session/reducer.ts) over any sequence of valid OpenCTI
 * events, generated from the shapes of the event schemas: it never throws, never touches the
 * state it is given, and keeps the view consistent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_EVENT_NAMES, AGENT_STATES, CALL_STATES, CALL_TYPES, DEVICE_STATES, LINK_STATES, WORK_MODES, type OpenCtiEvent } from '../../src/framework/schema/events.js';
import { describeProblems, validateEvent } from '../../src/framework/schema/validate.js';
import { initialState, loggedIn, loggedOut, reduce, type Reduction } from '../../src/framework/session/reducer.js';
import type { SessionState } from '../../src/framework/session/types.js';
import { fuzzParameters } from './parameters.js';

// Few call ids and short texts, so that events keep meeting the same calls.
const callId = fc.constantFrom('c1', 'c2', 'c3', 'c4');
const dn = fc.constantFrom('5001', '5002', '+15551230001', '8000', '');
const word = fc.oneof(fc.constantFrom('', 'BREAK', 'agent1', 'x'), fc.string({ maxLength: 8 }));
const timestamp = fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
// Keys a careless or hostile server might send in call data, besides ordinary ones.
const callData = fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'account'), fc.string({ maxLength: 6 })), fc.string({ maxLength: 6 }), { maxKeys: 4 });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops the properties left undefined: the schemas' optional properties are absent, not undefined. */
const defined = <T extends Record<string, unknown>>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const callProperties = {
  pyCallId: callId,
  pyCallType: fc.constantFrom(...CALL_TYPES),
  pyANI: dn,
  pyOtherDN: dn,
  pyThisDN: opt(dn),
  pyDNIS: opt(dn),
  pyQueue: opt(word),
  pyInteractionID: opt(word),
  pyTimestamp: opt(timestamp),
  pyCallData: opt(callData),
};

const callStateEvent = fc.record({ pyEventType: fc.constant('CallStateEvent' as const), pyEventName: fc.constantFrom(...CALL_STATES), pyMedia: opt(fc.constant('Phone')), ...callProperties });
const agentStateEvent = fc.record({
  pyEventType: fc.constant('AgentStateEvent' as const),
  pyEventName: fc.constantFrom(...AGENT_EVENT_NAMES),
  pyReasonCode: opt(word),
  pyWorkMode: opt(fc.constantFrom(...WORK_MODES)),
  pyAgentId: opt(word),
  pyThisDN: opt(dn),
  pyTimestamp: opt(timestamp),
});
const snapshotCall = fc.record({ pyEventName: fc.constantFrom(...CALL_STATES), ...callProperties, pyParties: opt(fc.array(fc.record({ pyDN: fc.constantFrom('5001', '5002', '+15551230001') }), { maxLength: 3 })) });
const snapshotEvent = fc.record({
  pyEventType: fc.constant('SnapshotEvent' as const),
  pyEventName: fc.constant('Snapshot' as const),
  pyAgentId: word,
  pyAgentState: fc.constantFrom(...AGENT_STATES),
  pyDeviceState: fc.constantFrom(...DEVICE_STATES),
  pyLinkState: fc.constantFrom(...LINK_STATES),
  pyReasonCode: opt(word),
  pyWorkMode: opt(fc.constantFrom(...WORK_MODES)),
  pyThisDN: opt(dn),
  pyCalls: opt(fc.array(snapshotCall.map(defined), { maxLength: 4 })),
});
const partyInfoEvent = fc.record({
  pyEventType: fc.constant('PartyInfoEvent' as const),
  pyEventName: fc.constant('PartyInfo' as const),
  pyCallId: callId,
  pyThisDN: dn,
  pyParties: fc.array(fc.record({ pyDN: fc.constantFrom('5001', '5002', '+15551230001') }), { maxLength: 4 }),
});
const callInfoEvent = fc.record({ pyEventType: fc.constant('CallInfoEvent' as const), pyEventName: fc.constant('CallInfo'), pyCallId: callId, pyCallData: callData });

const event: fc.Arbitrary<OpenCtiEvent> = fc
  .oneof(
    { weight: 6, arbitrary: callStateEvent },
    { weight: 2, arbitrary: agentStateEvent },
    { weight: 1, arbitrary: snapshotEvent },
    { weight: 2, arbitrary: partyInfoEvent },
    { weight: 2, arbitrary: callInfoEvent },
  )
  .map((e) => defined(e as Record<string, unknown>) as unknown as OpenCtiEvent);

/** One step of a desktop's life: an event from the server, or the login/logout results. */
type Step = { kind: 'event'; event: OpenCtiEvent } | { kind: 'loggedIn'; agentId: string; extension: string | undefined } | { kind: 'loggedOut'; reasonCode: string | undefined };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: event.map((e) => ({ kind: 'event' as const, event: e })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('loggedIn' as const), agentId: fc.constantFrom('agent1', 'agent2'), extension: opt(dn) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('loggedOut' as const), reasonCode: opt(word) }) },
);

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return Object.freeze(value);
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Reflect.ownKeys(value).every((key) => isDeepFrozen((value as Record<PropertyKey, unknown>)[key]));
}

const NOW = new Date('2026-06-01T12:00:00Z');
const twice = { pyEventName: 'Alerting' as const, pyCallId: 'c1', pyCallType: 'INBOUND' as const, pyANI: '5001', pyOtherDN: '5001' };

function apply(state: SessionState, s: Step): Reduction {
  if (s.kind === 'loggedIn') return loggedIn(state, s.agentId, s.extension);
  if (s.kind === 'loggedOut') return loggedOut(state, NOW, s.reasonCode);
  return reduce(state, s.event, NOW);
}

/** What must hold of every state the reducer hands to a host. */
function checkInvariants(state: SessionState): void {
  const ids = state.calls.map((c) => c.callId);
  expect(new Set(ids).size, `duplicate call ids in ${JSON.stringify(ids)}`).toBe(ids.length);
  for (const call of state.calls) {
    expect(['Disconnected', 'Abandoned'], `ended call ${call.callId} still listed`).not.toContain(call.state);
    expect(call.endedAt).toBeUndefined();
    // Call data comes from the wire: its keys must stay data, never reach the prototype.
    expect(Object.getPrototypeOf(call.callData)).toBe(Object.prototype);
  }
  expect(state.agent.afterCallWork).toBe(state.agent.state === 'NotReady' && state.agent.workMode === 'ACW');
  expect(isDeepFrozen(state), 'the state handed to the host is frozen all the way down').toBe(true);
}

describe('reducer', () => {
  it('only generates events the schemas accept', () => {
    fc.assert(
      fc.property(event, (e) => {
        const result = validateEvent(e);
        expect(result.ok, result.ok ? '' : describeProblems(result.problems)).toBe(true);
      }),
      fuzzParameters(500),
    );
  });

  it('never throws nor mutates its input, and keeps the view consistent, for any sequence of events', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let state = loggedIn(initialState(), 'agent1', '5001').state;
        for (const s of steps) {
          const before = deepFreeze(state);
          const copy = structuredClone(before);
          const { state: next, changes } = apply(before, s);
          expect(before, 'the input state is unchanged').toEqual(copy);
          if (changes.length === 0 && s.kind === 'event') expect(next).toBe(before);
          for (const change of changes) {
            if (change.kind === 'callEnded') expect(next.calls.some((c) => c.callId === change.call.callId)).toBe(false);
            if (change.kind === 'callAdded' || change.kind === 'call') expect(next.calls).toContainEqual(change.call);
          }
          checkInvariants(next);
          state = next;
        }
      }),
      // Found by this property and kept: a Snapshot that lists one call twice.
      { ...fuzzParameters<[Step[]]>(400), examples: [[[{ kind: 'event', event: { pyEventType: 'SnapshotEvent', pyEventName: 'Snapshot', pyAgentId: 'agent1', pyAgentState: 'Ready', pyDeviceState: 'OPENED', pyLinkState: 'CONNECTED', pyCalls: [twice, twice] } }]]] },
    );
  });

  it('a Snapshot replaces the view: the agent, link and device it says, and exactly the live calls it lists', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), snapshotEvent.map(defined), (steps, snapshot) => {
        let state = loggedIn(initialState(), 'agent1', '5001').state;
        for (const s of steps) state = apply(deepFreeze(state), s).state;
        const { state: next } = reduce(deepFreeze(state), snapshot as unknown as OpenCtiEvent, NOW);
        checkInvariants(next);
        expect(next.agent.state).toBe(snapshot.pyAgentState);
        expect(next.link).toBe(snapshot.pyLinkState);
        expect(next.device).toBe(snapshot.pyDeviceState);
        if (snapshot.pyCalls !== undefined) {
          // Of a call listed twice, the last entry is the one that counts.
          const last = new Map<string, string>(snapshot.pyCalls.map((c) => [c.pyCallId, c.pyEventName]));
          const live = new Set([...last].filter(([, name]) => !['Disconnected', 'Abandoned'].includes(name)).map(([id]) => id));
          expect(new Set(next.calls.map((c) => c.callId))).toEqual(live);
          for (const call of next.calls) expect(call.state, `call ${call.callId} is in the state its last entry says`).toBe(last.get(call.callId));
        }
      }),
      fuzzParameters(400),
    );
  });

  it('logging out after any sequence leaves the agent out, no calls, and ends every call for the host', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), opt(word), (steps, reasonCode) => {
        let state = loggedIn(initialState(), 'agent1', '5001').state;
        for (const s of steps) state = apply(deepFreeze(state), s).state;
        const before = deepFreeze(state);
        const { state: out, changes } = loggedOut(before, NOW, reasonCode);
        checkInvariants(out);
        expect(out).toMatchObject({ loggedIn: false, device: 'CLOSED', calls: [], agent: { state: 'Logout', afterCallWork: false } });
        const ended = changes.filter((c) => c.kind === 'callEnded').map((c) => c.call.callId);
        expect(ended.sort()).toEqual(before.calls.map((c) => c.callId).sort());
        // And the next login starts clean from there.
        const again = loggedIn(deepFreeze(out), 'agent2', '5002').state;
        checkInvariants(again);
        expect(again).toMatchObject({ loggedIn: true, calls: [], agent: { agentId: 'agent2', extension: '5002', state: 'Login' } });
      }),
      fuzzParameters(300),
    );
  });
});
