/** The agent state machine: ACD modes, Busy while on a call, after-call work and its wrap-up timer. */
import type { AgentStateEvent } from '../../framework/schema/events.js';
import { SwitchError, q } from './errors.js';
import { agentStateEvent } from './events.js';
import { agentAt, callsOf, deviceParty, type Agent, type AgentMode, type Ctx } from './model.js';
import { agentChanged } from './ready-index.js';

export const NOT_READY_AFTER_LOGIN: AgentMode = { state: 'NotReady', workMode: 'AUX_WORK' };
export const AFTER_CALL_WORK: AgentMode = { state: 'NotReady', workMode: 'ACW', timed: true };
export const RONA_REASON = 'RONA';
export const REJECTED_REASON = 'REJECTED';

export type LoggedInAgent = Agent & { extension: string };

export function requireAgent(ctx: Ctx, agentId: string): LoggedInAgent {
  const agent = ctx.agents.get(agentId);
  if (!agent) throw new SwitchError('OPENCTI_AGENT_NOT_LOGGED_IN', `unknown agent ${q(agentId)}`);
  if (agent.extension === undefined) throw new SwitchError('OPENCTI_AGENT_NOT_LOGGED_IN', `agent ${q(agentId)} is not logged in`);
  return agent as LoggedInAgent;
}

export function emitAgent(ctx: Ctx, agent: Agent, name: AgentStateEvent['pyEventName'], reasonCode?: string): void {
  const extension = agent.extension ?? agent.lastExtension;
  if (extension === undefined) return;
  ctx.emit({ extension, agentId: agent.config.agentId, event: agentStateEvent(ctx, agent, name, reasonCode) });
}

export function clearWrapUp(ctx: Ctx, agent: Agent): void {
  if (agent.wrapTimer !== undefined) ctx.clock.clearTimeout(agent.wrapTimer);
  agent.wrapTimer = undefined;
}

export const sameMode = (a: AgentMode | undefined, b: AgentMode): boolean =>
  a !== undefined && a.state === b.state && a.workMode === b.workMode && a.reasonCode === b.reasonCode;

/** Puts the agent in an ACD mode and tells the desktop; timed after-call work ends by itself. */
export function setMode(ctx: Ctx, agent: Agent, mode: AgentMode): void {
  clearWrapUp(ctx, agent);
  agent.mode = mode;
  if (mode.state === 'Ready') agent.idleSince = ctx.clock.now();
  agentChanged(ctx, agent);
  emitAgent(ctx, agent, mode.state);
  if (mode.timed && ctx.wrapUpMs > 0) {
    agent.wrapTimer = ctx.setTimer(() => {
      agent.wrapTimer = undefined;
      if (agent.extension === undefined || agent.busy || agent.mode !== mode) return;
      setMode(ctx, agent, { state: 'Ready', workMode: agent.readyWorkMode });
      ctx.dispatch();
    }, ctx.wrapUpMs);
  }
}

/** Makes a Ready agent Not Ready with a reason the switch chose (RONA, rejected offer). */
export function forceNotReady(ctx: Ctx, agent: Agent, reasonCode: string): void {
  if (agent.extension === undefined || agent.mode.state !== 'Ready') return;
  setMode(ctx, agent, { state: 'NotReady', workMode: 'AUX_WORK', reasonCode });
}

/**
 * Called whenever a device's calls change. The first active call (not just ringing) makes the
 * agent Busy; when the last call goes, the agent takes what they asked for meanwhile, else
 * after-call work if they handled an ACD call, else the mode they had before.
 */
export function deviceChanged(ctx: Ctx, dn: string): void {
  const agent = agentAt(ctx, dn);
  if (!agent) return;
  const calls = callsOf(ctx, dn);
  const active = calls.some((c) => deviceParty(c, dn)?.state !== 'alerting');
  if (active && !agent.busy) {
    agent.busy = true;
    clearWrapUp(ctx, agent);
    emitAgent(ctx, agent, 'Busy');
  } else if (calls.length === 0 && agent.busy) {
    agent.busy = false;
    agent.idleSince = ctx.clock.now();
    const next = agent.pending ?? (agent.acw ? AFTER_CALL_WORK : agent.mode);
    agent.pending = undefined;
    agent.acw = false;
    setMode(ctx, agent, next);
  }
  if (calls.length === 0) {
    agentChanged(ctx, agent);
    ctx.dispatch();
  }
}
