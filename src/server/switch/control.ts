/** Basic call control on behalf of an agent's extension (SPEC §5.3), and where new calls go. */
import { rejectOffer, enqueue } from './acd.js';
import { requireAgent, type LoggedInAgent } from './agent-state.js';
import { checkAttached, checkCallData, checkMergedSize, type AttachedData } from './call-data.js';
import { addParty, appendDtmf, connect, createCall, isRinging, leave, mergeAttached, mergeData, notify, notifyCallInfo, recordCall } from './calls.js';
import type { Destination } from './dialplan.js';
import { resolveDestination } from './dialplan.js';
import { SwitchError, q } from './errors.js';
import { viewState } from './events.js';
import { callsOf, deviceParty, type Call, type Ctx, type Party } from './model.js';

const DTMF = /^[0-9A-D*#]{1,64}$/i;

export interface OnDevice {
  readonly agent: LoggedInAgent;
  readonly dn: string;
  readonly call: Call;
  readonly party: Party;
}

/**
 * The agent's leg of a call, or an error naming the call and the extension. A supervisor's leg
 * (supervision.ts) only hangs up (`supervising: true`): it takes no other call control.
 */
export function onDevice(ctx: Ctx, agentId: string, callId: string, supervising = false): OnDevice {
  const agent = requireAgent(ctx, agentId);
  const dn = agent.extension;
  const call = typeof callId === 'string' ? ctx.calls.get(callId) : undefined;
  const party = call && deviceParty(call, dn);
  if (!call || !party) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `no such call ${q(callId)} on extension ${dn}`);
  if (party.supervision && !supervising) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `extension ${dn} supervises call ${call.id} (${party.supervision.mode}): it can only hang up or change mode`);
  }
  return { agent, dn, call, party };
}

export const stateOf = (party: Party): string => viewState(party);

/** A call on the device that is not on hold (ringing, dialling or talking). */
export function activeCall(ctx: Ctx, dn: string, except?: Call): Call | undefined {
  return callsOf(ctx, dn).find((c) => c !== except && deviceParty(c, dn)?.state !== 'held');
}

/** Rings the destination: an extension alerts, a queue takes the call, an outside number acts as set. */
export function deliver(ctx: Ctx, call: Call, destination: Destination): void {
  switch (destination.kind) {
    case 'extension': {
      const party = addParty(ctx, call, destination.dn, 'device', 'alerting');
      notify(ctx, call, party, 'Alerting');
      recordCall(ctx, call, 'offered', { agentId: ctx.devices.get(destination.dn), extension: destination.dn });
      return;
    }
    case 'queue':
      enqueue(ctx, call, destination.queue);
      ctx.dispatch();
      return;
    case 'external':
      startFarEnd(ctx, call, addParty(ctx, call, destination.number, 'external', 'alerting'));
  }
}

/** 'answer' answers after farEndAnswerMs, 'busy' fails on the next tick, 'ring' waits to be told. */
function startFarEnd(ctx: Ctx, call: Call, party: Party): void {
  const behaviour = ctx.farEnds.get(party.dn) ?? ctx.defaultFarEnd;
  if (behaviour === 'ring') return;
  party.timer = ctx.setTimer(
    () => {
      party.timer = undefined;
      if (!isRinging(ctx, call, party)) return;
      if (behaviour === 'answer') connect(ctx, call, party);
      else leave(ctx, call, party, { reason: `${party.dn} is busy`, cause: 'Busy' });
    },
    behaviour === 'answer' ? ctx.farEndAnswerMs : 0,
  );
}

export function answer(ctx: Ctx, agentId: string, callId: string): void {
  const { dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'alerting') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} is not ringing on extension ${dn} (it is ${stateOf(party)})`);
  }
  const other = activeCall(ctx, dn, call);
  if (other) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `extension ${dn} is busy on call ${other.id}: hold or end it first`);
  connect(ctx, call, party);
}

/** Hangs up the agent's leg; on a ringing ACD offer this declines it (back to the queue). */
export function hangUp(ctx: Ctx, agentId: string, callId: string): void {
  const { dn, call, party } = onDevice(ctx, agentId, callId, true);
  if (party.state === 'alerting' && party.offeredBy !== undefined) rejectOffer(ctx, call, party);
  else leave(ctx, call, party, { reason: `hung up by ${dn}` });
}

export function hold(ctx: Ctx, agentId: string, callId: string): void {
  const { agent, dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'connected') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} on extension ${dn} cannot be held: it is ${stateOf(party)}`);
  }
  party.state = 'held';
  notify(ctx, call, party, 'Held');
  recordCall(ctx, call, 'held', { agentId: agent.config.agentId, extension: dn });
}

export function retrieve(ctx: Ctx, agentId: string, callId: string): void {
  const { agent, dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} is not held on extension ${dn} (it is ${stateOf(party)})`);
  }
  const other = activeCall(ctx, dn, call);
  if (other) {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `extension ${dn} is busy on call ${other.id}: hold or end it first, or alternate`);
  }
  party.state = 'connected';
  notify(ctx, call, party, 'Retrieved');
  recordCall(ctx, call, 'retrieved', { agentId: agent.config.agentId, extension: dn });
}

export function makeCall(ctx: Ctx, agentId: string, destination: string, callData?: Record<string, string>, attached?: AttachedData): { callId: string } {
  const agent = requireAgent(ctx, agentId);
  const dn = agent.extension;
  const data = checkCallData(callData);
  const more = checkAttached(attached);
  const other = activeCall(ctx, dn);
  if (other) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `extension ${dn} already has call ${other.id} in progress: hold or end it first`);
  const target = resolveDestination(ctx, destination, dn);
  const call = createCall(ctx, {
    type: target.kind === 'external' ? 'OUTBOUND' : 'INTERNAL',
    ani: dn,
    dnis: destination,
    originator: dn,
    callData: data,
  });
  mergeAttached(call, more);
  notify(ctx, call, addParty(ctx, call, dn, 'device', 'initiated'), 'Initiated');
  ctx.deviceChanged(dn);
  deliver(ctx, call, target);
  return { callId: call.id };
}

export function sendDtmf(ctx: Ctx, agentId: string, callId: string, digits: string): void {
  const { agent, dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'connected') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} on extension ${dn} is not connected (it is ${stateOf(party)})`);
  }
  if (typeof digits !== 'string' || !DTMF.test(digits)) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `DTMF digits must be 1 to 64 of 0-9 * # A-D, got ${q(digits)}`);
  }
  appendDtmf(call, digits);
  recordCall(ctx, call, 'dtmf', { agentId: agent.config.agentId, extension: dn, detail: digits });
}

export function setCallData(ctx: Ctx, agentId: string, callId: string, data: Record<string, string>): void {
  const { call } = onDevice(ctx, agentId, callId);
  const added = checkCallData(data);
  checkMergedSize(call.callData, added, call.id);
  if (mergeData(call, added)) notifyCallInfo(ctx, call);
}
