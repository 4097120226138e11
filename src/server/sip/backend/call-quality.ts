/**
 * The audio quality of a browser phone's call legs: the page reports its getStats figures every
 * second (cumulative packet counts, the current jitter and round trip); this keeps each leg's
 * readings while the call lasts and, when the leg ends, gives the summary stored with the
 * interaction (store `CallQuality`). A reading that cannot be true (counters going backwards, a
 * jitter of minutes) is refused with the reason and not kept.
 */
import type { CallQuality } from '../../store/types.js';

export interface QualityReading {
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly jitterMs: number;
  readonly packetsSent: number;
  readonly rttMs?: number | undefined;
}

interface LegReadings {
  from: number;
  to: number;
  last: QualityReading;
  jitter: number[];
  rtt: number[];
}

/** Above this the figure is no jitter or round trip but a broken report. */
const MAX_DELAY_MS = 60_000;
/** Readings kept per leg for the percentiles: a 10-hour call at one a second. */
const MAX_READINGS = 36_000;

const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

const round = (n: number, places = 2): number => Math.round(n * 10 ** places) / 10 ** places;

/**
 * MOS from the ITU-T G.107 E-model, simplified as VoIP monitors commonly do: effective latency =
 * one-way delay (half the round trip, 0 when unknown) + twice the jitter + 10 ms of codec time;
 * R = 93.2 − delay impairment − 2.5 × loss %; MOS = 1 + 0.035 R + 7·10⁻⁶ R (R − 60)(100 − R).
 * An estimate for comparing calls, not a listening test (it ignores the codec and loss bursts).
 */
export function estimateMos(lossPercent: number, jitterMs: number, rttMs: number | undefined): number {
  const latency = (rttMs ?? 0) / 2 + 2 * jitterMs + 10;
  const delayImpairment = latency < 160 ? latency / 40 : (latency - 120) / 10;
  const r = Math.max(0, Math.min(100, 93.2 - delayImpairment - 2.5 * lossPercent));
  return round(Math.max(1, Math.min(5, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r))));
}

export class CallQualityTracker {
  private readonly legs = new Map<string, LegReadings>();

  /** Keeps a reading of `leg`; answers why it is refused, or undefined when kept. */
  add(leg: string, reading: QualityReading, at: number): string | undefined {
    for (const field of ['jitterMs', 'rttMs'] as const) {
      const value = reading[field];
      if (value !== undefined && !(value <= MAX_DELAY_MS)) return `${field} ${value} is not a delay in ms (0 to ${MAX_DELAY_MS})`;
    }
    const known = this.legs.get(leg);
    if (known) {
      for (const field of ['packetsReceived', 'packetsSent'] as const) {
        if (reading[field] < known.last[field]) return `${field} went down from ${known.last[field]} to ${reading[field]}: the figures count from the start of the call`;
      }
      known.to = at;
      known.last = reading;
      if (known.jitter.length < MAX_READINGS) {
        known.jitter.push(reading.jitterMs);
        if (reading.rttMs !== undefined) known.rtt.push(reading.rttMs);
      }
      return undefined;
    }
    this.legs.set(leg, { from: at, to: at, last: reading, jitter: [reading.jitterMs], rtt: reading.rttMs === undefined ? [] : [reading.rttMs] });
    return undefined;
  }

  /** The leg ended: its summary (undefined when it never reported), forgotten here. */
  end(leg: string, agentId: string): CallQuality | undefined {
    const r = this.legs.get(leg);
    if (!r) return undefined;
    this.legs.delete(leg);
    const lost = Math.max(0, r.last.packetsLost);
    const expected = r.last.packetsReceived + lost;
    const lossPercent = expected > 0 ? round((lost / expected) * 100) : 0;
    const jitterMs = { p50: round(percentile(r.jitter, 50)), p95: round(percentile(r.jitter, 95)), max: round(Math.max(...r.jitter)) };
    const rttMs = r.rtt.length === 0 ? undefined : { p50: round(percentile(r.rtt, 50)), max: round(Math.max(...r.rtt)) };
    return {
      leg,
      agentId,
      from: r.from,
      to: r.to,
      samples: r.jitter.length,
      packetsReceived: r.last.packetsReceived,
      packetsSent: r.last.packetsSent,
      packetsLost: lost,
      lossPercent,
      jitterMs,
      ...(rttMs ? { rttMs } : {}),
      mos: estimateMos(lossPercent, jitterMs.p95, rttMs?.p50),
    };
  }

  /** Every leg still measured (the phone went away): their summaries. */
  endAll(agentId: string): CallQuality[] {
    return [...this.legs.keys()].flatMap((leg) => this.end(leg, agentId) ?? []);
  }
}
