/** ACD queues: FIFO waiting, offers to the longest-idle Ready agent with the skill, RONA. */
import { REJECTED_REASON, RONA_REASON, forceNotReady } from './agent-state.js';
import { addParty, endCall, isRinging, notify, recordCall } from './calls.js';
import { agentAt, clearTimer, setParties, type Agent, type Call, type Ctx, type Party, type Queue } from './model.js';
import { agentChanged, canTakeCall, readyIndex } from './ready-index.js';

/** Puts the call in the queue: at the back, or at the front when an offer came back unanswered. */
export function enqueue(ctx: Ctx, call: Call, queue: Queue, how: { front?: boolean; detail?: string } = {}): void {
  call.queue = queue.config.name;
  call.waiting = true;
  if (!how.front || call.queuedAt === undefined) call.queuedAt = ctx.clock.now();
  if (how.front) queue.waiting.unshift(call.id);
  else queue.waiting.push(call.id);
  recordCall(ctx, call, 'queued', { detail: how.detail });
}

export function isAvailable(ctx: Ctx, agent: Agent, skill: string): boolean {
  return agent.config.skills.includes(skill) && canTakeCall(ctx, agent);
}

/** Available agents for a skill, longest idle first (ties: configuration order). */
export function availableAgents(ctx: Ctx, skill: string): Agent[] {
  return readyIndex(ctx).list(skill);
}

/** Offers waiting calls until no queue head has an available agent; the oldest head goes first. */
export function dispatch(ctx: Ctx): void {
  for (;;) {
    let best: { queue: Queue; call: Call; agent: Agent } | undefined;
    for (const queue of ctx.queues.values()) {
      const head = queue.waiting[0];
      if (head === undefined) continue;
      const call = ctx.calls.get(head);
      if (!call) {
        queue.waiting.shift();
        continue;
      }
      const agent = readyIndex(ctx).first(queue.skill);
      if (agent && (!best || (call.queuedAt ?? 0) < (best.call.queuedAt ?? 0))) best = { queue, call, agent };
    }
    if (!best) return;
    offer(ctx, best.queue, best.call, best.agent);
  }
}

function offer(ctx: Ctx, queue: Queue, call: Call, agent: Agent): void {
  const dn = agent.extension as string;
  queue.waiting.shift();
  call.waiting = false;
  const party = addParty(ctx, call, dn, 'device', 'alerting');
  party.offeredBy = queue.config.name;
  party.timer = ctx.setTimer(() => ringTimeout(ctx, call, party), ctx.ringTimeoutMs);
  notify(ctx, call, party, 'Alerting');
  recordCall(ctx, call, 'offered', { agentId: agent.config.agentId, extension: dn });
  agentChanged(ctx, agent);
}

function ringTimeout(ctx: Ctx, call: Call, party: Party): void {
  party.timer = undefined;
  if (!isRinging(ctx, call, party)) return;
  returnToQueue(ctx, call, party, RONA_REASON);
}

/** The agent declined an ACD offer: like RONA, with its own reason code. */
export function rejectOffer(ctx: Ctx, call: Call, party: Party): void {
  returnToQueue(ctx, call, party, REJECTED_REASON);
}

function returnToQueue(ctx: Ctx, call: Call, party: Party, reasonCode: string): void {
  withdrawOffer(ctx, call, party, reasonCode);
  const agent = agentAt(ctx, party.dn);
  if (agent) forceNotReady(ctx, agent, reasonCode);
  ctx.deviceChanged(party.dn);
}

/** Takes a ringing ACD offer back from the agent and puts the call at the front of its queue. */
export function withdrawOffer(ctx: Ctx, call: Call, party: Party, detail: string): void {
  clearTimer(ctx, party);
  notify(ctx, call, party, 'Disconnected');
  setParties(ctx, call, call.parties.filter((p) => p !== party));
  const queue = party.offeredBy === undefined ? undefined : ctx.queues.get(party.offeredBy);
  if (queue && call.parties.length > 0) enqueue(ctx, call, queue, { front: true, detail });
  else endCall(ctx, call, { abandoned: false, reason: detail });
}
