import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, errorOf, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

describe('login and logout', () => {
  it('logs in on the configured extension, Not Ready, and the snapshot says so', () => {
    h = harness();
    expect(h.sw.login('alice', '')).toEqual({ extension: '1001' });
    expect(h.take()).toEqual({ '1001': ['agent Login', 'agent NotReady AUX_WORK'] });
    const login = h.events[0]?.event;
    expect(login).toMatchObject({ pyAgentId: 'alice', pyThisDN: '1001', pyTimestamp: '2025-01-01T09:00:00.000Z', pyMedia: 'Phone' });
    expect(h.events[0]?.agentId).toBe('alice');
    expect(h.snapshot('alice')).toEqual({
      pyEventType: 'SnapshotEvent',
      pyEventName: 'Snapshot',
      pyMedia: 'Phone',
      pyAgentId: 'alice',
      pyAgentState: 'NotReady',
      pyWorkMode: 'AUX_WORK',
      pyThisDN: '1001',
      pyDeviceState: 'OPENED',
      pyLinkState: 'CONNECTED',
      pyCalls: [],
    });
  });

  it('logs in on another free extension (hot desk) and logging in again there changes nothing', () => {
    h = harness();
    expect(h.sw.login('alice', '1004').extension).toBe('1004');
    h.take();
    expect(h.sw.login('alice', '1004').extension).toBe('1004');
    expect(h.sw.login('alice', '').extension).toBe('1004');
    expect(h.take()).toEqual({});
    const taken = errorOf(() => h.sw.login('dave', ''));
    expect(taken.errCode).toBe('OPENCTI_AGENT_LOGGED_IN');
    expect(taken.errMessage).toContain('1004');
    expect(taken.errMessage).toContain('alice');
  });

  it('logs out with a reason: Logout event, then a closed snapshot, and no more routing', () => {
    h = harness();
    h.ready('alice');
    h.sw.logout('alice', 'END_OF_SHIFT');
    expect(h.take()).toEqual({ '1001': ['agent Logout END_OF_SHIFT'] });
    expect(h.snapshot('alice')).toMatchObject({ pyAgentState: 'Logout', pyDeviceState: 'CLOSED', pyThisDN: '1001', pyCalls: [] });
    h.sw.inboundCall(CUSTOMER, '8000');
    expect(h.take()).toEqual({});
    expect(h.sw.agents().find((a) => a.agentId === 'alice')).toEqual({ agentId: 'alice', extension: undefined, state: 'Logout', reasonCode: undefined, workMode: undefined });
    expect(errorOf(() => h.sw.ready('alice')).errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
  });

  it('logs out while an ACD offer rings: the call goes back to the queue for the next agent', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.take();
    h.sw.logout('alice', '');
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${callId} INBOUND other=${CUSTOMER}`, 'agent Logout'],
      '1002': [`Alerting ${callId} INBOUND other=${CUSTOMER}`],
    });
  });
});

describe('Ready and Not Ready', () => {
  it('goes Ready and Not Ready with reason codes and work modes', () => {
    h = harness();
    h.sw.login('alice', '');
    h.take();
    h.sw.ready('alice', 'MODE_AUTO_IN');
    h.sw.notReady('alice', 'BREAK');
    h.sw.notReady('alice', 'LUNCH', 'AUX_WORK');
    h.sw.notReady('alice', '', 'ACW');
    h.sw.ready('alice');
    expect(h.take()).toEqual({
      '1001': [
        'agent Ready MODE_AUTO_IN',
        'agent NotReady AUX_WORK BREAK',
        'agent NotReady AUX_WORK LUNCH',
        'agent NotReady ACW',
        'agent Ready MODE_NONE',
      ],
    });
    expect(h.last('1001', 'AgentStateEvent')).toMatchObject({ pyAgentId: 'alice', pyThisDN: '1001' });
    expect(h.sw.agents()[0]).toEqual({ agentId: 'alice', extension: '1001', state: 'Ready', reasonCode: undefined, workMode: 'MODE_NONE' });
  });

  it('refuses the state the agent is already in', () => {
    h = harness();
    h.ready('alice');
    const again = errorOf(() => h.sw.ready('alice'));
    expect(again.errCode).toBe('OPENCTI_IN_SAME_STATE');
    expect(again.errMessage).toContain('alice');
    h.sw.notReady('alice', 'BREAK');
    expect(errorOf(() => h.sw.notReady('alice', 'BREAK')).errCode).toBe('OPENCTI_IN_SAME_STATE');
    h.sw.notReady('alice', 'LUNCH');
    expect(h.take()).toEqual({ '1001': ['agent NotReady AUX_WORK BREAK', 'agent NotReady AUX_WORK LUNCH'] });
  });

  it('refuses work modes that do not go with the state', () => {
    h = harness();
    h.sw.login('alice', '');
    expect(errorOf(() => h.sw.ready('alice', 'ACW')).errCode).toBe('OPENCTI_INVALID_ACTION');
    expect(errorOf(() => h.sw.ready('alice', 'SLEEPING')).errMessage).toContain('SLEEPING');
    expect(errorOf(() => h.sw.notReady('alice', 'BREAK', 'MODE_AUTO_IN')).errCode).toBe('OPENCTI_INVALID_ACTION');
  });
});

describe('Busy and after-call work', () => {
  it('without a wrap-up timer the agent stays in ACW until they make themselves Ready', () => {
    h = harness({ wrapUpMs: 0 });
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.answer('alice', callId);
    expect(h.snapshot('alice').pyAgentState).toBe('Busy');
    h.sw.callerHangUp(callId);
    expect(h.take()).toEqual({
      '1001': [
        `Alerting ${callId} INBOUND other=${CUSTOMER}`,
        `Established ${callId} INBOUND other=${CUSTOMER}`,
        'agent Busy',
        `Disconnected ${callId} INBOUND other=${CUSTOMER}`,
        'agent NotReady ACW',
      ],
    });
    h.clock.advance(3_600_000);
    expect(h.take()).toEqual({});
    expect(h.snapshot('alice')).toMatchObject({ pyAgentState: 'NotReady', pyWorkMode: 'ACW' });
    const next = h.sw.inboundCall(CUSTOMER, '8000').callId;
    expect(h.take()).toEqual({});
    h.sw.ready('alice');
    expect(h.take()).toEqual({ '1001': ['agent Ready MODE_NONE', `Alerting ${next} INBOUND other=${CUSTOMER}`] });
  });

  it('with a wrap-up timer the agent returns to Ready by itself and takes the waiting call', () => {
    h = harness({ wrapUpMs: 30_000 });
    h.ready('alice');
    const first = h.sw.inboundCall(CUSTOMER, '8000').callId;
    h.sw.answer('alice', first);
    h.sw.hangUp('alice', first);
    const second = h.sw.inboundCall('+33700000000', '8000').callId;
    h.take();
    h.clock.advance(29_999);
    expect(h.take()).toEqual({});
    h.clock.advance(1);
    expect(h.take()).toEqual({ '1001': ['agent Ready MODE_NONE', 'Alerting c2 INBOUND other=+33700000000'] });
    expect(second).toBe('c2');
  });

  it('a state asked for during the call is taken when it ends, instead of after-call work', () => {
    h = harness({ wrapUpMs: 30_000 });
    h.ready('alice', 'bob');
    const a = h.sw.inboundCall(CUSTOMER, '8000').callId;
    const b = h.sw.inboundCall('+33700000000', '8000').callId;
    h.sw.answer('alice', a);
    h.sw.answer('bob', b);
    h.take();
    h.sw.notReady('alice', 'BREAK');
    expect(errorOf(() => h.sw.notReady('alice', 'BREAK')).errCode).toBe('OPENCTI_IN_SAME_STATE');
    h.sw.ready('bob');
    // Each desktop hears what it asked for is pending, while the agent stays Busy.
    expect(h.take()).toEqual({ '1001': ['agent Busy'], '1002': ['agent Busy'] });
    expect(h.last('1001', 'AgentStateEvent')).toMatchObject({ pyPendingState: 'NotReady', pyPendingReasonCode: 'BREAK' });
    expect(h.last('1002', 'AgentStateEvent')).toMatchObject({ pyPendingState: 'Ready' });
    expect(h.snapshot('alice')).toMatchObject({ pyAgentState: 'Busy', pyPendingState: 'NotReady', pyPendingReasonCode: 'BREAK' });
    h.sw.hangUp('alice', a);
    h.sw.hangUp('bob', b);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${a} INBOUND other=${CUSTOMER}`, 'agent NotReady AUX_WORK BREAK'],
      '1002': [`Disconnected ${b} INBOUND other=+33700000000`, 'agent Ready MODE_NONE'],
    });
    // Applied: the pending state is gone.
    expect(h.last('1001', 'AgentStateEvent').pyPendingState).toBeUndefined();
    expect(h.snapshot('alice').pyPendingState).toBeUndefined();
    h.clock.advance(60_000);
    expect(h.take()).toEqual({});
  });

  it('a call that did not come through a queue returns the agent to the state they had', () => {
    h = harness({ wrapUpMs: 30_000 });
    h.ready('alice');
    h.sw.login('bob', '');
    h.sw.notReady('bob', 'BREAK');
    h.take();
    const { callId } = h.sw.makeCall('alice', '1002');
    h.sw.answer('bob', callId);
    h.sw.hangUp('alice', callId);
    expect(h.take()).toEqual({
      '1001': [`Initiated ${callId} INTERNAL other=1002`, 'agent Busy', `Established ${callId} INTERNAL other=1002`, `Disconnected ${callId} INTERNAL other=1002`, 'agent Ready MODE_NONE'],
      '1002': [`Alerting ${callId} INTERNAL other=1001`, `Established ${callId} INTERNAL other=1001`, 'agent Busy', `Disconnected ${callId} INTERNAL other=1001`, 'agent NotReady AUX_WORK BREAK'],
    });
  });

  it('after-call work asked for by the agent does not end by itself; Not Ready cancels the wrap-up timer', () => {
    h = harness({ wrapUpMs: 10_000 });
    h.ready('alice');
    h.sw.notReady('alice', '', 'ACW');
    h.clock.advance(20_000);
    expect(h.snapshot('alice')).toMatchObject({ pyAgentState: 'NotReady', pyWorkMode: 'ACW' });
    h.sw.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.answer('alice', callId);
    h.sw.hangUp('alice', callId);
    h.sw.notReady('alice', 'TRAINING');
    h.take();
    h.clock.advance(20_000);
    expect(h.take()).toEqual({});
    expect(h.snapshot('alice')).toMatchObject({ pyAgentState: 'NotReady', pyReasonCode: 'TRAINING', pyWorkMode: 'AUX_WORK' });
  });

  it('a call made during wrap-up suspends it; the timer starts again when that call ends', () => {
    h = harness({ wrapUpMs: 10_000 });
    h.ready('alice');
    const a = h.sw.inboundCall(CUSTOMER, '8000').callId;
    h.sw.answer('alice', a);
    h.sw.hangUp('alice', a);
    h.clock.advance(5_000);
    const b = h.sw.makeCall('alice', '+33799999999').callId;
    h.clock.advance(20_000);
    h.take();
    h.sw.hangUp('alice', b);
    expect(h.take()).toEqual({ '1001': [`Disconnected ${b} OUTBOUND other=+33799999999`, 'agent NotReady ACW'] });
    h.clock.advance(10_000);
    expect(h.take()).toEqual({ '1001': ['agent Ready MODE_NONE'] });
  });
});
