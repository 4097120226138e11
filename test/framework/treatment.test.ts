import { describe, expect, it } from 'vitest';
import {
  matchOf,
  popDataFor,
  treatmentFor,
  type CallTreatment,
  type CallView,
  type Customer,
  type CustomerLookup,
  type TelephonyMode,
} from '../../src/framework/index.js';
import { callState, snapshot } from './helpers/events.js';
import { loggedIn, type TestSession } from './helpers/session.js';

const ANN: Customer = { id: 'cust-1', name: 'Ann Smith', tier: 'gold' };
const BOB: Customer = { id: 'cust-2', name: 'Bob Smith' };

const treatment = (over: Partial<CallTreatment> = {}): CallTreatment => ({
  enabled: true,
  answering: 'manual',
  launch: 'autoWithScreenPop',
  popData: ['pyANI', 'pyDNIS', 'pyQueue', 'account'],
  ...over,
});

/** A logged-in session whose INBOUND calls get this treatment; lookups are recorded. */
async function treated(over: Partial<CallTreatment>, options: { mode?: TelephonyMode; customers?: readonly Customer[]; lookup?: CustomerLookup } = {}) {
  const lookups: string[] = [];
  const lookup: CustomerLookup =
    options.lookup ??
    ((ani) => {
      lookups.push(ani);
      return options.customers ?? [];
    });
  const t = await loggedIn(options.mode ?? 'full', { context: { callTreatment: { INBOUND: treatment(over) } }, customerLookup: lookup });
  return Object.assign(t, { lookups });
}

const ring = async (t: TestSession, id = 'c1', extra: Record<string, unknown> = {}) => {
  t.fake.emit(callState('Alerting', id, { pyDNIS: '8000', pyQueue: 'sales', pyCallData: { account: 'A-7', secret: 'x' }, ...extra }));
  await t.flush();
};

describe('treatment helpers', () => {
  it('treatmentFor: none when absent or switched off', () => {
    const ctx = { callTreatment: { INBOUND: treatment(), INTERNAL: treatment({ enabled: false }) } };
    expect(treatmentFor(ctx, 'INBOUND')).toEqual(treatment());
    expect(treatmentFor(ctx, 'INTERNAL')).toBeUndefined();
    expect(treatmentFor(ctx, 'OUTBOUND')).toBeUndefined();
    expect(treatmentFor({}, 'INBOUND')).toBeUndefined();
  });

  it('popDataFor: call properties by OpenCTI name, call-data keys, missing ones left out', () => {
    const call = {
      callId: 'c1', type: 'INBOUND', state: 'Alerting', ani: '555', otherDN: '555', thisDN: '1001', dnis: '8000', queue: undefined,
      interactionId: 'i-1', parties: [], callData: { account: 'A-7' }, userData: {}, callVariables: [], applicationData: {},
      startedAt: '', stateChangedAt: '',
    } satisfies CallView;
    expect(popDataFor(call, ['pyCallId', 'pyCallType', 'pyANI', 'pyDNIS', 'pyQueue', 'pyOtherDN', 'pyThisDN', 'pyInteractionID', 'account', 'nothing'])).toEqual({
      pyCallId: 'c1', pyCallType: 'INBOUND', pyANI: '555', pyDNIS: '8000', pyOtherDN: '555', pyThisDN: '1001', pyInteractionID: 'i-1', account: 'A-7',
    });
  });

  it('popDataFor: data paths reach strings inside the containers; a group or list gives each string under its path', () => {
    const call = {
      callId: 'c1', type: 'INBOUND', state: 'Alerting', ani: '555', otherDN: '555', queue: undefined, parties: [],
      callData: { account: 'A-7', 'order.id': 'O-1' },
      userData: { account: { id: 'ACC-9', tier: 'gold' }, lang: 'fr' },
      callVariables: ['IVR-2', '', 'billing'],
      applicationData: { ivr: { menu: { choice: '3' } } },
      startedAt: '', stateChangedAt: '',
    } satisfies CallView;
    expect(popDataFor(call, ['pyUserData.account.id', 'pyCallVariables.2', 'pyCallData.account', 'pyApplicationData.ivr.menu.choice'])).toEqual({
      'pyUserData.account.id': 'ACC-9',
      'pyCallVariables.2': 'billing',
      'pyCallData.account': 'A-7',
      'pyApplicationData.ivr.menu.choice': '3',
    });
    // A group, a whole container, a list: every string inside under its full path; the empty variable is left out.
    expect(popDataFor(call, ['pyUserData.account', 'pyCallVariables'])).toEqual({
      'pyUserData.account.id': 'ACC-9',
      'pyUserData.account.tier': 'gold',
      'pyCallVariables.0': 'IVR-2',
      'pyCallVariables.2': 'billing',
    });
    expect(Object.keys(popDataFor(call, ['pyUserData']))).toEqual(['pyUserData.account.id', 'pyUserData.account.tier', 'pyUserData.lang']);
    // Paths that reach nothing: a missing key, a key below a string, an index out of range or not a number.
    expect(
      popDataFor(call, ['pyUserData.account.nothing', 'pyUserData.lang.x', 'pyCallVariables.3', 'pyCallVariables.first', 'pyCallVariables.01', 'pyUserData.toString']),
    ).toEqual({});
    // A pyCallData key with a dot is named whole, without the container.
    expect(popDataFor(call, ['order.id', 'pyCallData.order.id'])).toEqual({ 'order.id': 'O-1' });
  });

  it('matchOf: one, none, several', () => {
    expect(matchOf([])).toEqual({ kind: 'none' });
    expect(matchOf([ANN])).toEqual({ kind: 'one', customer: ANN });
    expect(matchOf([ANN, BOB])).toEqual({ kind: 'several', customers: [ANN, BOB] });
  });
});

describe('treatment: the pop shows nested call data', () => {
  it('popData paths into pyUserData and pyCallVariables, as the implementation sent them', async () => {
    const t = await treated({ popData: ['pyANI', 'pyUserData.account.id', 'pyCallVariables.1', 'pyApplicationData.ivr'] });
    t.fake.emit(
      callState('Alerting', 'c1', {
        pyUserData: { account: { id: 'ACC-9', tier: 'gold' } },
        pyCallVariables: 'IVR-2|billing',
        pyApplicationData: { ivr: { menu: '3', lang: 'fr' } },
      }),
    );
    await t.flush();
    const [pop] = t.of('screenPop');
    expect(pop?.data).toEqual({
      pyANI: '5551234',
      'pyUserData.account.id': 'ACC-9',
      'pyCallVariables.1': 'billing',
      'pyApplicationData.ivr.menu': '3',
      'pyApplicationData.ivr.lang': 'fr',
    });
    expect(pop?.call.callVariables).toEqual(['IVR-2', 'billing']);
  });
});

describe('treatment: customer lookup by ANI', () => {
  it('one match pops that customer with the configured call data', async () => {
    const t = await treated({}, { customers: [ANN] });
    await ring(t);
    expect(t.lookups).toEqual(['5551234']);
    const [pop] = t.of('screenPop');
    expect(pop).toMatchObject({
      call: { callId: 'c1' },
      match: { kind: 'one', customer: ANN },
      data: { pyANI: '5551234', pyDNIS: '8000', pyQueue: 'sales', account: 'A-7' },
      needsAccept: false,
    });
    expect(pop?.data).not.toHaveProperty('secret');
    expect(t.of('interactionStart')).toEqual([expect.objectContaining({ customer: ANN, customerId: 'cust-1' })]);
  });

  it('no match pops an unknown caller', async () => {
    const t = await treated({}, { customers: [] });
    await ring(t);
    expect(t.of('screenPop')[0]?.match).toEqual({ kind: 'none' });
    expect(t.of('interactionStart')[0]).toMatchObject({ match: { kind: 'none' }, customer: undefined });
  });

  it('several matches pop the list to choose from', async () => {
    const t = await treated({ launch: 'screenPopThenAccept' }, { customers: [ANN, BOB] });
    await ring(t);
    expect(t.of('screenPop')[0]?.match).toEqual({ kind: 'several', customers: [ANN, BOB] });
    await t.session.acceptScreenPop('c1', 'cust-2');
    expect(t.of('interactionStart')).toEqual([expect.objectContaining({ customer: BOB, customerId: 'cust-2' })]);
  });

  it('an async lookup is awaited', async () => {
    const t = await treated({}, { lookup: async (ani) => (ani === '5551234' ? [ANN] : []) });
    await ring(t);
    expect(t.of('screenPop')[0]?.match).toEqual({ kind: 'one', customer: ANN });
  });

  it('a failing lookup is reported and the pop shows no match', async () => {
    const t = await treated(
      {},
      {
        lookup: () => {
          throw new Error('CRM unreachable');
        },
      },
    );
    await ring(t);
    expect(t.errors().map((e) => [e.errCode, e.errMessage])).toEqual([
      ['OPENCTI_CF_GENERIC_OPERATION', 'customer lookup for ANI "5551234" failed: CRM unreachable'],
    ]);
    expect(t.of('screenPop')[0]?.match).toEqual({ kind: 'none' });
  });

  it('a call without ANI is not looked up', async () => {
    const t = await treated({}, { customers: [ANN] });
    await ring(t, 'c1', { pyANI: '' });
    expect(t.lookups).toEqual([]);
    expect(t.of('screenPop')[0]?.match).toEqual({ kind: 'none' });
  });
});

describe('treatment: which calls', () => {
  it('a call type without treatment, or with treatment switched off, gets nothing', async () => {
    const t = await loggedIn('full', {
      context: { callTreatment: { INBOUND: treatment({ enabled: false }) } },
      customerLookup: () => [ANN],
    });
    await ring(t, 'c1');
    await ring(t, 'c2', { pyCallType: 'INTERNAL' });
    expect(t.of('screenPop')).toEqual([]);
    expect(t.of('interactionStart')).toEqual([]);
  });

  it('Offering then Alerting treats the call once', async () => {
    const t = await treated({ answering: 'auto' }, { customers: [ANN] });
    t.fake.emit(callState('Offering', 'c1'));
    t.fake.emit(callState('Alerting', 'c1'));
    await t.flush();
    expect(t.of('screenPop')).toHaveLength(1);
    expect(t.lookups).toHaveLength(1);
    expect(t.fake.names().filter((n) => n === 'answerCall')).toHaveLength(1);
  });

  it('a call that is not ringing when it first appears is not a new call', async () => {
    const t = await treated({});
    t.fake.emit(callState('Established', 'c1'));
    t.fake.emit(callState('Initiated', 'c2'));
    t.fake.emit(callState('Alerting', 'c2'));
    await t.flush();
    expect(t.of('screenPop')).toEqual([]);
  });

  it('a ringing call first listed by a Snapshot is treated', async () => {
    const t = await treated({}, { customers: [ANN] });
    t.fake.emit(snapshot({ pyCalls: [{ pyEventName: 'Alerting', pyCallId: 's1', pyCallType: 'INBOUND', pyANI: '5551234', pyOtherDN: '5551234' }] }));
    await t.flush();
    expect(t.of('screenPop').map((p) => p.call.callId)).toEqual(['s1']);
  });

  it('a call that ends while its customer is looked up gets no pop', async () => {
    let release: (c: Customer[]) => void = () => {};
    const t = await treated({}, { lookup: () => new Promise<Customer[]>((r) => (release = r)) });
    await ring(t);
    t.fake.emit(callState('Abandoned', 'c1'));
    release([ANN]);
    await t.flush();
    expect(t.of('screenPop')).toEqual([]);
    expect(t.of('interactionStart')).toEqual([]);
  });

  it('a call that rings and ends within one burst of events is not treated', async () => {
    const t = await treated({ answering: 'auto' }, { customers: [ANN] });
    t.fake.emit(callState('Alerting', 'c1'));
    t.fake.emit(callState('Abandoned', 'c1'));
    await t.flush();
    expect(t.lookups).toEqual([]);
    expect(t.of('screenPop')).toEqual([]);
    expect(t.fake.names()).toEqual(['login']);
  });

  it('several calls ringing at once are each treated', async () => {
    const t = await treated({}, { customers: [ANN] });
    await ring(t, 'c1');
    await ring(t, 'c2');
    expect(t.of('screenPop').map((p) => p.call.callId)).toEqual(['c1', 'c2']);
  });
});

describe('treatment: launch', () => {
  it('screenPopThenAccept: the pop waits for the CSR; accepting starts the interaction', async () => {
    const t = await treated({ launch: 'screenPopThenAccept' }, { customers: [ANN] });
    await ring(t);
    expect(t.of('screenPop')).toEqual([expect.objectContaining({ needsAccept: true })]);
    expect(t.of('interactionStart')).toEqual([]);
    await t.session.acceptScreenPop('c1');
    expect(t.of('interactionStart')).toEqual([expect.objectContaining({ call: expect.objectContaining({ callId: 'c1' }), customer: ANN, customerId: 'cust-1' })]);
  });

  it('screenPopThenAccept: a customer found by a search outside the match is passed by id', async () => {
    const t = await treated({ launch: 'screenPopThenAccept' }, { customers: [] });
    await ring(t);
    await t.session.acceptScreenPop('c1', 'cust-99');
    expect(t.of('interactionStart')[0]).toMatchObject({ match: { kind: 'none' }, customer: undefined, customerId: 'cust-99' });
  });

  it('accepting a pop that is not waiting is refused: unknown call, twice, or after the call ended', async () => {
    const t = await treated({ launch: 'screenPopThenAccept' });
    await ring(t, 'c1');
    await ring(t, 'c2');
    await expect(t.session.acceptScreenPop('nope')).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE' });
    await t.session.acceptScreenPop('c1');
    await expect(t.session.acceptScreenPop('c1')).rejects.toMatchObject({
      errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE',
      errMessage: 'no screen pop is waiting to be accepted for call "c1" (never popped, already accepted, or the call has ended)',
    });
    t.fake.emit(callState('Abandoned', 'c2'));
    await expect(t.session.acceptScreenPop('c2')).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE' });
    expect(t.of('interactionStart')).toHaveLength(1);
  });

  it('autoWithScreenPop: pop, then the interaction starts at once', async () => {
    const t = await treated({ launch: 'autoWithScreenPop' }, { customers: [ANN] });
    await ring(t);
    expect(t.heard.map((h) => h.name).filter((n) => n === 'screenPop' || n === 'interactionStart')).toEqual(['screenPop', 'interactionStart']);
    expect(t.of('screenPop')[0]?.needsAccept).toBe(false);
  });

  it('autoWithoutScreenPop: the interaction starts, no pop', async () => {
    const t = await treated({ launch: 'autoWithoutScreenPop' }, { customers: [ANN] });
    await ring(t);
    expect(t.of('screenPop')).toEqual([]);
    expect(t.of('interactionStart')).toEqual([expect.objectContaining({ customer: ANN, match: { kind: 'one', customer: ANN } })]);
  });
});

describe('treatment: answering', () => {
  const answers = (t: TestSession) => t.fake.calls.filter((c) => c.name === 'answerCall').map((c) => c.args[0]);

  it.each(['screenPopThenAccept', 'autoWithScreenPop', 'autoWithoutScreenPop'] as const)('manual never answers (%s)', async (launch) => {
    const t = await treated({ answering: 'manual', launch });
    await ring(t);
    if (launch === 'screenPopThenAccept') await t.session.acceptScreenPop('c1');
    expect(answers(t)).toEqual([]);
  });

  it.each(['screenPopThenAccept', 'autoWithScreenPop', 'autoWithoutScreenPop'] as const)('auto answers at once, before the lookup ends (%s)', async (launch) => {
    const t = await treated({ answering: 'auto', launch }, { lookup: () => new Promise<Customer[]>(() => {}) });
    await ring(t);
    expect(answers(t)).toEqual(['c1']);
  });

  it('auto answer never calls the implementation from inside its own forwardEvent', async () => {
    const t = await treated({ answering: 'auto' });
    let inside = false;
    const during: string[] = [];
    t.fake.respond('answerCall', () => (during.push(inside ? 'inside' : 'outside'), Promise.resolve({})));
    inside = true;
    t.fake.emit(callState('Alerting', 'c1'));
    inside = false;
    await t.flush();
    expect(during).toEqual(['outside']);
  });

  it('autoAfterInteractionStart answers when the interaction starts automatically', async () => {
    const t = await treated({ answering: 'autoAfterInteractionStart', launch: 'autoWithScreenPop' });
    const order: string[] = [];
    t.session.on('interactionStart', () => order.push('interactionStart'));
    t.fake.respond('answerCall', () => (order.push('answerCall'), Promise.resolve({})));
    await ring(t);
    expect(order).toEqual(['interactionStart', 'answerCall']);
  });

  it('autoAfterInteractionStart with screenPopThenAccept answers only once the CSR accepts', async () => {
    const t = await treated({ answering: 'autoAfterInteractionStart', launch: 'screenPopThenAccept' });
    await ring(t);
    expect(answers(t)).toEqual([]);
    await t.session.acceptScreenPop('c1');
    expect(answers(t)).toEqual(['c1']);
  });

  it.each(['simple', 'agentState'] as TelephonyMode[])('in %s mode automatic answering is skipped (no call control), the rest happens', async (mode) => {
    for (const answering of ['auto', 'autoAfterInteractionStart'] as const) {
      const t = await treated({ answering, launch: 'autoWithScreenPop' }, { mode, customers: [ANN] });
      await ring(t);
      expect(answers(t)).toEqual([]);
      expect(t.errors()).toEqual([]);
      expect(t.of('interactionStart')).toHaveLength(1);
    }
  });

  it('a failed automatic answer is reported on error, keeping the server code', async () => {
    const t = await treated({ answering: 'auto' });
    t.fake.reject('answerCall', { errCode: 'OPENCTI_CALL_REJECTED', errMessage: 'phone offline' });
    await ring(t);
    expect(t.errors().map((e) => [e.errCode, e.errMessage])).toEqual([['OPENCTI_CALL_REJECTED', 'automatic answer of call "c1" failed: phone offline']]);
    expect(t.of('screenPop')).toHaveLength(1);
  });

  it('no automatic answer when the CSR already answered on the phone', async () => {
    const t = await treated({ answering: 'autoAfterInteractionStart', launch: 'screenPopThenAccept' });
    await ring(t);
    t.fake.emit(callState('Established', 'c1'));
    await t.session.acceptScreenPop('c1');
    expect(answers(t)).toEqual([]);
    expect(t.errors()).toEqual([]);
  });
});
