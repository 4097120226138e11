/**
 * Lenient intake (events: "lenient", the default) against strict intake (events: "strict"), event
 * by event: what each mode makes of the events connectors written for Pega's OpenCTI send.
 */
import { describe, expect, it } from 'vitest';
import { CtiError, validateContext, validateLenientEvent, type EventIntake } from '../../src/framework/index.js';
import { callState, snapshot } from './helpers/events.js';
import { loggedIn, type TestSession } from './helpers/session.js';

const session = (events?: EventIntake) => loggedIn('full', events ? { context: { events } } : {});

/** A session with call c1 ringing (a complete Alerting event), nothing heard yet. */
async function withCall(events?: EventIntake): Promise<TestSession> {
  const t = await session(events);
  t.fake.emit(callState('Alerting', 'c1', { pyDNIS: '8001', pyQueue: 'sales' }));
  t.heard.length = 0;
  return t;
}

/** The one error heard: an OPENCTI_INVALID_EVENT whose message is returned; the state did not change. */
function refused(t: TestSession, event: unknown): string {
  t.heard.length = 0;
  const before = t.session.state;
  const rejected = t.session.counters.eventsRejected;
  t.fake.emit(event);
  expect(t.session.state).toBe(before);
  expect(t.heard.map((h) => h.name)).toEqual(['error']);
  const [error] = t.errors();
  expect(error).toBeInstanceOf(CtiError);
  expect(error?.errCode).toBe('OPENCTI_INVALID_EVENT');
  expect(error?.details).toMatchObject({ event });
  expect(t.session.counters.eventsRejected).toBe(rejected + 1);
  return error?.errMessage ?? '';
}

const STATES_LISTED = '"Alerting", "Offering", "Initiated", "Established", "Connected", "Held", "Retrieved", "Disconnected", "Abandoned"';

describe('a ringing call under vendor names', () => {
  it.each(['Offering', 'Ringing', 'Delivered', 'Alerting', 'ringing', 'OFFERING'])('lenient: %s starts a ringing call, as Alerting', async (name) => {
    const t = await session();
    t.fake.emit(callState(name as never, 'c1'));
    expect(t.errors()).toEqual([]);
    expect(t.of('callAdded')).toEqual([expect.objectContaining({ callId: 'c1', state: 'Alerting', ani: '5551234' })]);
    expect(t.of('event')).toEqual([expect.objectContaining({ pyEventType: 'CallStateEvent', pyEventName: 'Alerting', pyCallId: 'c1' })]);
  });

  it('lenient: a ringing call is treated (screen pop) like one sent as Alerting', async () => {
    const t = await loggedIn('full', {
      context: { callTreatment: { INBOUND: { enabled: true, answering: 'manual', launch: 'autoWithScreenPop', popData: ['pyANI'] } } },
      customerLookup: () => [],
    });
    t.fake.emit(callState('Ringing' as never, 'c1'));
    await t.flush();
    expect(t.of('screenPop')).toEqual([expect.objectContaining({ data: { pyANI: '5551234' }, call: expect.objectContaining({ state: 'Alerting' }) })]);
  });

  it('lenient: Ringing or Delivered for a known call updates it to Alerting (an outbound call rings at the far end)', async () => {
    const t = await session();
    t.fake.emit(callState('Initiated', 'out1', { pyCallType: 'OUTBOUND' }));
    t.fake.emit({ pyCallId: 'out1', pyEventName: 'Delivered' });
    expect(t.of('call')).toEqual([expect.objectContaining({ callId: 'out1', state: 'Alerting', type: 'OUTBOUND' })]);
  });

  it('strict: Offering and Alerting are the contract\'s; Ringing and Delivered are refused naming pyEventName', async () => {
    const t = await session('strict');
    t.fake.emit(callState('Offering', 'c1'));
    expect(t.of('callAdded')).toEqual([expect.objectContaining({ callId: 'c1', state: 'Offering' })]);
    expect(refused(t, callState('Ringing' as never, 'c2'))).toBe(`invalid CallStateEvent ignored: /pyEventName must be one of ${STATES_LISTED} (got "Ringing")`);
    expect(refused(t, callState('Delivered' as never, 'c3'))).toBe(`invalid CallStateEvent ignored: /pyEventName must be one of ${STATES_LISTED} (got "Delivered")`);
  });

  it('lenient: a Snapshot listing a call under a vendor name lists it as Alerting; strict refuses it', async () => {
    const listed = { pyEventName: 'Ringing', pyCallId: 'c1', pyCallType: 'INBOUND', pyANI: '5551234', pyOtherDN: '5551234' };
    const t = await session();
    t.fake.emit(snapshot({ pyCalls: [listed] }));
    expect(t.session.state.calls.map((c) => [c.callId, c.state])).toEqual([['c1', 'Alerting']]);
    const s = await session('strict');
    expect(refused(s, snapshot({ pyCalls: [listed] }))).toBe(`invalid SnapshotEvent ignored: /pyCalls/0/pyEventName must be one of ${STATES_LISTED} (got "Ringing")`);
  });
});

describe('a bare call event: only pyCallId and pyEventName', () => {
  it.each([
    ['Established', 'Established'],
    ['Connected', 'Connected'],
    ['Answered', 'Established'],
    ['Held', 'Held'],
  ])('lenient: %s updates the known call to %s; the missing properties come from the call', async (name, state) => {
    const t = await withCall();
    t.fake.emit({ pyCallId: 'c1', pyEventName: name });
    expect(t.errors()).toEqual([]);
    expect(t.of('call')).toEqual([expect.objectContaining({ callId: 'c1', state, type: 'INBOUND', ani: '5551234', otherDN: '5551234', dnis: '8001', queue: 'sales' })]);
    expect(t.of('event')).toEqual([
      { pyEventType: 'CallStateEvent', pyEventName: state, pyCallId: 'c1', pyCallType: 'INBOUND', pyANI: '5551234', pyOtherDN: '5551234', pyThisDN: '1001', pyDNIS: '8001', pyQueue: 'sales' },
    ]);
  });

  it('lenient: Held then Retrieved', async () => {
    const t = await withCall();
    t.fake.emit({ pyCallId: 'c1', pyEventName: 'Established' });
    t.fake.emit({ pyCallId: 'c1', pyEventName: 'Held' });
    t.fake.emit({ pyCallId: 'c1', pyEventName: 'Retrieved' });
    expect(t.of('call').map((c) => c.state)).toEqual(['Established', 'Held', 'Retrieved']);
    expect(t.session.state.calls[0]?.answeredAt).toBeDefined();
  });

  it('lenient: Disconnected ends the known call and takes it off the desktop', async () => {
    const t = await withCall();
    t.fake.emit({ pyCallId: 'c1', pyEventName: 'Disconnected' });
    expect(t.errors()).toEqual([]);
    expect(t.of('callEnded')).toEqual([expect.objectContaining({ callId: 'c1', state: 'Disconnected', ani: '5551234', endedAt: expect.any(String) })]);
    expect(t.session.state.calls).toEqual([]);
  });

  it('lenient: a bare event with its pyEventType, and one with a property of its own, are filled the same way', async () => {
    const t = await withCall();
    t.fake.emit({ pyEventType: 'CallStateEvent', pyCallId: 'c1', pyEventName: 'Established', pyANI: '5559999' });
    expect(t.of('call')).toEqual([expect.objectContaining({ state: 'Established', ani: '5559999', otherDN: '5551234' })]);
  });

  it.each(['Disconnected', 'Held', 'Established'])('strict: a bare %s is refused: it has no pyEventType', async (name) => {
    const t = await withCall('strict');
    expect(refused(t, { pyCallId: 'c1', pyEventName: name })).toBe('invalid event ignored: /pyEventType is required');
    expect(t.session.state.calls.map((c) => c.state)).toEqual(['Alerting']);
  });

  it('strict: with its pyEventType, every missing call property is named', async () => {
    const t = await withCall('strict');
    expect(refused(t, { pyEventType: 'CallStateEvent', pyCallId: 'c1', pyEventName: 'Held' })).toBe(
      'invalid CallStateEvent ignored: /pyCallType is required; /pyANI is required; /pyOtherDN is required',
    );
  });
});

describe('vendor properties reach the host', () => {
  it.each<[string, EventIntake | undefined]>([['lenient', undefined], ['strict', 'strict']])('%s: the event emitted carries every extra property', async (_mode, events) => {
    const t = await withCall(events);
    const talkdesk = callState('Established', 'c1', { pyEventString: 'call_answered', pyInteractionID: 'INT-9', pyVendor: { leg: 2 } });
    t.fake.emit(talkdesk);
    const [event] = t.of('event');
    expect(event).toMatchObject({ pyEventString: 'call_answered', pyInteractionID: 'INT-9', pyVendor: { leg: 2 } });
    expect(event?.pyEventString).toBe('call_answered');
    expect(t.of('call')).toEqual([expect.objectContaining({ interactionId: 'INT-9' })]);
  });

  it('lenient: a bare Talkdesk event keeps its extras and is filled', async () => {
    const t = await withCall();
    t.fake.emit({ pyCallId: 'c1', pyEventName: 'Answered', pyEventString: 'call_answered', pyInteractionID: 'INT-9' });
    expect(t.of('event')).toEqual([expect.objectContaining({ pyEventName: 'Established', pyANI: '5551234', pyEventString: 'call_answered', pyInteractionID: 'INT-9' })]);
    expect(t.session.state.calls[0]).toMatchObject({ state: 'Established', interactionId: 'INT-9' });
  });
});

describe('lenient: what still cannot be used is refused, naming the property', () => {
  it('a call event without pyCallId', async () => {
    const t = await withCall();
    expect(refused(t, { pyEventName: 'Disconnected' })).toBe('invalid CallStateEvent ignored: /pyCallId is required');
    expect(refused(t, { pyEventType: 'CallStateEvent', pyEventName: 'Held', pyCallType: 'INBOUND' })).toBe('invalid CallStateEvent ignored: /pyCallId is required');
  });

  it('an empty pyCallId', async () => {
    const t = await withCall();
    expect(refused(t, { pyCallId: '', pyEventName: 'Held' })).toBe('invalid CallStateEvent ignored: /pyCallId must NOT have fewer than 1 characters (got "")');
  });

  it('a pyCallId that is not a string', async () => {
    const t = await withCall();
    expect(refused(t, { pyCallId: 42, pyEventName: 'Disconnected' })).toBe('invalid CallStateEvent ignored: /pyCallId must be string (got 42)');
  });

  it('a known call, but a call type the contract does not have', async () => {
    const t = await withCall();
    expect(refused(t, { pyCallId: 'c1', pyEventName: 'Held', pyCallType: 'SIDEWAYS' })).toBe(
      'invalid CallStateEvent ignored: /pyCallType must be one of "INBOUND", "OUTBOUND", "INTERNAL", "CONSULT", "UNKNOWN" (got "SIDEWAYS")',
    );
  });

  it('a property with a wrong type, on a known call', async () => {
    const t = await withCall();
    expect(refused(t, { pyCallId: 'c1', pyEventName: 'Held', pyANI: 5551234 })).toBe('invalid CallStateEvent ignored: /pyANI must be string (got 5551234)');
    expect(t.session.state.calls.map((c) => c.state)).toEqual(['Alerting']);
  });

  it('a bare event for a call the session does not know', async () => {
    const t = await withCall();
    expect(refused(t, { pyCallId: 'c9', pyEventName: 'Disconnected' })).toBe(
      'invalid CallStateEvent ignored: /pyCallId names no call in progress, so the event must carry pyCallType, pyANI, pyOtherDN (got "c9")',
    );
    expect(refused(t, { pyCallId: 'c9', pyEventName: 'Ringing', pyANI: '5550000' })).toBe(
      'invalid CallStateEvent ignored: /pyCallId names no call in progress, so the event must carry pyCallType, pyOtherDN (got "c9")',
    );
  });

  it('a bare event for a call that has ended', async () => {
    const t = await withCall();
    t.fake.emit({ pyCallId: 'c1', pyEventName: 'Disconnected' });
    expect(refused(t, { pyCallId: 'c1', pyEventName: 'Held' })).toBe(
      'invalid CallStateEvent ignored: /pyCallId names no call in progress, so the event must carry pyCallType, pyANI, pyOtherDN (got "c1")',
    );
  });

  it('a call state no name maps to', async () => {
    const t = await withCall();
    expect(refused(t, { pyCallId: 'c1', pyEventName: 'Parked' })).toBe(`invalid CallStateEvent ignored: /pyEventName must be one of ${STATES_LISTED} (got "Parked")`);
  });

  it('an event that names neither a type, a call nor a call state', async () => {
    const t = await withCall();
    expect(refused(t, { pyEventName: 'Hello' })).toBe('invalid event ignored: /pyEventType is required');
  });

  it('a complete Disconnected for an unknown call is still accepted and changes nothing, as in strict', async () => {
    const t = await withCall();
    t.fake.emit(callState('Disconnected', 'c9'));
    expect(t.heard.map((h) => h.name)).toEqual(['event']);
  });
});

describe("call state names that are Object.prototype's own: no state, in either mode", () => {
  // Looked up in a plain object they found a built-in function or Object.prototype itself, and the
  // refusal named that instead of the vendor's name.
  const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
  const refusal = (type: string, path: string, name: string) => `invalid ${type} ignored: ${path} must be one of ${STATES_LISTED} (got ${JSON.stringify(name)})`;

  it.each(NAMES)('strict: a CallStateEvent named %s is refused naming pyEventName and the name', async (name) => {
    const t = await withCall('strict');
    expect(refused(t, callState(name as never, 'c2'))).toBe(refusal('CallStateEvent', '/pyEventName', name));
    expect(refused(t, snapshot({ pyCalls: [{ pyEventName: name, pyCallId: 'c2', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '1' }] }))).toBe(
      refusal('SnapshotEvent', '/pyCalls/0/pyEventName', name),
    );
  });

  it.each(NAMES)('lenient: a CallStateEvent named %s is refused naming pyEventName and the name, complete or bare', async (name) => {
    const t = await withCall();
    expect(refused(t, callState(name as never, 'c2'))).toBe(refusal('CallStateEvent', '/pyEventName', name));
    expect(refused(t, { pyCallId: 'c1', pyEventName: name })).toBe(refusal('CallStateEvent', '/pyEventName', name));
    expect(refused(t, snapshot({ pyCalls: [{ pyEventName: name, pyCallId: 'c2', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '1' }] }))).toBe(
      refusal('SnapshotEvent', '/pyCalls/0/pyEventName', name),
    );
    expect(t.session.state.calls.map((c) => [c.callId, c.state])).toEqual([['c1', 'Alerting']]);
  });

  it('lenient: call data keys named __proto__ and constructor stay own keys when their numbers become strings', () => {
    // As JSON.parse gives them: "__proto__" an own property, not the object's prototype.
    const event = JSON.parse('{"pyCallId": "x", "pyEventName": "Held", "pyUserData": {"__proto__": {"id": 42}, "constructor": 7}}') as unknown;
    const checked = validateLenientEvent(event, () => ({ pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '2' }));
    expect(checked.ok).toBe(true);
    const userData = checked.ok && checked.value.pyEventType === 'CallStateEvent' ? checked.value.pyUserData : undefined;
    expect(Object.getPrototypeOf(userData)).toBe(Object.prototype);
    expect(Object.entries(userData ?? {})).toEqual([['__proto__', { id: '42' }], ['constructor', '7']]);
  });

  it.each(NAMES)('lenient: an event with only pyEventName %s is not taken for a call event', async (name) => {
    const t = await withCall();
    expect(refused(t, { pyEventName: name })).toBe('invalid event ignored: /pyEventType is required');
  });
});

describe('the events field of the application context', () => {
  it('accepts "strict" and "lenient", refuses anything else naming the field', () => {
    const base = { application: 'a', telephonyMode: 'full', implementation: { vendor: 'v' }, ctiLink: { name: 'l' } };
    expect(validateContext({ ...base, events: 'strict' }).ok).toBe(true);
    expect(validateContext({ ...base, events: 'lenient' }).ok).toBe(true);
    expect(validateContext({ ...base, events: 'sloppy' })).toEqual({
      ok: false,
      problems: [{ path: '/events', message: 'must be one of "strict", "lenient"', value: 'sloppy' }],
    });
  });

  it('validateLenientEvent takes an event in the contract\'s shape as it came, and never writes to one it renames', () => {
    const unknown = () => undefined;
    const established = callState('Established', 'c1');
    const taken = validateLenientEvent(established, unknown);
    expect(taken.ok && taken.value).toBe(established);
    const offering = callState('Offering', 'c2');
    expect(validateLenientEvent(offering, unknown)).toEqual({ ok: true, value: { ...offering, pyEventName: 'Alerting' } });
    expect(offering.pyEventName).toBe('Offering');
    const listed = (pyEventName: string, pyCallId: string) => ({ pyEventName, pyCallId, pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '2' });
    const calls = [listed('Established', 'c1'), listed('Offering', 'c2')];
    const listing = snapshot({ pyCalls: calls });
    const checked = validateLenientEvent(listing, unknown);
    expect(checked.ok && checked.value.pyEventType === 'SnapshotEvent' && checked.value.pyCalls?.map((c) => c.pyEventName)).toEqual(['Established', 'Alerting']);
    expect(calls.map((c) => c.pyEventName)).toEqual(['Established', 'Offering']);
  });

  it('validateLenientEvent is usable on its own, with any source of known calls', () => {
    const known = { pyCallType: 'INBOUND' as const, pyANI: '1', pyOtherDN: '2' };
    expect(validateLenientEvent({ pyCallId: 'x', pyEventName: 'Ringing', pyEventString: 'e' }, (id) => (id === 'x' ? known : undefined))).toEqual({
      ok: true,
      value: { pyEventType: 'CallStateEvent', pyEventName: 'Alerting', pyCallId: 'x', pyEventString: 'e', ...known },
    });
  });
});
