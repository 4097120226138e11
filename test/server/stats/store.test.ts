/** What the statistics and the supervisor role need from both stores: roles, thresholds, today's records. */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/server/switch/index.js';
import { BACKENDS, open, rejected } from '../store/helpers.js';

const base = { displayName: 'Sam Lee', skills: ['sales'], password: 's3cret' };

describe.each(BACKENDS)('statistics and roles in the store ($name)', (backend) => {
  it('keeps each agent role, agent by default, and refuses any other role naming the field', async () => {
    const store = await open(backend, { seed: false });
    expect((await store.createAgent({ ...base, agentId: 'a1', extension: '5001' })).role).toBe('agent');
    expect((await store.createAgent({ ...base, agentId: 's1', extension: '5002', role: 'supervisor' })).role).toBe('supervisor');
    expect((await store.updateAgent('a1', { role: 'supervisor' })).role).toBe('supervisor');
    expect((await store.updateAgent('a1', { displayName: 'Al' })).role).toBe('supervisor');
    const bad = await rejected(store.createAgent({ ...base, agentId: 'x', extension: '5003', role: 'boss' as never }));
    expect(bad).toMatchObject({ code: 'INVALID', message: expect.stringContaining('role must be one of agent, supervisor') });
    expect((await store.listAgents()).map((a) => [a.agentId, a.role])).toEqual([['a1', 'supervisor'], ['s1', 'supervisor']]);
  });

  it('keeps each queue service level threshold, 20 s by default, 1 s to 1 h', async () => {
    const store = await open(backend, { seed: false });
    expect((await store.createQueue({ name: 'sales', dnis: '8000' })).serviceLevelSeconds).toBe(20);
    expect((await store.createQueue({ name: 'vip', dnis: '8001', serviceLevelSeconds: 10 })).serviceLevelSeconds).toBe(10);
    expect((await store.updateQueue('sales', { serviceLevelSeconds: 45 })).serviceLevelSeconds).toBe(45);
    expect((await store.updateQueue('sales', { skill: 'sales2' })).serviceLevelSeconds).toBe(45);
    for (const wrong of [0, 3601, 1.5, '20']) {
      expect(await rejected(store.updateQueue('sales', { serviceLevelSeconds: wrong as number }))).toMatchObject({
        code: 'INVALID',
        message: expect.stringContaining('serviceLevelSeconds must be a whole number of seconds from 1 to 3600'),
      });
    }
  });

  it('gives back the switch records of a time on, oldest first, without the desktop status changes', async () => {
    const store = await open(backend, { seed: false });
    const call = (kind: CallRecord['kind'], at: number, extra: Partial<CallRecord> = {}): CallRecord => ({ kind, callId: 'c1', at, ani: '+331', dnis: '8000', queue: 'sales', ...extra });
    await store.recordCallEvent(call('queued', 900));
    await store.recordCallEvent(call('queued', 1000, { callId: 'c2' }));
    await store.recordCallEvent(call('offered', 1005, { callId: 'c2', agentId: 'a1', extension: '5001' }));
    await store.recordCallEvent(call('answered', 1010, { callId: 'c2', agentId: 'a1', extension: '5001' }));
    const id = (await store.getInteractionByCallId('c2'))!.id;
    await store.updateInteraction(id, { status: 'wrapped-up' });
    await store.recordCallEvent(call('ended', 1070, { callId: 'c2', detail: 'hang-up' }));
    const records = await store.callRecordsSince(1000);
    expect(records).toEqual([
      { kind: 'queued', callId: 'c2', at: 1000, ani: '+331', dnis: '8000', queue: 'sales' },
      { kind: 'offered', callId: 'c2', at: 1005, ani: '+331', dnis: '8000', queue: 'sales', agentId: 'a1' },
      { kind: 'answered', callId: 'c2', at: 1010, ani: '+331', dnis: '8000', queue: 'sales', agentId: 'a1' },
      { kind: 'ended', callId: 'c2', at: 1070, ani: '+331', dnis: '8000', queue: 'sales', detail: 'hang-up' },
    ]);
    expect(await rejected(store.callRecordsSince(Number.NaN))).toMatchObject({ code: 'INVALID', message: expect.stringContaining('since must be a time in ms') });
  });
});
