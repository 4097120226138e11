/**
 * The audio quality of a call's legs, kept with the interaction (JSON text in call_quality): one
 * summary per phone leg that measured it (the browser phone's getStats figures over the call),
 * replaced when the same leg reports again. What a contact-center engineer looks at first: how
 * much was lost, how bad the jitter got, the round trip, and a MOS estimate from them.
 */
import { invalid } from './errors.js';
import type { CallQuality } from './types.js';
import * as v from './validate.js';

export function parseQuality(text: string | null | undefined): CallQuality[] {
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? (parsed as CallQuality[]) : [];
}

const count = (field: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`call quality ${field} must be a whole number >= 0, got ${v.describe(value)}`);
  return value;
};

const figure = (field: string, value: unknown, max = Number.MAX_VALUE): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw invalid(`call quality ${field} must be a number from 0 to ${max === Number.MAX_VALUE ? 'any' : max}, got ${v.describe(value)}`);
  }
  return value;
};

const spread = (field: string, value: unknown, keys: readonly string[]): Record<string, number> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`call quality ${field} must be an object with ${keys.join(', ')}, got ${v.describe(value)}`);
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = figure(`${field}.${key}`, (value as Record<string, unknown>)[key]);
  return out;
};

/** The summary checked field by field (INVALID naming the field), unknown fields left out. */
export function checkQuality(q: unknown): CallQuality {
  if (typeof q !== 'object' || q === null || Array.isArray(q)) throw invalid(`call quality must be an object, got ${v.describe(q)}`);
  const r = q as Record<string, unknown>;
  const from = figure('from', r.from);
  const to = figure('to', r.to);
  if (to < from) throw invalid(`call quality to (${to}) is before from (${from})`);
  const quality: CallQuality = {
    leg: v.text('call quality leg', r.leg, { max: 256 }),
    ...(r.agentId === undefined ? {} : { agentId: v.text('call quality agentId', r.agentId, { max: 64 }) }),
    from,
    to,
    samples: count('samples', r.samples),
    packetsReceived: count('packetsReceived', r.packetsReceived),
    packetsSent: count('packetsSent', r.packetsSent),
    packetsLost: count('packetsLost', r.packetsLost),
    lossPercent: figure('lossPercent', r.lossPercent, 100),
    jitterMs: spread('jitterMs', r.jitterMs, ['p50', 'p95', 'max']) as unknown as CallQuality['jitterMs'],
    ...(r.rttMs === undefined ? {} : { rttMs: spread('rttMs', r.rttMs, ['p50', 'max']) as unknown as NonNullable<CallQuality['rttMs']> }),
    mos: figure('mos', r.mos, 5),
  };
  if (quality.mos < 1) throw invalid(`call quality mos must be from 1 to 5, got ${quality.mos}`);
  return quality;
}

/** The list with this leg's summary added, or put in place of the leg's earlier one. */
export const qualityAfter = (current: readonly CallQuality[], q: CallQuality): CallQuality[] => [...current.filter((c) => c.leg !== q.leg), q];
