/**
 * Silent monitor, whisper (coach) and barge-in: a supervisor's extension joins an agent's call as
 * a party with a supervision mode, changes mode, or leaves. Who is told what follows `sees`
 * (model.ts): the supervisor sees everyone, the agent a whisperer or a barger, the rest a barger.
 */
import { requireAgent } from './agent-state.js';
import { addParty, leave, notify, notifyPartyInfo } from './calls.js';
import { SwitchError, q } from './errors.js';
import { callsOf, deviceParty, sees, type Call, type Ctx, type Party, type SupervisionMode } from './model.js';
import type { SuperviseMode, SupervisionResult } from './types.js';

export const SUPERVISE_MODES: readonly SuperviseMode[] = ['monitor', 'whisper', 'barge', 'leave'];

/** The agent's call a supervisor can join: the one they talk on, else the one they hold. */
function agentCall(ctx: Ctx, dn: string): Call | undefined {
  const calls = callsOf(ctx, dn).filter((c) => !deviceParty(c, dn)?.supervision);
  return calls.find((c) => deviceParty(c, dn)?.state === 'connected') ?? calls.find((c) => deviceParty(c, dn)?.state === 'held');
}

/** The supervisor's party supervising the agent at `agentDn`, if any. */
function supervising(ctx: Ctx, supervisorDn: string, agentDn: string): { call: Call; party: Party } | undefined {
  for (const call of callsOf(ctx, supervisorDn)) {
    const party = deviceParty(call, supervisorDn);
    if (party?.supervision?.of === agentDn) return { call, party };
  }
  return undefined;
}

export function supervise(ctx: Ctx, supervisorId: string, agentId: string, mode: SuperviseMode): SupervisionResult {
  if (!SUPERVISE_MODES.includes(mode)) throw new SwitchError('OPENCTI_INVALID_ACTION', `mode must be monitor, whisper, barge or leave, got ${q(mode)}`);
  const supervisor = requireAgent(ctx, supervisorId);
  const agent = requireAgent(ctx, agentId);
  if (supervisor === agent) throw new SwitchError('OPENCTI_INVALID_ACTION', `agent ${q(agentId)} cannot supervise their own call`);
  const supervisorDn = supervisor.extension;
  const agentDn = agent.extension;
  const current = supervising(ctx, supervisorDn, agentDn);

  if (mode === 'leave') {
    if (!current) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `${q(supervisorId)} is not supervising a call of agent ${q(agentId)}`);
    leave(ctx, current.call, current.party, { reason: `${supervisorDn} stopped supervising ${agentDn}` });
    return { supervisorId, agentId, callId: current.call.id, mode };
  }
  if (current) {
    changeMode(ctx, current.call, current.party, mode);
    return { supervisorId, agentId, callId: current.call.id, mode };
  }

  const call = agentCall(ctx, agentDn);
  if (!call) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `agent ${q(agentId)} is not on a call (answered or held) to supervise`);
  if (deviceParty(call, supervisorDn)) throw new SwitchError('OPENCTI_CONF_ALREADY_PRESENT', `${supervisorDn} is already a party of call ${call.id}`);
  const own = callsOf(ctx, supervisorDn)[0];
  if (own) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `extension ${supervisorDn} is on call ${own.id}: end it before supervising`);

  const party = addParty(ctx, call, supervisorDn, 'device', 'connected');
  party.supervision = { mode, of: agentDn };
  notify(ctx, call, party, 'Established');
  notifyPartyInfo(ctx, call, call.parties.filter((p) => sees(p, party)));
  ctx.deviceChanged(supervisorDn);
  return { supervisorId, agentId, callId: call.id, mode };
}

/** Everyone who saw the supervisor before or sees them now is told the new party list. */
function changeMode(ctx: Ctx, call: Call, party: Party, mode: SupervisionMode): void {
  const role = party.supervision as NonNullable<Party['supervision']>;
  if (role.mode === mode) throw new SwitchError('OPENCTI_IN_SAME_STATE', `${party.dn} already supervises call ${call.id} in ${mode} mode`);
  const before = call.parties.filter((p) => sees(p, party));
  party.supervision = { mode, of: role.of };
  const after = call.parties.filter((p) => sees(p, party));
  notifyPartyInfo(ctx, call, call.parties.filter((p) => before.includes(p) || after.includes(p)));
}
