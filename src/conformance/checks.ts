/**
 * Every check the kit runs, in the order it runs them, with the steps it takes: one list that
 * both `opencti conformance --list` prints and run.ts follows, so what is documented is what runs.
 */
import type { TelephonyMode } from '../framework/schema/context.js';

export interface CheckInfo {
  /** Stable id, e.g. "login.snapshot". */
  readonly id: string;
  /** The obligation, in words, with the section of docs/spec.md it comes from. */
  readonly title: string;
  /** What the kit does and expects, in order. */
  readonly steps: readonly string[];
  /** The modes that run it. */
  readonly modes: readonly TelephonyMode[];
  /** Checks that must pass first: when one fails, this one is skipped, naming it. */
  readonly needs?: readonly string[];
  /** When it fails, every later check is skipped: nothing after it can run meaningfully. */
  readonly prerequisite?: boolean;
  /**
   * Optional requests it exercises: it runs only when the connector provides them all, else it is
   * left out of the report (the trace says so); a target that refuses them with
   * OPENCTI_NOT_IMPLEMENTED leaves it out too, with a note.
   */
  readonly optional?: readonly string[];
}

const ALL: readonly TelephonyMode[] = ['simple', 'agentState', 'full'];
const AGENT: readonly TelephonyMode[] = ['agentState', 'full'];
const FULL: readonly TelephonyMode[] = ['full'];
const NOT_FULL: readonly TelephonyMode[] = ['simple', 'agentState'];

/** Said by every check that rings the agent: how the kit makes sure a call can reach them. */
/** Said by the checks that start a call after others may have failed. */
const END_LEFTOVERS = 'first, every call still in progress is ended (hangUpCall in full mode, else driver.callerHangUp) and its Disconnected awaited; one that cannot be ended is a note in the report';
const READY_FIRST = 'in agentState and full mode, when the last agent state seen is not Ready: agentReady, then wait for AgentStateEvent Ready';

export const CHECKS: readonly CheckInfo[] = [
  {
    id: 'target.driver',
    title: 'the target\'s driver gives the kit what it needs for the mode (docs/conformance.md, "Writing a target")',
    steps: [
      'the driver is an object with agent.agentId, agent.agentPwd, link, inboundNumber, inboundCall() and callerHangUp()',
      'in full mode it also names answeringNumber and secondAnsweringNumber',
    ],
    modes: ALL,
    prerequisite: true,
  },
  {
    id: 'declare.version',
    title: 'registers as the framework registers it, declaring name, implementationVersion and a compatible frameworkApi range (docs/spec.md §3 steps 3–4)',
    steps: ['register the connector into a fresh ImplementationRegistry, as a session would: the registry\'s error is the detail'],
    modes: ALL,
    prerequisite: true,
  },
  {
    id: 'declare.functions',
    title: 'provides every function the mode needs (docs/spec.md §2)',
    steps: ['list the mode\'s required functions the registered connector lacks'],
    modes: ALL,
    prerequisite: true,
  },
  {
    id: 'login.resolves',
    title: 'login resolves (docs/spec.md §5.1)',
    steps: ['login(agentId, agentPwd, extension, link, {}, forwardEvent) resolves'],
    modes: ALL,
    prerequisite: true,
  },
  {
    id: 'login.snapshot',
    title: 'a Snapshot follows login, showing the device OPENED and the link CONNECTED (docs/spec.md §4, §5.1)',
    steps: ['wait for a SnapshotEvent forwarded since login was called', 'its pyDeviceState is OPENED and its pyLinkState CONNECTED'],
    modes: ALL,
    needs: ['login.resolves'],
  },
  {
    id: 'agent.ready',
    title: 'agentReady leads to AgentStateEvent Ready (docs/spec.md §5.2)',
    steps: ['agentReady(agentId, "", {}) resolves (OPENCTI_IN_SAME_STATE is taken as already Ready)', 'wait for AgentStateEvent Ready (not needed after OPENCTI_IN_SAME_STATE)'],
    modes: AGENT,
  },
  {
    id: 'agent.readyAgain',
    title: 'agentReady while Ready resolves or is refused with OPENCTI_IN_SAME_STATE (docs/spec.md §6)',
    steps: ['with the agent Ready: agentReady(agentId, "", {})', 'it resolves, or rejects with errCode OPENCTI_IN_SAME_STATE'],
    modes: AGENT,
    needs: ['agent.ready'],
  },
  {
    id: 'agent.notReady',
    title: 'agentNotReady with a reason code leads to NotReady carrying pyReasonCode (docs/spec.md §5.2)',
    steps: ['agentNotReady(agentId, "", "BREAK", link, {}) resolves', 'wait for AgentStateEvent NotReady with pyReasonCode "BREAK"'],
    modes: AGENT,
  },
  {
    id: 'agent.acw',
    title: 'agentNotReady with work mode ACW puts the agent in after-call work (docs/spec.md §4, §5.2)',
    steps: ['agentNotReady(agentId, "ACW", "", link, {}) resolves', 'wait for AgentStateEvent NotReady with pyWorkMode ACW'],
    modes: AGENT,
  },
  {
    id: 'call.alerting',
    title: 'an inbound call reaches the desktop as CallStateEvent Alerting or Offering with pyCallId and pyANI (docs/spec.md §2, §4)',
    steps: [
      READY_FIRST,
      'driver.inboundCall(caller, inboundNumber)',
      'wait for CallStateEvent Alerting or Offering for a new call',
      'its pyCallId is the one the driver returned (when it returned one) and its pyANI is the caller',
    ],
    modes: ALL,
  },
  {
    id: 'call.answer',
    title: 'answerCall leads to Established (docs/spec.md §5.3)',
    steps: ['answerCall(callId, {}) on the ringing call', 'wait for CallStateEvent Established (or Connected) for that call'],
    modes: FULL,
    needs: ['call.alerting'],
  },
  {
    id: 'call.hold',
    title: 'holdCall leads to Held (docs/spec.md §5.3)',
    steps: ['holdCall(callId, {})', 'wait for CallStateEvent Held for that call'],
    modes: FULL,
    needs: ['call.answer'],
  },
  {
    id: 'call.retrieve',
    title: 'retrieveCall leads to Retrieved or Established (docs/spec.md §5.3)',
    steps: ['retrieveCall(callId, {})', 'wait for CallStateEvent Retrieved, Established or Connected for that call'],
    modes: FULL,
    needs: ['call.hold'],
  },
  {
    id: 'call.dtmf',
    title: 'sendDTMF is accepted on an established call (docs/spec.md §5.3)',
    steps: ['sendDTMF(callId, "12#", {}) resolves'],
    modes: FULL,
    needs: ['call.answer'],
  },
  {
    id: 'call.mute',
    title: 'muteCall and unmuteCall show on the call as pyMuted (docs/spec.md §5.4; optional)',
    steps: [
      'muteCall(callId, {}) on the established call',
      'wait for a CallStateEvent for that call with pyMuted true',
      'unmuteCall(callId, {})',
      'wait for a CallStateEvent for that call with pyMuted false',
    ],
    modes: FULL,
    needs: ['call.answer'],
    optional: ['muteCall', 'unmuteCall'],
  },
  {
    id: 'call.recording',
    title: 'recording control is told by CallInfoEvent "Recording" with pyRecordingState (docs/spec.md §4, §5.4; optional)',
    steps: [
      'startRecording(callId, {}) on the established call; wait for a CallInfoEvent Recording with pyRecordingState Recording',
      'pauseRecording(callId, {}); wait for pyRecordingState Paused',
      'resumeRecording(callId, {}); wait for pyRecordingState Recording',
      'stopRecording(callId, {}); wait for pyRecordingState Stopped',
    ],
    modes: FULL,
    needs: ['call.answer'],
    optional: ['startRecording', 'pauseRecording', 'resumeRecording', 'stopRecording'],
  },
  {
    id: 'call.answerUnknown',
    title: 'answerCall on a call that does not exist fails with an error object (docs/spec.md §5.3, §6)',
    steps: ['answerCall("no-such-call", {}) rejects with a non-empty string errCode'],
    modes: FULL,
  },
  {
    id: 'call.consult',
    title: 'consultationCall holds the call and starts a consult call (docs/spec.md §5.4)',
    steps: [
      'consultationCall(callId, answeringNumber, {})',
      'wait for Held for the original call and a CallStateEvent for another call',
      'wait for Established (or Connected) for the consult call (its id from the result, else from the event)',
    ],
    modes: FULL,
    needs: ['call.retrieve'],
  },
  {
    id: 'call.transferComplete',
    title: 'transferComplete joins the held and consult parties and releases the agent (docs/spec.md §5.4)',
    steps: ['transferComplete(callId, consultId, {})', 'wait for Disconnected for both calls at the agent'],
    modes: FULL,
    needs: ['call.consult'],
  },
  {
    id: 'call.makeCall',
    title: 'makeCall leads to Initiated then Established (docs/spec.md §5.3)',
    steps: [END_LEFTOVERS, READY_FIRST, 'makeCall(answeringNumber, {})', 'wait for Initiated (or Alerting) for a new call, then Established (or Connected) for it'],
    modes: FULL,
  },
  {
    id: 'call.conference',
    title: 'conferenceInitiate then conferenceComplete gives a PartyInfoEvent with all parties (docs/spec.md §4, §5.4)',
    steps: [
      'conferenceInitiate(outboundId, secondAnsweringNumber, {})',
      'wait for Established (or Connected) for the consult call',
      'conferenceComplete(outboundId, consultId, {})',
      'wait for a PartyInfoEvent with at least 3 parties',
    ],
    modes: FULL,
    needs: ['call.makeCall'],
  },
  {
    id: 'call.dropParty',
    title: 'dropParty removes one party from the conference (docs/spec.md §5.4)',
    steps: ['dropParty(conferenceCallId, a party other than the agent, {})', 'wait for a PartyInfoEvent without that party'],
    modes: FULL,
    needs: ['call.conference'],
  },
  {
    id: 'call.hangUp',
    title: 'hangUpCall leads to Disconnected (docs/spec.md §5.3)',
    steps: ['hangUpCall(conferenceCallId, {})', 'wait for Disconnected for that call'],
    modes: FULL,
    needs: ['call.conference'],
  },
  {
    id: 'call.blindTransfer',
    title: 'blindTransfer sends an answered call on and releases the agent (docs/spec.md §5.4)',
    steps: [END_LEFTOVERS, READY_FIRST, 'ring the agent as call.alerting does, answerCall, wait for Established', 'blindTransfer(callId, answeringNumber, {})', 'wait for Disconnected for that call at the agent'],
    modes: FULL,
  },
  {
    id: 'call.callerHangsUp',
    title: 'the caller hanging up leads to Disconnected (docs/spec.md §2)',
    steps: [END_LEFTOVERS, READY_FIRST, 'ring the agent as call.alerting does', 'driver.callerHangUp(callId)', 'wait for Disconnected or Abandoned for that call'],
    modes: FULL,
  },
  {
    id: 'call.reject',
    title: 'rejectCall declines an offer: Disconnected at the agent (docs/spec.md §5.4; optional)',
    steps: [
      END_LEFTOVERS,
      READY_FIRST,
      'ring the agent as call.alerting does',
      'rejectCall(callId, {})',
      'wait for Disconnected (or Abandoned) for that call at the agent',
      'driver.callerHangUp(callId): the caller gives up, wherever the call went',
    ],
    modes: FULL,
    optional: ['rejectCall'],
  },
  {
    id: 'call.disconnected',
    title: 'the caller hanging up leads to Disconnected or Abandoned (docs/spec.md §2)',
    steps: ['driver.callerHangUp(callId) for the call of call.alerting', 'wait for Disconnected or Abandoned for that call'],
    modes: NOT_FULL,
    needs: ['call.alerting'],
  },
  {
    id: 'events.valid',
    title: 'every event forwarded matches the JSON schemas (docs/spec.md §4, §3 step 7)',
    steps: ['every event forwarded so far passed the schema; each one that did not is listed with its JSON paths'],
    modes: ALL,
  },
  {
    id: 'events.modeTypes',
    title: 'the event types the mode needs were all sent (docs/spec.md §2)',
    steps: ['SnapshotEvent and CallStateEvent were seen, and AgentStateEvent in agentState and full mode'],
    modes: ALL,
  },
  {
    id: 'logout.snapshot',
    title: 'logout resolves, and its Snapshot comes before it resolves (docs/spec.md §5.1; docs/architecture.md: a session drops events after logout resolves)',
    steps: [
      END_LEFTOVERS,
      'logout(agentId, "", {}) resolves',
      'a SnapshotEvent arrived between the call and its resolution (one after it is reported as too late)',
    ],
    modes: ALL,
  },
  {
    id: 'logout.silence',
    title: 'no event arrives after logout resolves, even when the extension rings (docs/spec.md §5.1, §3 step 6)',
    steps: ['from the moment logout resolved: driver.inboundCall(caller, inboundNumber)', 'listen for the quiet time: any event forwarded since logout resolved fails the check'],
    modes: ALL,
  },
];

/** The checks `mode` runs, in order. */
export const checksFor = (mode: TelephonyMode): CheckInfo[] => CHECKS.filter((c) => c.modes.includes(mode));

export function checkInfo(id: string): CheckInfo {
  const info = CHECKS.find((c) => c.id === id);
  if (!info) throw new Error(`no check ${id} in the catalogue`);
  return info;
}

/** The text `opencti conformance --list` prints for a mode. */
export function formatCheckList(mode: TelephonyMode): string {
  const checks = checksFor(mode);
  const lines = [`${mode} mode: ${checks.length} checks`];
  for (const check of checks) {
    lines.push('', `${check.id} — ${check.title}`);
    check.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
    if (check.needs?.length) lines.push(`  skipped when ${check.needs.join(', ')} did not pass`);
    if (check.prerequisite) lines.push('  when it fails, every later check is skipped');
    if (check.optional) lines.push(`  runs only when the connector provides ${check.optional.join(', ')}`);
  }
  return lines.join('\n');
}
