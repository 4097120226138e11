import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/server/switch/types.js';
import type { Store } from '../../../src/server/store/index.js';
import { BACKENDS, open, rejected } from './helpers.js';

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

/** Fires every record without awaiting each: the store applies them in the order given. */
const feed = (store: Store, records: CallRecord[]) => Promise.all(records.map((r) => store.recordCallEvent(r)));

describe.each(BACKENDS)('recordCallEvent ($name)', (backend) => {
  it('opens one interaction per call, sets its times and keeps the timeline in order', async () => {
    const store = await open(backend);
    const results = await feed(store, answeredCall('call-1', 1_000_000));
    expect(results.map((r) => r.created)).toEqual([true, false, false, false, false, false, false]);
    expect(results.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(results.map((r) => r.interactionId)).size).toBe(1);

    const i = (await store.getInteraction(results[0]!.interactionId))!;
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
    expect(await store.getInteractionByCallId('call-1')).toEqual(i);
  });

  it('marks a call the caller left before an answer as abandoned', async () => {
    const store = await open(backend);
    const base = { callId: 'call-2', ani: '+1 202 555 0102', dnis: '8001', queue: 'support' };
    await feed(store, [
      { ...base, kind: 'queued', at: 5000 },
      { ...base, kind: 'offered', at: 6000, agentId: 'agent3', extension: '5003' },
      { ...base, kind: 'abandoned', at: 9000, detail: 'caller hung up while ringing' },
    ]);
    const i = (await store.getInteractionByCallId('call-2'))!;
    expect(i).toMatchObject({ status: 'abandoned', answeredAt: undefined, endedAt: 9000, agentId: 'agent3', customerId: 'cust-1002' });
    expect(i.timeline.map((e) => e.kind)).toEqual(['queued', 'offered', 'abandoned']);
  });

  it('keeps the first answer and end times, follows the agent the call is re-offered to (RONA)', async () => {
    const store = await open(backend);
    const base = { callId: 'call-3', ani: ANI, dnis: '8000', queue: 'sales' };
    await feed(store, [
      { ...base, kind: 'offered', at: 100, agentId: 'agent1', extension: '5001' },
      { ...base, kind: 'queued', at: 200, detail: 'ring timeout' },
      { ...base, kind: 'offered', at: 300, agentId: 'agent2', extension: '5002' },
      { ...base, kind: 'answered', at: 400, agentId: 'agent2', extension: '5002' },
      { ...base, kind: 'transferred', at: 500, agentId: 'agent2', detail: '5004' },
      { ...base, kind: 'answered', at: 600, agentId: 'agent4', extension: '5004' },
      { ...base, kind: 'ended', at: 700, agentId: 'agent4' },
      { ...base, kind: 'ended', at: 800, agentId: 'agent2' },
    ]);
    const i = (await store.getInteractionByCallId('call-3'))!;
    expect(i).toMatchObject({ offeredAt: 100, answeredAt: 400, endedAt: 700, agentId: 'agent4', extension: '5004', status: 'open' });
    expect(i.timeline).toHaveLength(8);
  });

  it('does not turn a wrapped-up interaction into an abandoned one', async () => {
    const store = await open(backend);
    const { interactionId } = await store.recordCallEvent({ kind: 'offered', callId: 'c', at: 1, ani: ANI, agentId: 'agent1' });
    await store.updateInteraction(interactionId, { status: 'wrapped-up' });
    await store.recordCallEvent({ kind: 'abandoned', callId: 'c', at: 2, ani: ANI });
    expect((await store.getInteraction(interactionId))?.status).toBe('wrapped-up');
  });

  it('links the customer only when the ANI matches exactly one', async () => {
    const store = await open(backend);
    await store.recordCallEvent({ kind: 'queued', callId: 'one', at: 1, ani: '1 202 555 0101' });
    await store.recordCallEvent({ kind: 'queued', callId: 'shared', at: 2, ani: '+12025550123' });
    await store.recordCallEvent({ kind: 'queued', callId: 'unknown', at: 3, ani: '+12025559999' });
    await store.recordCallEvent({ kind: 'queued', callId: 'anon', at: 4, ani: 'anonymous' });
    await store.recordCallEvent({ kind: 'queued', callId: 'national', at: 5, ani: '020 7946 0958' });
    const customerOf = async (callId: string) => (await store.getInteractionByCallId(callId))?.customerId;
    expect(await Promise.all(['one', 'shared', 'unknown', 'anon', 'national'].map(customerOf))).toEqual(['cust-1001', undefined, undefined, undefined, 'cust-1005']);

    const off = await open(backend, { autoLinkCustomers: false });
    await off.recordCallEvent({ kind: 'queued', callId: 'one', at: 1, ani: ANI });
    expect((await off.getInteractionByCallId('one'))?.customerId).toBeUndefined();
  });

  it('refuses a malformed record with INVALID and stores nothing', async () => {
    const store = await open(backend);
    const bad = [
      { kind: 'ringing', callId: 'x', at: 1, ani: ANI },
      { kind: 'queued', callId: '', at: 1, ani: ANI },
      { kind: 'queued', callId: 'x', at: Number.NaN, ani: ANI },
      { kind: 'queued', callId: 'x', at: 1 },
      { kind: 'queued', callId: 'x', at: 1, ani: ANI, agentId: 7 },
      null,
    ];
    for (const r of bad) expect(await rejected(store.recordCallEvent(r as unknown as CallRecord)), JSON.stringify(r)).toMatchObject({ code: 'INVALID' });
    expect(await store.listInteractions()).toEqual([]);
  });
});

describe.each(BACKENDS)('updateInteraction ($name)', (backend) => {
  it('sets notes, disposition, customer and status; a status change joins the timeline', async () => {
    let clock = 10_000;
    const store = await open(backend, { now: () => clock });
    const { interactionId } = (await feed(store, answeredCall('call-1', 1000)))[0]!;
    clock = 99_000;
    const updated = await store.updateInteraction(interactionId, {
      notes: 'Asked about invoice 1234.',
      disposition: 'resolved',
      customerId: 'cust-1002',
      status: 'wrapped-up',
    });
    expect(updated).toMatchObject({
      notes: 'Asked about invoice 1234.', disposition: 'resolved', customerId: 'cust-1002', status: 'wrapped-up', updatedAt: 99_000,
    });
    expect(updated.timeline.at(-1)).toEqual({ seq: 8, kind: 'status', at: 99_000, detail: 'wrapped-up', agentId: undefined });

    const again = await store.updateInteraction(interactionId, { notes: 'Asked about invoice 1234. Call back Monday.' });
    expect(again).toMatchObject({ disposition: 'resolved', customerId: 'cust-1002', status: 'wrapped-up' });
    expect(again.timeline).toHaveLength(8); // no status change, no new entry

    const cleared = await store.updateInteraction(interactionId, { disposition: null, customerId: null });
    expect(cleared).toMatchObject({ disposition: undefined, customerId: undefined });
  });

  it('refuses unknown interactions and customers with NOT_FOUND, bad values with INVALID', async () => {
    const store = await open(backend);
    const { interactionId } = await store.recordCallEvent({ kind: 'queued', callId: 'c', at: 1, ani: ANI });
    expect(await rejected(store.updateInteraction(424242, { notes: 'x' }))).toMatchObject({
      code: 'NOT_FOUND', message: 'interaction 424242 does not exist',
    });
    expect(await rejected(store.updateInteraction(interactionId, { customerId: 'ghost' }))).toMatchObject({
      code: 'NOT_FOUND', message: 'customer "ghost" does not exist',
    });
    expect(await rejected(store.updateInteraction(interactionId, { status: 'closed' as never }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.updateInteraction(interactionId, { disposition: '' }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.updateInteraction(Number.NaN, {}))).toMatchObject({ code: 'INVALID' });
    expect(await store.getInteraction(interactionId)).toMatchObject({ notes: '', status: 'open', customerId: 'cust-1001' });
  });

  it('keeps interactions when their customer is deleted, unlinked', async () => {
    const store = await open(backend);
    const { interactionId } = await store.recordCallEvent({ kind: 'queued', callId: 'c', at: 1, ani: ANI });
    await store.deleteCustomer('cust-1001');
    expect(await store.getInteraction(interactionId)).toMatchObject({ callId: 'c', customerId: undefined });
  });
});

describe.each(BACKENDS)('listInteractions ($name)', (backend) => {
  async function history(): Promise<Store> {
    const store = await open(backend);
    await feed(store, answeredCall('a1-jane', 1000, 'agent1', '+1 202 555 0101'));
    await feed(store, answeredCall('a2-john', 2000, 'agent2', '+1 202 555 0102'));
    await feed(store, answeredCall('a1-john', 3000, 'agent1', '12025550102'));
    await feed(store, answeredCall('a2-jane', 4000, 'agent2', '+12025550101'));
    await store.recordCallEvent({ kind: 'abandoned', callId: 'lost', at: 5000, ani: '+12025550199' });
    return store;
  }
  const ids = (list: readonly { callId: string }[]) => list.map((i) => i.callId);

  it('lists newest first without timelines', async () => {
    const store = await history();
    const all = await store.listInteractions();
    expect(ids(all)).toEqual(['lost', 'a2-jane', 'a1-john', 'a2-john', 'a1-jane']);
    expect(all[0]).not.toHaveProperty('timeline');
  });

  it('filters by agent, customer, ANI (any format) and status, combined with AND', async () => {
    const store = await history();
    expect(ids(await store.listInteractions({ agentId: 'agent1' }))).toEqual(['a1-john', 'a1-jane']);
    expect(ids(await store.listInteractions({ customerId: 'cust-1002' }))).toEqual(['a1-john', 'a2-john']);
    expect(ids(await store.listInteractions({ ani: '1 (202) 555-0101' }))).toEqual(['a2-jane', 'a1-jane']);
    expect(ids(await store.listInteractions({ ani: '+12025550102', agentId: 'agent2' }))).toEqual(['a2-john']);
    expect(ids(await store.listInteractions({ status: 'abandoned' }))).toEqual(['lost']);
    expect(await store.listInteractions({ agentId: 'agent3' })).toEqual([]);
  });

  it('pages with limit and offset, refusing bad ones', async () => {
    const store = await history();
    expect(ids(await store.listInteractions({ limit: 2 }))).toEqual(['lost', 'a2-jane']);
    expect(ids(await store.listInteractions({ limit: 2, offset: 2 }))).toEqual(['a1-john', 'a2-john']);
    expect(ids(await store.listInteractions({ offset: 10 }))).toEqual([]);
    expect(await rejected(store.listInteractions({ limit: 0 }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.listInteractions({ limit: 1.5 }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.listInteractions({ offset: -1 }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.listInteractions({ status: 'nope' as never }))).toMatchObject({ code: 'INVALID' });
  });

  it('survives a reopen of the database', async () => {
    const location = await backend.fresh();
    const store = await open(backend, { location });
    await feed(store, answeredCall('a1-jane', 1000, 'agent1', '+1 202 555 0101'));
    const before = await store.listInteractions();
    await store.close();
    expect(await (await open(backend, { location })).listInteractions()).toEqual(before);
  });
});

describe.each(BACKENDS)('recordCallEvents, a batch of a log ($name)', (backend) => {
  const log = 'calls.node-a';
  const base = { callId: 'batch-1', ani: ANI, dnis: '8000', queue: 'sales' };
  const first: CallRecord[] = [
    { ...base, kind: 'queued', at: 100 },
    { ...base, kind: 'offered', at: 200, agentId: 'agent1', extension: '5001' },
  ];
  const second: CallRecord[] = [
    { ...base, kind: 'answered', at: 300, agentId: 'agent1', extension: '5001' },
    { ...base, kind: 'ended', at: 400, agentId: 'agent1' },
  ];

  it('records the batch and the position of the log, and skips a batch replayed or older', async () => {
    const store = await open(backend);
    expect(await store.recordedPosition(log)).toBe(0);
    await store.recordCallEvents(first, { log, seq: 2 });
    expect(await store.recordedPosition(log)).toBe(2);
    await store.recordCallEvents(first, { log, seq: 2 }); // a replay after a restart
    await store.recordCallEvents(first.slice(0, 1), { log, seq: 1 });
    await store.recordCallEvents(second, { log, seq: 4 });
    await store.recordCallEvents(second, { log, seq: 4 });

    const i = await store.getInteractionByCallId('batch-1');
    expect(i?.timeline.map((e) => e.kind)).toEqual(['queued', 'offered', 'answered', 'ended']);
    expect(i).toMatchObject({ agentId: 'agent1', answeredAt: 300, endedAt: 400, customerId: 'cust-1001' });
    expect(await store.recordedPosition(log)).toBe(4);
    expect(await store.recordedPosition('calls.node-b')).toBe(0); // each log has its own position
  });

  it('keeps the position where it was when the batch fails, and writes none of it', async () => {
    const store = await open(backend);
    await store.recordCallEvents(first, { log, seq: 2 });
    const bad = [second[0]!, { ...second[1]!, kind: 'ringing' } as unknown as CallRecord];
    expect(await rejected(store.recordCallEvents(bad, { log, seq: 4 }))).toMatchObject({ code: 'INVALID' });
    expect(await store.recordedPosition(log)).toBe(2);
    expect((await store.getInteractionByCallId('batch-1'))?.timeline).toHaveLength(2);
  });

  it('refuses a position that is not { log, seq >= 1 } with INVALID naming the field', async () => {
    const store = await open(backend);
    expect(await rejected(store.recordCallEvents(first, { log: '', seq: 1 }))).toMatchObject({ code: 'INVALID', message: 'position.log must not be empty' });
    expect(await rejected(store.recordCallEvents(first, { log, seq: 0 }))).toMatchObject({ code: 'INVALID', message: 'position.seq must be a positive integer, got number 0' });
    expect(await rejected(store.recordCallEvents(first, { log, seq: 1.5 }))).toMatchObject({ code: 'INVALID' });
    expect(await store.listInteractions()).toEqual([]);
  });

  it('keeps the order of records fired without awaiting, mixed with batches and reads', async () => {
    const store = await open(backend);
    const pending: Promise<unknown>[] = [];
    for (let n = 0; n < 30; n++) {
      const record: CallRecord = { kind: n === 0 ? 'queued' : 'dtmf', callId: 'burst', at: n, ani: ANI, detail: String(n) };
      pending.push(n % 10 === 5 ? store.recordCallEvents([record], { log, seq: n }) : store.recordCallEvent(record));
    }
    const read = store.getInteractionByCallId('burst'); // called after the writes: sees them all
    await Promise.all(pending);
    const expected = Array.from({ length: 30 }, (_, n) => String(n));
    expect((await read)?.timeline.map((e) => e.detail)).toEqual(expected);
    expect((await store.getInteractionByCallId('burst'))?.timeline.map((e) => e.seq)).toEqual(expected.map((_, n) => n + 1));
  });
});

describe.each(BACKENDS)('a closed store ($name)', (backend) => {
  it('refuses every call with CLOSED, and close() twice is fine', async () => {
    const store = await open(backend);
    await store.close();
    await store.close();
    expect(await rejected(store.listAgents())).toMatchObject({ code: 'CLOSED' });
    expect(await rejected(store.recordCallEvent({ kind: 'queued', callId: 'c', at: 1, ani: ANI }))).toMatchObject({ code: 'CLOSED' });
    expect(await rejected(store.verifyAgentPassword('agent1', 'demo'))).toMatchObject({ code: 'CLOSED' });
    expect(await rejected(store.ping())).toMatchObject({ code: 'CLOSED' });
  });

  it('finishes the writes called before close', async () => {
    const location = await backend.fresh();
    const store = await open(backend, { location });
    const writes = [1, 2, 3].map((n) => store.recordCallEvent({ kind: 'queued', callId: `late-${n}`, at: n, ani: ANI }));
    await store.close();
    await Promise.all(writes);
    expect((await (await open(backend, { location })).listInteractions()).map((i) => i.callId)).toEqual(['late-3', 'late-2', 'late-1']);
  });
});
