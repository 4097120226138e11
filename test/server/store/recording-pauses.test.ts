/** The recording's pause intervals kept on the interaction, in both stores. */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/server/switch/types.js';
import { BACKENDS, open } from './helpers.js';

const base = { callId: 'rec-1', ani: '+12025550101', dnis: '8000' };
const rec = (kind: CallRecord['kind'], at: number, detail?: string): CallRecord => ({ ...base, kind, at, agentId: 'agent1', ...(detail ? { detail } : {}) });

describe.each(BACKENDS)('recording pauses ($name)', (backend) => {
  it('each pause from paused to resumed, and one still open closed by the end of the call', async () => {
    const store = await open(backend);
    const records = [
      rec('answered', 1000),
      rec('recording', 2000, 'started'),
      rec('recording', 5000, 'paused'),
      rec('recording', 9000, 'resumed'),
      rec('recording', 12_000, 'paused'),
    ];
    for (const r of records) await store.recordCallEvent(r);
    const during = await store.getInteractionByCallId('rec-1');
    expect(during?.recordingPauses).toEqual([{ from: 5000, to: 9000 }, { from: 12_000 }]);
    await store.recordCallEvent(rec('ended', 20_000, 'agent hung up'));
    const after = await store.getInteractionByCallId('rec-1');
    expect(after?.recordingPauses).toEqual([{ from: 5000, to: 9000 }, { from: 12_000, to: 20_000 }]);
    expect(after?.timeline.filter((e) => e.kind === 'recording').map((e) => e.detail)).toEqual(['started', 'paused', 'resumed', 'paused']);
  });

  it('a call never paused carries no pauses', async () => {
    const store = await open(backend);
    await store.recordCallEvent({ ...base, callId: 'rec-2', kind: 'answered', at: 1 });
    await store.recordCallEvent({ ...base, callId: 'rec-2', kind: 'recording', at: 2, detail: 'started' });
    await store.recordCallEvent({ ...base, callId: 'rec-2', kind: 'recording', at: 3, detail: 'stopped' });
    expect((await store.getInteractionByCallId('rec-2'))?.recordingPauses).toBeUndefined();
  });
});
