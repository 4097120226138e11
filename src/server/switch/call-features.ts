/** Mute per party and declining an offer: the agent's own leg, on behalf of the agent's extension. */
import { rejectOffer } from './acd.js';
import { leave, notify } from './calls.js';
import { onDevice, stateOf } from './control.js';
import { SwitchError } from './errors.js';
import { viewState } from './events.js';
import type { Ctx } from './model.js';

/** Mutes or unmutes the agent's leg; only that device hears of it (a CallStateEvent with pyMuted). */
export function setMuted(ctx: Ctx, agentId: string, callId: string, muted: boolean): void {
  const { dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'connected' && party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} on extension ${dn} cannot be ${muted ? 'muted' : 'unmuted'}: it is ${stateOf(party)}`);
  }
  if ((party.muted ?? false) === muted) return;
  party.muted = muted;
  notify(ctx, call, party, viewState(party));
}

/**
 * Declines a ringing offer. An ACD offer goes back to the front of its queue and the agent goes
 * Not Ready (REJECTED); a call rung straight to the extension ends for its caller as busy.
 */
export function reject(ctx: Ctx, agentId: string, callId: string): void {
  const { dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'alerting') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} is not ringing on extension ${dn} (it is ${stateOf(party)}): only an offer can be rejected`);
  }
  if (party.offeredBy !== undefined) rejectOffer(ctx, call, party);
  else leave(ctx, call, party, { reason: `rejected by ${dn}`, cause: 'Busy' });
}
