/**
 * The call center replicated over a JetStream log. Every node applies every entry of the log in
 * order, the leader included, so every node holds the same switch and the same agent sessions
 * and numbers each agent's events the same way. Only the leader appends: commands from the other
 * nodes reach it over NATS request/reply; it also arms the real timers (a firing is one more
 * entry) and writes call records to the store. Nothing takes effect before it is in the log: an
 * input's result is what applying its entry gave, on the node that asked.
 */
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { createCallCenter, type CallCenter, type CenterOptions } from '../center/center.js';
import { EffectListeners } from '../center/effect-listeners.js';
import type { CenterDriver } from '../center/driver.js';
import type { Input, SwitchSetup } from '../center/inputs.js';
import type { CallRecord } from '../switch/types.js';
import { SwitchError } from '../switch/errors.js';
import { CommandError, sendCommand, serveCommands, type CommandServer } from './infra/commands.js';
import type { ReplicatedLog } from './infra/log.js';

/** One log entry: the input, when the leader logged it, and who asked (to hand them the result). */
interface Entry {
  readonly at: number;
  readonly input: Input;
  readonly origin?: string;
  readonly rid?: number;
}

/** Where call records go: the store, with the log position that makes a replay harmless. */
export interface RecordSink {
  recordCallEvents(records: readonly CallRecord[], position: { log: string; seq: number }): Promise<void>;
  recordedPosition(log: string): Promise<number>;
}

export interface ClusterDriverOptions {
  readonly nc: NatsConnection;
  readonly cluster: string;
  /** `<nodeId>/<boot>/`: this node's incarnation, the prefix of its sockets and its requests. */
  readonly nodeRef: string;
  readonly log: ReplicatedLog;
  readonly center: CenterOptions;
  /** The switch as the store describes it, for the first entry of an empty log. */
  readonly setup: () => Promise<SwitchSetup>;
  readonly records: RecordSink;
  readonly logger: Logger;
  /** How long a request may wait for a leader (a failover) before it fails. Default 5 s. */
  readonly commandDeadlineMs?: number;
  /** Whether this node is connected to NATS now; while not, requests fail at once. */
  readonly natsUp?: () => boolean;
  /** The NATS URL as configured, to name it in errors. */
  readonly natsUrl?: string;
}

export interface ClusterDriver extends CenterDriver {
  readonly nodeRef: string;
  /** The seq of the last entry applied here. */
  readonly applied: number;
  readonly isLeader: boolean;
  /** Applies the log as it is, then follows it; resolves once the switch exists (the init entry). */
  start(): Promise<void>;
  /** Called when this node wins the election: catches up, then serves commands and arms timers. */
  lead(): Promise<void>;
  /** Called when this node lost the lock: stops serving commands and firing timers. */
  stepDown(reason: string): void;
  /** Entries the leader logged that this node has not applied yet. */
  lag(): Promise<number>;
  close(): Promise<void>;
}

const RECORD_BUFFER = 10_000;
/** How long one try of a command waits for the leader's answer (an append takes about a millisecond). */
const COMMAND_TRY_MS = 400;
/** Requests remembered to drop a repeat (a command retried after an append whose answer was lost). */
const SEEN_REQUESTS = 100_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A request that failed for want of the cluster (NATS, leader): OPENCTI_LINK_DOWN naming it. */
export class ClusterLinkError extends Error {
  readonly errCode = 'OPENCTI_LINK_DOWN';
  constructor(readonly errMessage: string) {
    super(errMessage);
  }
}

export function createClusterDriver(options: ClusterDriverOptions): ClusterDriver {
  const { nc, cluster, log, logger, nodeRef } = options;
  const deadlineMs = options.commandDeadlineMs ?? 5000;
  const center: CallCenter = createCallCenter(options.center);
  const listeners = new EffectListeners();
  const waiters = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void; timer: ReturnType<typeof setTimeout> }>();
  const appliedWaiters: { seq: number; resolve(): void }[] = [];
  /** Records of applied entries not yet written (the leader writes them; the others keep the latest). */
  const unwritten: { seq: number; records: CallRecord[] }[] = [];
  let recordsOfEntry: CallRecord[] = [];
  let applied = 0;
  let nextRid = 1;
  let leader = false;
  /** Bumped by every lead() and stepDown(): a lead() that was overtaken while it caught up gives up. */
  let terms = 0;
  let closed = false;
  let commands: CommandServer | undefined;
  let follower: { stop(): Promise<void> } | undefined;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** origin:rid of applied requests, oldest first: the same on every replica, like all the state. */
  const seen = new Set<string>();

  center.onEffect = (effect) => {
    if (effect.kind === 'record') recordsOfEntry.push(effect.record);
    listeners.deliver(effect);
  };

  function applyEntry(seq: number, data: Uint8Array): void {
    let entry: Entry | undefined;
    try {
      entry = JSON.parse(decoder.decode(data)) as Entry;
    } catch (error) {
      logger.error({ seq, err: error }, 'log entry is not JSON: skipped on every node');
    }
    if (entry?.origin !== undefined && entry.rid !== undefined) {
      const key = `${entry.origin}${entry.rid}`;
      if (seen.has(key)) {
        logger.warn({ seq, request: key }, 'a request logged twice: the repeat is skipped on every node');
        entry = undefined;
      } else {
        seen.add(key);
        if (seen.size > SEEN_REQUESTS) seen.delete(seen.values().next().value as string);
      }
    }
    recordsOfEntry = [];
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } = { ok: true, value: null };
    if (entry) {
      try {
        outcome = { ok: true, value: center.apply(entry.input, entry.at) };
      } catch (error) {
        outcome = { ok: false, error };
        if (!(error instanceof SwitchError)) logger.error({ seq, err: error, input: entry.input.k }, 'applying a log entry failed');
      }
    }
    applied = seq;
    if (recordsOfEntry.length > 0) queueRecords(seq, recordsOfEntry);
    if (entry?.origin === nodeRef && entry.rid !== undefined) {
      const waiter = waiters.get(entry.rid);
      if (waiter) {
        waiters.delete(entry.rid);
        clearTimeout(waiter.timer);
        if (outcome.ok) waiter.resolve(outcome.value);
        else waiter.reject(outcome.error);
      }
    }
    while (appliedWaiters.length > 0 && appliedWaiters[0]!.seq <= applied) appliedWaiters.shift()!.resolve();
  }

  const waitApplied = (seq: number): Promise<void> =>
    seq <= applied
      ? Promise.resolve()
      : new Promise((resolve) => {
          appliedWaiters.push({ seq, resolve });
          appliedWaiters.sort((a, b) => a.seq - b.seq);
        });

  // ---- appending (leader) ----
  /** The seq the next append builds on: appends are pipelined, each expecting the one before. */
  let nextAfter = 0;
  let resync: Promise<void> | undefined;

  /**
   * Appends in call order without waiting for the previous answer. A refused append (another writer
   * got in, or an earlier one in the pipeline failed) re-reads the end of the log and tries again.
   */
  async function append(entry: Omit<Entry, 'at'>): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      if (resync) await resync;
      const after = nextAfter++;
      const data = encoder.encode(JSON.stringify({ at: Date.now(), ...entry } satisfies Entry));
      try {
        return await log.append(data, after);
      } catch (error) {
        if (attempt >= 5) throw error;
        resync ??= log
          .lastSeq()
          .then((seq) => void (nextAfter = seq))
          .catch(() => undefined)
          .finally(() => (resync = undefined));
      }
    }
  }

  // ---- timers (leader) ----
  function armTimer(id: number, due: number): void {
    clearTimeout(timers.get(id));
    const handle = setTimeout(() => {
      timers.delete(id);
      if (!leader) return;
      append({ input: { k: 'timer', id } }).catch((error: unknown) => logger.error({ err: error, timer: id }, 'could not log a timer firing'));
    }, Math.max(0, due - Date.now()));
    handle.unref?.();
    timers.set(id, handle);
  }
  function disarmAll(): void {
    for (const handle of timers.values()) clearTimeout(handle);
    timers.clear();
    center.clock.arming = undefined;
  }

  // ---- call records (leader writes; the others keep the latest for when they lead) ----
  let writing = false;
  function queueRecords(seq: number, records: CallRecord[]): void {
    unwritten.push({ seq, records });
    if (!leader && unwritten.length > RECORD_BUFFER) unwritten.splice(0, unwritten.length - RECORD_BUFFER);
    if (leader) void writeRecords();
  }
  async function writeRecords(): Promise<void> {
    if (writing) return;
    writing = true;
    try {
      while (leader && unwritten.length > 0) {
        const next = unwritten[0]!;
        try {
          await options.records.recordCallEvents(next.records, { log: cluster, seq: next.seq });
          // lead() may have dropped the entries the store already held while this write ran:
          // remove this entry only if it is still first, never the one that came up in its place.
          if (unwritten[0] === next) unwritten.shift();
        } catch (error) {
          logger.error({ err: error, seq: next.seq }, 'could not record call events: retrying');
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    } finally {
      writing = false;
    }
  }

  // ---- commands ----
  const linkDown = (error: unknown) =>
    new ClusterLinkError(`the cluster could not take the request: ${error instanceof Error ? error.message : String(error)} (NATS ${nc.getServer()})`);

  async function submit(input: Input): Promise<unknown> {
    if (closed) throw new ClusterLinkError('this node is stopping');
    // Without NATS the request cannot reach the log: say so now rather than after the deadline,
    // so the desktop can try another node.
    if (options.natsUp?.() === false) {
      throw new ClusterLinkError(`this node has lost its link to NATS (${options.natsUrl ?? nc.getServer()}): the request was not taken; try another node`);
    }
    const rid = nextRid++;
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(rid);
        reject(new ClusterLinkError(`the request was not applied on this node within ${deadlineMs * 2} ms: the cluster log is not reaching it (NATS ${nc.getServer()})`));
      }, deadlineMs * 2);
      timer.unref?.();
      waiters.set(rid, { resolve, reject, timer });
    });
    // The entry is often applied here (and a refusal rejects `result`) before the append or the
    // leader's reply returns, i.e. before `return result` below hands it to the caller: without a
    // handler now, that rejection is unhandled and Node ends the process. The caller still gets it.
    result.catch(() => undefined);
    try {
      if (leader) await append({ input, origin: nodeRef, rid });
      // A try that reached a leader dying that instant gets no answer: try again soon (a repeat is
      // dropped by origin and request id), not after the default 2 s.
      else await sendCommand(nc, cluster, encoder.encode(JSON.stringify({ input, origin: nodeRef, rid })), { deadlineMs, timeoutMs: COMMAND_TRY_MS });
    } catch (error) {
      const waiter = waiters.get(rid);
      waiters.delete(rid);
      if (waiter) clearTimeout(waiter.timer);
      throw error instanceof CommandError ? new ClusterLinkError(`the cluster leader could not log the request: ${error.message}`) : linkDown(error);
    }
    return result;
  }

  async function serve(data: Uint8Array): Promise<Uint8Array> {
    const request = JSON.parse(decoder.decode(data)) as { input: Input; origin: string; rid: number };
    const seq = await append({ input: request.input, origin: request.origin, rid: request.rid });
    return encoder.encode(JSON.stringify({ seq }));
  }

  return {
    center,
    nodeRef,
    get applied() {
      return applied;
    },
    get isLeader() {
      return leader;
    },
    execSync() {
      throw new SwitchError('OPENCTI_INVALID_ACTION', 'in a cluster, changes go through the log: use exec');
    },
    exec: submit,
    onEffect(listener) {
      return listeners.add(listener);
    },
    async start() {
      const last = await log.lastSeq();
      follower = log.follow(1, applyEntry, {
        onError: (error, retrying) => logger[retrying ? 'warn' : 'error']({ err: error }, retrying ? 'reading the cluster log failed: retrying' : 'following the cluster log stopped'),
      });
      await waitApplied(last);
      while (!center.switch && !closed) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async lead() {
      if (leader || closed) return;
      const term = ++terms;
      // Everything the last leader logged is applied here first: then this node's state is the log's.
      nextAfter = await log.lastSeq();
      await waitApplied(nextAfter);
      // Deposed while catching up (the lock or NATS lost meanwhile): another node may lead already.
      if (term !== terms || closed) return;
      leader = true;
      if (!center.switch) {
        const setup = await options.setup();
        await append({ input: { k: 'init', setup } });
      }
      center.clock.arming = { set: ({ id, due }) => armTimer(id, due), clear: (id) => (clearTimeout(timers.get(id)), timers.delete(id)) };
      for (const { id, due } of center.clock.pending()) armTimer(id, due);
      commands = serveCommands(nc, cluster, serve, { log: (level, message, detail) => logger[level](detail ?? {}, message) });
      const position = await options.records.recordedPosition(cluster).catch(() => 0);
      while (unwritten.length > 0 && unwritten[0]!.seq <= position) unwritten.shift();
      void writeRecords();
      logger.info({ applied, timers: timers.size }, 'leading the cluster');
    },
    stepDown(reason) {
      terms++;
      if (!leader) return;
      leader = false;
      disarmAll();
      void commands?.stop();
      commands = undefined;
      logger.warn({ reason }, 'no longer leading the cluster');
    },
    async lag() {
      return Math.max(0, (await log.lastSeq()) - applied);
    },
    async close() {
      closed = true;
      leader = false;
      disarmAll();
      await commands?.stop();
      await follower?.stop();
      for (const waiter of waiters.values()) {
        clearTimeout(waiter.timer);
        waiter.reject(new ClusterLinkError('this node is stopping'));
      }
      waiters.clear();
    },
  };
}
