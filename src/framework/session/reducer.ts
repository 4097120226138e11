/**
 * The session's view of the world, reduced from OpenCTI events. Pure: the same state, event and
 * time always give the same result, so the whole call model is testable without a session.
 *
 * Choices the SPEC leaves open:
 * - The server knows better than we do. An event for a call we have not seen (Held, Retrieved,
 *   Established… for an unknown id, e.g. after a missed event) creates the call in that state;
 *   a call first seen already answered (Established/Connected/Held/Retrieved) gets `answeredAt`
 *   set to that event's time, the best bound we have.
 * - Disconnected/Abandoned, PartyInfo and CallInfo for an unknown call change nothing.
 * - One call per id, whatever the server says: of a call a Snapshot lists twice, the last entry
 *   wins and the Reduction names the problem (the session reports it on `error`).
 * - Times are the event's `pyTimestamp` when it carries one (the server's clock survives a
 *   reconnect), otherwise `now`.
 */
import {
  RECORDING_STATES,
  type AgentStateEvent,
  type CallInfoEvent,
  type CallStateEvent,
  type CallStateName,
  type OpenCtiEvent,
  type PartyInfoEvent,
  type RecordingState,
  type SnapshotCall,
  type SnapshotEvent,
} from '../schema/events.js';
import { applyCallData, EMPTY_CALL_DATA, freezeGroup, sameGroup, sameList } from '../call-data.js';
import type { AgentView, CallView, SessionState } from './types.js';

/** What a reduction changed, in the order a host should hear about it. */
export type StateChange =
  | { readonly kind: 'agent'; readonly agent: AgentView }
  | { readonly kind: 'link' }
  | { readonly kind: 'device' }
  | { readonly kind: 'callAdded'; readonly call: CallView }
  | { readonly kind: 'call'; readonly call: CallView }
  | { readonly kind: 'callEnded'; readonly call: CallView };

export interface Reduction {
  readonly state: SessionState;
  /** Empty when the event changed nothing; `state` is then the very same object. */
  readonly changes: readonly StateChange[];
  /**
   * Present when part of a valid event contradicted itself and was left out (a Snapshot listing
   * a call twice): what was wrong, for the host to hear about. The rest of the event applies.
   */
  readonly problems?: readonly string[];
}

const NEW_CALL_STATES: readonly CallStateName[] = ['Alerting', 'Offering'];
const ACTIVE_CALL_STATES: readonly CallStateName[] = ['Established', 'Connected', 'Retrieved'];
const ENDED_CALL_STATES: readonly CallStateName[] = ['Disconnected', 'Abandoned'];
const ANSWERED_STATES: readonly CallStateName[] = ['Established', 'Connected'];
/** States that prove the call was answered before we first saw it. */
const ALREADY_ANSWERED_STATES: readonly CallStateName[] = ['Established', 'Connected', 'Held', 'Retrieved'];

/** Ringing on this extension: the call can be answered (and gets call treatment). */
export const isRinging = (state: CallStateName): boolean => NEW_CALL_STATES.includes(state);
/** Talking: the call can be held, transferred, conferenced, sent DTMF. */
export const isActive = (state: CallStateName): boolean => ACTIVE_CALL_STATES.includes(state);
export const isEnded = (state: CallStateName): boolean => ENDED_CALL_STATES.includes(state);

// Every object handed out is frozen. The builders below always pass fresh objects (or parts of
// an already frozen view), so freezing in place is enough: no copy per event.
const freezeAgent = (agent: AgentView): AgentView => Object.freeze(agent);
const freezeCall = (call: CallView): CallView => {
  Object.freeze(call.parties);
  Object.freeze(call.callData);
  Object.freeze(call.callVariables);
  if (call.capabilities) Object.freeze(call.capabilities);
  freezeGroup(call.userData);
  freezeGroup(call.applicationData);
  return Object.freeze(call);
};
const freezeState = (state: SessionState): SessionState => {
  Object.freeze(state.calls);
  return Object.freeze(state);
};

export const initialState = (): SessionState =>
  freezeState({
    loggedIn: false,
    link: 'DISCONNECTED',
    device: 'CLOSED',
    agent: freezeAgent({ state: 'Logout', afterCallWork: false }),
    calls: [],
  });

const timeOf = (event: { pyTimestamp?: string | undefined }, now: Date): string => event.pyTimestamp ?? now.toISOString();

/** Optional strings: a present value wins, an absent or empty one keeps what we knew. */
const keep = (next: string | undefined, previous: string | undefined): string | undefined =>
  next !== undefined && next !== '' ? next : previous;

/** The call's four data containers after an event: only what the event carries changes. */
function dataAfter(call: Pick<CallView, 'callData' | 'userData' | 'callVariables' | 'applicationData'>, event: CallStateEvent | SnapshotCall | CallInfoEvent) {
  const { callData, userData, callVariables, applicationData } = applyCallData(
    { callData: call.callData, userData: call.userData, callVariables: call.callVariables, applicationData: call.applicationData },
    event,
  );
  return { callData, userData, callVariables, applicationData };
}

function newCall(source: CallStateEvent | SnapshotCall, at: string, parties: readonly string[]): CallView {
  const state = source.pyEventName;
  return freezeCall({
    callId: source.pyCallId,
    type: source.pyCallType,
    state,
    ani: source.pyANI,
    otherDN: source.pyOtherDN,
    thisDN: source.pyThisDN,
    dnis: source.pyDNIS,
    queue: source.pyQueue,
    interactionId: source.pyInteractionID,
    parties: [...parties],
    ...dataAfter(EMPTY_CALL_DATA, source),
    capabilities: source.pyCapabilities,
    ...extrasOf(source, undefined),
    startedAt: at,
    stateChangedAt: at,
    answeredAt: ALREADY_ANSWERED_STATES.includes(state) ? at : undefined,
    endedAt: isEnded(state) ? at : undefined,
  });
}

/** pyRecordingState of a Snapshot entry or a CallInfoEvent, when it names a known state. */
function recordingOf(event: object): RecordingState | undefined {
  const value = (event as { pyRecordingState?: unknown }).pyRecordingState;
  return typeof value === 'string' && (RECORDING_STATES as readonly string[]).includes(value) ? (value as RecordingState) : undefined;
}

/**
 * Our properties (pyMuted, pyRecordingState): absent says nothing new, and a call never told of
 * them carries neither, so a server that does not know them changes nothing in the view.
 */
function extrasOf(event: object, known: CallView | undefined): Pick<CallView, 'muted' | 'recording'> {
  const muted = (event as { pyMuted?: unknown }).pyMuted;
  const nextMuted = typeof muted === 'boolean' ? muted : known?.muted;
  const recording = recordingOf(event) ?? known?.recording;
  return { ...(nextMuted === undefined ? {} : { muted: nextMuted }), ...(recording === undefined ? {} : { recording }) };
}

function updatedCall(call: CallView, event: CallStateEvent, at: string): CallView {
  const state = event.pyEventName;
  return freezeCall({
    ...call,
    // UNKNOWN says nothing new: keep a type we already learned.
    type: event.pyCallType === 'UNKNOWN' ? call.type : event.pyCallType,
    state,
    ani: keep(event.pyANI, call.ani) ?? '',
    otherDN: keep(event.pyOtherDN, call.otherDN) ?? '',
    thisDN: keep(event.pyThisDN, call.thisDN),
    dnis: keep(event.pyDNIS, call.dnis),
    queue: keep(event.pyQueue, call.queue),
    interactionId: keep(event.pyInteractionID, call.interactionId),
    ...dataAfter(call, event),
    capabilities: event.pyCapabilities ?? call.capabilities,
    ...extrasOf(event, call),
    stateChangedAt: state === call.state ? call.stateChangedAt : at,
    answeredAt: call.answeredAt ?? (ANSWERED_STATES.includes(state) ? at : undefined),
    endedAt: isEnded(state) ? at : undefined,
  });
}

const sameRecord = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};
const CALL_FIELDS = [
  'callId', 'type', 'state', 'ani', 'otherDN', 'thisDN', 'dnis', 'queue', 'interactionId',
  'startedAt', 'stateChangedAt', 'answeredAt', 'endedAt', 'muted', 'recording',
] as const satisfies readonly (keyof CallView)[];
const AGENT_FIELDS = ['agentId', 'extension', 'state', 'reasonCode', 'workMode', 'afterCallWork', 'pendingState', 'pendingReasonCode'] as const satisfies readonly (keyof AgentView)[];

/** Field by field over fixed lists: this runs for every event, so no key arrays are built. */
const sameCall = (a: CallView, b: CallView): boolean => {
  if (a === b) return true;
  for (const field of CALL_FIELDS) if (a[field] !== b[field]) return false;
  return (
    sameList(a.parties, b.parties) &&
    sameRecord(a.callData, b.callData) &&
    sameGroup(a.userData, b.userData) &&
    sameList(a.callVariables, b.callVariables) &&
    sameGroup(a.applicationData, b.applicationData) &&
    (a.capabilities === b.capabilities || (a.capabilities !== undefined && b.capabilities !== undefined && sameList(a.capabilities, b.capabilities)))
  );
};
const sameAgent = (a: AgentView, b: AgentView): boolean => {
  if (a === b) return true;
  for (const field of AGENT_FIELDS) if (a[field] !== b[field]) return false;
  return true;
};

function replaceCall(state: SessionState, call: CallView): SessionState {
  return freezeState({ ...state, calls: state.calls.map((c) => (c.callId === call.callId ? call : c)) });
}

function reduceCallState(state: SessionState, event: CallStateEvent, now: Date): Reduction {
  const at = timeOf(event, now);
  const known = state.calls.find((c) => c.callId === event.pyCallId);
  if (isEnded(event.pyEventName)) {
    if (!known) return { state, changes: [] };
    const ended = updatedCall(known, event, at);
    return {
      state: freezeState({ ...state, calls: state.calls.filter((c) => c !== known) }),
      changes: [{ kind: 'callEnded', call: ended }],
    };
  }
  if (!known) {
    const call = newCall(event, at, []);
    return { state: freezeState({ ...state, calls: [...state.calls, call] }), changes: [{ kind: 'callAdded', call }] };
  }
  const call = updatedCall(known, event, at);
  if (sameCall(call, known)) return { state, changes: [] };
  return { state: replaceCall(state, call), changes: [{ kind: 'call', call }] };
}

/** Every agent event says whether a state is pending: one without it has none (applied or withdrawn). */
const pendingOf = (event: AgentStateEvent | SnapshotEvent): Pick<AgentView, 'pendingState' | 'pendingReasonCode'> =>
  event.pyPendingState === undefined
    ? {}
    : { pendingState: event.pyPendingState, pendingReasonCode: event.pyPendingState === 'NotReady' ? keep(event.pyPendingReasonCode, undefined) : undefined };

function agentFrom(previous: AgentView, next: Omit<AgentView, 'afterCallWork'>): AgentView {
  return freezeAgent({
    ...next,
    agentId: keep(next.agentId, previous.agentId),
    extension: keep(next.extension, previous.extension),
    // After-call work is Not Ready in work mode ACW (SPEC §8).
    afterCallWork: next.state === 'NotReady' && next.workMode === 'ACW',
  });
}

function withAgent(state: SessionState, agent: AgentView): Reduction {
  if (sameAgent(agent, state.agent)) return { state, changes: [] };
  return { state: freezeState({ ...state, agent }), changes: [{ kind: 'agent', agent }] };
}

function reduceAgentState(state: SessionState, event: AgentStateEvent): Reduction {
  // Ready and Login clear the Not Ready reason; the other states keep the server's word.
  const clearsReason = event.pyEventName === 'Ready' || event.pyEventName === 'Login';
  return withAgent(
    state,
    agentFrom(state.agent, {
      agentId: event.pyAgentId,
      extension: event.pyThisDN,
      state: event.pyEventName,
      reasonCode: clearsReason ? undefined : keep(event.pyReasonCode, undefined),
      workMode: event.pyWorkMode,
      ...pendingOf(event),
    }),
  );
}

function reducePartyInfo(state: SessionState, event: PartyInfoEvent): Reduction {
  const known = state.calls.find((c) => c.callId === event.pyCallId);
  if (!known) return { state, changes: [] };
  const call = freezeCall({ ...known, parties: event.pyParties.map((p) => p.pyDN) });
  if (sameCall(call, known)) return { state, changes: [] };
  return { state: replaceCall(state, call), changes: [{ kind: 'call', call }] };
}

function reduceCallInfo(state: SessionState, event: CallInfoEvent): Reduction {
  const known = state.calls.find((c) => c.callId === event.pyCallId);
  if (!known) return { state, changes: [] };
  const call = freezeCall({ ...known, ...dataAfter(known, event), ...extrasOf(event, known) });
  if (sameCall(call, known)) return { state, changes: [] };
  return { state: replaceCall(state, call), changes: [{ kind: 'call', call }] };
}

/**
 * One entry per call id: a server that lists a call twice contradicts itself, and the view keeps
 * one call per id. The last entry wins (a server that builds the list as it goes appends the
 * latest word last); the others are reported.
 */
function lastEntries(listed: readonly SnapshotCall[]): { entries: readonly SnapshotCall[]; problems: string[] } {
  const last = new Map<string, number>();
  const times = new Map<string, number>();
  listed.forEach((call, index) => {
    last.set(call.pyCallId, index);
    times.set(call.pyCallId, (times.get(call.pyCallId) ?? 0) + 1);
  });
  if (last.size === listed.length) return { entries: listed, problems: [] };
  const problems = [...times]
    .filter(([, count]) => count > 1)
    .map(([callId, count]) => `Snapshot lists call ${JSON.stringify(callId)} ${count} times: only the last entry was kept`);
  return { entries: listed.filter((call, index) => last.get(call.pyCallId) === index), problems };
}

/**
 * A Snapshot replaces the whole view; calls keep their history (startedAt, answeredAt) when still
 * listed. A Snapshot without `pyCalls` says nothing about calls (a connector reporting a lost link
 * cannot know them): the calls shown stay as they are until a Snapshot lists them again.
 */
function reduceSnapshot(state: SessionState, event: SnapshotEvent, now: Date): Reduction {
  const at = now.toISOString();
  const changes: StateChange[] = [];
  const calls: CallView[] = event.pyCalls === undefined ? [...state.calls] : [];
  const { entries, problems } = lastEntries(event.pyCalls ?? []);
  const reported = problems.length > 0 ? { problems } : {};
  for (const listed of entries) {
    const parties = (listed.pyParties ?? []).map((p) => p.pyDN);
    const known = state.calls.find((c) => c.callId === listed.pyCallId);
    if (isEnded(listed.pyEventName)) continue;
    if (!known) {
      const call = newCall(listed, timeOf(listed, now), parties);
      calls.push(call);
      changes.push({ kind: 'callAdded', call });
      continue;
    }
    const updated = updatedCall(known, { ...listed, pyEventType: 'CallStateEvent' }, timeOf(listed, now));
    const call = listed.pyParties ? freezeCall({ ...updated, parties }) : updated;
    calls.push(call);
    if (!sameCall(call, known)) changes.push({ kind: 'call', call });
  }
  for (const vanished of state.calls.filter((c) => !calls.some((k) => k.callId === c.callId))) {
    changes.push({ kind: 'callEnded', call: freezeCall({ ...vanished, endedAt: at }) });
  }
  const agent = agentFrom(state.agent, {
    agentId: event.pyAgentId,
    extension: event.pyThisDN,
    state: event.pyAgentState,
    reasonCode: keep(event.pyReasonCode, undefined),
    workMode: event.pyWorkMode,
    ...pendingOf(event),
  });
  const head: StateChange[] = [];
  if (!sameAgent(agent, state.agent)) head.push({ kind: 'agent', agent });
  if (event.pyLinkState !== state.link) head.push({ kind: 'link' });
  if (event.pyDeviceState !== state.device) head.push({ kind: 'device' });
  const all = [...head, ...changes];
  if (all.length === 0) return { state, changes: [], ...reported };
  return {
    state: freezeState({ ...state, link: event.pyLinkState, device: event.pyDeviceState, agent, calls }),
    changes: all,
    ...reported,
  };
}

/** Applies one validated event to the state. */
export function reduce(state: SessionState, event: OpenCtiEvent, now: Date): Reduction {
  switch (event.pyEventType) {
    case 'CallStateEvent':
      return reduceCallState(state, event, now);
    case 'AgentStateEvent':
      return reduceAgentState(state, event);
    case 'SnapshotEvent':
      return reduceSnapshot(state, event, now);
    case 'PartyInfoEvent':
      return reducePartyInfo(state, event);
    case 'CallInfoEvent':
      return reduceCallInfo(state, event);
  }
}

/**
 * The view once login has succeeded: this agent on this extension is at least logged in, even
 * before the server's Snapshot says more.
 */
export function loggedIn(state: SessionState, agentId: string, extension: string | undefined): Reduction {
  const agent = freezeAgent({
    ...state.agent,
    agentId,
    extension,
    state: state.agent.state === 'Logout' ? 'Login' : state.agent.state,
  });
  const changes: StateChange[] = sameAgent(agent, state.agent) ? [] : [{ kind: 'agent', agent }];
  return { state: freezeState({ ...state, loggedIn: true, agent: changes.length ? agent : state.agent }), changes };
}

/**
 * The view once logout has succeeded: the agent is out, the device no longer monitored, and any
 * call still listed is ended for the host (no event about it will ever arrive).
 */
export function loggedOut(state: SessionState, now: Date, reasonCode?: string): Reduction {
  const at = now.toISOString();
  const agent = agentFrom(state.agent, { state: 'Logout', reasonCode: keep(reasonCode, undefined) });
  const changes: StateChange[] = [];
  if (!sameAgent(agent, state.agent)) changes.push({ kind: 'agent', agent });
  if (state.device !== 'CLOSED') changes.push({ kind: 'device' });
  for (const call of state.calls) changes.push({ kind: 'callEnded', call: freezeCall({ ...call, endedAt: at }) });
  return { state: freezeState({ ...state, loggedIn: false, device: 'CLOSED', agent, calls: [] }), changes };
}
