/**
 * The live statistics: today's call records and agent state changes, folded (fold.ts), plus the
 * switch's live view (calls waiting, agents' states), give every figure of docs/statistics.md.
 * computeStats folds a whole day at once; StatsBook keeps the folds running as facts arrive, and
 * both give the same figures. No clock is read here: the caller says what "now" and "today" are.
 */
import type { AgentSummary, CallRecord, QueueSummary } from '../switch/types.js';
import { RecordFold, TimeFold, emptyQueueTally, withinOf, type AgentStateChange } from './fold.js';

/** The default service level threshold of a queue: answered within 20 s. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

export { categoryOf, type AgentStateChange, type TimeCategory } from './fold.js';

export interface QueueStats {
  readonly name: string;
  readonly serviceLevelSeconds: number;
  /** Calls waiting in the queue now. */
  readonly waiting: number;
  /** When the call waiting longest joined the queue; null when none waits. */
  readonly oldestWaitingSince: number | null;
  /** asOf − oldestWaitingSince; 0 when none waits. */
  readonly longestWaitMs: number;
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly answeredWithinThreshold: number;
  /** answeredWithinThreshold / (answered + abandoned), 0…1; null before any such call. */
  readonly serviceLevel: number | null;
  readonly averageSpeedOfAnswerMs: number | null;
  readonly averageHandleTimeMs: number | null;
  /** abandoned / offered, 0…1; null before any offered call. */
  readonly abandonRate: number | null;
}

export interface AgentStats {
  readonly agentId: string;
  /** The extension logged in on, if any. */
  readonly extension: string | null;
  /** Ready, NotReady, Busy, Logout… as the switch has it now. */
  readonly state: string;
  readonly reasonCode: string | null;
  readonly workMode: string | null;
  /** When the agent entered that state, as far as this server saw; null when it did not see it. */
  readonly stateSince: number | null;
  readonly timeInStateMs: number | null;
  readonly callsHandled: number;
  readonly averageHandleTimeMs: number | null;
  /** (busy + after-call work) / (busy + after-call work + Ready), 0…1; null before any such time. */
  readonly occupancy: number | null;
  readonly readyMs: number;
  readonly busyMs: number;
  readonly afterCallWorkMs: number;
}

export interface Stats {
  /** The time the figures are computed for. */
  readonly asOf: number;
  /** Start of the day they count from (midnight, server time zone). */
  readonly since: number;
  readonly queues: readonly QueueStats[];
  readonly agents: readonly AgentStats[];
}

export interface StatsInput {
  readonly now: number;
  readonly dayStart: number;
  /** Today's records, in the order the switch made them. */
  readonly records: readonly CallRecord[];
  /** Each agent's state at dayStart (when known), then its changes today, in order. */
  readonly agentStates: readonly AgentStateChange[];
  readonly queues: readonly QueueSummary[];
  readonly agents: readonly AgentSummary[];
  /** Per queue; DEFAULT_SERVICE_LEVEL_SECONDS for a queue not named. */
  readonly serviceLevelSeconds?: Readonly<Record<string, number>>;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** What the figures are made of: the two folds of the day so far. */
export interface Folds {
  readonly records: RecordFold;
  readonly times: TimeFold;
}

/** The whole day folded at once: records up to `now` only, time closed at `now`. */
export function computeStats(input: StatsInput): Stats {
  const records = new RecordFold();
  for (const r of input.records) if (r.at >= input.dayStart && r.at <= input.now) records.add(r);
  const times = new TimeFold(input.dayStart);
  for (const change of input.agentStates) times.add(change, input.now);
  return statsOf({ records, times }, input);
}

/** The figures from the day's folds and the switch's live view. */
export function statsOf(folds: Folds, input: Omit<StatsInput, 'records' | 'agentStates'>): Stats {
  const { now, dayStart } = input;
  const threshold = (queue: string) => input.serviceLevelSeconds?.[queue] ?? DEFAULT_SERVICE_LEVEL_SECONDS;
  const folded = folds.records;
  const liveQueues = new Map(input.queues.map((q) => [q.name, q]));
  const queueNames = [...new Set([...liveQueues.keys(), ...folded.queues.keys()])];
  const queues = queueNames.map((name): QueueStats => {
    const live = liveQueues.get(name);
    const t = folded.queues.get(name) ?? emptyQueueTally();
    const within = withinOf(t, threshold(name));
    const oldest = live && live.waiting.length > 0 ? Math.min(...live.waiting.map((w) => w.since)) : null;
    return {
      name,
      serviceLevelSeconds: threshold(name),
      waiting: live?.waiting.length ?? 0,
      oldestWaitingSince: oldest,
      longestWaitMs: oldest === null ? 0 : Math.max(0, now - oldest),
      offered: t.offered,
      answered: t.answered,
      abandoned: t.abandoned,
      answeredWithinThreshold: within,
      serviceLevel: ratio(within, t.answered + t.abandoned),
      averageSpeedOfAnswerMs: t.answered > 0 ? t.waitTotal / t.answered : null,
      averageHandleTimeMs: t.handled > 0 ? t.handleTotal / t.handled : null,
      abandonRate: ratio(t.abandoned, t.offered),
    };
  });

  const agents = input.agents.map((a): AgentStats => {
    const t = folded.agents.get(a.agentId) ?? { handled: 0, finished: 0, handleTotal: 0 };
    const time = folds.times.read(a.agentId, now);
    const last = time?.last;
    const since = last !== undefined && last.state === a.state ? last.at : null;
    const working = (time?.busy ?? 0) + (time?.acw ?? 0);
    return {
      agentId: a.agentId,
      extension: a.extension ?? null,
      state: a.state,
      reasonCode: a.reasonCode ?? null,
      workMode: a.workMode ?? null,
      stateSince: since,
      timeInStateMs: since === null ? null : Math.max(0, now - since),
      callsHandled: t.handled,
      averageHandleTimeMs: t.finished > 0 ? t.handleTotal / t.finished : null,
      occupancy: ratio(working, working + (time?.ready ?? 0)),
      readyMs: time?.ready ?? 0,
      busyMs: time?.busy ?? 0,
      afterCallWorkMs: time?.acw ?? 0,
    };
  });

  return { asOf: now, since: dayStart, queues, agents };
}

/**
 * The figures that change only when something happens (a call, a state), not as time passes:
 * equal keys mean a supervisor has nothing new to see.
 */
export function changeKey(stats: Stats): string {
  return JSON.stringify({
    since: stats.since,
    queues: stats.queues.map(({ longestWaitMs: _w, ...rest }) => rest),
    agents: stats.agents.map(({ timeInStateMs: _t, occupancy: _o, readyMs: _r, busyMs: _b, afterCallWorkMs: _a, ...rest }) => rest),
  });
}
