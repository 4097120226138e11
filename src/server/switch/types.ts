/**
 * The public face of the telephony model. Both back ends (simulated and SIP) drive one Switch;
 * the gateway, the HTTP API and the store only talk to it through these types.
 */
import type { DataGroup, DeviceState, LinkState, OpenCtiEvent, SnapshotEvent, WorkMode } from '../../framework/schema/events.js';
import type { AttachedData } from './call-data.js';

/** Time source and timers, injected so that tests are deterministic. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface QueueConfig {
  /** Queue name, e.g. "sales". */
  readonly name: string;
  /** The number callers dial for it, e.g. "8000". */
  readonly dnis: string;
  /** Agents need this skill to take its calls; defaults to the queue name. */
  readonly skill?: string;
}

export interface AgentConfig {
  readonly agentId: string;
  /** Default extension when login names none. */
  readonly extension: string;
  readonly skills: readonly string[];
}

/** What a call to an external number does, as the simulator decides. */
export type FarEndBehaviour = 'answer' | 'ring' | 'busy';

export interface SwitchOptions {
  readonly clock: Clock;
  readonly queues: readonly QueueConfig[];
  readonly agents: readonly AgentConfig[];
  /** After-call work length; 0 = agent stays in ACW until they make themselves Ready. Default 0. */
  readonly wrapUpMs?: number;
  /** Ring time before an offered queue call goes back to the queue (RONA). Default 20 s. */
  readonly ringTimeoutMs?: number;
  /** Behaviour of external numbers not configured in `farEnds`. Default 'ring'. */
  readonly defaultFarEnd?: FarEndBehaviour;
  /** Delay before a far end set to 'answer' answers. Default 0 (answers on the next tick of the clock). */
  readonly farEndAnswerMs?: number;
  /** Behaviour per external number, as setFarEnd would set it. */
  readonly farEnds?: Readonly<Record<string, FarEndBehaviour>>;
  /**
   * Call ids are `<prefix><n>`. Default: the clock's start time in base 36 and a dash, so that ids
   * stay unique across restarts of a server whose store outlives it.
   */
  readonly callIdPrefix?: string;
  /** Called when an event or record listener throws; the switch carries on either way. */
  readonly onListenerError?: (error: unknown) => void;
}

/** One OpenCTI event for one monitored device. */
export interface DeviceEvent {
  /** The extension (DN) whose monitor sees the event. */
  readonly extension: string;
  /** The agent logged in on it, if any. */
  readonly agentId?: string | undefined;
  readonly event: OpenCtiEvent;
}

/** Lifecycle facts the store records as interactions (one per call leg offered to an agent or queue). */
export interface CallRecord {
  readonly kind: 'queued' | 'offered' | 'answered' | 'held' | 'retrieved' | 'transferred' | 'conferenced' | 'dtmf' | 'recording' | 'ended' | 'abandoned';
  readonly callId: string;
  readonly at: number;
  readonly ani: string;
  readonly dnis?: string | undefined;
  readonly queue?: string | undefined;
  readonly agentId?: string | undefined;
  readonly extension?: string | undefined;
  readonly detail?: string | undefined;
}

export interface CallSummary {
  readonly callId: string;
  readonly ani: string;
  readonly dnis: string;
  readonly queue?: string | undefined;
  /** 'queued' while waiting for an agent, then the OpenCTI state of the caller's leg. */
  readonly state: string;
  readonly parties: readonly string[];
  readonly callData: Readonly<Record<string, string>>;
  /** pyUserData, pyCallVariables, pyApplicationData, when the call has any. */
  readonly userData?: DataGroup | undefined;
  readonly callVariables?: readonly string[] | undefined;
  readonly applicationData?: DataGroup | undefined;
  readonly dtmf: string;
  readonly startedAt: number;
}

export interface QueueSummary {
  readonly name: string;
  readonly dnis: string;
  readonly waiting: readonly { callId: string; ani: string; since: number }[];
  readonly readyAgents: readonly string[];
}

/** Whether the telephony behind an extension is reachable (a real back end's phone and proxy). */
export interface DeviceHealth {
  readonly link: LinkState;
  readonly device: DeviceState;
}

export interface AgentSummary {
  readonly agentId: string;
  readonly extension?: string | undefined;
  readonly state: string;
  readonly reasonCode?: string | undefined;
  readonly workMode?: WorkMode | undefined;
}

/** How a supervisor takes part in an agent's call (supervision.ts), or `leave` to stop. */
export type SuperviseMode = 'monitor' | 'whisper' | 'barge' | 'leave';

export interface SupervisionResult {
  readonly supervisorId: string;
  readonly agentId: string;
  readonly callId: string;
  readonly mode: SuperviseMode;
}

/**
 * The telephony model. Every method either changes state and publishes DeviceEvents, or throws a
 * SwitchError whose errCode is an OpenCTI code (SPEC §6). Methods are synchronous: a back end
 * that talks to real telephony calls them when the real thing has happened.
 */
export interface Switch {
  onDeviceEvent(listener: (e: DeviceEvent) => void): () => void;
  onCallRecord(listener: (r: CallRecord) => void): () => void;

  // agents (extension may be '' = the agent's configured one)
  login(agentId: string, extension: string): { extension: string };
  logout(agentId: string, reasonCode: string): void;
  ready(agentId: string, workMode?: string): void;
  notReady(agentId: string, reasonCode: string, workMode?: string): void;
  snapshot(agentId: string): SnapshotEvent;

  // call control on behalf of an agent's extension
  answer(agentId: string, callId: string): void;
  hangUp(agentId: string, callId: string): void;
  hold(agentId: string, callId: string): void;
  retrieve(agentId: string, callId: string): void;
  /** `attached` (pyUserData, pyCallVariables, pyApplicationData) goes with the call like callData. */
  makeCall(agentId: string, destination: string, callData?: Record<string, string>, attached?: AttachedData): { callId: string };
  sendDtmf(agentId: string, callId: string, digits: string): void;
  /** callData and attached, if given, are merged into the call's data before it reaches the destination. */
  blindTransfer(agentId: string, callId: string, destination: string, callData?: Record<string, string>, attached?: AttachedData): void;
  /**
   * Holds callId and dials destination: the consult leg (call type CONSULT). The leg carries the
   * call's data (every container), merged with callData and attached if given.
   */
  consult(agentId: string, callId: string, destination: string, callData?: Record<string, string>, attached?: AttachedData): { callId: string };
  transferComplete(agentId: string, heldCallId: string, activeCallId: string): void;
  conferenceComplete(agentId: string, heldCallId: string, activeCallId: string): void;
  dropParty(agentId: string, callId: string, party: string): void;
  alternate(agentId: string, heldCallId: string, activeCallId: string): void;
  /** Merges data into the call's attached data; every device in the call gets a CallInfoEvent. */
  setCallData(agentId: string, callId: string, data: Record<string, string>): void;
  /**
   * The supervisor's extension joins the agent's call (the answered one, else the held one) as a
   * monitor, a whisperer or a barger, changes mode, or leaves (`leave`).
   */
  supervise(supervisorId: string, agentId: string, mode: SuperviseMode): SupervisionResult;
  /** Mutes or unmutes the agent's own leg (connected or held); that device gets a CallStateEvent with pyMuted. */
  mute(agentId: string, callId: string): void;
  unmute(agentId: string, callId: string): void;
  /** Declines a ringing offer: an ACD call back to the front of its queue, the agent Not Ready (REJECTED). */
  reject(agentId: string, callId: string): void;
  /** Recording control; every party gets a CallInfoEvent "Recording" with pyRecordingState. */
  startRecording(agentId: string, callId: string): void;
  pauseRecording(agentId: string, callId: string): void;
  resumeRecording(agentId: string, callId: string): void;
  stopRecording(agentId: string, callId: string): void;

  // the simulated outside world
  inboundCall(from: string, to: string, callData?: Record<string, string>, attached?: AttachedData): { callId: string };
  /** An outside party hangs up: `number`, or else the caller (ANI), or else the first outside party. */
  callerHangUp(callId: string, number?: string): void;
  farEndAnswer(callId: string): void;
  farEndBusy(callId: string): void;
  setFarEnd(number: string, behaviour: FarEndBehaviour): void;

  /**
   * The back end's view of an extension's telephony (default CONNECTED/OPENED). Snapshots carry
   * it; a change sends the agent logged in there a fresh Snapshot; a CLOSED device gets no offers.
   */
  setDeviceHealth(extension: string, health: DeviceHealth): void;
  /**
   * Requests the phone on an extension cannot carry out (request names, e.g. conferenceInitiate):
   * left out of its calls' pyCapabilities. [] lifts every limit. The agent there gets a fresh Snapshot.
   */
  setPhoneLimits(extension: string, requests: readonly string[]): void;
  /**
   * The agent finished wrapping up: after-call work ends and they become Ready (the work mode of
   * their last Ready). Returns false, changing nothing, when they are not in after-call work.
   */
  endWrapUp(agentId: string): boolean;

  // reading
  calls(): CallSummary[];
  queues(): QueueSummary[];
  agents(): AgentSummary[];
  /** Adds or replaces agents and queues (admin API) without touching calls in progress. */
  configure(update: {
    agents?: readonly AgentConfig[];
    queues?: readonly QueueConfig[];
    /** Agents to forget; refused (OPENCTI_INVALID_ACTION) for an agent still logged in. */
    removeAgents?: readonly string[];
    /** Queues to forget; refused (OPENCTI_INVALID_ACTION) while calls wait in one. */
    removeQueues?: readonly string[];
  }): void;
}
