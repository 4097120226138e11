/** Interactions of calls cut by a stop (crash, kill -9) are closed as interrupted at the next open. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/server/store/db.js';
import { MIGRATIONS, migrate } from '../../../src/server/store/migrations.js';
import type { CallRecord } from '../../../src/server/switch/types.js';
import { BACKENDS, open, openSqlite, tempFile } from './helpers.js';

const rec = (kind: CallRecord['kind'], callId: string, at: number, extra: Partial<CallRecord> = {}): CallRecord => ({
  kind,
  callId,
  at,
  ani: '+12025550101',
  dnis: '8000',
  queue: 'sales',
  ...extra,
});

describe.each(BACKENDS)('closing interactions left open by a stop ($name)', (backend) => {
  it('closes only calls still in progress, ending them at their last event, and says so in the timeline', async () => {
    const store = await open(backend, { seed: false, now: () => 9_000 });
    // In progress at the stop: offered then answered, never ended.
    await store.recordCallEvent(rec('offered', 'cut', 1_000, { agentId: 'agent1', extension: '5001' }));
    await store.recordCallEvent(rec('answered', 'cut', 1_500, { agentId: 'agent1', extension: '5001' }));
    await store.recordCallEvent(rec('held', 'cut', 2_500, { agentId: 'agent1' }));
    // Ended but not wrapped up yet: stays open for the agent's wrap-up.
    await store.recordCallEvent(rec('offered', 'done', 3_000, { agentId: 'agent2' }));
    await store.recordCallEvent(rec('ended', 'done', 4_000));
    // Abandoned: already closed.
    await store.recordCallEvent(rec('queued', 'gone', 5_000));
    await store.recordCallEvent(rec('abandoned', 'gone', 6_000));

    const summary = await store.closeInterruptedInteractions();
    expect(summary.count).toBe(1);

    const cut = await store.getInteractionByCallId('cut');
    expect(cut).toMatchObject({ status: 'interrupted', endedAt: 2_500, answeredAt: 1_500, agentId: 'agent1' });
    expect(summary.ids).toEqual([cut?.id]);
    expect(cut?.timeline.at(-1)).toMatchObject({ kind: 'status', detail: 'interrupted', at: 2_500 });
    expect(await store.getInteractionByCallId('done')).toMatchObject({ status: 'open', endedAt: 4_000 });
    expect(await store.getInteractionByCallId('gone')).toMatchObject({ status: 'abandoned' });

    expect((await store.listInteractions({ status: 'interrupted' })).map((i) => i.callId)).toEqual(['cut']);
    expect((await store.closeInterruptedInteractions()).count).toBe(0);
    // The agent can still wrap it up.
    expect((await store.updateInteraction(cut!.id, { status: 'wrapped-up' })).status).toBe('wrapped-up');
  });

  it('ends a call wrapped up while still in progress, keeping the wrap-up, with an ended entry saying it was interrupted', async () => {
    let clock = 9_000;
    const store = await open(backend, { seed: false, now: () => clock });
    await store.recordCallEvent(rec('offered', 'early', 1_000, { agentId: 'agent1', extension: '5001' }));
    await store.recordCallEvent(rec('answered', 'early', 1_500, { agentId: 'agent1', extension: '5001' }));
    // The desktop lets the agent wrap up during the call; the server stops before it ends.
    clock = 2_000;
    const { id } = await store.updateInteraction((await store.getInteractionByCallId('early'))!.id, { notes: 'done early', status: 'wrapped-up' });
    clock = 9_000;

    const summary = await store.closeInterruptedInteractions();
    expect(summary).toEqual({ count: 1, ids: [id] });
    const early = await store.getInteraction(id);
    expect(early).toMatchObject({ status: 'wrapped-up', notes: 'done early', endedAt: 2_000 });
    expect(early?.timeline.at(-1)).toMatchObject({ kind: 'ended', detail: 'interrupted', at: 2_000 });
    expect((await store.closeInterruptedInteractions()).count).toBe(0);
  });

});

// About the SQLite file's own migrations (PostgreSQL starts at the schema with 'interrupted').
describe('closing interactions of a SQLite file from before the interrupted status', () => {
  it('migrations 2 to 4 keep every interaction and its timeline of a version-1 file and allow the new status', async () => {
    const file = tempFile();
    const db = openDatabase(file, {});
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO customers (id, name, created_at, updated_at) VALUES ('c1', 'Ada', 1, 1)").run();
    db.prepare(
      "INSERT INTO interactions (id, call_id, ani, agent_id, customer_id, offered_at, answered_at, status, notes, event_count, updated_at) VALUES (7, 'old', '+1', 'agent1', 'c1', 100, 150, 'open', 'kept', 2, 150)",
    ).run();
    db.prepare("INSERT INTO interaction_events VALUES (7, 1, 'offered', 100, NULL, 'agent1'), (7, 2, 'answered', 150, NULL, 'agent1')").run();
    db.close();

    const store = await openSqlite({ file, seed: false });
    expect(store.migration).toMatchObject({ from: 1, applied: [2, 3, 4, 5, 6, 7, 8] });
    expect(await store.info()).toMatchObject({ backend: 'sqlite', foreignKeys: true });
    const old = await store.getInteraction(7);
    expect(old).toMatchObject({ callId: 'old', notes: 'kept', customerId: 'c1', status: 'open' });
    expect(old?.timeline.map((t) => t.kind)).toEqual(['offered', 'answered']);

    expect(await store.closeInterruptedInteractions()).toEqual({ count: 1, ids: [7] });
    expect(await store.getInteraction(7)).toMatchObject({ status: 'interrupted', endedAt: 150 });
    // The foreign keys still hold after the rebuild: deleting the customer unlinks, events stay.
    await store.deleteCustomer('c1');
    expect((await store.getInteraction(7))?.customerId).toBeUndefined();
    expect((await store.getInteraction(7))?.timeline).toHaveLength(3);
  });
});
