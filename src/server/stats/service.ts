/**
 * The statistics of a running server: a StatsBook fed by this node's replica of the call center
 * (its call records and agent state events), rebuilt at start from the records the store kept
 * today, and published to listeners (supervisors' sockets, /metrics) at most once per interval,
 * only when a figure other than elapsed time changed.
 */
import type { CenterDriver } from '../center/driver.js';
import type { CallRecord } from '../switch/types.js';
import { agentStateChange } from './agent-events.js';
import { StatsBook, localMidnight } from './book.js';
import { changeKey, type Stats } from './figures.js';

export interface StatsServiceOptions {
  readonly driver: CenterDriver;
  /** The records the store kept from `since` on (Store.callRecordsSince). */
  readonly storedRecords: (since: number) => Promise<CallRecord[]>;
  /** Each queue's service level threshold in seconds (the store's queues). */
  readonly thresholds: () => Promise<Readonly<Record<string, number>>>;
  readonly now?: () => number;
  readonly dayStart?: (at: number) => number;
  /** Least time between two publications. Default 1000 ms. */
  readonly minIntervalMs?: number;
  /** How often to look for changes no event announces (an agent or queue added). Default 5000 ms. */
  readonly pollMs?: number;
  readonly log?: (level: 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
}

export interface StatsService {
  /** Loads today's stored records; call once, after the call center has started. */
  start(): Promise<void>;
  /** The figures now, with the thresholds the store has now. */
  figures(): Promise<Stats>;
  /** The figures now, with the thresholds last read (no I/O). */
  current(): Stats;
  /**
   * Called with the figures when they changed, at most once per interval; `wanted` says whether
   * anyone is there to see them now (nobody: nothing is computed for this listener).
   */
  onChange(listener: (stats: Stats) => void, wanted?: () => boolean): () => void;
  close(): void;
}

export function createStatsService(options: StatsServiceOptions): StatsService {
  const now = options.now ?? Date.now;
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const book = new StatsBook({ now, ...(options.dayStart ? { dayStart: options.dayStart } : {}) });
  const listeners = new Map<(stats: Stats) => void, () => boolean>();
  let thresholds: Readonly<Record<string, number>> = {};
  let lastKey: string | undefined;
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing = false;
  let again = false;
  let closed = false;
  const stops: (() => void)[] = [];

  const sw = () => {
    const s = options.driver.center.switch;
    if (!s) throw new Error('the call center has not started: no statistics before its first log entry');
    return s;
  };
  const compute = (): Stats => book.figures({ queues: sw().queues(), agents: sw().agents(), serviceLevelSeconds: thresholds });

  async function refreshThresholds(): Promise<void> {
    try {
      thresholds = await options.thresholds();
    } catch (error) {
      options.log?.('warn', 'could not read the queues service level thresholds: keeping the last ones', { err: error });
    }
  }

  /** Something may have changed: publish once the interval since the last publication is over. */
  function poke(): void {
    if (closed || timer !== undefined || listeners.size === 0) return;
    if (flushing) return void (again = true);
    timer = setTimeout(() => void flush(), Math.max(0, lastSent + minIntervalMs - now()));
    timer.unref?.();
  }

  async function flush(): Promise<void> {
    timer = undefined;
    flushing = true;
    try {
      const audience = [...listeners].filter(([, wanted]) => wanted()).map(([listener]) => listener);
      // Nobody to tell: the figures are left for later (lastKey stays, so the next change is sent).
      if (audience.length === 0) return;
      await refreshThresholds();
      if (closed) return;
      const stats = compute();
      const key = changeKey(stats);
      if (key === lastKey) return;
      lastKey = key;
      lastSent = now();
      for (const listener of audience) {
        try {
          listener(stats);
        } catch (error) {
          options.log?.('error', 'a statistics listener failed', { err: error });
        }
      }
    } catch (error) {
      options.log?.('error', 'could not compute the statistics', { err: error });
    } finally {
      flushing = false;
      if (again) {
        again = false;
        poke();
      }
    }
  }

  return {
    async start() {
      // Listen first: a record made while the stored ones load is kept once either way.
      stops.push(
        options.driver.onEffect((effect) => {
          if (effect.kind !== 'record') return;
          if (book.addRecord(effect.record)) poke();
        }),
      );
      stops.push(
        sw().onDeviceEvent((event) => {
          const change = agentStateChange(event);
          if (!change) return;
          book.addAgentState(change);
          poke();
        }),
      );
      const poll = setInterval(poke, options.pollMs ?? 5000);
      poll.unref?.();
      stops.push(() => clearInterval(poll));
      const since = (options.dayStart ?? localMidnight)(now());
      for (const record of await options.storedRecords(since)) book.addRecord(record);
      await refreshThresholds();
    },
    async figures() {
      await refreshThresholds();
      return compute();
    },
    current: compute,
    onChange(listener, wanted = () => true) {
      listeners.set(listener, wanted);
      poke();
      return () => void listeners.delete(listener);
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const stop of stops.splice(0)) stop();
      listeners.clear();
    },
  };
}
