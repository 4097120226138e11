/** Advanced call control (SPEC §5.4): blind transfer, consult, transfer/conference complete, drop, alternate. */
import { attachedAfter, checkAttached, checkCallData, checkMergedSize, type AttachedData } from './call-data.js';
import { addParty, attachedOf, createCall, leave, markAcd, mergeAttached, mergeData, notify, notifyCallInfo, notifyPartyInfo, recordCall, releaseWatchers } from './calls.js';
import { deliver, onDevice, stateOf } from './control.js';
import { resolveDestination } from './dialplan.js';
import { SwitchError, q } from './errors.js';
import { callsOf, clearTimer, isSilent, sees, setParties, type Call, type Ctx, type Party } from './model.js';

const joined = (parties: readonly Party[]): string => parties.map((p) => p.dn).join(',');

function refuseIfPresent(call: Call, dn: string): void {
  if (call.parties.some((p) => p.dn === dn)) {
    throw new SwitchError('OPENCTI_CONF_ALREADY_PRESENT', `${dn} is already a party of call ${call.id}`);
  }
}

/** The agent drops out and the one other party is sent on to the destination. */
export function blindTransfer(ctx: Ctx, agentId: string, callId: string, destination: string, callData?: Record<string, string>, attached?: AttachedData): void {
  const { agent, dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'connected' && party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} on extension ${dn} cannot be transferred: it is ${stateOf(party)}`);
  }
  const others = call.parties.filter((p) => p !== party && !isSilent(p));
  const other = others[0];
  if (others.length !== 1 || other?.state !== 'connected') {
    throw new SwitchError(
      'OPENCTI_CF_INVALID_OBJECT_STATE',
      `call ${call.id} can be blind transferred only with one answered party on the other side (parties: ${joined(call.parties.filter((p) => sees(party, p)))})`,
    );
  }
  if (typeof destination === 'string') refuseIfPresent(call, destination);
  const added = checkCallData(callData);
  checkMergedSize(call.callData, added, call.id);
  const more = checkAttached(attached);
  const nextAttached = attachedAfter(call.attached, more, call.id);
  const target = resolveDestination(ctx, destination, dn);

  const changedData = mergeData(call, added);
  if (nextAttached) call.attached = nextAttached;
  const changed = changedData || nextAttached !== undefined;
  recordCall(ctx, call, 'transferred', { agentId: agent.config.agentId, extension: dn, detail: `to ${destination}` });
  clearTimer(ctx, party);
  releaseWatchers(ctx, call, dn);
  notify(ctx, call, party, 'Disconnected');
  setParties(ctx, call, call.parties.filter((p) => p !== party));
  const stayers = [...call.parties];
  if (changed) notifyCallInfo(ctx, call, stayers);
  deliver(ctx, call, target);
  notifyPartyInfo(ctx, call, stayers);
  ctx.deviceChanged(dn);
}

/** Holds the call and dials the destination on a CONSULT leg that carries the call's data. */
export function consult(ctx: Ctx, agentId: string, callId: string, destination: string, callData?: Record<string, string>, attached?: AttachedData): { callId: string } {
  const { agent, dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'connected' && party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} on extension ${dn} cannot be consulted from: it is ${stateOf(party)}`);
  }
  const other = callsOf(ctx, dn).find((c) => c !== call);
  if (other) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `extension ${dn} already has a second call ${other.id}`);
  if (typeof destination === 'string') refuseIfPresent(call, destination);
  const added = checkCallData(callData);
  checkMergedSize(call.callData, added, call.id);
  const more = checkAttached(attached);
  const legAttached = attachedAfter(call.attached, more, call.id) ?? call.attached;
  const target = resolveDestination(ctx, destination, dn);

  if (party.state === 'connected') {
    party.state = 'held';
    notify(ctx, call, party, 'Held');
    recordCall(ctx, call, 'held', { agentId: agent.config.agentId, extension: dn });
  }
  const leg = createCall(ctx, {
    type: 'CONSULT',
    ani: dn,
    dnis: destination,
    originator: dn,
    callData: { ...call.callData, ...added },
    attached: legAttached,
    consultOf: call.id,
  });
  notify(ctx, leg, addParty(ctx, leg, dn, 'device', 'initiated'), 'Initiated');
  deliver(ctx, leg, target);
  return { callId: leg.id };
}

interface Pair {
  readonly agentId: string;
  readonly dn: string;
  readonly held: Call;
  readonly heldParty: Party;
  readonly active: Call;
  readonly activeParty: Party;
  readonly moving: readonly Party[];
}

/** Checks a held call and an answered active call of the same agent, and who would move across. */
function pairOf(ctx: Ctx, agentId: string, heldCallId: string, activeCallId: string): Pair {
  if (heldCallId === activeCallId) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `the held and the active call are the same call ${q(heldCallId)}`);
  }
  const h = onDevice(ctx, agentId, heldCallId);
  const a = onDevice(ctx, agentId, activeCallId);
  if (h.party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${h.call.id} is not held on extension ${h.dn} (it is ${stateOf(h.party)})`);
  }
  if (a.party.state === 'initiated') throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${a.call.id} has not been answered yet`);
  if (a.party.state !== 'connected') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${a.call.id} is not active on extension ${a.dn} (it is ${stateOf(a.party)})`);
  }
  const moving = a.call.parties.filter((p) => p !== a.party);
  if (moving.length === 0 || moving.some((p) => p.state !== 'connected' && p.state !== 'held')) {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${a.call.id} has not been answered yet`);
  }
  for (const m of moving) refuseIfPresent(h.call, m.dn);
  checkMergedSize(h.call.callData, a.call.callData, h.call.id);
  attachedAfter(h.call.attached, attachedOf(a.call), h.call.id); // refused before anything moves
  return { agentId: h.agent.config.agentId, dn: h.dn, held: h.call, heldParty: h.party, active: a.call, activeParty: a.party, moving };
}

/**
 * The parties of the active call join the held call, which keeps its call id; the active call is
 * forgotten. On transfer the agent drops out, on conference they rejoin the held call.
 */
function join(ctx: Ctx, kind: 'transfer' | 'conference', pair: Pair): void {
  const { agentId, dn, held, heldParty, active, activeParty, moving } = pair;
  const verb = kind === 'transfer' ? 'transferred' : 'conferenced';
  if (kind === 'transfer') releaseWatchers(ctx, held, dn);
  const stayers = held.parties.filter((p) => p !== heldParty);
  const changedData = mergeData(held, active.callData);
  const changed = mergeAttached(held, attachedOf(active)) || changedData;

  if (kind === 'transfer') {
    recordCall(ctx, held, 'transferred', { agentId, extension: dn, detail: `to ${joined(moving)}` });
    clearTimer(ctx, heldParty);
    notify(ctx, held, heldParty, 'Disconnected');
    setParties(ctx, held, stayers);
  } else {
    heldParty.state = 'connected';
    notify(ctx, held, heldParty, 'Retrieved');
  }

  ctx.calls.delete(active.id);
  notify(ctx, active, activeParty, 'Disconnected');
  const newcomers: Party[] = [];
  for (const m of moving) {
    clearTimer(ctx, m);
    // A party keeps its state: one that had put the consult call on hold (e.g. for a consult of
    // its own) gets the joined call held, so that its device never has two active calls.
    const party = addParty(ctx, held, m.dn, m.kind, m.state === 'held' ? 'held' : 'connected');
    newcomers.push(party);
    notify(ctx, held, party, party.state === 'held' ? 'Held' : 'Established');
    recordCall(ctx, held, 'answered', { agentId: ctx.devices.get(m.dn), extension: m.kind === 'device' ? m.dn : undefined, detail: verb });
    markAcd(ctx, held, party);
    notify(ctx, active, m, 'Disconnected');
  }
  setParties(ctx, active, []);
  recordCall(ctx, active, 'ended', { detail: `${verb} into ${held.id}` });
  if (kind === 'conference') recordCall(ctx, held, 'conferenced', { agentId, extension: dn, detail: joined(held.parties) });

  if (changed) notifyCallInfo(ctx, held, held.parties.filter((p) => !newcomers.includes(p)));
  notifyPartyInfo(ctx, held);
  ctx.deviceChanged(dn);
  for (const m of moving) ctx.deviceChanged(m.dn);
}

export function transferComplete(ctx: Ctx, agentId: string, heldCallId: string, activeCallId: string): void {
  join(ctx, 'transfer', pairOf(ctx, agentId, heldCallId, activeCallId));
}

export function conferenceComplete(ctx: Ctx, agentId: string, heldCallId: string, activeCallId: string): void {
  join(ctx, 'conference', pairOf(ctx, agentId, heldCallId, activeCallId));
}

/** Removes one party (by its DN) from a call the agent is in. */
export function dropParty(ctx: Ctx, agentId: string, callId: string, partyDn: string): void {
  const { dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'connected' && party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${call.id} on extension ${dn} is not connected (it is ${stateOf(party)})`);
  }
  const target = call.parties.find((p) => p.dn === partyDn && sees(party, p));
  if (!target) throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `${q(partyDn)} is not a party of call ${call.id} (parties: ${joined(call.parties.filter((p) => sees(party, p)))})`);
  leave(ctx, call, target, { reason: `${target.dn} dropped by ${dn}` });
}

/** Holds the active call and retrieves the held one. */
export function alternate(ctx: Ctx, agentId: string, heldCallId: string, activeCallId: string): void {
  if (heldCallId === activeCallId) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `the held and the active call are the same call ${q(heldCallId)}`);
  }
  const h = onDevice(ctx, agentId, heldCallId);
  const a = onDevice(ctx, agentId, activeCallId);
  if (h.party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${h.call.id} is not held on extension ${h.dn} (it is ${stateOf(h.party)})`);
  }
  if (a.party.state !== 'connected') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${a.call.id} is not active on extension ${a.dn} (it is ${stateOf(a.party)})`);
  }
  a.party.state = 'held';
  notify(ctx, a.call, a.party, 'Held');
  recordCall(ctx, a.call, 'held', { agentId: a.agent.config.agentId, extension: a.dn });
  h.party.state = 'connected';
  notify(ctx, h.call, h.party, 'Retrieved');
  recordCall(ctx, h.call, 'retrieved', { agentId: h.agent.config.agentId, extension: h.dn });
}
