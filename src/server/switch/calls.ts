/** Call and party primitives: create, connect, leave, end; each tells the devices involved. */
import type { CallStateName } from '../../framework/schema/events.js';
import { attachedAfter, noAttached, type Attached, type AttachedData } from './call-data.js';
import { callInfoEvent, callStateEvent, partyInfoEvent } from './events.js';
import { agentAt, clearTimer, isSilent, sees, setParties, type Call, type Ctx, type Party } from './model.js';
import type { CallRecord } from './types.js';

const MAX_DTMF = 256;

/** Calls created so far, by every switch in the process: gives each its creation order. */
let created = 0;

export function createCall(
  ctx: Ctx,
  init: Pick<Call, 'type' | 'ani' | 'dnis' | 'originator' | 'callData'> & { consultOf?: string; attached?: Attached },
): Call {
  const call: Call = {
    id: ctx.nextCallId(),
    startedAt: ctx.clock.now(),
    waiting: false,
    dtmf: '',
    parties: [],
    order: ++created,
    attached: noAttached(),
    ...init,
  };
  ctx.calls.set(call.id, call);
  return call;
}

export { addParty } from './model.js';

const monitored = (ctx: Ctx, party: Party): boolean => party.kind === 'device' && ctx.devices.has(party.dn);

/** Sends this party's device a CallStateEvent, if someone monitors it. */
export function notify(ctx: Ctx, call: Call, party: Party, name: CallStateName, cause?: string): void {
  if (!monitored(ctx, party)) return;
  const event = callStateEvent(ctx, call, party, name, cause === undefined ? {} : { pyCause: cause });
  ctx.emit({ extension: party.dn, agentId: ctx.devices.get(party.dn), event });
}

export function notifyPartyInfo(ctx: Ctx, call: Call, to: readonly Party[] = call.parties): void {
  for (const party of to) {
    if (monitored(ctx, party)) ctx.emit({ extension: party.dn, agentId: ctx.devices.get(party.dn), event: partyInfoEvent(ctx, call, party.dn) });
  }
}

export function notifyCallInfo(ctx: Ctx, call: Call, to: readonly Party[] = call.parties, name = 'CallInfo'): void {
  for (const party of to) {
    if (monitored(ctx, party)) ctx.emit({ extension: party.dn, agentId: ctx.devices.get(party.dn), event: callInfoEvent(ctx, call, party.dn, name) });
  }
}

export function recordCall(
  ctx: Ctx,
  call: Call,
  kind: CallRecord['kind'],
  extra: { agentId?: string | undefined; extension?: string | undefined; detail?: string | undefined } = {},
): void {
  const record: { -readonly [K in keyof CallRecord]: CallRecord[K] } = { kind, callId: call.id, at: ctx.clock.now(), ani: call.ani, dnis: call.dnis };
  if (call.queue !== undefined) record.queue = call.queue;
  if (extra.agentId !== undefined) record.agentId = extra.agentId;
  if (extra.extension !== undefined) record.extension = extra.extension;
  if (extra.detail !== undefined) record.detail = extra.detail;
  ctx.record(record);
}

/** The agent and extension a record about this party names: for an outside party, the caller's. */
export function recordee(ctx: Ctx, call: Call, party: Party): { agentId?: string | undefined; extension?: string | undefined } {
  const dn = party.kind === 'device' ? party.dn : call.originator;
  const agentId = ctx.devices.get(dn);
  return agentId === undefined ? {} : { agentId, extension: dn };
}

/** Merges data into the call's; true when something changed. */
export function mergeData(call: Call, data: Readonly<Record<string, string>>): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(data)) {
    if (call.callData[key] !== value) changed = true;
  }
  if (changed) call.callData = { ...call.callData, ...data };
  return changed;
}

/** Merges pyUserData, pyCallVariables, pyApplicationData into the call's; true when something changed. */
export function mergeAttached(call: Call, added: AttachedData): boolean {
  const next = attachedAfter(call.attached, added, call.id);
  if (next) call.attached = next;
  return next !== undefined;
}

/** The call's containers as a request would attach them, to carry them to another call. */
export const attachedOf = (call: Call): AttachedData => ({
  pyUserData: call.attached.userData,
  pyCallVariables: call.attached.callVariables,
  pyApplicationData: call.attached.applicationData,
});

export function appendDtmf(call: Call, digits: string): void {
  call.dtmf = (call.dtmf + digits).slice(-MAX_DTMF);
}

/** An agent who joins an ACD call (not as its caller) owes after-call work once free. */
export function markAcd(ctx: Ctx, call: Call, party: Party): void {
  if (call.queue === undefined || party.kind !== 'device' || party.dn === call.originator) return;
  const agent = agentAt(ctx, party.dn);
  if (agent) agent.acw = true;
}

/** The party answers; a caller still waiting for an answer is connected with it. */
export function connect(ctx: Ctx, call: Call, party: Party, detail?: string): void {
  clearTimer(ctx, party);
  party.state = 'connected';
  party.offeredBy = undefined;
  notify(ctx, call, party, 'Established');
  recordCall(ctx, call, 'answered', { ...recordee(ctx, call, party), detail });
  markAcd(ctx, call, party);
  const callers = call.parties.filter((p) => p.state === 'initiated');
  for (const caller of callers) {
    caller.state = 'connected';
    notify(ctx, call, caller, 'Established');
  }
  ctx.deviceChanged(party.dn);
  for (const caller of callers) ctx.deviceChanged(caller.dn);
}

export function isRinging(ctx: Ctx, call: Call, party: Party): boolean {
  return ctx.calls.get(call.id) === call && call.parties.includes(party) && party.state === 'alerting';
}

export function dequeue(ctx: Ctx, call: Call): void {
  if (!call.waiting) return;
  const queue = call.queue === undefined ? undefined : ctx.queues.get(call.queue);
  if (queue) {
    const at = queue.waiting.indexOf(call.id);
    if (at >= 0) queue.waiting.splice(at, 1);
  }
  call.waiting = false;
}

/**
 * A party leaves the call (hang-up, drop, busy far end). The call ends when nobody is left to talk
 * to; if the caller left before anyone answered, it was abandoned.
 */
export function leave(ctx: Ctx, call: Call, party: Party, how: { reason: string; cause?: string | undefined }): void {
  clearTimer(ctx, party);
  const others = call.parties.filter((p) => p !== party);
  const abandoned = party.state !== 'alerting' && (call.waiting || others.every((p) => p.state === 'alerting'));
  notify(ctx, call, party, 'Disconnected');
  setParties(ctx, call, others);
  releaseWatchers(ctx, call, party.dn);
  const talkers = call.parties.filter((p) => !isSilent(p));
  if (talkers.length === 0 || (talkers.length === 1 && !call.waiting)) {
    // The one left behind was talking to the party who just left, whatever it was told before.
    for (const other of talkers) other.peer = party.dn;
    endCall(ctx, call, { abandoned, reason: how.reason, cause: how.cause });
  } else if (!call.waiting) {
    // A monitor (or a whisperer, but for its agent) comes and goes unseen.
    notifyPartyInfo(ctx, call, call.parties.filter((p) => sees(p, party)));
  }
  ctx.deviceChanged(party.dn);
}

/** The monitors and whisperers of the agent at `dn` leave with them: there is nobody left for them to supervise. */
export function releaseWatchers(ctx: Ctx, call: Call, dn: string): void {
  const watchers = call.parties.filter((p) => isSilent(p) && p.supervision?.of === dn);
  if (watchers.length === 0) return;
  setParties(ctx, call, call.parties.filter((p) => !watchers.includes(p)));
  for (const watcher of watchers) {
    clearTimer(ctx, watcher);
    notify(ctx, call, watcher, 'Disconnected');
    ctx.deviceChanged(watcher.dn);
  }
}

/** Ends the call for everyone still in it and forgets it. */
export function endCall(ctx: Ctx, call: Call, how: { abandoned: boolean; reason: string; cause?: string | undefined }): void {
  dequeue(ctx, call);
  ctx.calls.delete(call.id);
  const acd = call.queue !== undefined;
  if (how.abandoned && acd) recordCall(ctx, call, 'abandoned', { detail: how.reason });
  const remaining = call.parties;
  for (const party of remaining) {
    clearTimer(ctx, party);
    notify(ctx, call, party, how.abandoned && acd && party.state === 'alerting' ? 'Abandoned' : 'Disconnected', how.cause);
  }
  setParties(ctx, call, []);
  recordCall(ctx, call, 'ended', { detail: how.reason });
  for (const party of remaining) ctx.deviceChanged(party.dn);
}
