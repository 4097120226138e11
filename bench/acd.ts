/**
 * acd.pick / acd.offer: what offering a queued call costs the switch's ACD at 1,000 and 10,000
 * agents (a third of them Not Ready, four skills, some agents with two).
 *
 * pick: choosing the agent, on two identical switch models built with the switch's own modules —
 * the ACD's index of Ready agents (the front of a list, plus filing the agent out when it takes
 * the call and in again when it is Ready) against the scan it replaced (every agent checked, the
 * available ones sorted by idle time), kept here as the reference. Each offer takes the longest
 * idle agent of the next skill, and the agent comes back Ready a millisecond later, so both models
 * go through the same states. There are no other calls: the scan's cost also grows with them.
 *
 * offer: a real switch, end to end: inboundCall to a queue number until the agent's phone rings
 * (routing, the offer, its events and records delivered to a listener); the call is then
 * answered, hung up and the agent made Ready again, outside the timing.
 */
import { isAvailable } from '../src/server/switch/acd.js';
import { login, notReady, ready } from '../src/server/switch/agents.js';
import { ManualClock } from '../src/server/switch/clock.js';
import { applyConfig } from '../src/server/switch/config.js';
import { createSwitch } from '../src/server/switch/switch.js';
import type { Agent, Ctx } from '../src/server/switch/model.js';
import { agentChanged, readyIndex } from '../src/server/switch/ready-index.js';
import type { AgentConfig, QueueConfig } from '../src/server/switch/types.js';
import { contest, median, round3 } from './measure.js';
import type { BenchmarkResult, BenchmarkSuite, SuiteOptions } from './types.js';

const GOAL_MS_PER_OFFER = 0.1;
const SKILLS = ['sales', 'support', 'billing', 'tech'];
const QUEUES: QueueConfig[] = SKILLS.map((skill, i) => ({ name: skill, dnis: `80${i}0`, skill }));
const CALLER = '+33612345678';

function agentConfigs(count: number): AgentConfig[] {
  return Array.from({ length: count }, (_, i) => ({
    agentId: `agent-${i}`,
    extension: String(100_000 + i),
    skills: i % 3 === 0 ? [SKILLS[i % 4] as string, SKILLS[(i + 1) % 4] as string] : [SKILLS[i % 4] as string],
  }));
}

/** Who is Ready: two agents in three, made Ready a millisecond apart. */
const startsReady = (i: number) => i % 3 !== 2;

/** The switch's model, built with its own modules; events and records go nowhere. */
function model(count: number): { ctx: Ctx; clock: ManualClock } {
  const clock = new ManualClock();
  const ctx: Ctx = {
    clock,
    wrapUpMs: 0,
    ringTimeoutMs: 20_000,
    farEndAnswerMs: 0,
    defaultFarEnd: 'ring',
    farEnds: new Map(),
    agents: new Map(),
    queues: new Map(),
    calls: new Map(),
    devices: new Map(),
    deviceCalls: new Map(),
    extensions: new Map(),
    health: new Map(),
    phoneLimits: new Map(),
    nextCallId: () => 'c',
    setTimer: (fn, ms) => clock.setTimeout(fn, ms),
    emit: () => undefined,
    record: () => undefined,
    deviceChanged: () => undefined,
    dispatch: () => undefined,
  };
  const configs = agentConfigs(count);
  applyConfig(ctx, { agents: configs, queues: QUEUES });
  configs.forEach((config, i) => {
    login(ctx, config.agentId, '');
    if (startsReady(i)) ready(ctx, config.agentId);
    else notReady(ctx, config.agentId, 'BREAK');
    clock.advance(1);
  });
  return { ctx, clock };
}

/** The ACD's choice before the index: every agent checked, the available ones sorted by idle time. */
function scanPick(ctx: Ctx, skill: string): Agent | undefined {
  return [...ctx.agents.values()].filter((a) => isAvailable(ctx, a, skill)).sort((a, b) => a.idleSince - b.idleSince)[0];
}

/**
 * One offer: the agent picked takes the call (busy), and is Ready again a millisecond later.
 * `filed` tells the index, as the switch's agent state machine does.
 */
function offerOnce(ctx: Ctx, clock: ManualClock, skill: string, pick: (skill: string) => Agent | undefined, filed: boolean): Agent {
  const agent = pick(skill);
  if (!agent) throw new Error(`no agent for ${skill}`);
  agent.busy = true;
  if (filed) agentChanged(ctx, agent);
  clock.advance(1);
  agent.busy = false;
  agent.idleSince = clock.now();
  if (filed) agentChanged(ctx, agent);
  return agent;
}

async function pick(count: number, { quick, log }: SuiteOptions): Promise<BenchmarkResult> {
  const indexed = model(count);
  const scanned = model(count);
  const index = readyIndex(indexed.ctx);
  // The scan sorts every agent per offer: fewer offers per round keep its rounds short.
  const offers = { index: quick ? 500 : 5_000, scan: Math.max(5, Math.round((quick ? 20_000 : 200_000) / count)) };
  const turn = { index: 0, scan: 0 };
  const chosen = { index: [] as string[], scan: [] as string[] };
  const round = (name: 'index' | 'scan') => () => {
    const { ctx, clock } = name === 'index' ? indexed : scanned;
    const choose = name === 'index' ? (skill: string) => index.first(skill) : (skill: string) => scanPick(ctx, skill);
    const start = performance.now();
    for (let i = 0; i < offers[name]; i++) {
      const agent = offerOnce(ctx, clock, SKILLS[turn[name]++ % SKILLS.length] as string, choose, name === 'index');
      if (chosen[name].length < 2_000) chosen[name].push(agent.config.agentId);
    }
    return offers[name] / ((performance.now() - start) / 1000);
  };
  const rounds = quick ? { warmup: 1, measured: 3 } : { warmup: 2, measured: 9 };
  log(`acd.pick.${count}: ${offers.index} offers (index) and ${offers.scan} (scan) × ${rounds.warmup} warm-up + ${rounds.measured} measured rounds`);
  const { medians, samples } = contest({ index: round('index'), scan: round('scan') }, rounds);

  // The benchmark checks itself: both made the same choices, in the same order.
  const same = Math.min(chosen.index.length, chosen.scan.length);
  if (same === 0 || chosen.index.slice(0, same).join() !== chosen.scan.slice(0, same).join()) {
    throw new Error(`acd.pick.${count}: the index and the scan chose different agents`);
  }
  const perSecond = medians.index ?? Number.NaN;
  const baseline = medians.scan ?? Number.NaN;
  const msPerOffer = 1000 / perSecond;
  const spread = (values: number[] = []) => ({ min: round3(Math.min(...values)), max: round3(Math.max(...values)) });
  return {
    name: `acd.pick.${count}`,
    eventsPerSecond: round3(perSecond),
    baseline: { name: 'scan and sort every agent', eventsPerSecond: round3(baseline) },
    ratio: round3(perSecond / baseline),
    values: { msPerOffer: round3(msPerOffer), scanMsPerOffer: round3(1000 / baseline) },
    goal: { msPerOfferAtMost: GOAL_MS_PER_OFFER },
    meetsGoal: msPerOffer <= GOAL_MS_PER_OFFER,
    details: {
      agents: count,
      readyAgents: [...indexed.ctx.agents.values()].filter((a) => a.mode.state === 'Ready').length,
      offersPerRound: offers,
      warmupRounds: rounds.warmup,
      measuredRounds: rounds.measured,
      comparedChoices: same,
      spread: { index: spread(samples.index), scan: spread(samples.scan) },
    },
  };
}

async function offer(count: number, { quick, log }: SuiteOptions): Promise<BenchmarkResult> {
  const clock = new ManualClock();
  const configs = agentConfigs(count);
  const sw = createSwitch({ clock, callIdPrefix: 'c', agents: configs, queues: QUEUES, wrapUpMs: 0 });
  configs.forEach((config, i) => {
    sw.login(config.agentId, '');
    if (startsReady(i)) sw.ready(config.agentId);
    clock.advance(1);
  });
  let offered: string | undefined;
  let alerting = 0;
  sw.onCallRecord((r) => {
    if (r.kind === 'offered') offered = r.agentId;
  });
  sw.onDeviceEvent(({ event }) => {
    if (event.pyEventName === 'Alerting') alerting++;
  });

  const perRound = quick ? 200 : 1_000;
  let turn = 0;
  const times: number[] = [];
  const round = () => {
    let total = 0;
    for (let i = 0; i < perRound; i++) {
      const queue = QUEUES[turn++ % QUEUES.length] as QueueConfig;
      offered = undefined;
      const start = performance.now();
      const { callId } = sw.inboundCall(CALLER, queue.dnis);
      const took = performance.now() - start;
      total += took;
      times.push(took);
      if (offered === undefined) throw new Error(`acd.offer.${count}: call ${callId} to ${queue.name} was not offered`);
      // After the offer, untimed: the agent takes the call, ends it and is Ready again.
      sw.answer(offered, callId);
      sw.hangUp(offered, callId);
      clock.advance(1);
      sw.ready(offered);
    }
    return perRound / (total / 1000);
  };
  const rounds = quick ? { warmup: 1, measured: 3 } : { warmup: 2, measured: 9 };
  log(`acd.offer.${count}: ${perRound} inbound calls × ${rounds.warmup} warm-up + ${rounds.measured} measured rounds`);
  const { medians, samples } = contest({ offer: round }, rounds);
  if (alerting < perRound * (rounds.warmup + rounds.measured)) throw new Error(`acd.offer.${count}: only ${alerting} calls rang`);

  const perSecond = medians.offer ?? Number.NaN;
  const msPerOffer = 1000 / perSecond;
  const measured = times.slice(perRound * rounds.warmup).sort((a, b) => a - b);
  return {
    name: `acd.offer.${count}`,
    eventsPerSecond: round3(perSecond),
    values: {
      msPerOffer: round3(msPerOffer),
      p50Ms: round3(median(measured)),
      p99Ms: round3(measured[Math.ceil(measured.length * 0.99) - 1] ?? Number.NaN),
    },
    goal: { msPerOfferAtMost: GOAL_MS_PER_OFFER },
    meetsGoal: msPerOffer <= GOAL_MS_PER_OFFER,
    details: {
      agents: count,
      offersPerRound: perRound,
      warmupRounds: rounds.warmup,
      measuredRounds: rounds.measured,
      spread: { min: round3(Math.min(...(samples.offer ?? []))), max: round3(Math.max(...(samples.offer ?? []))) },
    },
  };
}

export const acdSuite: BenchmarkSuite = {
  name: 'acd',
  description: "The ACD's choice of agent at 1,000 and 10,000 agents: its index of Ready agents against a scan of every agent, and a whole offer on a real switch",
  async run(options) {
    const results: BenchmarkResult[] = [];
    for (const count of [1_000, 10_000]) {
      results.push(await pick(count, options));
      results.push(await offer(count, options));
    }
    return results;
  },
};
