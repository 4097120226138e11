/**
 * The call-data containers Pega maps (pyCallData, pyUserData, pyCallVariables, pyApplicationData)
 * event by event, in strict and in lenient intake: what is accepted and shows on the call, and what
 * is refused with OPENCTI_INVALID_EVENT naming the JSON path of the bad value.
 */
import { describe, expect, it } from 'vitest';
import { CtiError, type EventIntake } from '../../src/framework/index.js';
import { callState, snapshot } from './helpers/events.js';
import { loggedIn, type TestSession } from './helpers/session.js';

const INTAKES: EventIntake[] = ['strict', 'lenient'];

const USER_DATA = { account: { id: 'ACC-9', tier: 'gold', address: { city: 'Lyon' } }, lang: 'fr' };
const APP_DATA = { ivr: { menu: '3', path: { first: 'billing' } } };

const callInfo = (extra: Record<string, unknown>) => ({ pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyMedia: 'Phone', pyCallId: 'c1', ...extra });
const snapshotWith = (call: Record<string, unknown>) => snapshot({ pyCalls: [{ ...callState('Established', 'c1', call), pyEventType: undefined }] });

/** An OPENCTI_INVALID_EVENT was heard for `event`, the state did not change; its message is returned. */
function refused(t: TestSession, event: unknown): string {
  t.heard.length = 0;
  const before = t.session.state;
  t.fake.emit(event);
  expect(t.session.state).toBe(before);
  const [error] = t.errors();
  expect(error).toBeInstanceOf(CtiError);
  expect(error?.errCode).toBe('OPENCTI_INVALID_EVENT');
  return error?.errMessage ?? '';
}

function accepted(t: TestSession, event: unknown): void {
  t.heard.length = 0;
  t.fake.emit(event);
  expect(t.errors().map((e) => e.errMessage)).toEqual([]);
}

describe.each(INTAKES)('%s intake: the containers are accepted', (events) => {
  it('CallStateEvent: all four containers reach the call, pyCallVariables as a list', async () => {
    const t = await loggedIn('full', { context: { events } });
    accepted(t, callState('Alerting', 'c1', { pyCallData: { order: 'A-17' }, pyUserData: USER_DATA, pyCallVariables: 'IVR-2|billing|', pyApplicationData: APP_DATA }));
    expect(t.session.state.calls[0]).toMatchObject({
      callData: { order: 'A-17' },
      userData: USER_DATA,
      callVariables: ['IVR-2', 'billing', ''],
      applicationData: APP_DATA,
    });
  });

  it('CallInfoEvent: adds to the data of a call in progress; the session emits the event with the containers as sent', async () => {
    const t = await loggedIn('full', { context: { events } });
    accepted(t, callState('Alerting', 'c1', { pyUserData: { lang: 'fr' } }));
    accepted(t, callInfo({ pyCallData: {}, pyUserData: { account: { id: 'ACC-9' } }, pyCallVariables: ['x', 'y'] }));
    expect(t.session.state.calls[0]).toMatchObject({ userData: { lang: 'fr', account: { id: 'ACC-9' } }, callVariables: ['x', 'y'] });
    expect(t.of('event')).toEqual([expect.objectContaining({ pyEventType: 'CallInfoEvent', pyUserData: { account: { id: 'ACC-9' } }, pyCallVariables: ['x', 'y'] })]);
  });

  it('keys named like built-in members ("__proto__", "constructor") are kept as data, merged like any other', async () => {
    const t = await loggedIn('full', { context: { events } });
    // JSON.parse makes "__proto__" an own key, as a vendor's frame would.
    accepted(t, callState('Alerting', 'c1', { pyUserData: JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":"x"}') }));
    accepted(t, callInfo(JSON.parse('{"pyCallData":{},"pyUserData":{"__proto__":{"more":"1"}}}')));
    const userData = t.session.state.calls[0]?.userData as Record<string, unknown>;
    expect(Object.getPrototypeOf(userData)).toBe(Object.prototype);
    expect(Object.hasOwn(userData, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(userData, '__proto__')?.value).toEqual({ polluted: 'yes', more: '1' });
    expect(userData.constructor).toBe('x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('SnapshotEvent: a listed call carries its containers', async () => {
    const t = await loggedIn('full', { context: { events } });
    accepted(t, snapshotWith({ pyUserData: USER_DATA, pyCallVariables: ['a'], pyApplicationData: APP_DATA }));
    expect(t.session.state.calls[0]).toMatchObject({ userData: USER_DATA, callVariables: ['a'], applicationData: APP_DATA });
  });

  it(`groups nest up to 8 deep, the container itself counted`, async () => {
    let deepest: string | Record<string, unknown> = 'bottom';
    for (let i = 0; i < 7; i++) deepest = { level: deepest };
    const t = await loggedIn('full', { context: { events } });
    accepted(t, callState('Alerting', 'c1', { pyUserData: { top: deepest } }));
    expect(JSON.stringify(t.session.state.calls[0]?.userData)).toContain('"bottom"');
  });
});

describe.each(INTAKES)('%s intake: what is wrong inside a container is refused, naming its path', (events) => {
  const session = () => loggedIn('full', { context: { events } });

  it('CallStateEvent: a list in pyUserData, a number in a list of pyCallVariables, an object as pyCallVariables', async () => {
    const t = await session();
    expect(refused(t, callState('Alerting', 'c1', { pyUserData: { account: { ids: ['a', 'b'] } } }))).toBe(
      'invalid CallStateEvent ignored: /pyUserData/account/ids must be string or object (got ["a", "b"])',
    );
    expect(refused(t, callState('Alerting', 'c1', { pyCallVariables: { first: 'a' } }))).toBe(
      'invalid CallStateEvent ignored: /pyCallVariables must be string or array (got {"first": "a"})',
    );
    expect(refused(t, callState('Alerting', 'c1', { pyCallVariables: ['a', null] }))).toBe(
      'invalid CallStateEvent ignored: /pyCallVariables/1 must be string (got null)',
    );
    expect(refused(t, callState('Alerting', 'c1', { pyApplicationData: 'IVR' }))).toBe(
      'invalid CallStateEvent ignored: /pyApplicationData must be object (got "IVR")',
    );
  });

  it('groups nested deeper than 8 are refused, and the message says so', async () => {
    let tooDeep: string | Record<string, unknown> = 'bottom';
    for (let i = 0; i < 8; i++) tooDeep = { level: tooDeep };
    const t = await session();
    expect(refused(t, callState('Alerting', 'c1', { pyUserData: { top: tooDeep } }))).toBe(
      'invalid CallStateEvent ignored: /pyUserData/top/level/level/level/level/level/level/level must be string: groups nest at most 8 deep (got {"level": "bottom"})',
    );
  });

  it('CallInfoEvent and SnapshotEvent name the path inside the event', async () => {
    const t = await session();
    accepted(t, callState('Alerting', 'c1'));
    expect(refused(t, callInfo({ pyCallData: {}, pyUserData: { account: null } }))).toBe(
      'invalid CallInfoEvent ignored: /pyUserData/account must be string or object (got null)',
    );
    expect(refused(t, snapshotWith({ pyApplicationData: { ivr: [] } }))).toBe(
      'invalid SnapshotEvent ignored: /pyCalls/0/pyApplicationData/ivr must be string or object (got [])',
    );
  });
});

describe('lenient intake only', () => {
  it('numbers and booleans in the containers become strings', async () => {
    const t = await loggedIn('full');
    accepted(t, callState('Alerting', 'c1', { pyCallData: { attempts: 2 }, pyUserData: { account: { id: 42, vip: true } }, pyCallVariables: [7, 'x'] }));
    expect(t.session.state.calls[0]).toMatchObject({ callData: { attempts: '2' }, userData: { account: { id: '42', vip: 'true' } }, callVariables: ['7', 'x'] });
  });

  it('a CallInfoEvent with pyUserData alone is taken with an empty pyCallData', async () => {
    const t = await loggedIn('full');
    accepted(t, callState('Alerting', 'c1'));
    accepted(t, { pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyCallId: 'c1', pyUserData: { lang: 'fr' } });
    expect(t.session.state.calls[0]?.userData).toEqual({ lang: 'fr' });
  });

  it('strict intake refuses both', async () => {
    const t = await loggedIn('full', { context: { events: 'strict' } });
    expect(refused(t, callState('Alerting', 'c1', { pyUserData: { account: { id: 42 } } }))).toBe(
      'invalid CallStateEvent ignored: /pyUserData/account/id must be string or object (got 42)',
    );
    accepted(t, callState('Alerting', 'c1'));
    expect(refused(t, { pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyCallId: 'c1', pyUserData: { lang: 'fr' } })).toBe(
      'invalid CallInfoEvent ignored: /pyCallData is required',
    );
  });
});
