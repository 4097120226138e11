/** Builds the OpenCTI events (SPEC §4) a device sees, from the switch's state. */
import {
  MEDIA,
  type AgentStateEvent,
  type CallInfoEvent,
  type CallStateEvent,
  type CallStateName,
  type PartyInfoEvent,
  type SnapshotCall,
  type SnapshotEvent,
} from '../../framework/schema/events.js';
import { containersOf } from '../../framework/call-data.js';
import { capabilitiesOf } from './capabilities.js';
import { callsOf, deviceParty, healthOf, isSilent, iso, sees, type Agent, type Call, type Ctx, type Party } from './model.js';

/** pyCallData always, the other containers when the call has something in them. */
const dataOf = (call: Call) => containersOf({ callData: call.callData, ...call.attached });

/** The state a device shows for its own leg of a call. */
export function viewState(party: Party): CallStateName {
  switch (party.state) {
    case 'initiated':
      return 'Initiated';
    case 'alerting':
      return 'Alerting';
    case 'held':
      return 'Held';
    case 'connected':
      return 'Established';
  }
}

/**
 * The far end as this party sees it: the one other party, or in a conference the caller, else
 * the first outside party; while nobody else is in the call, the number dialled (or last peer).
 */
export function otherDn(call: Call, party: Party): string {
  // A supervisor's far end is the agent supervised; monitors and whisperers are no one's far end.
  if (party.supervision) return party.supervision.of;
  const others = call.parties.filter((p) => p !== party && !isSilent(p));
  const pick =
    others.length === 1
      ? others[0]
      : (others.find((p) => p.dn === call.originator) ?? others.find((p) => p.kind === 'external') ?? others[0]);
  if (pick) return pick.dn;
  if (party.peer !== undefined) return party.peer;
  return party.dn === call.originator ? call.dnis : call.originator;
}

const callFields = (call: Call, party: Party) => ({
  pyCallId: call.id,
  pyCallType: call.type,
  pyANI: call.ani,
  pyOtherDN: otherDn(call, party),
  pyThisDN: party.dn,
  pyDNIS: call.dnis,
  ...(call.queue === undefined ? {} : { pyQueue: call.queue }),
  // told once the party was ever muted: a call nobody muted reads as before
  ...(party.muted === undefined ? {} : { pyMuted: party.muted }),
  ...dataOf(call),
});

export function callStateEvent(ctx: Ctx, call: Call, party: Party, name: CallStateName, extra: Record<string, string> = {}): CallStateEvent {
  const fields = callFields(call, party);
  party.peer = fields.pyOtherDN;
  const inCall = call.parties.includes(party) && name !== 'Disconnected' && name !== 'Abandoned';
  return {
    pyEventType: 'CallStateEvent',
    pyEventName: name,
    pyMedia: MEDIA,
    ...fields,
    pyCapabilities: inCall ? capabilitiesOf(ctx, call, party) : [],
    pyTimestamp: iso(ctx),
    ...extra,
  };
}

export function partyInfoEvent(ctx: Ctx, call: Call, dn: string): PartyInfoEvent {
  const event = {
    pyEventType: 'PartyInfoEvent' as const,
    pyEventName: 'PartyInfo' as const,
    pyMedia: MEDIA,
    pyCallId: call.id,
    pyThisDN: dn,
    pyParties: partiesSeenBy(call, deviceParty(call, dn)),
    pyTimestamp: iso(ctx),
  };
  return event;
}

/** The parties `viewer` is told about (see `sees`); a supervisor's party carries its `role`. */
export function partiesSeenBy(call: Call, viewer: Party | undefined): { pyDN: string; role?: string }[] {
  return call.parties
    .filter((p) => viewer === undefined || sees(viewer, p))
    .map((p) => (p.supervision ? { pyDN: p.dn, role: p.supervision.mode } : { pyDN: p.dn }));
}

export function callInfoEvent(ctx: Ctx, call: Call, dn: string, name = 'CallInfo'): CallInfoEvent {
  const event = {
    pyEventType: 'CallInfoEvent' as const,
    pyEventName: name,
    pyMedia: MEDIA,
    pyCallId: call.id,
    pyThisDN: dn,
    ...dataOf(call),
    ...(call.recording === undefined ? {} : { pyRecordingState: call.recording }),
    pyTimestamp: iso(ctx),
  };
  return event;
}

/** The agent's state as a desktop shows it: Busy while a call keeps them, else their ACD mode. */
export function agentStateEvent(ctx: Ctx, agent: Agent, name: AgentStateEvent['pyEventName'], reasonCode?: string): AgentStateEvent {
  const event: AgentStateEvent = {
    pyEventType: 'AgentStateEvent',
    pyEventName: name,
    pyMedia: MEDIA,
    pyAgentId: agent.config.agentId,
    pyThisDN: agent.extension ?? agent.lastExtension ?? agent.config.extension,
    pyTimestamp: iso(ctx),
  };
  if (name === 'Ready' || name === 'NotReady') {
    event.pyWorkMode = agent.mode.workMode;
    if (agent.mode.reasonCode !== undefined) event.pyReasonCode = agent.mode.reasonCode;
  }
  if (reasonCode) event.pyReasonCode = reasonCode;
  Object.assign(event, pendingOf(agent));
  return event;
}

/** The state the agent asked for during a call, kept for when the calls end (pyPendingState). */
export function pendingOf(agent: Agent): Pick<AgentStateEvent, 'pyPendingState' | 'pyPendingReasonCode'> {
  const pending = agent.extension !== undefined && agent.busy ? agent.pending : undefined;
  if (!pending) return {};
  return { pyPendingState: pending.state, ...(pending.reasonCode === undefined ? {} : { pyPendingReasonCode: pending.reasonCode }) };
}

export function snapshotEvent(ctx: Ctx, agent: Agent): SnapshotEvent {
  const dn = agent.extension;
  const base = {
    pyEventType: 'SnapshotEvent' as const,
    pyEventName: 'Snapshot' as const,
    pyMedia: MEDIA,
    pyAgentId: agent.config.agentId,
    pyLinkState: healthOf(ctx, dn ?? agent.lastExtension ?? agent.config.extension).link,
    pyThisDN: dn ?? agent.lastExtension ?? agent.config.extension,
  };
  if (dn === undefined) return { ...base, pyAgentState: 'Logout', pyDeviceState: 'CLOSED', pyCalls: [] };
  const calls: SnapshotCall[] = callsOf(ctx, dn).map((call) => {
    const party = deviceParty(call, dn) as Party;
    return {
      pyEventName: viewState(party),
      pyMedia: MEDIA,
      ...callFields(call, party),
      pyCapabilities: capabilitiesOf(ctx, call, party),
      pyParties: partiesSeenBy(call, party),
      ...(call.recording === undefined ? {} : { pyRecordingState: call.recording }),
    };
  });
  return {
    ...base,
    pyAgentState: agent.busy ? 'Busy' : agent.mode.state,
    pyDeviceState: healthOf(ctx, dn).device,
    ...(agent.busy ? {} : { pyWorkMode: agent.mode.workMode }),
    ...(agent.busy || agent.mode.reasonCode === undefined ? {} : { pyReasonCode: agent.mode.reasonCode }),
    ...pendingOf(agent),
    pyCalls: calls,
  };
}
