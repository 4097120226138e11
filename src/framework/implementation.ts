/**
 * The implementation contract (SPEC §5): what a connector for one CTI server provides.
 * Every request returns a Promise that settles when the CTI server accepted or refused it;
 * the state change itself arrives later as an event through `forwardEvent`.
 * A connector written in the original callback style is wrapped by `compat/`.
 */
import type { CtiLink } from './schema/context.js';
import type { CallData, CallDataContainers } from './schema/events.js';

/** Handed to `login`: the implementation passes every OpenCTI event it maps through it. */
export type ForwardEvent = (event: unknown) => void;

/** Free-form per-request options passed through to the implementation unchanged. */
export type RequestOptions = Record<string, unknown>;

/**
 * The options of a request that places a call or sends one on (makeCall, blindTransfer,
 * transferInitiate, consultationCall, conferenceInitiate): `callData` is the call data the new
 * call (or the call sent on) carries; the rest passes through like any options.
 */
export type CallRequestOptions = RequestOptions & { readonly callData?: CallDataContainers | undefined };

export type LinkDefinition = CtiLink;

export interface ImplementationInfo {
  /** Vendor / connector name, e.g. "reference". */
  readonly name: string;
  /** The connector's own version (semver). */
  readonly implementationVersion: string;
  /** The framework API versions the connector was written for, as a semver range, e.g. "^1.0.0". */
  readonly frameworkApi: string;
}

export interface SessionFunctions {
  login(
    agentId: string,
    agentPwd: string,
    extension: string,
    linkDefinition: LinkDefinition,
    options: RequestOptions,
    forwardEvent: ForwardEvent,
  ): Promise<unknown>;
  logout(agentId: string, reasonCode: string, options: RequestOptions): Promise<unknown>;
}

export interface AgentStateFunctions {
  agentReady(agentId: string, workMode: string, options: RequestOptions): Promise<unknown>;
  agentNotReady(
    agentId: string,
    workMode: string,
    reasonCode: string,
    linkDefinition: LinkDefinition,
    options: RequestOptions,
  ): Promise<unknown>;
}

export interface BasicCallFunctions {
  answerCall(callId: string, options: RequestOptions): Promise<unknown>;
  hangUpCall(callId: string, options: RequestOptions): Promise<unknown>;
  holdCall(callId: string, options: RequestOptions): Promise<unknown>;
  retrieveCall(callId: string, options: RequestOptions): Promise<unknown>;
  /** Resolves with `{ callId }` when the server knows the new call's id already. */
  makeCall(destination: string, options: CallRequestOptions): Promise<unknown>;
  sendDTMF(callId: string, digits: string, options: RequestOptions): Promise<unknown>;
}

export interface AdvancedCallFunctions {
  blindTransfer(callId: string, destination: string, options: CallRequestOptions): Promise<unknown>;
  transferInitiate(callId: string, destination: string, options: CallRequestOptions): Promise<unknown>;
  transferComplete(heldCallId: string, activeCallId: string, options: RequestOptions): Promise<unknown>;
  consultationCall(callId: string, destination: string, options: CallRequestOptions): Promise<unknown>;
  conferenceInitiate(callId: string, destination: string, options: CallRequestOptions): Promise<unknown>;
  conferenceComplete(heldCallId: string, activeCallId: string, options: RequestOptions): Promise<unknown>;
  dropParty(callId: string, party: string, options: RequestOptions): Promise<unknown>;
  /** Optional even in full mode. */
  alternateCall(heldCallId: string, activeCallId: string, options: RequestOptions): Promise<unknown>;
  /** Optional even in full mode: merges `data` into the call's pyCallData (a CallInfoEvent follows). */
  setCallData(callId: string, data: CallData, options: RequestOptions): Promise<unknown>;
  /** Optional even in full mode: mutes or unmutes the agent's own leg (pyMuted on the call). */
  muteCall(callId: string, options: RequestOptions): Promise<unknown>;
  unmuteCall(callId: string, options: RequestOptions): Promise<unknown>;
  /** Optional even in full mode: declines an offer (an ACD call goes back to its queue). */
  rejectCall(callId: string, options: RequestOptions): Promise<unknown>;
  /** Optional even in full mode: recording control (a CallInfoEvent "Recording" follows each). */
  startRecording(callId: string, options: RequestOptions): Promise<unknown>;
  pauseRecording(callId: string, options: RequestOptions): Promise<unknown>;
  resumeRecording(callId: string, options: RequestOptions): Promise<unknown>;
  stopRecording(callId: string, options: RequestOptions): Promise<unknown>;
}

export type RequestFunctions = SessionFunctions & AgentStateFunctions & BasicCallFunctions & AdvancedCallFunctions;
export type RequestName = keyof RequestFunctions;

/** An implementation: its identity, login/logout, and whichever request functions its mode needs. */
export type Implementation = ImplementationInfo & SessionFunctions & Partial<Omit<RequestFunctions, keyof SessionFunctions>>;
