/**
 * Today's raw facts for the statistics: the switch's call records and the agents' state changes.
 * Adding the same record twice changes nothing (a restart loads the stored ones while a cluster
 * replica may replay them too); at midnight yesterday's facts are dropped, keeping each agent's
 * last state so that today's time in it counts from midnight.
 */
import type { AgentSummary, CallRecord, QueueSummary } from '../switch/types.js';
import { computeStats, type AgentStateChange, type Stats } from './figures.js';

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

const recordKey = (r: CallRecord): string => JSON.stringify([r.callId, r.kind, r.at, r.agentId ?? null, r.detail ?? null]);

export class StatsBook {
  readonly #now: () => number;
  readonly #dayStart: (at: number) => number;
  #day: number;
  #records: CallRecord[] = [];
  #keys = new Set<string>();
  #changes: AgentStateChange[] = [];
  /** Bumped by every fact added: an unchanged version means unchanged figures (but for time). */
  #version = 0;

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
    return true;
  }

  addAgentState(change: AgentStateChange): void {
    this.#rollOver();
    this.#changes.push(change);
    this.#version++;
  }

  figures(live: LiveView): Stats {
    this.#rollOver();
    return computeStats({
      now: this.#now(),
      dayStart: this.#day,
      records: this.#records,
      agentStates: this.#changes,
      queues: live.queues,
      agents: live.agents,
      ...(live.serviceLevelSeconds ? { serviceLevelSeconds: live.serviceLevelSeconds } : {}),
    });
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
    this.#version++;
  }
}
