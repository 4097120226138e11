/**
 * The two running folds behind the figures: call records into per-queue and per-agent tallies,
 * agent state changes into time per state. Each takes one fact at a time, so the figures can
 * follow a day as it happens (StatsBook) or be folded from a whole day at once (computeStats),
 * and both end with the same tallies.
 */
import type { CallRecord } from '../switch/types.js';

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

export interface QueueTally {
  offered: number;
  answered: number;
  abandoned: number;
  waitTotal: number;
  /** Each answered call's wait: the threshold is the store's and may change during the day. */
  readonly waits: number[];
  handled: number;
  handleTotal: number;
  /** How many waits are within `withinOf`'s threshold, for the threshold last asked. */
  within?: { thresholdMs: number; count: number } | undefined;
}

export interface AgentTally {
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

export const emptyQueueTally = (): QueueTally => ({ offered: 0, answered: 0, abandoned: 0, waitTotal: 0, waits: [], handled: 0, handleTotal: 0 });

/** Answered calls that waited at most the threshold; counted again only when the threshold changes. */
export function withinOf(tally: QueueTally, thresholdSeconds: number): number {
  const thresholdMs = thresholdSeconds * 1000;
  if (tally.within?.thresholdMs !== thresholdMs) {
    tally.within = { thresholdMs, count: tally.waits.filter((wait) => wait <= thresholdMs).length };
  }
  return tally.within.count;
}

/** Call records, in the order the switch made them, into per-queue and per-agent tallies. */
export class RecordFold {
  readonly queues = new Map<string, QueueTally>();
  readonly agents = new Map<string, AgentTally>();
  /** Calls not ended yet (an ended call is forgotten). */
  readonly #calls = new Map<string, CallTrack>();

  add(r: CallRecord): void {
    let call = this.#calls.get(r.callId);
    if (!call) this.#calls.set(r.callId, (call = { offeredIn: new Set(), answeredVia: new Map(), legs: new Map() }));
    switch (r.kind) {
      case 'queued': {
        if (r.queue === undefined) break;
        if (!call.offeredIn.has(r.queue)) {
          call.offeredIn.add(r.queue);
          this.#queue(r.queue).offered++;
        }
        // A call back at the front after RONA keeps waiting since it first came.
        if (call.waitingIn?.queue !== r.queue) call.waitingIn = { queue: r.queue, since: r.at };
        break;
      }
      case 'answered': {
        if (r.agentId === undefined) break;
        if (call.waitingIn) {
          const tally = this.#queue(call.waitingIn.queue);
          const wait = r.at - call.waitingIn.since;
          tally.answered++;
          tally.waitTotal += wait;
          tally.waits.push(wait);
          if (tally.within !== undefined && wait <= tally.within.thresholdMs) tally.within.count++;
          if (!call.answeredVia.has(call.waitingIn.queue)) call.answeredVia.set(call.waitingIn.queue, r.at);
          call.waitingIn = undefined;
        }
        // Calls handled are ACD calls: the ones that came through a queue (also by transfer).
        if (r.queue !== undefined && !call.legs.has(r.agentId)) {
          this.#agent(r.agentId).handled++;
          call.legs.set(r.agentId, r.at);
        }
        break;
      }
      case 'transferred':
        if (r.agentId !== undefined) this.#endLeg(call, r.agentId, r.at);
        break;
      case 'abandoned':
        if (call.waitingIn) this.#queue(call.waitingIn.queue).abandoned++;
        call.waitingIn = undefined;
        break;
      case 'ended': {
        call.waitingIn = undefined;
        for (const agentId of [...call.legs.keys()]) this.#endLeg(call, agentId, r.at);
        for (const [name, at] of call.answeredVia) {
          const tally = this.#queue(name);
          tally.handled++;
          tally.handleTotal += r.at - at;
        }
        this.#calls.delete(r.callId);
        break;
      }
      default:
        // Records that count in no figure still opened a track: forget it unless it matters.
        if (call.offeredIn.size === 0 && call.legs.size === 0 && call.answeredVia.size === 0 && !call.waitingIn) this.#calls.delete(r.callId);
        break;
    }
  }

  #queue(name: string): QueueTally {
    let tally = this.queues.get(name);
    if (!tally) this.queues.set(name, (tally = emptyQueueTally()));
    return tally;
  }

  #agent(id: string): AgentTally {
    let tally = this.agents.get(id);
    if (!tally) this.agents.set(id, (tally = { handled: 0, finished: 0, handleTotal: 0 }));
    return tally;
  }

  #endLeg(call: CallTrack, agentId: string, at: number): void {
    const from = call.legs.get(agentId);
    if (from === undefined) return;
    call.legs.delete(agentId);
    const tally = this.#agent(agentId);
    tally.finished++;
    tally.handleTotal += at - from;
  }
}

export type AgentTimes = Record<TimeCategory, number>;

interface TimeEntry extends AgentTimes {
  last: AgentStateChange;
}

/**
 * Agent state changes, in the order they came, into time per state since the day's start. The
 * state an agent is in now is counted up to `now` when read, not stored.
 */
export class TimeFold {
  readonly #dayStart: number;
  readonly #entries = new Map<string, TimeEntry>();

  constructor(dayStart: number) {
    this.#dayStart = dayStart;
  }

  /** `until` caps the time closed (a whole-day fold for an earlier "now"); by default the change's own time. */
  add(change: AgentStateChange, until = change.at): void {
    const entry = this.#entries.get(change.agentId);
    if (!entry) {
      this.#entries.set(change.agentId, { ready: 0, busy: 0, acw: 0, notReady: 0, loggedOut: 0, last: change });
      return;
    }
    this.#close(entry, entry, Math.min(change.at, until));
    entry.last = change;
  }

  /** The agent's times up to `now`, and the last change seen; undefined for an agent never seen. */
  read(agentId: string, now: number): (AgentTimes & { last: AgentStateChange }) | undefined {
    const entry = this.#entries.get(agentId);
    if (!entry) return undefined;
    const times = { ...entry };
    this.#close(entry, times, now);
    return times;
  }

  #close(entry: TimeEntry, into: AgentTimes, until: number): void {
    const from = Math.max(entry.last.at, this.#dayStart);
    if (until > from) into[categoryOf(entry.last)] += until - from;
  }
}
