/**
 * The live statistics as one pure fold: today's call records and agent state changes, plus the
 * switch's live view (calls waiting, agents' states), give every figure of docs/statistics.md.
 * No clock is read here: the caller says what "now" and "today" are.
 */
import type { AgentSummary, CallRecord, QueueSummary } from '../switch/types.js';

/** The default service level threshold of a queue: answered within 20 s. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

/** An agent state change, as the agent's AgentStateEvent says it. */
export interface AgentStateChange {
  readonly agentId: string;
  /** Login, Ready, NotReady, Busy, Logout (the AgentStateEvent's name). */
  readonly state: string;
  readonly workMode?: string | undefined;
  readonly at: number;
}

/** What occupancy counts an agent state as. */
export type TimeCategory = 'ready' | 'busy' | 'acw' | 'notReady' | 'loggedOut';

export const categoryOf = (change: Pick<AgentStateChange, 'state' | 'workMode'>): TimeCategory => {
  switch (change.state) {
    case 'Ready':
      return 'ready';
    case 'Busy':
      return 'busy';
    case 'NotReady':
      return change.workMode === 'ACW' ? 'acw' : 'notReady';
    case 'Login':
      return 'notReady';
    default:
      return 'loggedOut';
  }
};

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

interface QueueTally {
  offered: number;
  answered: number;
  abandoned: number;
  within: number;
  waitTotal: number;
  handled: number;
  handleTotal: number;
}

interface AgentTally {
  handled: number;
  finished: number;
  handleTotal: number;
}

/** One call as the fold follows it. */
interface CallTrack {
  /** Queues this call was offered through today. */
  readonly offeredIn: Set<string>;
  /** The queue it waits in for an answer, since when. */
  waitingIn?: { queue: string; since: number } | undefined;
  /** The queues through which it was answered (a call transferred to another queue: both), and when. */
  readonly answeredVia: Map<string, number>;
  /** Agents talking on it (answered, not yet left), since when. */
  readonly legs: Map<string, number>;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function foldRecords(records: readonly CallRecord[], thresholds: (queue: string) => number) {
  const queues = new Map<string, QueueTally>();
  const agents = new Map<string, AgentTally>();
  const calls = new Map<string, CallTrack>();
  const queue = (name: string) => {
    let tally = queues.get(name);
    if (!tally) queues.set(name, (tally = { offered: 0, answered: 0, abandoned: 0, within: 0, waitTotal: 0, handled: 0, handleTotal: 0 }));
    return tally;
  };
  const agent = (id: string) => {
    let tally = agents.get(id);
    if (!tally) agents.set(id, (tally = { handled: 0, finished: 0, handleTotal: 0 }));
    return tally;
  };
  const endLeg = (call: CallTrack, agentId: string, at: number) => {
    const from = call.legs.get(agentId);
    if (from === undefined) return;
    call.legs.delete(agentId);
    const tally = agent(agentId);
    tally.finished++;
    tally.handleTotal += at - from;
  };

  for (const r of records) {
    let call = calls.get(r.callId);
    if (!call) calls.set(r.callId, (call = { offeredIn: new Set(), answeredVia: new Map(), legs: new Map() }));
    switch (r.kind) {
      case 'queued': {
        if (r.queue === undefined) break;
        if (!call.offeredIn.has(r.queue)) {
          call.offeredIn.add(r.queue);
          queue(r.queue).offered++;
        }
        // A call back at the front after RONA keeps waiting since it first came.
        if (call.waitingIn?.queue !== r.queue) call.waitingIn = { queue: r.queue, since: r.at };
        break;
      }
      case 'answered': {
        if (r.agentId === undefined) break;
        if (call.waitingIn) {
          const tally = queue(call.waitingIn.queue);
          const wait = r.at - call.waitingIn.since;
          tally.answered++;
          tally.waitTotal += wait;
          if (wait <= thresholds(call.waitingIn.queue) * 1000) tally.within++;
          if (!call.answeredVia.has(call.waitingIn.queue)) call.answeredVia.set(call.waitingIn.queue, r.at);
          call.waitingIn = undefined;
        }
        // Calls handled are ACD calls: the ones that came through a queue (also by transfer).
        if (r.queue !== undefined && !call.legs.has(r.agentId)) {
          agent(r.agentId).handled++;
          call.legs.set(r.agentId, r.at);
        }
        break;
      }
      case 'transferred':
        if (r.agentId !== undefined) endLeg(call, r.agentId, r.at);
        break;
      case 'abandoned':
        if (call.waitingIn) queue(call.waitingIn.queue).abandoned++;
        call.waitingIn = undefined;
        break;
      case 'ended': {
        call.waitingIn = undefined;
        for (const agentId of [...call.legs.keys()]) endLeg(call, agentId, r.at);
        for (const [name, at] of call.answeredVia) {
          const tally = queue(name);
          tally.handled++;
          tally.handleTotal += r.at - at;
        }
        calls.delete(r.callId);
        break;
      }
      default:
        break;
    }
  }
  return { queues, agents };
}

function foldAgentTimes(changes: readonly AgentStateChange[], dayStart: number, now: number) {
  const times = new Map<string, Record<TimeCategory, number> & { last?: AgentStateChange }>();
  const close = (entry: Record<TimeCategory, number> & { last?: AgentStateChange }, until: number) => {
    if (!entry.last) return;
    const from = Math.max(entry.last.at, dayStart);
    if (until > from) entry[categoryOf(entry.last)] += until - from;
  };
  for (const change of changes) {
    let entry = times.get(change.agentId);
    if (!entry) times.set(change.agentId, (entry = { ready: 0, busy: 0, acw: 0, notReady: 0, loggedOut: 0 }));
    close(entry, Math.min(change.at, now));
    entry.last = change;
  }
  for (const entry of times.values()) close(entry, now);
  return times;
}

export function computeStats(input: StatsInput): Stats {
  const { now, dayStart } = input;
  const threshold = (queue: string) => input.serviceLevelSeconds?.[queue] ?? DEFAULT_SERVICE_LEVEL_SECONDS;
  const folded = foldRecords(
    input.records.filter((r) => r.at >= dayStart && r.at <= now),
    threshold,
  );
  const times = foldAgentTimes(input.agentStates, dayStart, now);

  const queueNames = [...new Set([...input.queues.map((q) => q.name), ...folded.queues.keys()])];
  const queues = queueNames.map((name): QueueStats => {
    const live = input.queues.find((q) => q.name === name);
    const t = folded.queues.get(name) ?? { offered: 0, answered: 0, abandoned: 0, within: 0, waitTotal: 0, handled: 0, handleTotal: 0 };
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
      answeredWithinThreshold: t.within,
      serviceLevel: ratio(t.within, t.answered + t.abandoned),
      averageSpeedOfAnswerMs: t.answered > 0 ? t.waitTotal / t.answered : null,
      averageHandleTimeMs: t.handled > 0 ? t.handleTotal / t.handled : null,
      abandonRate: ratio(t.abandoned, t.offered),
    };
  });

  const agents = input.agents.map((a): AgentStats => {
    const t = folded.agents.get(a.agentId) ?? { handled: 0, finished: 0, handleTotal: 0 };
    const time = times.get(a.agentId);
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
