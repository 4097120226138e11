/**
 * The wire protocol between the reference CTI server and the reference connector (DESIGN.md):
 * JSON frames over WebSocket. One source for types, JSON Schemas and the server's validators.
 */
import { Type, type Static } from '@sinclair/typebox';
import { WIRE_ARGS } from '../requests.js';
import { OpenCtiEvent } from './events.js';
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

export type ServerFrame = ResponseFrame | EventFrame | HeartbeatFrame | StatsFrame;

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
