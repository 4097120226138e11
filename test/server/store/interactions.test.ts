import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/server/switch/types.js';
import type { Store } from '../../../src/server/store/index.js';
import { open, thrown } from './helpers.js';

const ANI = '+12025550101'; // Jane Smith in the seed

/** The records the switch emits for a queue call that is answered, held, transferred and ended. */
function answeredCall(callId: string, t0: number, agentId = 'agent1', ani = ANI): CallRecord[] {
  const base = { callId, ani, dnis: '8000' };
  return [
    { ...base, kind: 'queued', at: t0, queue: 'sales' },
    { ...base, kind: 'offered', at: t0 + 1000, queue: 'sales', agentId, extension: '5001' },
    { ...base, kind: 'answered', at: t0 + 3000, agentId, extension: '5001' },
    { ...base, kind: 'held', at: t0 + 10_000, agentId },
    { ...base, kind: 'retrieved', at: t0 + 20_000, agentId },
    { ...base, kind: 'dtmf', at: t0 + 21_000, agentId, detail: '42#' },
    { ...base, kind: 'ended', at: t0 + 60_000, agentId, detail: 'agent hung up' },
  ];
}

const feed = (store: Store, records: CallRecord[]) => records.map((r) => store.recordCallEvent(r));

describe('recordCallEvent', () => {
  it('opens one interaction per call, sets its times and keeps the timeline in order', () => {
    const store = open();
    const results = feed(store, answeredCall('call-1', 1_000_000));
    expect(results.map((r) => r.created)).toEqual([true, false, false, false, false, false, false]);
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(results.map((r) => r.interactionId)).size).toBe(1);

    const i = store.getInteraction(results[0]!.interactionId)!;
    expect(i).toMatchObject({
      callId: 'call-1',
      ani: ANI,
      dnis: '8000',
      queue: 'sales',
      agentId: 'agent1',
      extension: '5001',
      customerId: 'cust-1001',
      offeredAt: 1_000_000,
      answeredAt: 1_003_000,
      endedAt: 1_060_000,
      status: 'open',
      notes: '',
      disposition: undefined,
    });
    expect(i.timeline.map((e) => [e.seq, e.kind, e.at])).toEqual([
      [1, 'queued', 1_000_000],
      [2, 'offered', 1_001_000],
      [3, 'answered', 1_003_000],
      [4, 'held', 1_010_000],
      [5, 'retrieved', 1_020_000],
      [6, 'dtmf', 1_021_000],
      [7, 'ended', 1_060_000],
    ]);
    expect(i.timeline[5]).toMatchObject({ detail: '42#', agentId: 'agent1' });
    expect(store.getInteractionByCallId('call-1')).toEqual(i);
  });

  it('marks a call the caller left before an answer as abandoned', () => {
    const store = open();
    const base = { callId: 'call-2', ani: '+1 202 555 0102', dnis: '8001', queue: 'support' };
    feed(store, [
      { ...base, kind: 'queued', at: 5000 },
      { ...base, kind: 'offered', at: 6000, agentId: 'agent3', extension: '5003' },
      { ...base, kind: 'abandoned', at: 9000, detail: 'caller hung up while ringing' },
    ]);
    const i = store.getInteractionByCallId('call-2')!;
    expect(i).toMatchObject({ status: 'abandoned', answeredAt: undefined, endedAt: 9000, agentId: 'agent3', customerId: 'cust-1002' });
    expect(i.timeline.map((e) => e.kind)).toEqual(['queued', 'offered', 'abandoned']);
  });

  it('keeps the first answer and end times, follows the agent the call is re-offered to (RONA)', () => {
    const store = open();
    const base = { callId: 'call-3', ani: ANI, dnis: '8000', queue: 'sales' };
    feed(store, [
      { ...base, kind: 'offered', at: 100, agentId: 'agent1', extension: '5001' },
      { ...base, kind: 'queued', at: 200, detail: 'ring timeout' },
      { ...base, kind: 'offered', at: 300, agentId: 'agent2', extension: '5002' },
      { ...base, kind: 'answered', at: 400, agentId: 'agent2', extension: '5002' },
      { ...base, kind: 'transferred', at: 500, agentId: 'agent2', detail: '5004' },
      { ...base, kind: 'answered', at: 600, agentId: 'agent4', extension: '5004' },
      { ...base, kind: 'ended', at: 700, agentId: 'agent4' },
      { ...base, kind: 'ended', at: 800, agentId: 'agent2' },
    ]);
    const i = store.getInteractionByCallId('call-3')!;
    expect(i).toMatchObject({ offeredAt: 100, answeredAt: 400, endedAt: 700, agentId: 'agent4', extension: '5004', status: 'open' });
    expect(i.timeline).toHaveLength(8);
  });

  it('does not turn a wrapped-up interaction into an abandoned one', () => {
    const store = open();
    const { interactionId } = store.recordCallEvent({ kind: 'offered', callId: 'c', at: 1, ani: ANI, agentId: 'agent1' });
    store.updateInteraction(interactionId, { status: 'wrapped-up' });
    store.recordCallEvent({ kind: 'abandoned', callId: 'c', at: 2, ani: ANI });
    expect(store.getInteraction(interactionId)?.status).toBe('wrapped-up');
  });

  it('links the customer only when the ANI matches exactly one', () => {
    const store = open();
    store.recordCallEvent({ kind: 'queued', callId: 'one', at: 1, ani: '1 202 555 0101' });
    store.recordCallEvent({ kind: 'queued', callId: 'shared', at: 2, ani: '+12025550123' });
    store.recordCallEvent({ kind: 'queued', callId: 'unknown', at: 3, ani: '+12025559999' });
    store.recordCallEvent({ kind: 'queued', callId: 'anon', at: 4, ani: 'anonymous' });
    store.recordCallEvent({ kind: 'queued', callId: 'national', at: 5, ani: '020 7946 0958' });
    const customerOf = (callId: string) => store.getInteractionByCallId(callId)?.customerId;
    expect(['one', 'shared', 'unknown', 'anon', 'national'].map(customerOf)).toEqual(['cust-1001', undefined, undefined, undefined, 'cust-1005']);

    const off = open({ autoLinkCustomers: false });
    off.recordCallEvent({ kind: 'queued', callId: 'one', at: 1, ani: ANI });
    expect(off.getInteractionByCallId('one')?.customerId).toBeUndefined();
  });

  it('refuses a malformed record with INVALID and stores nothing', () => {
    const store = open();
    const bad = [
      { kind: 'ringing', callId: 'x', at: 1, ani: ANI },
      { kind: 'queued', callId: '', at: 1, ani: ANI },
      { kind: 'queued', callId: 'x', at: Number.NaN, ani: ANI },
      { kind: 'queued', callId: 'x', at: 1 },
      { kind: 'queued', callId: 'x', at: 1, ani: ANI, agentId: 7 },
      null,
    ];
    for (const r of bad) expect(thrown(() => store.recordCallEvent(r as unknown as CallRecord)), JSON.stringify(r)).toMatchObject({ code: 'INVALID' });
    expect(store.listInteractions()).toEqual([]);
  });
});

describe('updateInteraction', () => {
  it('sets notes, disposition, customer and status; a status change joins the timeline', () => {
    let clock = 10_000;
    const store = open({ now: () => clock });
    const { interactionId } = feed(store, answeredCall('call-1', 1000))[0]!;
    clock = 99_000;
    const updated = store.updateInteraction(interactionId, {
      notes: 'Asked about invoice 1234.',
      disposition: 'resolved',
      customerId: 'cust-1002',
      status: 'wrapped-up',
    });
    expect(updated).toMatchObject({
      notes: 'Asked about invoice 1234.', disposition: 'resolved', customerId: 'cust-1002', status: 'wrapped-up', updatedAt: 99_000,
    });
    expect(updated.timeline.at(-1)).toEqual({ seq: 8, kind: 'status', at: 99_000, detail: 'wrapped-up', agentId: undefined });

    const again = store.updateInteraction(interactionId, { notes: 'Asked about invoice 1234. Call back Monday.' });
    expect(again).toMatchObject({ disposition: 'resolved', customerId: 'cust-1002', status: 'wrapped-up' });
    expect(again.timeline).toHaveLength(8); // no status change, no new entry

    const cleared = store.updateInteraction(interactionId, { disposition: null, customerId: null });
    expect(cleared).toMatchObject({ disposition: undefined, customerId: undefined });
  });

  it('refuses unknown interactions and customers with NOT_FOUND, bad values with INVALID', () => {
    const store = open();
    const { interactionId } = store.recordCallEvent({ kind: 'queued', callId: 'c', at: 1, ani: ANI });
    expect(thrown(() => store.updateInteraction(424242, { notes: 'x' }))).toMatchObject({
      code: 'NOT_FOUND', message: 'interaction 424242 does not exist',
    });
    expect(thrown(() => store.updateInteraction(interactionId, { customerId: 'ghost' }))).toMatchObject({
      code: 'NOT_FOUND', message: 'customer "ghost" does not exist',
    });
    expect(thrown(() => store.updateInteraction(interactionId, { status: 'closed' as never }))).toMatchObject({ code: 'INVALID' });
    expect(thrown(() => store.updateInteraction(interactionId, { disposition: '' }))).toMatchObject({ code: 'INVALID' });
    expect(thrown(() => store.updateInteraction(Number.NaN, {}))).toMatchObject({ code: 'INVALID' });
    expect(store.getInteraction(interactionId)).toMatchObject({ notes: '', status: 'open', customerId: 'cust-1001' });
  });

  it('keeps interactions when their customer is deleted, unlinked', () => {
    const store = open();
    const { interactionId } = store.recordCallEvent({ kind: 'queued', callId: 'c', at: 1, ani: ANI });
    store.deleteCustomer('cust-1001');
    expect(store.getInteraction(interactionId)).toMatchObject({ callId: 'c', customerId: undefined });
  });
});

describe('listInteractions', () => {
  function history(): Store {
    const store = open();
    feed(store, answeredCall('a1-jane', 1000, 'agent1', '+1 202 555 0101'));
    feed(store, answeredCall('a2-john', 2000, 'agent2', '+1 202 555 0102'));
    feed(store, answeredCall('a1-john', 3000, 'agent1', '12025550102'));
    feed(store, answeredCall('a2-jane', 4000, 'agent2', '+12025550101'));
    store.recordCallEvent({ kind: 'abandoned', callId: 'lost', at: 5000, ani: '+12025550199' });
    return store;
  }
  const ids = (list: readonly { callId: string }[]) => list.map((i) => i.callId);

  it('lists newest first without timelines', () => {
    const store = history();
    const all = store.listInteractions();
    expect(ids(all)).toEqual(['lost', 'a2-jane', 'a1-john', 'a2-john', 'a1-jane']);
    expect(all[0]).not.toHaveProperty('timeline');
  });

  it('filters by agent, customer, ANI (any format) and status, combined with AND', () => {
    const store = history();
    expect(ids(store.listInteractions({ agentId: 'agent1' }))).toEqual(['a1-john', 'a1-jane']);
    expect(ids(store.listInteractions({ customerId: 'cust-1002' }))).toEqual(['a1-john', 'a2-john']);
    expect(ids(store.listInteractions({ ani: '1 (202) 555-0101' }))).toEqual(['a2-jane', 'a1-jane']);
    expect(ids(store.listInteractions({ ani: '+12025550102', agentId: 'agent2' }))).toEqual(['a2-john']);
    expect(ids(store.listInteractions({ status: 'abandoned' }))).toEqual(['lost']);
    expect(store.listInteractions({ agentId: 'agent3' })).toEqual([]);
  });

  it('pages with limit and offset, refusing bad ones', () => {
    const store = history();
    expect(ids(store.listInteractions({ limit: 2 }))).toEqual(['lost', 'a2-jane']);
    expect(ids(store.listInteractions({ limit: 2, offset: 2 }))).toEqual(['a1-john', 'a2-john']);
    expect(ids(store.listInteractions({ offset: 10 }))).toEqual([]);
    expect(thrown(() => store.listInteractions({ limit: 0 }))).toMatchObject({ code: 'INVALID' });
    expect(thrown(() => store.listInteractions({ limit: 1.5 }))).toMatchObject({ code: 'INVALID' });
    expect(thrown(() => store.listInteractions({ offset: -1 }))).toMatchObject({ code: 'INVALID' });
    expect(thrown(() => store.listInteractions({ status: 'nope' as never }))).toMatchObject({ code: 'INVALID' });
  });

  it('survives a reopen of the file', () => {
    const store = history();
    const file = store.file;
    const before = store.listInteractions();
    store.close();
    expect(open({ file }).listInteractions()).toEqual(before);
  });
});

describe('a closed store', () => {
  it('refuses every call with CLOSED, and close() twice is fine', async () => {
    const store = open();
    store.close();
    store.close();
    expect(thrown(() => store.listAgents())).toMatchObject({ code: 'CLOSED' });
    expect(thrown(() => store.recordCallEvent({ kind: 'queued', callId: 'c', at: 1, ani: ANI }))).toMatchObject({ code: 'CLOSED' });
    expect(() => store.verifyAgentPassword('agent1', 'demo')).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});
