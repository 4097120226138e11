/**
 * The arguments of each operation of the reference server's wire protocol, by the request's name
 * in requests.ts (the table of requests), and the ops no connector implements. Kept apart from the
 * table so that the browser page, which needs the table and not these schemas, leaves TypeBox out.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { RequestCallData, type REQUEST_TABLE } from '../requests.js';
import type { RequestName } from '../implementation.js';

const str = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });
const optionalStr = (description: string) => Type.Optional(Type.String({ maxLength: 256, description }));
const options = Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Passed through' }));
const args = <T extends Record<string, TSchema>>(properties: T) => Type.Object({ ...properties, options }, { additionalProperties: false });
const callData = Type.Optional(RequestCallData);

/** Ops of the wire protocol that no connector implements (the server answers them itself). */
export const WIRE_ONLY_OPS = ['resume'] as const;
export type WireOnlyOp = (typeof WIRE_ONLY_OPS)[number];

/** The wire schemas of every op: the requests in table order, the wire-only ops among them. The protocol's OP_ARGS. */
export const WIRE_ARGS = {
  login: args({
    agentId: str('Agent id'),
    agentPwd: Type.String({ maxLength: 256, description: 'Agent password' }),
    extension: optionalStr('Extension; empty or absent lets the server choose'),
  }),
  logout: args({ reasonCode: optionalStr('Logout reason code') }),
  /** Re-attaches a connection to a session: after a reconnect (with lastSeq) or from a second tab. */
  resume: args({
    token: str('Session token from the login result'),
    lastSeq: Type.Optional(Type.Integer({ minimum: 0, description: 'Last event seq seen; absent asks for a fresh Snapshot' })),
  }),
  agentReady: args({ workMode: optionalStr('Work mode') }),
  agentNotReady: args({ reasonCode: optionalStr('Not Ready reason code'), workMode: optionalStr('Work mode, ACW for after-call work') }),
  answerCall: args({ callId: str('Call id') }),
  hangUpCall: args({ callId: str('Call id') }),
  holdCall: args({ callId: str('Call id') }),
  retrieveCall: args({ callId: str('Call id') }),
  makeCall: args({ destination: str('Number or extension to call'), callData }),
  sendDTMF: args({ callId: str('Call id'), digits: Type.String({ pattern: '^[0-9*#A-Da-d]{1,64}$', description: 'DTMF digits' }) }),
  blindTransfer: args({ callId: str('Call id'), destination: str('Transfer target'), callData }),
  transferInitiate: args({ callId: str('Call id'), destination: str('Consult target'), callData }),
  transferComplete: args({ heldCallId: str('The held call'), activeCallId: str('The consult call') }),
  consultationCall: args({ callId: str('Call id'), destination: str('Consult target'), callData }),
  conferenceInitiate: args({ callId: str('Call id'), destination: str('Consult target'), callData }),
  conferenceComplete: args({ heldCallId: str('The held call'), activeCallId: str('The consult call') }),
  dropParty: args({ callId: str('Call id'), party: str('Device to drop') }),
  /** Allowed in full mode, but a connector may leave it out. */
  alternateCall: args({ heldCallId: str('The held call'), activeCallId: str('The active call') }),
  /** Merges data into the call's pyCallData; every party's desktop hears a CallInfoEvent. Optional. */
  setCallData: args({
    callId: str('Call id'),
    data: Type.Record(Type.String(), Type.String({ maxLength: 4096 }), {
      minProperties: 1,
      maxProperties: 64,
      description: 'Keys and string values merged into the call data (pyCallData)',
  }),
  }),
  /** Mutes the agent's own leg (pyMuted on the call's next CallStateEvent). Optional. */
  muteCall: args({ callId: str('Call id') }),
  unmuteCall: args({ callId: str('Call id') }),
  /** Declines an offer (Alerting): an ACD call goes back to the front of its queue. Optional. */
  rejectCall: args({ callId: str('Call id') }),
  /** Recording control; each change arrives as a CallInfoEvent named "Recording". Optional. */
  startRecording: args({ callId: str('Call id') }),
  pauseRecording: args({ callId: str('Call id') }),
  resumeRecording: args({ callId: str('Call id') }),
  stopRecording: args({ callId: str('Call id') }),
} as const satisfies Readonly<Record<RequestName | WireOnlyOp, TObject>>;

export type WireArgs = typeof WIRE_ARGS;

// Every request of the table has its wire arguments, and the wire names nothing else: a request
// added to one and not the other does not compile.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Check<T extends true> = T;
type _WireMatchesTable = Check<Same<keyof WireArgs, keyof typeof REQUEST_TABLE | WireOnlyOp>>;
