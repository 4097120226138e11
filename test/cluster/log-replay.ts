/**
 * A fresh replica made from the cluster's JetStream log alone: every entry applied in order to a
 * new call center, as a node does it (refusals caught; a request logged twice, same origin and
 * request id, applied once). What it gives: the digest at a seq, and the call records the
 * entries produced (what the store must hold, exactly once).
 */
import { connect } from 'nats';
import { createCallCenter } from '../../src/server/center/center.js';
import type { Input } from '../../src/server/center/inputs.js';
import type { CallRecord } from '../../src/server/switch/types.js';
import { openLog } from '../../src/server/cluster/infra/log.js';

export interface Replay {
  /** The digest of the fresh replica once entry `upTo` was applied. */
  readonly digest: string;
  /** Call records produced by applying the log, in order, with the seq of the entry that made each. */
  readonly records: (CallRecord & { readonly seq: number })[];
  /** Entries refused when applied (as on every node). */
  readonly refused: number;
  /** Entries skipped as a repeat of a request already logged. */
  readonly repeats: number;
}

interface Entry {
  readonly at: number;
  readonly input: Input;
  readonly origin?: string;
  readonly rid?: number;
}

export async function replayLog(natsUrl: string, cluster: string, upTo: number, sessionGraceMs: number, ms = 20_000): Promise<Replay> {
  if (!Number.isSafeInteger(upTo) || upTo < 1) throw new Error(`replayLog: upTo must be a seq >= 1, got ${String(upTo)}`);
  const nc = await connect({ servers: natsUrl });
  try {
    const log = await openLog(nc, cluster);
    const center = createCallCenter({ sessionGraceMs });
    const records: (CallRecord & { seq: number })[] = [];
    let applying = 0;
    center.onEffect = (effect) => {
      if (effect.kind === 'record') records.push({ ...effect.record, seq: applying });
    };
    const seen = new Set<string>();
    let refused = 0;
    let repeats = 0;
    const decoder = new TextDecoder();
    let follower: { stop(): Promise<void> } | undefined;
    const digest = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the log of ${cluster} did not reach seq ${upTo} within ${ms} ms`)), ms);
      follower = log.follow(
        1,
        (seq, data) => {
          if (seq > upTo) return;
          applying = seq;
          const entry = JSON.parse(decoder.decode(data)) as Entry;
          const key = entry.origin !== undefined && entry.rid !== undefined ? `${entry.origin}${entry.rid}` : undefined;
          if (key !== undefined && seen.has(key)) repeats++;
          else {
            if (key !== undefined) seen.add(key);
            try {
              center.apply(entry.input, entry.at);
            } catch {
              refused++;
            }
          }
          if (seq === upTo) {
            clearTimeout(timer);
            resolve(center.digest());
          }
        },
        { onError: (error, retrying) => (retrying ? undefined : reject(error)) },
      );
    });
    await follower?.stop();
    return { digest, records, refused, repeats };
  } finally {
    await nc.close();
  }
}
