/**
 * The cluster's replicated log: the inputs of the switch, one JetStream stream per cluster.
 *
 * Appends carry the expected last sequence (`Nats-Expected-Last-Sequence`), so the stream itself
 * fences writers: an append made by a leader that was deposed (someone else appended since) is
 * refused with LogConflictError and can never land; appends pipelined on a refused one also
 * expect its message id, so they are refused too. Appends sent back to back on one connection
 * are stored in the order sent, so a leader may pipeline them (append(a, 10), append(b, 11)).
 *
 * follow() reads with an ephemeral pull consumer of its own and checks every sequence itself: an
 * entry it already delivered is skipped, a gap (lost replies while NATS reconnected, a consumer
 * that vanished) throws the consumer away and starts a new one at the next expected sequence.
 */
import { AckPolicy, DeliverPolicy, ErrorCode, NatsError, RetentionPolicy, StorageType, DiscardPolicy, nanos } from 'nats';
import type { JetStreamClient, JetStreamManager, NatsConnection, Consumer } from 'nats';
import { randomBytes } from 'node:crypto';
import { logStreamName, logSubject } from './names.js';

/** The stream moved on: its last sequence is not the one the append expected (someone else appended). */
export class LogConflictError extends Error {
  override name = 'LogConflictError';
}

export interface ReplicatedLog {
  readonly stream: string;
  readonly subject: string;
  /** Appends one entry expected right after `afterSeq`; resolves with its seq. Pipelining is allowed.
   *  Rejects with LogConflictError when the stream's last seq is not afterSeq, with an Error naming
   *  the stream on any other failure (NATS down, timeout, stream missing). */
  append(data: Uint8Array, afterSeq: number): Promise<number>;
  /** The stream's last seq (0 when empty). */
  lastSeq(): Promise<number>;
  /** Delivers each entry from fromSeq on, in seq order, with no gap and no duplicate, then new ones
   *  as they are appended, until stop(). If onEntry throws, following stops and onError gets it. */
  follow(fromSeq: number, onEntry: (seq: number, data: Uint8Array) => void, options?: FollowOptions): Follower;
  /** Removes the stream and everything in it. */
  destroy(): Promise<void>;
}

export interface FollowOptions {
  /** Told of an onEntry that threw (following has stopped) and of read failures being retried. */
  onError?: (err: Error, retrying: boolean) => void;
}

export interface Follower {
  stop(): Promise<void>;
}

export interface LogOptions {
  /** How long an append or a stream request may take before it fails; default 5000 ms. */
  timeoutMs?: number;
}

/** JetStream's error codes for failed `Nats-Expected-Last-Sequence` / `-Last-Msg-Id` checks. */
const WRONG_LAST_SEQUENCE = 10071;
const WRONG_LAST_MSG_ID = 10070;
/** How many of its own recent appends a writer remembers to chain pipelined appends by id. */
const CHAIN_MEMORY = 4096;
/** JetStream's error code for "stream not found". */
const STREAM_NOT_FOUND = 10059;

export async function openLog(nc: NatsConnection, cluster: string, options: LogOptions = {}): Promise<ReplicatedLog> {
  const stream = logStreamName(cluster);
  const subject = logSubject(cluster);
  const timeoutMs = options.timeoutMs ?? 5000;
  const jsm = await nc.jetstreamManager({ timeout: timeoutMs }).catch((err: unknown) => {
    throw new Error(`JetStream is not available on ${nc.getServer()} for the cluster log: ${describe(err)}`, { cause: err });
  });
  await ensureStream(jsm, stream, subject);
  const js = nc.jetstream({ timeout: timeoutMs });
  return new JetStreamLog(nc, jsm, js, stream, subject, timeoutMs);
}

async function ensureStream(jsm: JetStreamManager, stream: string, subject: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(stream);
      if (!info.config.subjects?.includes(subject)) {
        throw new Error(`stream ${stream} exists but does not hold subject ${subject}: it is not a cluster log`);
      }
      return;
    } catch (err) {
      if (!isStreamNotFound(err)) throw wrap(err, `reading stream ${stream}`);
    }
    try {
      await jsm.streams.add({
        name: stream,
        subjects: [subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        max_age: 0, // never expire: the log is the switch's history
        max_msgs: -1,
        max_bytes: -1,
        num_replicas: 1,
      });
      return;
    } catch (err) {
      // Another node created it at the same moment: read it again once.
      if (attempt >= 1) throw wrap(err, `creating stream ${stream}`);
    }
  }
}

class JetStreamLog implements ReplicatedLog {
  /** seq an own append was meant to get → its Nats-Msg-Id (see append). */
  private readonly ownIds = new Map<number, string>();
  private readonly writer = randomBytes(6).toString('hex');
  private counter = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    readonly stream: string,
    readonly subject: string,
    private readonly timeoutMs: number,
  ) {}

  async append(data: Uint8Array, afterSeq: number): Promise<number> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
      throw new Error(`append: afterSeq must be a whole number >= 0, got ${String(afterSeq)}`);
    }
    if (!(data instanceof Uint8Array)) throw new Error('append: data must be a Uint8Array');
    // The expected seq alone does not fence a pipeline: if append(x, 9) fails because someone
    // else stored seq 10, append(y, 10) would still land on top of their entry. So an append whose
    // base is one of this writer's own appends also expects that append's message id: the whole
    // pipeline after a refused entry is refused too.
    const msgID = `${this.writer}-${++this.counter}`;
    const baseId = this.ownIds.get(afterSeq);
    this.ownIds.set(afterSeq + 1, msgID);
    if (this.ownIds.size > CHAIN_MEMORY) this.ownIds.delete(this.ownIds.keys().next().value!);
    try {
      const ack = await this.js.publish(this.subject, data, {
        msgID,
        expect: { lastSequence: afterSeq, streamName: this.stream, ...(baseId ? { lastMsgID: baseId } : {}) },
        timeout: this.timeoutMs,
      });
      return ack.seq;
    } catch (err) {
      const api = err instanceof NatsError ? err.api_error : undefined;
      if (api?.err_code === WRONG_LAST_SEQUENCE || api?.err_code === WRONG_LAST_MSG_ID) {
        // The chain is broken: whatever this writer appends next starts from a base it read anew.
        this.ownIds.clear();
        throw new LogConflictError(`the cluster log ${this.stream} moved on: expected last seq ${afterSeq} (${api.description})`);
      }
      if (err instanceof NatsError && err.code === ErrorCode.NoResponders) {
        throw new Error(`appending to the cluster log failed: no stream ${this.stream} listens on ${this.subject} (removed?)`, { cause: err });
      }
      throw wrap(err, `appending to the cluster log ${this.stream}`);
    }
  }

  async lastSeq(): Promise<number> {
    try {
      const info = await this.jsm.streams.info(this.stream);
      return info.state.last_seq;
    } catch (err) {
      throw wrap(err, `reading the last seq of ${this.stream}`);
    }
  }

  follow(fromSeq: number, onEntry: (seq: number, data: Uint8Array) => void, options: FollowOptions = {}): Follower {
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) {
      throw new Error(`follow: fromSeq must be a whole number >= 1, got ${String(fromSeq)}`);
    }
    return new LogFollower(this.nc, this.jsm, this.js, this.stream, fromSeq, onEntry, options);
  }

  async destroy(): Promise<void> {
    try {
      await this.jsm.streams.delete(this.stream);
    } catch (err) {
      if (!isStreamNotFound(err)) throw wrap(err, `removing stream ${this.stream}`);
    }
  }
}

/** How long one pull waits for entries; an idle follower renews its pull this often. */
const PULL_EXPIRES_MS = 5000;
/** The server sends a heartbeat this often during a pull: a silent server ends the pull early. */
const PULL_HEARTBEAT_MS = 1000;
const PULL_BATCH = 256;

class LogFollower implements Follower {
  private next: number;
  private stopped = false;
  private consumer: Consumer | null = null;
  private consumerName: string | null = null;
  /** Set when the consumer must be replaced (gap, reconnect): the current pull is cut short. */
  private reset = false;
  private readonly done: Promise<void>;
  private readonly statusIter: AsyncIterable<{ type: string }> & { stop(): void };
  private wake: (() => void) | null = null;
  private stopCurrent: (() => void) | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly stream: string,
    fromSeq: number,
    private readonly onEntry: (seq: number, data: Uint8Array) => void,
    private readonly options: FollowOptions,
  ) {
    this.next = fromSeq;
    // Replies lost while NATS reconnected leave a gap that only the next entry would reveal:
    // start over from the next expected seq at once instead.
    const statusIter = nc.status() as unknown as AsyncIterable<{ type: string }> & { stop(): void };
    this.statusIter = statusIter;
    void (async () => {
      for await (const s of statusIter) {
        if (s.type === 'reconnect') this.restart();
      }
    })().catch(() => undefined);
    this.done = this.run();
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.done;
    this.stopped = true;
    this.statusIter.stop();
    this.stopCurrent?.();
    this.wake?.();
    await this.done;
  }

  private restart(): void {
    this.reset = true;
    this.stopCurrent?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (this.consumer === null || this.reset) await this.newConsumer();
        await this.pullOnce();
        failures = 0;
        if (!this.reset) await this.checkConsumer();
      } catch (err) {
        if (err instanceof EntryHandlerError) {
          this.stopped = true;
          this.report(err.cause as Error, false);
          break;
        }
        if (this.stopped) break;
        failures++;
        this.report(wrap(err, `following ${this.stream} from seq ${this.next}`), true);
        this.reset = true;
        await this.pause(Math.min(100 * 2 ** Math.min(failures, 5), 2000));
      }
    }
    this.statusIter.stop();
    await this.dropConsumer();
  }

  private report(err: Error, retrying: boolean): void {
    try {
      this.options.onError?.(err, retrying);
    } catch {
      // A failing error handler must not end the follower's loop.
    }
  }

  private async newConsumer(): Promise<void> {
    await this.dropConsumer();
    this.reset = false;
    const info = await this.jsm.consumers.add(this.stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.next,
      mem_storage: true,
      // A follower whose process died leaves its consumer behind: the server removes it after this.
      inactive_threshold: nanos(30_000),
    });
    this.consumerName = info.name;
    this.consumer = await this.js.consumers.get(this.stream, info.name);
  }

  private async dropConsumer(): Promise<void> {
    const name = this.consumerName;
    this.consumer = null;
    this.consumerName = null;
    if (name !== null && !this.nc.isClosed()) {
      await this.jsm.consumers.delete(this.stream, name).catch(() => undefined);
    }
  }

  /** One pull: delivers what arrives in order, returns how many entries it delivered. */
  private async pullOnce(): Promise<number> {
    const consumer = this.consumer!;
    const messages = await consumer.fetch({ max_messages: PULL_BATCH, expires: PULL_EXPIRES_MS, idle_heartbeat: PULL_HEARTBEAT_MS });
    this.stopCurrent = () => messages.stop();
    if (this.stopped || this.reset) messages.stop(); // stop() or a reconnect came while the pull was set up
    let delivered = 0;
    try {
      for await (const m of messages) {
        if (this.stopped || this.reset) break;
        if (m.seq < this.next) continue; // already delivered (a replaced consumer's overlap)
        if (m.seq > this.next) {
          // A gap: entries between were lost on the way. Start again at the first missing one.
          this.reset = true;
          break;
        }
        try {
          this.onEntry(m.seq, m.data);
        } catch (err) {
          throw new EntryHandlerError(err);
        }
        this.next = m.seq + 1;
        delivered++;
      }
    } finally {
      this.stopCurrent = null;
      messages.stop();
    }
    return delivered;
  }

  /** After a pull: make sure the consumer did not hand entries to a pull whose replies were lost. */
  private async checkConsumer(): Promise<void> {
    if (this.stopped || this.consumerName === null) return;
    const info = await this.jsm.consumers.info(this.stream, this.consumerName);
    if (info.delivered.stream_seq >= this.next) this.reset = true;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

class EntryHandlerError extends Error {
  constructor(cause: unknown) {
    super('the follow callback threw', { cause });
  }
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof NatsError && (err.api_error?.err_code === STREAM_NOT_FOUND || err.message === 'stream not found');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function wrap(err: unknown, doing: string): Error {
  if (err instanceof LogConflictError) return err;
  return new Error(`${doing} failed: ${describe(err)}`, { cause: err });
}
