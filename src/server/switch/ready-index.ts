/**
 * The ACD's index of Ready agents: per skill, the agents that can take a call, longest idle first
 * (ties: configuration order), so that offering a call reads the front of a list instead of
 * scanning and sorting every agent.
 *
 * The index is told when an agent may have become available or changed its idle time (agentChanged:
 * new mode, calls ended, device healthy again, new skills). It is not told when an agent stops
 * being available: an entry is checked when it is read, and a stale one is filed again or dropped.
 */
import { callsOf, healthOf, type Agent, type Ctx } from './model.js';

/** Everything that makes an agent routable, apart from the skill. */
export function canTakeCall(ctx: Ctx, agent: Agent): boolean {
  return (
    agent.extension !== undefined &&
    agent.mode.state === 'Ready' &&
    !agent.busy &&
    healthOf(ctx, agent.extension).device === 'OPENED' &&
    callsOf(ctx, agent.extension).length === 0
  );
}

interface Entry {
  readonly agent: Agent;
  readonly idleSince: number;
  /** Position in the configuration (ctx.agents' order): breaks ties in idle time. */
  readonly order: number;
  readonly skills: readonly string[];
}

const before = (a: Entry, b: Entry): boolean => a.idleSince < b.idleSince || (a.idleSince === b.idleSince && a.order < b.order);

export class ReadyIndex {
  readonly #ctx: Ctx;
  /** Per skill, sorted longest idle first. */
  readonly #bySkill = new Map<string, Entry[]>();
  readonly #filed = new Map<Agent, Entry>();
  readonly #orders = new WeakMap<Agent, number>();
  #nextOrder = 0;

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
    for (const agent of ctx.agents.values()) this.update(agent);
  }

  /** Files the agent again under its current state: in every skill list when it can take a call. */
  update(agent: Agent): void {
    const old = this.#filed.get(agent);
    if (old) {
      for (const skill of old.skills) this.#remove(skill, old);
      this.#filed.delete(agent);
    }
    if (!this.#ctx.agents.has(agent.config.agentId) || this.#ctx.agents.get(agent.config.agentId) !== agent) return;
    if (!canTakeCall(this.#ctx, agent)) return;
    const entry: Entry = { agent, idleSince: agent.idleSince, order: this.#orderOf(agent), skills: [...agent.config.skills] };
    this.#filed.set(agent, entry);
    for (const skill of entry.skills) this.#insert(skill, entry);
  }

  /** The agent a call for the skill goes to: the longest idle one that can take a call. */
  first(skill: string): Agent | undefined {
    for (;;) {
      const entry = this.#bySkill.get(skill)?.[0];
      if (!entry) return undefined;
      if (this.#current(entry, skill)) return entry.agent;
      this.update(entry.agent);
    }
  }

  /** Every agent that can take a call for the skill, longest idle first. */
  list(skill: string): Agent[] {
    const stale = (this.#bySkill.get(skill) ?? []).filter((e) => !this.#current(e, skill));
    for (const entry of stale) this.update(entry.agent);
    return (this.#bySkill.get(skill) ?? []).map((e) => e.agent);
  }

  /** Whether the entry still says the truth about its agent. */
  #current(entry: Entry, skill: string): boolean {
    const { agent } = entry;
    return (
      this.#filed.get(agent) === entry &&
      agent.idleSince === entry.idleSince &&
      agent.config.skills.includes(skill) &&
      this.#ctx.agents.get(agent.config.agentId) === agent &&
      canTakeCall(this.#ctx, agent)
    );
  }

  /**
   * ctx.agents keeps configuration order and only ever appends, so numbering the agents not seen
   * yet in its order keeps the numbers in that order.
   */
  #orderOf(agent: Agent): number {
    let order = this.#orders.get(agent);
    if (order !== undefined) return order;
    for (const each of this.#ctx.agents.values()) if (!this.#orders.has(each)) this.#orders.set(each, this.#nextOrder++);
    order = this.#orders.get(agent);
    if (order === undefined) throw new Error(`agent ${agent.config.agentId} is not configured`);
    return order;
  }

  /** Index of the first entry not before `entry` (binary search). */
  #position(list: readonly Entry[], entry: Entry): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(list[middle] as Entry, entry)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #insert(skill: string, entry: Entry): void {
    let list = this.#bySkill.get(skill);
    if (!list) this.#bySkill.set(skill, (list = []));
    // Agents mostly become idle "now", the latest time yet: appending is the common case.
    const last = list[list.length - 1];
    if (!last || before(last, entry)) list.push(entry);
    else list.splice(this.#position(list, entry), 0, entry);
  }

  #remove(skill: string, entry: Entry): void {
    const list = this.#bySkill.get(skill);
    if (!list) return;
    const at = list[0] === entry ? 0 : this.#position(list, entry);
    if (list[at] === entry) list.splice(at, 1);
    if (list.length === 0) this.#bySkill.delete(skill);
  }
}

const indexes = new WeakMap<Ctx, ReadyIndex>();

export function readyIndex(ctx: Ctx): ReadyIndex {
  let index = indexes.get(ctx);
  if (!index) indexes.set(ctx, (index = new ReadyIndex(ctx)));
  return index;
}

/** The agent may have become available, or its idle time or skills changed. */
export function agentChanged(ctx: Ctx, agent: Agent): void {
  readyIndex(ctx).update(agent);
}
