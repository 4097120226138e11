import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

const OTHER = '+33700000000';
const THIRD = '+33711111111';

describe('ACD routing', () => {
  it('offers a queue call to the longest-idle Ready agent with the skill, with queue, DNIS and call data', () => {
    h = harness();
    h.ready('dave');
    h.clock.advance(1000);
    h.ready('alice');
    h.clock.advance(1000);
    h.ready('bob');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000', { account: '42' });
    expect(h.take()).toEqual({ '1004': [`Alerting ${callId} INBOUND other=${CUSTOMER}`] });
    expect(h.last('1004', 'CallStateEvent')).toEqual({
      pyEventType: 'CallStateEvent',
      pyEventName: 'Alerting',
      pyMedia: 'Phone',
      pyCallId: callId,
      pyCallType: 'INBOUND',
      pyANI: CUSTOMER,
      pyOtherDN: CUSTOMER,
      pyThisDN: '1004',
      pyDNIS: '8000',
      pyQueue: 'sales',
      pyCallData: { account: '42' },
      pyCapabilities: ['answerCall', 'hangUpCall', 'rejectCall'],
      pyTimestamp: '2025-01-01T09:00:02.000Z',
    });
    expect(h.kinds(callId)).toEqual(['queued', 'offered:dave']);
    expect(h.records[1]).toMatchObject({ kind: 'offered', ani: CUSTOMER, dnis: '8000', queue: 'sales', agentId: 'dave', extension: '1004' });
  });

  it('only agents with the skill get the call; idle time counts from the end of the last call', () => {
    h = harness();
    h.ready('carol');
    h.clock.advance(1000);
    h.ready('alice', 'bob');
    h.clock.advance(1000);
    // alice talks to dave (not an ACD call): she is Ready again after it, idle since it ended
    h.sw.login('dave', '');
    const internal = h.sw.makeCall('alice', '1004').callId;
    h.sw.answer('dave', internal);
    h.clock.advance(1000);
    h.sw.hangUp('dave', internal);
    h.take();
    expect(h.sw.queues().find((q) => q.name === 'sales')?.readyAgents).toEqual(['bob', 'alice']);
    const sales = h.sw.inboundCall(CUSTOMER, '8000').callId;
    const support = h.sw.inboundCall(OTHER, '8001').callId;
    expect(h.take()).toEqual({
      '1002': [`Alerting ${sales} INBOUND other=${CUSTOMER}`],
      '1003': [`Alerting ${support} INBOUND other=${OTHER}`],
    });
  });

  it('queues callers first in, first out while nobody is Ready, then routes as agents become Ready', () => {
    h = harness();
    h.sw.login('alice', '');
    h.sw.login('bob', '');
    h.take();
    const c1 = h.sw.inboundCall(CUSTOMER, '8000').callId;
    h.clock.advance(1000);
    const c2 = h.sw.inboundCall(OTHER, '8000').callId;
    h.clock.advance(1000);
    const c3 = h.sw.inboundCall(THIRD, '8000').callId;
    expect(h.take()).toEqual({});
    expect(h.sw.queues()[0]).toEqual({
      name: 'sales',
      dnis: '8000',
      waiting: [
        { callId: c1, ani: CUSTOMER, since: Date.UTC(2025, 0, 1, 9, 0, 0) },
        { callId: c2, ani: OTHER, since: Date.UTC(2025, 0, 1, 9, 0, 1) },
        { callId: c3, ani: THIRD, since: Date.UTC(2025, 0, 1, 9, 0, 2) },
      ],
      readyAgents: [],
    });
    expect(h.sw.calls().map((c) => [c.callId, c.state])).toEqual([
      [c1, 'queued'],
      [c2, 'queued'],
      [c3, 'queued'],
    ]);
    h.sw.ready('bob');
    h.sw.ready('alice');
    expect(h.take()).toEqual({
      '1002': ['agent Ready MODE_NONE', `Alerting ${c1} INBOUND other=${CUSTOMER}`],
      '1001': ['agent Ready MODE_NONE', `Alerting ${c2} INBOUND other=${OTHER}`],
    });
    expect(h.sw.queues()[0]?.waiting.map((w) => w.callId)).toEqual([c3]);
  });

  it('serves the call that has waited longest when one agent could take calls of two queues', () => {
    h = harness();
    h.sw.login('bob', '');
    h.take();
    const support = h.sw.inboundCall(OTHER, '8001').callId;
    h.clock.advance(1000);
    h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.ready('bob');
    expect(h.take()['1002']).toEqual(['agent Ready MODE_NONE', `Alerting ${support} INBOUND other=${OTHER}`]);
  });

  it('a caller who hangs up while queued abandons the call: no desktop sees it, the timeline says so', () => {
    h = harness();
    const c1 = h.sw.inboundCall(CUSTOMER, '8000').callId;
    const c2 = h.sw.inboundCall(OTHER, '8000').callId;
    h.clock.advance(5000);
    h.sw.callerHangUp(c1);
    expect(h.sw.queues()[0]?.waiting.map((w) => w.callId)).toEqual([c2]);
    expect(h.kinds(c1)).toEqual(['queued', 'abandoned', 'ended']);
    expect(h.records.find((r) => r.kind === 'abandoned')).toMatchObject({ callId: c1, queue: 'sales', at: Date.UTC(2025, 0, 1, 9, 0, 5) });
    expect(h.events).toEqual([]);
    expect(h.sw.calls().map((c) => c.callId)).toEqual([c2]);
  });

  it('a caller who hangs up while the call rings abandons it: the agent sees Abandoned and stays Ready', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.callerHangUp(callId);
    expect(h.take()).toEqual({ '1001': [`Alerting ${callId} INBOUND other=${CUSTOMER}`, `Abandoned ${callId} INBOUND other=${CUSTOMER}`] });
    expect(h.kinds(callId)).toEqual(['queued', 'offered:alice', 'abandoned', 'ended']);
    expect(h.snapshot('alice').pyAgentState).toBe('Ready');
    const next = h.sw.inboundCall(OTHER, '8000').callId;
    expect(h.take()).toEqual({ '1001': [`Alerting ${next} INBOUND other=${OTHER}`] });
    expect(h.clock.pending).toBe(1);
  });

  it('RONA: an offer not answered in time goes back to the front of the queue and the agent is made Not Ready', () => {
    h = harness({ ringTimeoutMs: 10_000 });
    h.ready('alice');
    const c1 = h.sw.inboundCall(CUSTOMER, '8000').callId;
    h.clock.advance(1000);
    const c2 = h.sw.inboundCall(OTHER, '8000').callId;
    h.take();
    h.clock.advance(9_000);
    expect(h.take()).toEqual({ '1001': [`Disconnected ${c1} INBOUND other=${CUSTOMER}`, 'agent NotReady AUX_WORK RONA'] });
    expect(h.sw.queues()[0]?.waiting.map((w) => w.callId)).toEqual([c1, c2]);
    expect(h.kinds(c1)).toEqual(['queued', 'offered:alice', 'queued']);
    expect(h.records.at(-1)).toMatchObject({ kind: 'queued', detail: 'RONA' });
    h.ready('bob');
    expect(h.seen('1002').at(-1)).toBe(`Alerting ${c1} INBOUND other=${CUSTOMER}`);
    h.sw.answer('bob', c1);
    expect(h.clock.pending).toBe(0);
  });

  it('an agent who declines an offer is made Not Ready and the next agent gets it', () => {
    h = harness();
    h.ready('alice');
    h.clock.advance(1);
    h.ready('bob');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.hangUp('alice', callId);
    expect(h.take()).toEqual({
      '1001': [`Alerting ${callId} INBOUND other=${CUSTOMER}`, `Disconnected ${callId} INBOUND other=${CUSTOMER}`, 'agent NotReady AUX_WORK REJECTED'],
      '1002': [`Alerting ${callId} INBOUND other=${CUSTOMER}`],
    });
  });

  it('new agents, skills and queues from configure take effect at once, calls in progress untouched', () => {
    h = harness();
    h.ready('carol');
    const waiting = h.sw.inboundCall(CUSTOMER, '8000').callId;
    expect(h.take()).toEqual({});
    h.sw.configure({ agents: [{ agentId: 'carol', extension: '1003', skills: ['support', 'sales'] }] });
    expect(h.take()).toEqual({ '1003': [`Alerting ${waiting} INBOUND other=${CUSTOMER}`] });
    h.sw.configure({ agents: [{ agentId: 'erin', extension: '1005', skills: ['billing'] }], queues: [{ name: 'billing', dnis: '8002' }] });
    h.ready('erin');
    const billing = h.sw.inboundCall(OTHER, '8002').callId;
    expect(h.take()).toEqual({ '1005': [`Alerting ${billing} INBOUND other=${OTHER}`] });
    expect(h.last('1005', 'CallStateEvent').pyQueue).toBe('billing');
    expect(h.sw.calls()).toHaveLength(2);
  });

  it('an agent who dials a queue is the caller of an INTERNAL ACD call', () => {
    h = harness();
    h.ready('alice', 'carol');
    const { callId } = h.sw.makeCall('alice', '8001');
    h.sw.answer('carol', callId);
    expect(h.take()).toEqual({
      '1001': [`Initiated ${callId} INTERNAL other=8001`, 'agent Busy', `Established ${callId} INTERNAL other=1003`],
      '1003': [`Alerting ${callId} INTERNAL other=1001`, `Established ${callId} INTERNAL other=1001`, 'agent Busy'],
    });
    h.sw.hangUp('alice', callId);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${callId} INTERNAL other=1003`, 'agent Ready MODE_NONE'],
      '1003': [`Disconnected ${callId} INTERNAL other=1001`, 'agent NotReady ACW'],
    });
  });
});
