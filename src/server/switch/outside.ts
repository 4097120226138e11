/** The simulated outside world: callers dialling in and hanging up, far ends answering or busy. */
import { checkAttached, checkCallData, type AttachedData } from './call-data.js';
import { addParty, connect, createCall, leave, mergeAttached } from './calls.js';
import { deliver } from './control.js';
import { isExternalNumber, resolveDestination } from './dialplan.js';
import { SwitchError, q } from './errors.js';
import { isKnownExtension, queueByDnis, type Call, type Ctx, type Party } from './model.js';
import type { FarEndBehaviour } from './types.js';

const CALLER = /^\S{1,64}$/;
const BEHAVIOURS: readonly FarEndBehaviour[] = ['answer', 'ring', 'busy'];

function requireCall(ctx: Ctx, callId: string): Call {
  const call = typeof callId === 'string' ? ctx.calls.get(callId) : undefined;
  if (!call) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `no such call ${q(callId)}`);
  return call;
}

const outsideParties = (call: Call): Party[] => call.parties.filter((p) => p.kind === 'external');

/** A call from outside to a queue's DNIS or to an extension. */
export function inboundCall(ctx: Ctx, from: string, to: string, callData?: Record<string, string>, attached?: AttachedData): { callId: string } {
  if (typeof from !== 'string' || !CALLER.test(from)) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `the caller number must be 1 to 64 characters without spaces, got ${q(from)}`);
  }
  if (isKnownExtension(ctx, from) || queueByDnis(ctx, from)) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `${from} is a number of this switch: internal calls are placed with makeCall`);
  }
  const data = checkCallData(callData);
  const more = checkAttached(attached);
  if (typeof to !== 'string' || !(queueByDnis(ctx, to) || isKnownExtension(ctx, to))) {
    throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `no queue or extension answers on ${q(to)}`);
  }
  const target = resolveDestination(ctx, to);
  const call = createCall(ctx, { type: 'INBOUND', ani: from, dnis: to, originator: from, callData: data });
  mergeAttached(call, more);
  addParty(ctx, call, from, 'external', 'initiated');
  deliver(ctx, call, target);
  return { callId: call.id };
}

export function callerHangUp(ctx: Ctx, callId: string, number?: string): void {
  const call = requireCall(ctx, callId);
  const outside = outsideParties(call);
  const party =
    number === undefined ? (outside.find((p) => p.dn === call.ani) ?? outside[0]) : outside.find((p) => p.dn === number);
  if (!party) {
    throw new SwitchError(
      'OPENCTI_INVALID_ACTION',
      number === undefined ? `call ${call.id} has no outside party` : `${q(number)} is not an outside party of call ${call.id}`,
    );
  }
  leave(ctx, call, party, { reason: `${party.dn} hung up` });
}

function ringingOutside(ctx: Ctx, callId: string): { call: Call; party: Party } {
  const call = requireCall(ctx, callId);
  const party = outsideParties(call).find((p) => p.state === 'alerting');
  if (!party) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} has no ringing outside party`);
  return { call, party };
}

export function farEndAnswer(ctx: Ctx, callId: string): void {
  const { call, party } = ringingOutside(ctx, callId);
  connect(ctx, call, party);
}

export function farEndBusy(ctx: Ctx, callId: string): void {
  const { call, party } = ringingOutside(ctx, callId);
  leave(ctx, call, party, { reason: `${party.dn} is busy`, cause: 'Busy' });
}

export function checkFarEnd(number: unknown, behaviour: unknown): void {
  if (typeof number !== 'string' || !isExternalNumber(number)) {
    throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `far end ${q(number)} is not an outside number of 5 to 15 digits`);
  }
  if (!BEHAVIOURS.includes(behaviour as FarEndBehaviour)) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `far-end behaviour must be one of ${BEHAVIOURS.join(', ')}, got ${q(behaviour)}`);
  }
}

export function setFarEnd(ctx: Ctx, number: string, behaviour: FarEndBehaviour): void {
  checkFarEnd(number, behaviour);
  ctx.farEnds.set(number, behaviour);
}
