/**
 * The wire protocol between the reference CTI server and the reference connector (DESIGN.md):
 * JSON frames over WebSocket. One source for types, JSON Schemas and the server's validators.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OpenCtiEvent } from './events.js';
import { ErrorObject } from './error.js';

const id = Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Integer()], {
  description: 'Chosen by the client; echoed in the response',
});
const str = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });
const optionalStr = (description: string) => Type.Optional(Type.String({ maxLength: 256, description }));
const options = Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Passed through' }));
const args = <T extends Record<string, TSchema>>(properties: T) => Type.Object({ ...properties, options }, { additionalProperties: false });

/** Arguments of each operation, named as in SPEC §5. */
export const OP_ARGS = {
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
  makeCall: args({ destination: str('Number or extension to call') }),
  sendDTMF: args({ callId: str('Call id'), digits: Type.String({ pattern: '^[0-9*#A-Da-d]{1,64}$', description: 'DTMF digits' }) }),
  blindTransfer: args({ callId: str('Call id'), destination: str('Transfer target') }),
  transferInitiate: args({ callId: str('Call id'), destination: str('Consult target') }),
  transferComplete: args({ heldCallId: str('The held call'), activeCallId: str('The consult call') }),
  consultationCall: args({ callId: str('Call id'), destination: str('Consult target') }),
  conferenceInitiate: args({ callId: str('Call id'), destination: str('Consult target') }),
  conferenceComplete: args({ heldCallId: str('The held call'), activeCallId: str('The consult call') }),
  dropParty: args({ callId: str('Call id'), party: str('Device to drop') }),
  alternateCall: args({ heldCallId: str('The held call'), activeCallId: str('The active call') }),
} as const;

export type Op = keyof typeof OP_ARGS;
export const OPS = Object.keys(OP_ARGS) as Op[];
export type OpArgs<O extends Op> = Static<(typeof OP_ARGS)[O]>;

export const RequestFrame = Type.Object(
  {
    type: Type.Literal('request'),
    id,
    op: Type.String({ minLength: 1, maxLength: 64 }),
    args: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, title: 'RequestFrame' },
);
export type RequestFrame = Static<typeof RequestFrame>;

export const ResponseFrame = Type.Union(
  [
    Type.Object({ type: Type.Literal('response'), id: Type.Union([id, Type.Null()]), ok: Type.Literal(true), result: Type.Optional(Type.Unknown()) }),
    Type.Object({ type: Type.Literal('response'), id: Type.Union([id, Type.Null()]), ok: Type.Literal(false), error: ErrorObject }),
  ],
  { title: 'ResponseFrame' },
);
export type ResponseFrame = Static<typeof ResponseFrame>;

export const EventFrame = Type.Object(
  { type: Type.Literal('event'), seq: Type.Integer({ minimum: 1 }), event: OpenCtiEvent },
  { title: 'EventFrame' },
);
export type EventFrame = Static<typeof EventFrame>;

/** Sent by the server at a fixed interval; a client that hears nothing for a while declares the link down. */
export const HeartbeatFrame = Type.Object(
  { type: Type.Literal('heartbeat'), intervalMs: Type.Integer({ minimum: 1 }) },
  { title: 'HeartbeatFrame' },
);
export type HeartbeatFrame = Static<typeof HeartbeatFrame>;

export type ServerFrame = ResponseFrame | EventFrame | HeartbeatFrame;

/** What login and resume resolve with. */
export interface SessionInfo {
  sessionId: string;
  token: string;
  agentId: string;
  extension: string;
  /** The seq of the last event already sent in this session. */
  seq: number;
  heartbeatMs: number;
}
