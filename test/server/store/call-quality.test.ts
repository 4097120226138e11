/** The audio quality of a call's phone legs kept on the interaction, in both stores. */
import { describe, expect, it } from 'vitest';
import type { CallQuality } from '../../../src/server/store/index.js';
import { StoreError } from '../../../src/server/store/index.js';
import { BACKENDS, open, rejected } from './helpers.js';

const base = { callId: 'q-1', ani: '+12025550101', dnis: '8000' };
const quality = (leg: string, packetsLost = 12): CallQuality => ({
  leg,
  agentId: 'agent1',
  from: 1000,
  to: 61_000,
  samples: 60,
  packetsReceived: 2988,
  packetsSent: 3000,
  packetsLost,
  lossPercent: (packetsLost / (2988 + packetsLost)) * 100,
  jitterMs: { p50: 2.5, p95: 9, max: 14 },
  rttMs: { p50: 20, max: 31 },
  mos: 4.3,
});

describe.each(BACKENDS)('call quality ($name)', (backend) => {
  it('is kept per leg with the interaction; a second report of a leg replaces its first', async () => {
    const store = await open(backend);
    await store.recordCallEvent({ ...base, kind: 'answered', at: 1000, agentId: 'agent1' });
    expect((await store.getInteractionByCallId('q-1'))?.quality).toBeUndefined();

    await store.recordCallQuality('q-1', quality('leg-a'));
    await store.recordCallQuality('q-1', { ...quality('leg-b'), agentId: 'agent2' });
    await store.recordCallQuality('q-1', quality('leg-a', 30));
    const after = await store.getInteractionByCallId('q-1');
    expect(after?.quality?.map((q) => [q.leg, q.agentId, q.packetsLost])).toEqual([
      ['leg-b', 'agent2', 12],
      ['leg-a', 'agent1', 30],
    ]);
    expect(after?.quality?.[1]).toEqual(quality('leg-a', 30));
    // the other fields of the interaction are as they were
    expect(after).toMatchObject({ callId: 'q-1', answeredAt: 1000, agentId: 'agent1' });
  });

  it('refuses a malformed summary naming the field, and a call without an interaction', async () => {
    const store = await open(backend);
    await store.recordCallEvent({ ...base, kind: 'answered', at: 1000, agentId: 'agent1' });
    const cases: [Partial<Record<keyof CallQuality, unknown>>, RegExp][] = [
      [{ packetsLost: -1 }, /packetsLost must be a whole number >= 0/],
      [{ lossPercent: 140 }, /lossPercent must be a number from 0 to 100/],
      [{ jitterMs: { p50: 1, max: 2 } }, /jitterMs\.p95 must be a number/],
      [{ mos: 7 }, /mos must be a number from 0 to 5/],
      [{ to: 10 }, /to \(10\) is before from \(1000\)/],
      [{ leg: 42 }, /leg/],
    ];
    for (const [change, message] of cases) {
      const err = await rejected(store.recordCallQuality('q-1', { ...quality('leg-a'), ...change } as CallQuality));
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('INVALID');
      expect((err as Error).message).toMatch(message);
    }
    expect((await store.getInteractionByCallId('q-1'))?.quality).toBeUndefined();
    const missing = await rejected(store.recordCallQuality('no-such-call', quality('leg-a')));
    expect((missing as StoreError).code).toBe('NOT_FOUND');
  });
});
