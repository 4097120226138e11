import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

const FAR = '+33799999999';

describe('basic calls', () => {
  it('internal call: Initiated for the caller, Alerting for the callee, Established for both, then Disconnected', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', '1002', { topic: 'handover' });
    expect(h.take()).toEqual({
      '1001': [`Initiated ${callId} INTERNAL other=1002`, 'agent Busy'],
      '1002': [`Alerting ${callId} INTERNAL other=1001`],
    });
    expect(h.last('1002', 'CallStateEvent')).toMatchObject({ pyANI: '1001', pyDNIS: '1002', pyCallData: { topic: 'handover' } });
    expect(h.last('1002', 'CallStateEvent')).not.toHaveProperty('pyQueue');
    expect(h.sw.calls()[0]).toMatchObject({ callId, state: 'Alerting', parties: ['1001', '1002'] });
    h.sw.answer('bob', callId);
    expect(h.take()).toEqual({
      '1001': [`Established ${callId} INTERNAL other=1002`],
      '1002': [`Established ${callId} INTERNAL other=1001`, 'agent Busy'],
    });
    expect(h.sw.calls()[0]?.state).toBe('Established');
    h.sw.hangUp('bob', callId);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${callId} INTERNAL other=1002`, 'agent Ready MODE_NONE'],
      '1002': [`Disconnected ${callId} INTERNAL other=1001`, 'agent Ready MODE_NONE'],
    });
    expect(h.sw.calls()).toEqual([]);
    expect(h.kinds(callId)).toEqual(['offered:bob', 'answered:bob', 'ended']);
  });

  it('the callee can decline a direct call, which ends it for the caller', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', '1002');
    h.take();
    h.sw.hangUp('bob', callId);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${callId} INTERNAL other=1002`, 'agent Ready MODE_NONE'],
      '1002': [`Disconnected ${callId} INTERNAL other=1001`],
    });
    expect(h.snapshot('bob').pyAgentState).toBe('Ready');
  });

  it('a call from outside to an extension rings that agent, whatever their ACD state, and owes no after-call work', () => {
    h = harness({ wrapUpMs: 5000 });
    h.sw.login('carol', '');
    h.sw.notReady('carol', 'BREAK');
    h.take();
    const { callId } = h.sw.inboundCall(CUSTOMER, '1003');
    h.sw.answer('carol', callId);
    h.sw.callerHangUp(callId);
    expect(h.take()).toEqual({
      '1003': [
        `Alerting ${callId} INBOUND other=${CUSTOMER}`,
        `Established ${callId} INBOUND other=${CUSTOMER}`,
        'agent Busy',
        `Disconnected ${callId} INBOUND other=${CUSTOMER}`,
        'agent NotReady AUX_WORK BREAK',
      ],
    });
    expect(h.events.find((e) => e.event.pyEventName === 'Alerting')?.event).toMatchObject({ pyDNIS: '1003', pyANI: CUSTOMER });
  });

  it("outbound 'answer': the far end answers after farEndAnswerMs", () => {
    h = harness({ defaultFarEnd: 'answer', farEndAnswerMs: 3000 });
    h.ready('alice');
    const { callId } = h.sw.makeCall('alice', FAR);
    expect(h.take()).toEqual({ '1001': [`Initiated ${callId} OUTBOUND other=${FAR}`, 'agent Busy'] });
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyANI: '1001', pyDNIS: FAR });
    h.clock.advance(2999);
    expect(h.take()).toEqual({});
    h.clock.advance(1);
    expect(h.take()).toEqual({ '1001': [`Established ${callId} OUTBOUND other=${FAR}`] });
    expect(h.kinds(callId)).toEqual(['answered:alice']);
    h.sw.callerHangUp(callId);
    expect(h.take()).toEqual({ '1001': [`Disconnected ${callId} OUTBOUND other=${FAR}`, 'agent Ready MODE_NONE'] });
  });

  it("outbound 'ring' rings until the far end is told to answer, or the agent gives up", () => {
    h = harness();
    h.ready('alice');
    const first = h.sw.makeCall('alice', FAR).callId;
    h.clock.advance(600_000);
    expect(h.sw.calls()[0]).toMatchObject({ state: 'Alerting', parties: ['1001', FAR] });
    h.sw.farEndAnswer(first);
    h.sw.hangUp('alice', first);
    const second = h.sw.makeCall('alice', FAR).callId;
    h.sw.hangUp('alice', second);
    expect(h.take()).toEqual({
      '1001': [
        `Initiated ${first} OUTBOUND other=${FAR}`,
        'agent Busy',
        `Established ${first} OUTBOUND other=${FAR}`,
        `Disconnected ${first} OUTBOUND other=${FAR}`,
        'agent Ready MODE_NONE',
        `Initiated ${second} OUTBOUND other=${FAR}`,
        'agent Busy',
        `Disconnected ${second} OUTBOUND other=${FAR}`,
        'agent Ready MODE_NONE',
      ],
    });
    expect(h.clock.pending).toBe(0);
  });

  it("outbound 'busy': Initiated, then on the next tick Disconnected with pyCause Busy", () => {
    h = harness({ farEnds: { [FAR]: 'busy' } });
    h.ready('alice');
    const { callId } = h.sw.makeCall('alice', FAR);
    expect(h.take()).toEqual({ '1001': [`Initiated ${callId} OUTBOUND other=${FAR}`, 'agent Busy'] });
    h.clock.tick();
    expect(h.take()).toEqual({ '1001': [`Disconnected ${callId} OUTBOUND other=${FAR}`, 'agent Ready MODE_NONE'] });
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyCause: 'Busy' });
    expect(h.sw.calls()).toEqual([]);
  });

  it('setFarEnd changes what a number does, farEndBusy fails a ringing call', () => {
    h = harness();
    h.ready('alice');
    h.sw.setFarEnd(FAR, 'answer');
    const answered = h.sw.makeCall('alice', FAR).callId;
    h.clock.tick();
    expect(h.sw.calls()[0]?.state).toBe('Established');
    h.sw.hangUp('alice', answered);
    h.sw.setFarEnd(FAR, 'ring');
    const ringing = h.sw.makeCall('alice', FAR).callId;
    h.sw.farEndBusy(ringing);
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyEventName: 'Disconnected', pyCallId: ringing, pyCause: 'Busy' });
  });

  it('hold and retrieve reach only the holding device', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', '1002');
    h.sw.answer('bob', callId);
    h.take();
    h.sw.hold('alice', callId);
    expect(h.sw.calls()[0]?.state).toBe('Held');
    expect(h.snapshot('alice').pyCalls?.[0]?.pyEventName).toBe('Held');
    h.sw.retrieve('alice', callId);
    expect(h.take()).toEqual({ '1001': [`Held ${callId} INTERNAL other=1002`, `Retrieved ${callId} INTERNAL other=1002`] });
    expect(h.snapshot('alice').pyCalls?.[0]?.pyEventName).toBe('Established');
    expect(h.kinds(callId)).toEqual(['offered:bob', 'answered:bob', 'held:alice', 'retrieved:alice']);
  });

  it('records DTMF on the call and in the timeline', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.answer('alice', callId);
    h.sw.sendDtmf('alice', callId, '12');
    h.sw.sendDtmf('alice', callId, '3#');
    expect(h.sw.calls()[0]?.dtmf).toBe('123#');
    expect(h.records.filter((r) => r.kind === 'dtmf').map((r) => r.detail)).toEqual(['12', '3#']);
  });

  it('changing call data sends CallInfo to every device in the call', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', '1002', { a: '1' });
    h.sw.answer('bob', callId);
    h.take();
    h.sw.setCallData('bob', callId, { b: '2' });
    h.sw.setCallData('bob', callId, { b: '2' });
    expect(h.take()).toEqual({ '1001': [`CallInfo ${callId} {"a":"1","b":"2"}`], '1002': [`CallInfo ${callId} {"a":"1","b":"2"}`] });
    expect(h.last('1001', 'CallInfoEvent')).toMatchObject({ pyThisDN: '1001', pyMedia: 'Phone' });
    expect(h.sw.calls()[0]?.callData).toEqual({ a: '1', b: '2' });
  });

  it('the snapshot lists the calls in progress with their parties', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000', { account: '42' });
    expect(h.snapshot('alice').pyCalls).toEqual([
      {
        pyEventName: 'Alerting',
        pyMedia: 'Phone',
        pyCallId: callId,
        pyCallType: 'INBOUND',
        pyANI: CUSTOMER,
        pyOtherDN: CUSTOMER,
        pyThisDN: '1001',
        pyDNIS: '8000',
        pyQueue: 'sales',
        pyCallData: { account: '42' },
        pyCapabilities: ['answerCall', 'hangUpCall', 'rejectCall'],
        pyParties: [{ pyDN: CUSTOMER }, { pyDN: '1001' }],
      },
    ]);
    h.sw.answer('alice', callId);
    expect(h.snapshot('alice')).toMatchObject({ pyAgentState: 'Busy', pyCalls: [{ pyEventName: 'Established' }] });
  });
});

describe('the switch as a whole', () => {
  it('a listener that answers on Alerting sees every event in order', () => {
    h = harness();
    h.ready('alice');
    h.sw.onDeviceEvent(({ event }) => {
      if (event.pyEventType === 'CallStateEvent' && event.pyEventName === 'Alerting') h.sw.answer('alice', event.pyCallId);
    });
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    expect(h.take()).toEqual({ '1001': [`Alerting ${callId} INBOUND other=${CUSTOMER}`, `Established ${callId} INBOUND other=${CUSTOMER}`, 'agent Busy'] });
  });

  it('a listener that throws does not stop the others or the switch', () => {
    const errors: unknown[] = [];
    h = harness({ onListenerError: (e) => errors.push(e) });
    h.sw.onDeviceEvent(() => {
      throw new Error('listener bug');
    });
    h.ready('alice');
    expect(errors).toHaveLength(3);
    expect(h.snapshot('alice').pyAgentState).toBe('Ready');
  });

  it('unsubscribed listeners hear nothing more', () => {
    h = harness();
    const heard: string[] = [];
    const off = h.sw.onDeviceEvent((e) => heard.push(e.event.pyEventName));
    const offRecords = h.sw.onCallRecord((r) => heard.push(r.kind));
    h.sw.login('alice', '');
    off();
    offRecords();
    h.sw.ready('alice');
    h.sw.inboundCall(CUSTOMER, '8000');
    expect(heard).toEqual(['Login', 'NotReady']);
  });

  it('forgets ended calls and their timers', () => {
    h = harness({ defaultFarEnd: 'answer', ringTimeoutMs: 5000 });
    h.ready('alice', 'bob');
    for (let i = 0; i < 200; i++) {
      const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
      const agent = h.sw.calls()[0]?.parties.includes('1001') ? 'alice' : 'bob';
      h.sw.answer(agent, callId);
      h.sw.callerHangUp(callId);
      h.sw.ready(agent);
    }
    expect(h.sw.calls()).toEqual([]);
    expect(h.clock.pending).toBe(0);
    expect(h.sw.queues().every((q) => q.waiting.length === 0)).toBe(true);
  });

  it('call ids carry the prefix; by default one made from the start time', async () => {
    h = harness({ callIdPrefix: 'node1-' });
    expect(h.sw.inboundCall(CUSTOMER, '8000').callId).toBe('node1-1');
    const { createSwitch, ManualClock } = await import('../../../src/server/switch/index.js');
    const other = createSwitch({ clock: new ManualClock(36 ** 3), agents: [], queues: [{ name: 'q', dnis: '9' }] });
    expect(other.inboundCall(CUSTOMER, '9').callId).toBe('1000-1');
  });
});
