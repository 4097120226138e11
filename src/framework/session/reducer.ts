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
import { applyCallData, EMPTY_CALL_DATA, freezeGroup, sameList } from '../call-data.js';
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

// The classes of call states, written out as comparisons: they are asked several times per event.

/** Ringing on this extension: the call can be answered (and gets call treatment). */
export const isRinging = (state: CallStateName): boolean => state === 'Alerting' || state === 'Offering';
/** Talking: the call can be held, transferred, conferenced, sent DTMF. */
export const isActive = (state: CallStateName): boolean => state === 'Established' || state === 'Connected' || state === 'Retrieved';
export const isEnded = (state: CallStateName): boolean => state === 'Disconnected' || state === 'Abandoned';
const isAnswered = (state: CallStateName): boolean => state === 'Established' || state === 'Connected';
/** States that prove the call was answered before we first saw it. */
const wasAnswered = (state: CallStateName): boolean => isAnswered(state) || state === 'Held' || state === 'Retrieved';

/**
 * The time of reduction: a Date, or a clock read only when an event without `pyTimestamp` needs
 * it (the session passes its clock, so most events never build a Date).
 */
export type ReductionTime = Date | (() => Date);

// What is handed out is immutable and shared: a reduction builds only what the event changes (the
// call it names, the calls list with that one slot replaced, the state object) and freezes only
// those new objects; every untouched call, container and the agent keep their identity. Views are
// built field by field in one order (no spreads), so that they all share one shape.

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type CallDraft = Mutable<CallView>;
type AgentDraft = Mutable<AgentView>;

const NO_CHANGES: readonly StateChange[] = Object.freeze([]);
const NO_PARTIES: readonly string[] = Object.freeze([]);
/** What a call has before any event: the containers a new call's are compared to. */
const BLANK: Pick<CallView, 'parties' | 'callData' | 'userData' | 'callVariables' | 'applicationData' | 'capabilities'> = {
  parties: NO_PARTIES,
  ...EMPTY_CALL_DATA,
  capabilities: undefined,
};

const unchanged = (state: SessionState): Reduction => ({ state, changes: NO_CHANGES });

const stateOf = (loggedIn: boolean, link: SessionState['link'], device: SessionState['device'], agent: AgentView, calls: readonly CallView[]): SessionState =>
  Object.freeze({ loggedIn, link, device, agent, calls });

const withCalls = (state: SessionState, calls: readonly CallView[]): SessionState => stateOf(state.loggedIn, state.link, state.device, state.agent, calls);

export const initialState = (): SessionState =>
  stateOf(false, 'DISCONNECTED', 'CLOSED', Object.freeze(agentDraft(undefined, undefined, 'Logout', undefined, undefined, undefined, undefined)), Object.freeze([]));

const dateOf = (now: ReductionTime): Date => (typeof now === 'function' ? now() : now);
const timeOf = (event: { pyTimestamp?: string | undefined }, now: ReductionTime): string => event.pyTimestamp ?? dateOf(now).toISOString();

/** Optional strings: a present value wins, an absent or empty one keeps what we knew. */
const keep = (next: string | undefined, previous: string | undefined): string | undefined =>
  next !== undefined && next !== '' ? next : previous;

function indexOfCall(calls: readonly CallView[], callId: string): number {
  for (let i = 0; i < calls.length; i++) if ((calls[i] as CallView).callId === callId) return i;
  return -1;
}

/**
 * The calls with slot `index` replaced by `call`, or removed without it, or `call` added at the
 * end when `index` is the length: the other calls are the same objects. Copied by hand into an
 * array of the final length (slice() of a frozen array, push and splice are many times slower).
 */
function callsWith(calls: readonly CallView[], index: number, call?: CallView): readonly CallView[] {
  const length = call ? Math.max(calls.length, index + 1) : calls.length - 1;
  const next = new Array<CallView>(length);
  for (let i = 0, from = 0; i < length; i++, from++) {
    if (i === index && !call) from++;
    next[i] = i === index && call ? call : (calls[from] as CallView);
  }
  return Object.freeze(next);
}

/** A copy of `call` to change before it is frozen; every field, in the order all views share. */
function draftOf(call: CallView): CallDraft {
  return {
    callId: call.callId,
    type: call.type,
    state: call.state,
    ani: call.ani,
    otherDN: call.otherDN,
    thisDN: call.thisDN,
    dnis: call.dnis,
    queue: call.queue,
    interactionId: call.interactionId,
    parties: call.parties,
    callData: call.callData,
    userData: call.userData,
    callVariables: call.callVariables,
    applicationData: call.applicationData,
    capabilities: call.capabilities,
    muted: call.muted,
    recording: call.recording,
    startedAt: call.startedAt,
    stateChangedAt: call.stateChangedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
  };
}

/** Freezes the draft and the parts of it that are new since `before`; shared parts are frozen already. */
function freezeCall(draft: CallDraft, before: typeof BLANK): CallView {
  if (draft.parties !== before.parties) Object.freeze(draft.parties);
  if (draft.callData !== before.callData) Object.freeze(draft.callData);
  if (draft.userData !== before.userData) freezeGroup(draft.userData);
  if (draft.callVariables !== before.callVariables) Object.freeze(draft.callVariables);
  if (draft.applicationData !== before.applicationData) freezeGroup(draft.applicationData);
  if (draft.capabilities !== before.capabilities && draft.capabilities !== undefined) Object.freeze(draft.capabilities);
  return Object.freeze(draft);
}

/**
 * The call's four data containers after an event: only what the event carries changes, and an
 * unchanged container stays the same object (call-data.ts keeps identity when nothing changes).
 */
function applyData(draft: CallDraft, event: CallStateEvent | SnapshotCall | CallInfoEvent): void {
  if (event.pyCallData === undefined && event.pyUserData === undefined && event.pyCallVariables === undefined && event.pyApplicationData === undefined) return;
  const next = applyCallData({ callData: draft.callData, userData: draft.userData, callVariables: draft.callVariables, applicationData: draft.applicationData }, event);
  draft.callData = next.callData;
  draft.userData = next.userData;
  draft.callVariables = next.callVariables;
  draft.applicationData = next.applicationData;
}

/** pyRecordingState of a Snapshot entry or a CallInfoEvent, when it names a known state. */
function recordingOf(event: object): RecordingState | undefined {
  const value = (event as { pyRecordingState?: unknown }).pyRecordingState;
  return typeof value === 'string' && (RECORDING_STATES as readonly string[]).includes(value) ? (value as RecordingState) : undefined;
}

/**
 * Our properties (pyMuted, pyRecordingState): absent says nothing new, and a call never told of
 * them has neither (undefined), so a server that does not know them changes nothing in the view.
 */
function applyExtras(draft: CallDraft, event: object): void {
  const muted = (event as { pyMuted?: unknown }).pyMuted;
  if (typeof muted === 'boolean') draft.muted = muted;
  const recording = recordingOf(event);
  if (recording !== undefined) draft.recording = recording;
}

/** A list the server sent, kept as the one we have when equal (identity tells a host nothing changed). */
const listAfter = (next: readonly string[], previous: readonly string[] | undefined): readonly string[] =>
  previous !== undefined && sameList(next, previous) ? previous : next;

const partiesOf = (parties: readonly { pyDN: string }[] | undefined): string[] => (parties ?? []).map((p) => p.pyDN);

/** A call first seen in `source`; `parties` is a new list, the call's own from now on. */
function newCall(source: CallStateEvent | SnapshotCall, at: string, parties: readonly string[]): CallView {
  const state = source.pyEventName;
  const draft: CallDraft = {
    callId: source.pyCallId,
    type: source.pyCallType,
    state,
    ani: source.pyANI,
    otherDN: source.pyOtherDN,
    thisDN: source.pyThisDN,
    dnis: source.pyDNIS,
    queue: source.pyQueue,
    interactionId: source.pyInteractionID,
    parties: parties.length === 0 ? NO_PARTIES : parties,
    callData: BLANK.callData,
    userData: BLANK.userData,
    callVariables: BLANK.callVariables,
    applicationData: BLANK.applicationData,
    // A copy: the event is the host's too (it hears it on `event`), so it is neither kept nor frozen.
    capabilities: source.pyCapabilities?.slice(),
    muted: undefined,
    recording: undefined,
    startedAt: at,
    stateChangedAt: at,
    answeredAt: wasAnswered(state) ? at : undefined,
    endedAt: isEnded(state) ? at : undefined,
  };
  applyData(draft, source);
  applyExtras(draft, source);
  return freezeCall(draft, BLANK);
}

/** `call` after a call state event (or a Snapshot's entry for it), not frozen yet. */
function updatedDraft(call: CallView, event: CallStateEvent | SnapshotCall, now: ReductionTime): CallDraft {
  const state = event.pyEventName;
  const draft = draftOf(call);
  // UNKNOWN says nothing new: keep a type we already learned.
  if (event.pyCallType !== 'UNKNOWN') draft.type = event.pyCallType;
  draft.state = state;
  draft.ani = keep(event.pyANI, call.ani) ?? '';
  draft.otherDN = keep(event.pyOtherDN, call.otherDN) ?? '';
  draft.thisDN = keep(event.pyThisDN, call.thisDN);
  draft.dnis = keep(event.pyDNIS, call.dnis);
  draft.queue = keep(event.pyQueue, call.queue);
  draft.interactionId = keep(event.pyInteractionID, call.interactionId);
  applyData(draft, event);
  if (event.pyCapabilities !== undefined) draft.capabilities = listAfter(event.pyCapabilities, call.capabilities);
  if (draft.capabilities !== call.capabilities) draft.capabilities = draft.capabilities?.slice();
  applyExtras(draft, event);
  const ended = isEnded(state);
  const answers = call.answeredAt === undefined && isAnswered(state);
  if (state !== call.state || answers || ended) {
    const at = timeOf(event, now);
    if (state !== call.state) draft.stateChangedAt = at;
    if (answers) draft.answeredAt = at;
    draft.endedAt = ended ? at : undefined;
  } else {
    draft.endedAt = undefined;
  }
  return draft;
}

/**
 * A draft against the call it came from, field by field (written out: a loop over field names is
 * a keyed load per field). Containers and lists by identity: the builders above keep one that did
 * not change as the very same object.
 */
const sameCall = (d: CallDraft, c: CallView): boolean =>
  d.state === c.state &&
  d.callData === c.callData &&
  d.parties === c.parties &&
  d.type === c.type &&
  d.ani === c.ani &&
  d.otherDN === c.otherDN &&
  d.thisDN === c.thisDN &&
  d.dnis === c.dnis &&
  d.queue === c.queue &&
  d.interactionId === c.interactionId &&
  d.userData === c.userData &&
  d.callVariables === c.callVariables &&
  d.applicationData === c.applicationData &&
  d.capabilities === c.capabilities &&
  d.muted === c.muted &&
  d.recording === c.recording &&
  d.callId === c.callId &&
  d.startedAt === c.startedAt &&
  d.stateChangedAt === c.stateChangedAt &&
  d.answeredAt === c.answeredAt &&
  d.endedAt === c.endedAt;

const sameAgent = (a: AgentView, b: AgentView): boolean =>
  a === b ||
  (a.state === b.state &&
    a.workMode === b.workMode &&
    a.reasonCode === b.reasonCode &&
    a.afterCallWork === b.afterCallWork &&
    a.agentId === b.agentId &&
    a.extension === b.extension &&
    a.pendingState === b.pendingState &&
    a.pendingReasonCode === b.pendingReasonCode);

/** The reduction for a draft of the call at `index`: nothing when it equals the call, else that one slot replaced. */
function changedCall(state: SessionState, index: number, draft: CallDraft): Reduction {
  const known = state.calls[index] as CallView;
  if (sameCall(draft, known)) return unchanged(state);
  const call = freezeCall(draft, known);
  return { state: withCalls(state, callsWith(state.calls, index, call)), changes: [{ kind: 'call', call }] };
}

function reduceCallState(state: SessionState, event: CallStateEvent, now: ReductionTime): Reduction {
  const index = indexOfCall(state.calls, event.pyCallId);
  if (isEnded(event.pyEventName)) {
    if (index < 0) return unchanged(state);
    const known = state.calls[index] as CallView;
    const ended = freezeCall(updatedDraft(known, event, now), known);
    return { state: withCalls(state, callsWith(state.calls, index)), changes: [{ kind: 'callEnded', call: ended }] };
  }
  if (index < 0) {
    const call = newCall(event, timeOf(event, now), NO_PARTIES);
    return { state: withCalls(state, callsWith(state.calls, state.calls.length, call)), changes: [{ kind: 'callAdded', call }] };
  }
  return changedCall(state, index, updatedDraft(state.calls[index] as CallView, event, now));
}

/** The agent's view, every field in one order; not frozen yet (it may equal the one we have). */
function agentDraft(
  agentId: string | undefined,
  extension: string | undefined,
  state: AgentView['state'],
  reasonCode: string | undefined,
  workMode: AgentView['workMode'],
  pendingState: AgentView['pendingState'],
  pendingReasonCode: string | undefined,
): AgentDraft {
  // After-call work is Not Ready in work mode ACW (SPEC §8).
  return { agentId, extension, state, reasonCode, workMode, afterCallWork: state === 'NotReady' && workMode === 'ACW', pendingState, pendingReasonCode };
}

/**
 * The agent after an agent event or a Snapshot: ids keep what we knew when the event leaves them
 * out; every agent event says whether a state is pending, so one without it has none.
 */
function agentAfter(previous: AgentView, event: AgentStateEvent | SnapshotEvent, state: AgentView['state'], reasonCode: string | undefined): AgentDraft {
  const pending = event.pyPendingState;
  return agentDraft(
    keep(event.pyAgentId, previous.agentId),
    keep(event.pyThisDN, previous.extension),
    state,
    reasonCode,
    event.pyWorkMode,
    pending,
    pending === 'NotReady' ? keep(event.pyPendingReasonCode, undefined) : undefined,
  );
}

function reduceAgentState(state: SessionState, event: AgentStateEvent): Reduction {
  // Ready and Login clear the Not Ready reason; the other states keep the server's word.
  const clearsReason = event.pyEventName === 'Ready' || event.pyEventName === 'Login';
  const agent = agentAfter(state.agent, event, event.pyEventName, clearsReason ? undefined : keep(event.pyReasonCode, undefined));
  if (sameAgent(agent, state.agent)) return unchanged(state);
  const frozen = Object.freeze(agent);
  return { state: stateOf(state.loggedIn, state.link, state.device, frozen, state.calls), changes: [{ kind: 'agent', agent: frozen }] };
}

function reducePartyInfo(state: SessionState, event: PartyInfoEvent): Reduction {
  const index = indexOfCall(state.calls, event.pyCallId);
  if (index < 0) return unchanged(state);
  const known = state.calls[index] as CallView;
  const parties = partiesOf(event.pyParties);
  if (sameList(parties, known.parties)) return unchanged(state);
  const draft = draftOf(known);
  draft.parties = parties;
  return changedCall(state, index, draft);
}

function reduceCallInfo(state: SessionState, event: CallInfoEvent): Reduction {
  const index = indexOfCall(state.calls, event.pyCallId);
  if (index < 0) return unchanged(state);
  const draft = draftOf(state.calls[index] as CallView);
  applyData(draft, event);
  applyExtras(draft, event);
  return changedCall(state, index, draft);
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

/** A call the host will hear no more of, as it ends now: the same view with `endedAt`. */
function endedNow(call: CallView, at: string): CallView {
  const draft = draftOf(call);
  draft.endedAt = at;
  return freezeCall(draft, call);
}

/**
 * A Snapshot replaces the whole view; calls keep their history (startedAt, answeredAt) when still
 * listed. A Snapshot without `pyCalls` says nothing about calls (a connector reporting a lost link
 * cannot know them): the calls shown stay as they are until a Snapshot lists them again.
 */
function reduceSnapshot(state: SessionState, event: SnapshotEvent, time: ReductionTime): Reduction {
  // One reading of the clock for the whole Snapshot: its calls and endings share one time.
  const now = dateOf(time);
  const changes: StateChange[] = [];
  const calls: CallView[] = event.pyCalls === undefined ? [...state.calls] : [];
  const { entries, problems } = lastEntries(event.pyCalls ?? []);
  const reported = problems.length > 0 ? { problems } : {};
  for (const listed of entries) {
    if (isEnded(listed.pyEventName)) continue;
    const index = indexOfCall(state.calls, listed.pyCallId);
    if (index < 0) {
      const call = newCall(listed, timeOf(listed, now), partiesOf(listed.pyParties));
      calls.push(call);
      changes.push({ kind: 'callAdded', call });
      continue;
    }
    const known = state.calls[index] as CallView;
    const draft = updatedDraft(known, listed, now);
    if (listed.pyParties) draft.parties = listAfter(partiesOf(listed.pyParties), known.parties);
    if (sameCall(draft, known)) {
      calls.push(known);
      continue;
    }
    const call = freezeCall(draft, known);
    calls.push(call);
    changes.push({ kind: 'call', call });
  }
  let at: string | undefined;
  for (const vanished of state.calls) {
    if (calls.some((c) => c.callId === vanished.callId)) continue;
    at ??= now.toISOString();
    changes.push({ kind: 'callEnded', call: endedNow(vanished, at) });
  }
  const draft = agentAfter(state.agent, event, event.pyAgentState, keep(event.pyReasonCode, undefined));
  const agent = sameAgent(draft, state.agent) ? state.agent : Object.freeze(draft);
  const head: StateChange[] = [];
  if (agent !== state.agent) head.push({ kind: 'agent', agent });
  if (event.pyLinkState !== state.link) head.push({ kind: 'link' });
  if (event.pyDeviceState !== state.device) head.push({ kind: 'device' });
  const all = [...head, ...changes];
  if (all.length === 0) return { state, changes: NO_CHANGES, ...reported };
  return { state: stateOf(state.loggedIn, event.pyLinkState, event.pyDeviceState, agent, Object.freeze(calls)), changes: all, ...reported };
}

/** Applies one validated event to the state. */
export function reduce(state: SessionState, event: OpenCtiEvent, now: ReductionTime): Reduction {
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
  const { agent: previous } = state;
  const draft = agentDraft(
    agentId,
    extension,
    previous.state === 'Logout' ? 'Login' : previous.state,
    previous.reasonCode,
    previous.workMode,
    previous.pendingState,
    previous.pendingReasonCode,
  );
  const agent = sameAgent(draft, previous) ? previous : Object.freeze(draft);
  const changes: readonly StateChange[] = agent === previous ? NO_CHANGES : [{ kind: 'agent', agent }];
  return { state: stateOf(true, state.link, state.device, agent, state.calls), changes };
}

/**
 * The view once logout has succeeded: the agent is out, the device no longer monitored, and any
 * call still listed is ended for the host (no event about it will ever arrive).
 */
export function loggedOut(state: SessionState, now: ReductionTime, reasonCode?: string): Reduction {
  const { agent: previous } = state;
  const draft = agentDraft(previous.agentId, previous.extension, 'Logout', keep(reasonCode, undefined), undefined, undefined, undefined);
  const agent = sameAgent(draft, previous) ? previous : Object.freeze(draft);
  const changes: StateChange[] = [];
  if (agent !== previous) changes.push({ kind: 'agent', agent });
  if (state.device !== 'CLOSED') changes.push({ kind: 'device' });
  if (state.calls.length > 0) {
    const at = dateOf(now).toISOString();
    for (const call of state.calls) changes.push({ kind: 'callEnded', call: endedNow(call, at) });
  }
  return { state: stateOf(false, state.link, 'CLOSED', agent, state.calls.length === 0 ? state.calls : Object.freeze([])), changes };
}
