/** Types of the promise-style example connector (the code is plain JavaScript). */
import type { DemoPbx } from '../callback-connector/index.js';

export { DemoPbx, PbxError } from '../callback-connector/index.js';

/** A refusal: the framework makes a CtiError of its errCode and errMessage. */
export declare class ConnectorError extends Error {
  constructor(errCode: string, errMessage: string, cause?: unknown);
  readonly errCode: string;
  readonly errMessage: string;
}

export type ForwardEvent = (event: unknown) => void;
export type Options = Record<string, unknown>;

/** The connector, in the promise style: every request resolves when the PBX accepted it. */
export interface PromiseConnector {
  readonly name: string;
  readonly implementationVersion: string;
  readonly frameworkApi: string;
  readonly pbx: DemoPbx;
  login(agentId: string, agentPwd: string, extension: string, linkDefinition: unknown, options: Options, forwardEvent: ForwardEvent): Promise<{ agentId: string; extension: string }>;
  /** Resolves after the Logout Snapshot was forwarded. */
  logout(agentId: string, reasonCode: string, options: Options): Promise<{ agentId: string }>;
  agentReady(agentId: string, workMode: string, options: Options): Promise<void>;
  agentNotReady(agentId: string, workMode: string, reasonCode: string, linkDefinition: unknown, options: Options): Promise<void>;
  answerCall(callId: string, options: Options): Promise<void>;
  hangUpCall(callId: string, options: Options): Promise<void>;
  holdCall(callId: string, options: Options): Promise<void>;
  retrieveCall(callId: string, options: Options): Promise<void>;
  makeCall(destination: string, options: Options): Promise<{ callId: string }>;
  sendDTMF(callId: string, digits: string, options: Options): Promise<void>;
  blindTransfer(callId: string, destination: string, options: Options): Promise<void>;
  transferInitiate(callId: string, destination: string, options: Options): Promise<{ callId: string }>;
  transferComplete(heldCallId: string, activeCallId: string, options: Options): Promise<void>;
  consultationCall(callId: string, destination: string, options: Options): Promise<{ callId: string }>;
  conferenceInitiate(callId: string, destination: string, options: Options): Promise<{ callId: string }>;
  conferenceComplete(heldCallId: string, activeCallId: string, options: Options): Promise<void>;
  dropParty(callId: string, party: string, options: Options): Promise<void>;
  alternateCall(heldCallId: string, activeCallId: string, options: Options): Promise<void>;
  setCallData(callId: string, data: Record<string, string>, options: Options): Promise<void>;
}

export interface PromiseConnectorOptions {
  /** The PBX to talk to; a new one by default. */
  pbx?: DemoPbx;
  /** OpenCTI reason code (as listed in the application context) → the PBX's aux code. */
  reasonCodes?: Record<string, string>;
  /** The clock used for pyTimestamp. */
  now?: () => Date;
}

export declare function createPromiseConnector(options?: PromiseConnectorOptions): PromiseConnector;
export declare function toConnectorError(error: unknown): ConnectorError;

/** The conformance driver's shape (opencti-ts/conformance, ConformanceDriver). */
export interface DemoPbxDriver {
  readonly agent: { readonly agentId: string; readonly agentPwd: string; readonly extension: string };
  readonly link: { readonly name: string };
  readonly inboundNumber: string;
  readonly answeringNumber: string;
  readonly secondAnsweringNumber: string;
  inboundCall(from: string, to: string): Promise<{ callId: string }>;
  callerHangUp(callId: string): Promise<void>;
  close(): Promise<void>;
}

export declare function createDemoPbxDriver(pbx: DemoPbx, agent?: { agentId: string; agentPwd: string; extension: string }): DemoPbxDriver;
export declare function createTarget(options?: { mode?: 'simple' | 'agentState' | 'full' }): Promise<{ implementation: PromiseConnector; driver: DemoPbxDriver }>;
export default function createImplementation(options?: PromiseConnectorOptions): PromiseConnector;
