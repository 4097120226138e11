/** Types of the callback-style example connector (the code is plain JavaScript). */

export type PbxErrorCode =
  | 'BUSY'
  | 'BAD_NUMBER'
  | 'NO_SUCH_CALL'
  | 'BAD_STATE'
  | 'AUTH'
  | 'IN_USE'
  | 'NOT_LOGGED_IN'
  | 'SAME_STATE'
  | 'ALREADY_PRESENT'
  | 'NOT_PRESENT';

export declare class PbxError extends Error {
  constructor(code: PbxErrorCode, message: string);
  readonly code: PbxErrorCode;
}

export type PbxPartyState = 'ringing' | 'dialing' | 'connected' | 'held';
export type PbxCallKind = 'inbound' | 'outbound' | 'internal' | 'consult';
export type PbxAgentState = 'signedIn' | 'available' | 'unavailable' | 'wrapup' | 'signedOut';

/** A call as one device sees it. */
export interface PbxCallView {
  readonly id: string;
  readonly kind: PbxCallKind;
  readonly ani: string;
  readonly dnis: string;
  readonly queue: string;
  readonly data: Record<string, string>;
  /** This device's own state in the call; undefined once it left. */
  readonly myState: PbxPartyState | undefined;
  /** The first other party. */
  readonly other: string;
  readonly parties: string[];
}

export interface PbxAgent {
  readonly agentId: string;
  readonly extension: string;
  readonly state: PbxAgentState;
  /** The PBX's own reason ("aux") code. */
  readonly auxCode: string;
}

export interface PbxHappening {
  readonly type: 'ring' | 'originate' | 'connect' | 'join' | 'hold' | 'unhold' | 'clear' | 'abandon' | 'parties' | 'data' | 'agent' | 'snapshot';
  readonly call?: PbxCallView;
  readonly cause?: string;
  readonly agent?: PbxAgent;
  readonly calls?: PbxCallView[];
}

export interface DemoPbxOptions {
  /** Agent id → password; agents not listed log in with any non-empty password. */
  passwords?: Record<string, string>;
  /** Destinations that answer busy. */
  busyNumbers?: string[];
}

export interface RingOptions {
  /** Caller number (ANI); "+15550100" by default. */
  from?: string;
  /** Dialled number (DNIS); "8000" by default. */
  dnis?: string;
  queue?: string;
  /** Call-attached data. */
  data?: Record<string, string>;
}

/** The in-memory PBX. Happenings reach monitors asynchronously, in order. */
export declare class DemoPbx {
  constructor(options?: DemoPbxOptions);
  monitor(dn: string, listener: (happening: PbxHappening) => void): () => void;
  signIn(agentId: string, password: string, extension?: string): PbxAgent;
  signOut(agentId: string, auxCode?: string): PbxAgent;
  setAgentState(agentId: string, state: 'available' | 'unavailable' | 'wrapup', auxCode?: string): PbxAgent;
  snapshot(dn: string): void;
  agentStatus(agentId: string): PbxAgent | undefined;
  callView(callId: string, dn: string): PbxCallView | undefined;
  callsOf(dn: string): PbxCallView[];
  digitsSent(callId: string): string[];
  answer(dn: string, callId: string): void;
  hangUp(dn: string, callId: string): void;
  hold(dn: string, callId: string): void;
  unhold(dn: string, callId: string): void;
  dial(dn: string, destination: string, kind?: 'outbound' | 'consult', fromCallId?: string): string;
  digits(dn: string, callId: string, digits: string): void;
  redirect(dn: string, callId: string, destination: string): void;
  merge(dn: string, heldCallId: string, activeCallId: string, stay: boolean): void;
  swap(dn: string, heldCallId: string, activeCallId: string): void;
  dropParty(dn: string, callId: string, party: string): void;

  // The outside world (the driver)
  /** An outside caller rings the extension `to`; returns the call id. */
  ringAgent(to: string, options?: RingOptions): string;
  /** The ringing outside party (or `dn`) answers. */
  farEndAnswers(callId: string, dn?: string): void;
  /** The outside party (or `dn`) hangs up; an unanswered caller abandons. */
  farEndHangsUp(callId: string, dn?: string): void;
  /** Call-attached data changes. */
  attachData(callId: string, data: Record<string, string>): void;
}

export interface ErrorObject {
  errCode: string;
  errMessage: string;
}

export type Success = (result?: unknown) => void;
export type Failure = (error: ErrorObject) => void;
export type ForwardEvent = (event: unknown) => void;

/** The connector, in the original OpenCTI callback style. */
export interface CallbackConnector {
  readonly name: string;
  readonly implementationVersion: string;
  readonly frameworkApi: string;
  readonly pbx: DemoPbx;
  login(agentId: string, agentPwd: string, extension: string, linkDefinition: unknown, options: unknown, success: Success, failure: Failure, forwardEvent: ForwardEvent): void;
  logout(agentId: string, reasonCode: string, options: unknown, success: Success, failure: Failure): void;
  agentReady(agentId: string, workMode: string, options: unknown, success: Success, failure: Failure): void;
  agentNotReady(agentId: string, workMode: string, reasonCode: string, linkDefinition: unknown, options: unknown, success: Success, failure: Failure): void;
  answerCall(callId: string, options: unknown, success: Success, failure: Failure): void;
  hangUpCall(callId: string, options: unknown, success: Success, failure: Failure): void;
  holdCall(callId: string, options: unknown, success: Success, failure: Failure): void;
  retrieveCall(callId: string, options: unknown, success: Success, failure: Failure): void;
  makeCall(destination: string, options: unknown, success: Success, failure: Failure): void;
  sendDTMF(callId: string, digits: string, options: unknown, success: Success, failure: Failure): void;
  blindTransfer(callId: string, destination: string, options: unknown, success: Success, failure: Failure): void;
  transferInitiate(callId: string, destination: string, options: unknown, success: Success, failure: Failure): void;
  transferComplete(heldCallId: string, activeCallId: string, options: unknown, success: Success, failure: Failure): void;
  consultationCall(callId: string, destination: string, options: unknown, success: Success, failure: Failure): void;
  conferenceInitiate(callId: string, destination: string, options: unknown, success: Success, failure: Failure): void;
  conferenceComplete(heldCallId: string, activeCallId: string, options: unknown, success: Success, failure: Failure): void;
  dropParty(callId: string, party: string, options: unknown, success: Success, failure: Failure): void;
  alternateCall(heldCallId: string, activeCallId: string, options: unknown, success: Success, failure: Failure): void;
}

export interface CallbackConnectorOptions {
  /** The PBX to talk to; a new one by default. */
  pbx?: DemoPbx;
  /** OpenCTI reason code (as listed in the application context) → the PBX's aux code. */
  reasonCodes?: Record<string, string>;
  /** The clock used for pyTimestamp. */
  now?: () => Date;
}

export declare function createCallbackConnector(options?: CallbackConnectorOptions): CallbackConnector;
export declare function toErrorObject(error: unknown): ErrorObject;
export default function createImplementation(options?: CallbackConnectorOptions): CallbackConnector;
