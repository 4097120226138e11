/**
 * pyUserData, pyCallVariables and pyApplicationData in the switch: given with makeCall, a blind
 * transfer or a consult, they reach the other device's events like pyCallData, travel with the
 * consult leg, and join the original call on transfer and conference completion.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SwitchError } from '../../../src/server/switch/index.js';
import { CUSTOMER, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

const USER = { account: { id: 'ACC-9', tier: 'gold' } };

function customerWithAlice() {
  h = harness();
  h.ready('alice');
  h.sw.login('bob', '');
  h.sw.login('carol', '');
  const { callId } = h.sw.inboundCall(CUSTOMER, '8000', { order: 'A-17' }, { pyUserData: USER, pyCallVariables: 'IVR-2|billing' });
  h.sw.answer('alice', callId);
  h.take();
  return callId;
}

const thrown = (action: () => unknown): SwitchError => {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchError);
    return error as SwitchError;
  }
  throw new Error('expected a SwitchError');
};

describe('containers on the calls the switch places', () => {
  it('makeCall: the called agent rings with every container; the list comes out as a list', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', '1002', { case: '7' }, { pyUserData: USER, pyCallVariables: 'a|b', pyApplicationData: { ivr: { menu: '3' } } });
    expect(h.last('1002', 'CallStateEvent')).toMatchObject({
      pyEventName: 'Alerting',
      pyCallId: callId,
      pyCallData: { case: '7' },
      pyUserData: USER,
      pyCallVariables: ['a', 'b'],
      pyApplicationData: { ivr: { menu: '3' } },
    });
    expect(h.sw.calls()[0]).toMatchObject({ userData: USER, callVariables: ['a', 'b'], applicationData: { ivr: { menu: '3' } } });
  });

  it('a call without them carries pyCallData only', () => {
    h = harness();
    h.ready('alice', 'bob');
    h.sw.makeCall('alice', '1002');
    const event = h.last('1002', 'CallStateEvent') as Record<string, unknown>;
    expect(event.pyCallData).toEqual({});
    expect(Object.keys(event).filter((k) => ['pyUserData', 'pyCallVariables', 'pyApplicationData'].includes(k))).toEqual([]);
  });

  it('blind transfer: data given with it is merged group by group; the target rings with all of it', () => {
    const c1 = customerWithAlice();
    h.sw.blindTransfer('alice', c1, '1002', {}, { pyUserData: { account: { reason: 'refund' } }, pyCallVariables: ['TRANSFERRED'] });
    expect(h.last('1002', 'CallStateEvent')).toMatchObject({
      pyEventName: 'Alerting',
      pyCallData: { order: 'A-17' },
      pyUserData: { account: { id: 'ACC-9', tier: 'gold', reason: 'refund' } },
      pyCallVariables: ['TRANSFERRED'],
    });
  });

  it('consult, then conference: the leg carries the call\'s containers plus what was added; completion merges them into the call', () => {
    const c1 = customerWithAlice();
    const { callId: c2 } = h.sw.consult('alice', c1, '1002', {}, { pyUserData: { note: 'wants a refund' } });
    expect(h.last('1002', 'CallStateEvent')).toMatchObject({
      pyCallId: c2,
      pyUserData: { ...USER, note: 'wants a refund' },
      pyCallVariables: ['IVR-2', 'billing'],
    });
    h.sw.answer('bob', c2);
    h.take();
    h.sw.conferenceComplete('alice', c1, c2);
    // bob joins the original call with its data; alice and the caller hear the merged data as CallInfo.
    const joined = h.events.find((e) => e.extension === '1002' && e.event.pyEventName === 'Established' && (e.event as { pyCallId: string }).pyCallId === c1);
    expect(joined?.event).toMatchObject({ pyUserData: { ...USER, note: 'wants a refund' } });
    expect(h.last('1001', 'CallInfoEvent')).toMatchObject({ pyCallId: c1, pyUserData: { ...USER, note: 'wants a refund' }, pyCallVariables: ['IVR-2', 'billing'] });
    expect(h.sw.calls()[0]).toMatchObject({ callId: c1, userData: { ...USER, note: 'wants a refund' } });
  });

  it('a snapshot lists a call with its containers', () => {
    customerWithAlice();
    expect(h.snapshot('alice').pyCalls?.[0]).toMatchObject({ pyUserData: USER, pyCallVariables: ['IVR-2', 'billing'] });
  });
});

describe('containers the switch refuses, naming what is wrong', () => {
  it.each([
    [{ pyUserData: { account: 5 } }, 'pyUserData.account must be a string or a group, got 5'],
    [{ pyUserData: 'x' }, 'pyUserData must be a group (an object), got "x"'],
    [{ pyCallVariables: [1] }, 'pyCallVariables must be "a|b|c" text or a list of strings, got [1]'],
    [{ pyCallVariables: Array.from({ length: 65 }, () => 'v') }, 'pyCallVariables has 65 entries; at most 64 are allowed'],
    [{ pyCallData: { a: 'b' } }, 'attached call data has "pyCallData"; only pyUserData, pyCallVariables and pyApplicationData are allowed'],
  ])('%j', (attached, message) => {
    h = harness();
    h.ready('alice', 'bob');
    const error = thrown(() => h.sw.makeCall('alice', '1002', {}, attached as never));
    expect(error.errCode).toBe('OPENCTI_INVALID_ACTION');
    expect(error.errMessage).toBe(message);
    expect(h.sw.calls()).toEqual([]);
  });

  it('groups nested deeper than 8', () => {
    h = harness();
    h.ready('alice', 'bob');
    let deep: string | Record<string, unknown> = 'x';
    for (let i = 0; i < 9; i++) deep = { k: deep };
    expect(thrown(() => h.sw.makeCall('alice', '1002', {}, { pyUserData: deep as never })).errMessage).toBe(
      'pyUserData.k.k.k.k.k.k.k.k is nested deeper than 8 groups',
    );
  });

  it('data that would make the call carry too much is refused before the transfer happens', () => {
    const c1 = customerWithAlice();
    const many = Object.fromEntries(Array.from({ length: 255 }, (_, i) => [`k${i}`, 'v']));
    const error = thrown(() => h.sw.blindTransfer('alice', c1, '1002', {}, { pyUserData: many }));
    expect(error.errMessage).toBe(`call ${c1} would carry too much data: pyUserData holds more than 256 strings`);
    expect(h.take()).toEqual({});
  });
});
