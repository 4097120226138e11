import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import { LogConflictError, openLog, type ReplicatedLog } from '../../../../src/server/cluster/infra/log.js';
import { bytes, deferred, natsConnect, randomCluster, text, waitFor } from './helpers.js';
import { natsProcess } from './nats-process.js';

let nc: NatsConnection;
let nc2: NatsConnection;
const logs: ReplicatedLog[] = [];

beforeAll(async () => {
  nc = await natsConnect();
  nc2 = await natsConnect();
});

afterAll(async () => {
  for (const log of logs) await log.destroy();
  await nc.close();
  await nc2.close();
});

async function freshLog(conn = nc): Promise<{ cluster: string; log: ReplicatedLog }> {
  const cluster = randomCluster();
  const log = await openLog(conn, cluster);
  logs.push(log);
  return { cluster, log };
}

describe('replicated log', () => {
  it('names its stream and subject after the cluster, starts empty and is reused when opened again', async () => {
    const { cluster, log } = await freshLog();
    expect(log.stream).toBe(`OPENCTI_${cluster}_LOG`);
    expect(log.subject).toBe(`opencti.${cluster}.log`);
    expect(await log.lastSeq()).toBe(0);
    expect(await log.append(bytes('first'), 0)).toBe(1);
    const again = await openLog(nc2, cluster);
    expect(await again.lastSeq()).toBe(1);
    expect(await again.append(bytes('second'), 1)).toBe(2);
  });

  it('refuses a bad cluster name, naming it', async () => {
    await expect(openLog(nc, 'has.dot')).rejects.toThrow(/cluster name "has.dot" is not valid/);
    await expect(openLog(nc, 'x'.repeat(33))).rejects.toThrow(/is not valid/);
  });

  it('fences: of two writers expecting the same seq, the stale one gets LogConflictError', async () => {
    const { cluster, log: a } = await freshLog();
    const b = await openLog(nc2, cluster);
    expect(await a.append(bytes('a1'), 0)).toBe(1);
    // b was deposed without knowing: it still believes the log ends at 0.
    const err = await b.append(bytes('b1'), 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogConflictError);
    expect((err as Error).message).toMatch(/moved on: expected last seq 0/);
    // Nothing of b landed; a goes on.
    expect(await a.append(bytes('a2'), 1)).toBe(2);
    const seen: string[] = [];
    const done = deferred();
    const f = a.follow(1, (_seq, data) => {
      seen.push(text(data));
      if (seen.length === 2) done.resolve();
    });
    await done.promise;
    await f.stop();
    expect(seen).toEqual(['a1', 'a2']);
  });

  it('keeps pipelined appends in order, and one that expects a stale seq fails with all after it', async () => {
    const { log } = await freshLog();
    const n = 200;
    const seqs = await Promise.all(Array.from({ length: n }, (_, i) => log.append(bytes(`e${i}`), i)));
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const seen: string[] = [];
    const done = deferred();
    const f = log.follow(1, (seq, data) => {
      seen.push(`${seq}:${text(data)}`);
      if (seen.length === n) done.resolve();
    });
    await done.promise;
    await f.stop();
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => `${i + 1}:e${i}`));

  });

  it('fences a whole pipeline: entries sent after a refused one are refused too', async () => {
    const { cluster, log: a } = await freshLog();
    const b = await openLog(nc2, cluster);
    expect(await a.append(bytes('a1'), 0)).toBe(1);
    // b is elected, reads the log (last seq 1) and appends.
    expect(await b.append(bytes('b2'), 1)).toBe(2);
    // a, deposed without knowing, pipelines x after 1 and y after x. y's expected seq (2) happens to
    // be the stream's last seq, but it was built on x, not on b2: it must not land.
    const results = await Promise.allSettled([a.append(bytes('x'), 1), a.append(bytes('y'), 2)]);
    expect(results.map((r) => r.status === 'rejected' && r.reason instanceof LogConflictError)).toEqual([true, true]);
    expect(await b.lastSeq()).toBe(2);
    // Once a has read the log again, it can append on b's entry.
    expect(await a.append(bytes('a3'), 2)).toBe(3);
  });

  it('follows from a seq in the middle with appends racing it: every entry once, in order', async () => {
    const { cluster, log } = await freshLog();
    for (let i = 1; i <= 50; i++) await log.append(bytes(`e${i}`), i - 1);
    const writer = await openLog(nc2, cluster);
    const seen: number[] = [];
    const total = 400;
    const f = log.follow(20, (seq, data) => {
      expect(text(data)).toBe(`e${seq}`);
      seen.push(seq);
    });
    // Appends race the follower's catch-up, in pipelined bursts from another connection.
    for (let start = 51; start <= total; start += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => writer.append(bytes(`e${start + k}`), start + k - 1)));
    }
    await waitFor(() => seen.length >= total - 19, 'the follower to reach the last entry');
    await f.stop();
    expect(seen).toEqual(Array.from({ length: total - 19 }, (_, i) => i + 20));
  });

  it('a follower started past the end waits for new entries', async () => {
    const { log } = await freshLog();
    await log.append(bytes('old'), 0);
    const got = deferred<[number, string]>();
    const f = log.follow(2, (seq, data) => got.resolve([seq, text(data)]));
    await log.append(bytes('new'), 1);
    expect(await got.promise).toEqual([2, 'new']);
    await f.stop();
  });

  it('stops following and reports when the entry handler throws', async () => {
    const { log } = await freshLog();
    await log.append(bytes('a'), 0);
    await log.append(bytes('b'), 1);
    const seen: number[] = [];
    const reported = deferred<[Error, boolean]>();
    const f = log.follow(
      1,
      (seq) => {
        seen.push(seq);
        throw new Error('bad entry');
      },
      { onError: (err, retrying) => reported.resolve([err, retrying]) },
    );
    const [err, retrying] = await reported.promise;
    expect(err.message).toBe('bad entry');
    expect(retrying).toBe(false);
    await f.stop();
    expect(seen).toEqual([1]);
  });

  it('rejects bad arguments with a clear error', async () => {
    const { log } = await freshLog();
    await expect(log.append(bytes('x'), -1)).rejects.toThrow(/afterSeq must be a whole number >= 0/);
    expect(() => log.follow(0, () => undefined)).toThrow(/fromSeq must be a whole number >= 1/);
  });

  it('an append after the stream was removed fails with an error naming it', async () => {
    const cluster = randomCluster();
    const log = await openLog(nc, cluster);
    await log.destroy();
    await expect(log.append(bytes('x'), 0)).rejects.toThrow(new RegExp(`OPENCTI_${cluster}_LOG`));
  });
});

describe('replicated log: healing a follower', () => {
  it('resumes without gap or duplicate when its consumer is removed under it', async () => {
    const { log } = await freshLog();
    const seen: number[] = [];
    const f = log.follow(1, (seq) => seen.push(seq));
    for (let i = 0; i < 50; i++) await log.append(bytes(`e${i + 1}`), i);
    await waitFor(() => seen.length === 50, 'the first 50 entries');
    const jsm = await nc.jetstreamManager();
    const consumers = await jsm.consumers.list(log.stream).next();
    expect(consumers).toHaveLength(1);
    await jsm.consumers.delete(log.stream, consumers[0]!.name);
    for (let i = 50; i < 100; i++) await log.append(bytes(`e${i + 1}`), i);
    await waitFor(() => seen.length === 100, 'the next 50 entries');
    await f.stop();
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('resumes without gap or duplicate after the NATS server restarts', async () => {
    const server = await natsProcess();
    const conn = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    const writerConn = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    try {
      const cluster = randomCluster();
      const log = await openLog(conn, cluster);
      const writer = await openLog(writerConn, cluster);
      const seen: number[] = [];
      const f = log.follow(1, (seq, data) => {
        expect(text(data)).toBe(`e${seq}`);
        seen.push(seq);
      });
      for (let i = 0; i < 100; i++) await writer.append(bytes(`e${i + 1}`), i);
      await waitFor(() => seen.length === 100, 'the entries before the restart');
      const reconnected = Promise.all([waitForStatus(conn, 'reconnect'), waitForStatus(writerConn, 'reconnect')]);
      await server.kill();
      await server.start();
      await reconnected;
      for (let i = 100; i < 200; ) {
        // The writer's connection may still be coming back: an append that failed is tried again.
        try {
          await writer.append(bytes(`e${i + 1}`), i);
          i++;
        } catch (err) {
          if (err instanceof LogConflictError) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await waitFor(() => seen.length === 200, 'the entries after the restart');
      await f.stop();
      expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      await conn.close();
      await writerConn.close();
      await server.remove();
    }
  });
});

async function waitForStatus(conn: NatsConnection, type: string): Promise<void> {
  for await (const s of conn.status()) if (s.type === type) return;
}
