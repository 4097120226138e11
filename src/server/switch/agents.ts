/** Agent requests: login, logout, Ready, Not Ready, snapshot (SPEC §5.1, §5.2, §8). */
import type { SnapshotEvent, WorkMode } from '../../framework/schema/events.js';
import { withdrawOffer } from './acd.js';
import { NOT_READY_AFTER_LOGIN, clearWrapUp, emitAgent, requireAgent, sameMode, setMode } from './agent-state.js';
import { SwitchError, q } from './errors.js';
import { snapshotEvent } from './events.js';
import { callsOf, deviceParty, isKnownExtension, queueByDnis, type Agent, type AgentMode, type Ctx } from './model.js';

const READY_MODES: readonly string[] = ['MODE_NONE', 'MODE_AUTO_IN', 'MODE_MANUAL_IN'];
const NOT_READY_MODES: readonly string[] = ['AUX_WORK', 'MODE_NONE', 'ACW'];

function readyMode(workMode: string | undefined): WorkMode {
  if (workMode === undefined || workMode === '') return 'MODE_NONE';
  if (READY_MODES.includes(workMode)) return workMode as WorkMode;
  throw new SwitchError('OPENCTI_INVALID_ACTION', `work mode ${q(workMode)} does not go with Ready; use one of ${READY_MODES.join(', ')}`);
}

function notReadyMode(workMode: string | undefined): WorkMode {
  if (workMode === undefined || workMode === '') return 'AUX_WORK';
  if (workMode === 'ACW') return 'ACW';
  if (NOT_READY_MODES.includes(workMode)) return 'AUX_WORK';
  throw new SwitchError('OPENCTI_INVALID_ACTION', `work mode ${q(workMode)} does not go with Not Ready; use AUX_WORK or ACW`);
}

/**
 * Logs the agent in on the extension ('' = their configured one) and starts monitoring it. The
 * agent starts Not Ready (work mode AUX_WORK, no reason). Logging in again on the same extension
 * changes nothing.
 */
export function login(ctx: Ctx, agentId: string, extension: string): { extension: string } {
  const agent = ctx.agents.get(agentId);
  if (!agent) throw new SwitchError('OPENCTI_AUTH_FAILED', `unknown agent ${q(agentId)}`);
  if (agent.extension !== undefined) {
    if (!extension || extension === agent.extension) return { extension: agent.extension };
    throw new SwitchError('OPENCTI_AGENT_LOGGED_IN', `agent ${q(agentId)} is already logged in on extension ${agent.extension}`);
  }
  const dn = extension || agent.config.extension;
  if (typeof dn !== 'string' || !isKnownExtension(ctx, dn) || queueByDnis(ctx, dn)) {
    throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `unknown extension ${q(dn)}`);
  }
  const holder = ctx.devices.get(dn);
  if (holder !== undefined) throw new SwitchError('OPENCTI_AGENT_LOGGED_IN', `extension ${dn} is in use by agent ${q(holder)}`);

  agent.extension = dn;
  agent.lastExtension = dn;
  agent.mode = NOT_READY_AFTER_LOGIN;
  agent.busy = false;
  agent.acw = false;
  agent.pending = undefined;
  agent.idleSince = ctx.clock.now();
  ctx.devices.set(dn, agentId);
  emitAgent(ctx, agent, 'Login');
  emitAgent(ctx, agent, 'NotReady');
  return { extension: dn };
}

/** Refused while the agent has calls; a ringing ACD offer goes back to the front of its queue. */
export function logout(ctx: Ctx, agentId: string, reasonCode: string): void {
  const agent = requireAgent(ctx, agentId);
  const dn = agent.extension;
  const calls = callsOf(ctx, dn);
  const offers = calls.flatMap((call) => {
    const party = deviceParty(call, dn);
    return party && party.state === 'alerting' && party.offeredBy !== undefined ? [{ call, party }] : [];
  });
  if (offers.length !== calls.length) {
    const kept = calls.find((c) => !offers.some((o) => o.call === c));
    throw new SwitchError('OPENCTI_INVALID_ACTION', `agent ${q(agentId)} cannot log out during call ${kept?.id ?? ''} on extension ${dn}`);
  }
  clearWrapUp(ctx, agent);
  // Not routable any more before the offers go back, so that none comes straight back here.
  agent.mode = { state: 'NotReady', workMode: 'AUX_WORK', reasonCode: reasonCode || undefined };
  for (const { call, party } of offers) withdrawOffer(ctx, call, party, `${dn} logged out`);
  emitAgent(ctx, agent, 'Logout', reasonCode || undefined);
  ctx.devices.delete(dn);
  (agent as Agent).extension = undefined;
  agent.busy = false;
  agent.acw = false;
  agent.pending = undefined;
  ctx.dispatch();
}

/**
 * While a call keeps the agent busy, the request is kept for when the calls end: a Busy
 * AgentStateEvent says so (pyPendingState); the one that applies it carries no pending state.
 */
function request(ctx: Ctx, agentId: string, mode: AgentMode, sameState: () => boolean): void {
  const agent = requireAgent(ctx, agentId);
  if (agent.busy) {
    if (sameMode(agent.pending, mode)) throw new SwitchError('OPENCTI_IN_SAME_STATE', `agent ${q(agentId)} has already asked for ${describe(mode)}`);
    agent.pending = mode;
    emitAgent(ctx, agent, 'Busy');
    return;
  }
  if (sameState()) throw new SwitchError('OPENCTI_IN_SAME_STATE', `agent ${q(agentId)} is already ${describe(agent.mode)}`);
  setMode(ctx, agent, mode);
  if (mode.state === 'Ready') ctx.dispatch();
}

const describe = (mode: AgentMode): string =>
  mode.state === 'Ready' ? 'Ready' : `Not Ready (${mode.workMode}${mode.reasonCode === undefined ? '' : `, reason ${mode.reasonCode}`})`;

export function ready(ctx: Ctx, agentId: string, workMode?: string): void {
  const mode: AgentMode = { state: 'Ready', workMode: readyMode(workMode) };
  const agent = ctx.agents.get(agentId);
  request(ctx, agentId, mode, () => agent?.mode.state === 'Ready');
  if (agent) agent.readyWorkMode = mode.workMode;
}

/** workMode 'ACW' is after-call work asked for by the agent: it lasts until they ask for another state. */
export function notReady(ctx: Ctx, agentId: string, reasonCode: string, workMode?: string): void {
  const mode: AgentMode = { state: 'NotReady', workMode: notReadyMode(workMode), reasonCode: reasonCode || undefined };
  request(ctx, agentId, mode, () => {
    const current = ctx.agents.get(agentId)?.mode;
    return current !== undefined && sameMode(current, mode) && !current.timed;
  });
}

/** Ends after-call work (the agent wrapped up): Ready again, with the work mode of their last Ready. */
export function endWrapUp(ctx: Ctx, agentId: string): boolean {
  const agent = requireAgent(ctx, agentId);
  if (agent.busy || agent.mode.state !== 'NotReady' || agent.mode.workMode !== 'ACW') return false;
  setMode(ctx, agent, { state: 'Ready', workMode: agent.readyWorkMode });
  ctx.dispatch();
  return true;
}

/** The agent's whole state; for an agent not logged in, Logout with the device CLOSED. */
export function snapshot(ctx: Ctx, agentId: string): SnapshotEvent {
  const agent = ctx.agents.get(agentId);
  if (!agent) throw new SwitchError('OPENCTI_AGENT_NOT_LOGGED_IN', `unknown agent ${q(agentId)}`);
  return snapshotEvent(ctx, agent);
}
