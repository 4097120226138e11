/**
 * The wire protocol between the reference CTI server and the reference connector (DESIGN.md):
 * JSON frames over WebSocket. One source for types, JSON Schemas and the server's validators.
 */
import { Type, type Static } from '@sinclair/typebox';
import { WIRE_ARGS } from './wire.js';
import { OpenCtiEvent } from './event-schemas.js';
import { ErrorObject } from './error.js';

const id = Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Integer()], {
  description: 'Chosen by the client; echoed in the response',
});

/** Arguments of each operation, named as in SPEC §5: declared with each request in requests.ts. */
export const OP_ARGS = WIRE_ARGS;

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

/**
 * The live statistics, sent to supervisors' sockets only: at login, then at most once a second
 * when a figure changed (the shape is the server's Stats, see docs/statistics.md).
 */
export const StatsFrame = Type.Object(
  { type: Type.Literal('stats'), stats: Type.Record(Type.String(), Type.Unknown(), { description: 'Stats: asOf, since, queues, agents' }) },
  { title: 'StatsFrame' },
);
export type StatsFrame = Static<typeof StatsFrame>;


/** How the desktop page registers as the agent's browser phone (SIP back end, phone kind "webrtc"). */
export const BrowserPhoneSetup = Type.Object(
  {
    wsUri: Type.String({ description: "Kamailio's SIP over WebSocket listener, e.g. wss://pbx.example.com:8443" }),
    sipUri: Type.String({ description: "The agent's address of record, e.g. sip:5001@pbx.example.com" }),
    password: Type.Optional(Type.String({ description: 'SIP digest password when the registrar asks for one' })),
    iceServers: Type.Optional(
      Type.Array(
        Type.Object({
          urls: Type.Union([Type.String(), Type.Array(Type.String())]),
          username: Type.Optional(Type.String()),
          credential: Type.Optional(Type.String()),
        }),
      ),
    ),
  },
  { title: 'BrowserPhoneSetup' },
);
export type BrowserPhoneSetup = Static<typeof BrowserPhoneSetup>;

export const PHONE_COMMANDS = ['setup', 'dial', 'answer', 'hangup', 'hold', 'resume', 'dtmf', 'transfer', 'attendedTransfer'] as const;
export type PhoneCommand = (typeof PHONE_COMMANDS)[number];

/**
 * Server → desktop: a command for the browser phone the page holds. `setup` answers the page's
 * `hello` (setup null: this agent's phone is not the browser); the others act on the call `leg`
 * (its SIP Call-ID) and are answered with a `reply` report carrying the same id.
 */
export const PhoneCommandFrame = Type.Object(
  {
    type: Type.Literal('phone'),
    id: Type.String({ minLength: 1, maxLength: 64 }),
    cmd: Type.Union(PHONE_COMMANDS.map((c) => Type.Literal(c))),
    leg: Type.Optional(Type.String()),
    uri: Type.Optional(Type.String()),
    digits: Type.Optional(Type.String()),
    /** attendedTransfer: the consult call whose dialog the transferee's INVITE replaces. */
    otherLeg: Type.Optional(Type.String()),
    setup: Type.Optional(Type.Union([BrowserPhoneSetup, Type.Null()])),
  },
  { title: 'PhoneCommandFrame' },
);
export type PhoneCommandFrame = Static<typeof PhoneCommandFrame>;

export const PHONE_CALL_EVENTS = ['incoming', 'outgoing', 'established', 'closed', 'held', 'resumed'] as const;

/**
 * Desktop → server, from the page holding the browser phone: `hello` (asks for the setup),
 * `registered`/`unregistered` (the page holds the phone, or no longer), `reply` (a command's
 * outcome, `error` says why it failed), `event` (what happened on a call), `stats` (the call's
 * audio quality from getStats).
 */
export const PhoneReportFrame = Type.Object(
  {
    type: Type.Literal('phone'),
    report: Type.Union([Type.Literal('hello'), Type.Literal('registered'), Type.Literal('unregistered'), Type.Literal('reply'), Type.Literal('event'), Type.Literal('stats')]),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ok: Type.Optional(Type.Boolean()),
    result: Type.Optional(Type.String({ maxLength: 256 })),
    error: Type.Optional(Type.String({ maxLength: 1000 })),
    event: Type.Optional(
      Type.Object(
        {
          kind: Type.Union(PHONE_CALL_EVENTS.map((k) => Type.Literal(k))),
          leg: Type.String({ minLength: 1, maxLength: 256 }),
          peer: Type.Optional(Type.String({ maxLength: 256 })),
        },
        { additionalProperties: false },
      ),
    ),
    stats: Type.Optional(
      Type.Object(
        {
          leg: Type.String({ maxLength: 256 }),
          packetsReceived: Type.Integer({ minimum: 0 }),
          packetsLost: Type.Integer(),
          jitterMs: Type.Number({ minimum: 0 }),
          packetsSent: Type.Integer({ minimum: 0 }),
          rttMs: Type.Optional(Type.Number({ minimum: 0, description: 'Round trip from RTCP (remote-inbound-rtp), when known' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, title: 'PhoneReportFrame' },
);
export type PhoneReportFrame = Static<typeof PhoneReportFrame>;

export type ServerFrame = ResponseFrame | EventFrame | HeartbeatFrame | StatsFrame | PhoneCommandFrame;

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
