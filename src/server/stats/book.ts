/**
 * Today's raw facts for the statistics: the switch's call records and the agents' state changes.
 * Adding the same record twice changes nothing (a restart loads the stored ones while a cluster
 * replica may replay them too); at midnight yesterday's facts are dropped, keeping each agent's
 * last state so that today's time in it counts from midnight.
 *
 * The figures follow the facts as they come: each one is folded in when added, so that a
 * publication reads tallies instead of folding the whole day again. The day is folded again from
 * its facts only when that could give other figures than folding it at once (computeStats): a
 * record older than one already folded, a fact later than "now", a new day.
 */
import type { AgentSummary, CallRecord, QueueSummary } from '../switch/types.js';
import { computeStats, statsOf, type AgentStateChange, type Stats } from './figures.js';
import { RecordFold, TimeFold } from './fold.js';

export interface StatsBookOptions {
  /** The current time (ms since the epoch). */
  readonly now: () => number;
  /** Start of the day holding `at`. Default: local midnight of the server's time zone. */
  readonly dayStart?: (at: number) => number;
}

export interface LiveView {
  readonly queues: readonly QueueSummary[];
  readonly agents: readonly AgentSummary[];
  readonly serviceLevelSeconds?: Readonly<Record<string, number>>;
}

export const localMidnight = (at: number): number => {
  const day = new Date(at);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
};

/** The kinds the figures read: the others (offered, held, dtmf…) are not kept. */
const COUNTED: ReadonlySet<CallRecord['kind']> = new Set(['queued', 'answered', 'transferred', 'abandoned', 'ended']);

/** A record's identity; the queue is part of it: a call can leave a queue for another in the same millisecond. */
const recordKey = (r: CallRecord): string => JSON.stringify([r.callId, r.kind, r.at, r.queue ?? null, r.agentId ?? null, r.detail ?? null]);

export class StatsBook {
  readonly #now: () => number;
  readonly #dayStart: (at: number) => number;
  #day: number;
  #records: CallRecord[] = [];
  #keys = new Set<string>();
  #changes: AgentStateChange[] = [];
  /** Bumped by every fact added: an unchanged version means unchanged figures (but for time). */
  #version = 0;
  /** The running folds of #records and #changes; undefined = to be folded again from them. */
  #folds: { records: RecordFold; times: TimeFold } | undefined;
  /** The latest time of a record or a change folded so far. */
  #latest = Number.NEGATIVE_INFINITY;

  constructor(options: StatsBookOptions) {
    this.#now = options.now;
    this.#dayStart = options.dayStart ?? localMidnight;
    this.#day = this.#dayStart(this.#now());
  }

  get version(): number {
    return this.#version;
  }

  /** False when the record was there already, belongs to an earlier day, or counts in no figure. */
  addRecord(record: CallRecord): boolean {
    this.#rollOver();
    if (record.at < this.#day || !COUNTED.has(record.kind)) return false;
    const key = recordKey(record);
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    // Kept in time order, whatever order they came in (stored ones after a replica's own).
    let i = this.#records.length;
    while (i > 0 && this.#records[i - 1]!.at > record.at) i--;
    this.#records.splice(i, 0, record);
    this.#version++;
    // Last in time: folded on top. Earlier than one folded already: the day is folded again.
    if (i === this.#records.length - 1 && this.#folds) this.#fold(record);
    else this.#folds = undefined;
    return true;
  }

  addAgentState(change: AgentStateChange): void {
    this.#rollOver();
    this.#changes.push(change);
    this.#version++;
    if (this.#folds) {
      this.#folds.times.add(change);
      this.#latest = Math.max(this.#latest, change.at);
    }
  }

  figures(live: LiveView): Stats {
    this.#rollOver();
    const now = this.#now();
    const view = {
      now,
      dayStart: this.#day,
      queues: live.queues,
      agents: live.agents,
      ...(live.serviceLevelSeconds ? { serviceLevelSeconds: live.serviceLevelSeconds } : {}),
    };
    const folds = this.#folds ?? this.#refold();
    // A fact from later than now (another node's clock ahead of this one's) does not count yet:
    // the whole-day fold leaves it out, the running one cannot.
    if (this.#latest > now) return computeStats({ ...view, records: this.#records, agentStates: this.#changes });
    return statsOf(folds, view);
  }

  #fold(record: CallRecord): void {
    this.#folds?.records.add(record);
    this.#latest = Math.max(this.#latest, record.at);
  }

  /** Folds the day again from its facts. */
  #refold(): { records: RecordFold; times: TimeFold } {
    const folds = { records: new RecordFold(), times: new TimeFold(this.#day) };
    this.#folds = folds;
    this.#latest = Number.NEGATIVE_INFINITY;
    for (const record of this.#records) this.#fold(record);
    for (const change of this.#changes) {
      folds.times.add(change);
      this.#latest = Math.max(this.#latest, change.at);
    }
    return folds;
  }

  #rollOver(): void {
    const day = this.#dayStart(this.#now());
    if (day === this.#day) return;
    this.#day = day;
    this.#records = this.#records.filter((r) => r.at >= day);
    this.#keys = new Set(this.#records.map(recordKey));
    // Each agent's last change before the new day stands for its state at midnight.
    const last = new Map<string, AgentStateChange>();
    const today: AgentStateChange[] = [];
    for (const change of this.#changes) {
      if (change.at < day) last.set(change.agentId, change);
      else today.push(change);
    }
    this.#changes = [...last.values(), ...today];
    this.#folds = undefined;
    this.#version++;
  }
}
