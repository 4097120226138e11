/**
 * What one WebSocket client on /cti may cost the server: frame size and shape, frames and bytes
 * per second, unread output, and time. The `limits` section of the server configuration, with
 * `replay` (what one agent session keeps for resume), which the center applies.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ReplayLimits } from '../center/replay-limits.js';

export const GATEWAY_LIMIT_DEFAULTS = {
  maxFrameBytes: 64 * 1024,
  maxDepth: 32,
  maxStringLength: 8192,
  framesPerSecond: 200,
  // A desktop sends a few KB a second; parsing a 64 KiB frame of thousands of keys costs ~10 ms.
  bytesPerSecond: 256 * 1024,
  // Logins and resumes are a few hundred bytes: room for hundreds of desktops behind one NAT at once.
  anonymousBytesPerSecond: 128 * 1024,
  maxSendBufferBytes: 1024 * 1024,
  loginTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
} as const;

const d = GATEWAY_LIMIT_DEFAULTS;

export const GatewayLimits = Type.Object(
  {
    maxFrameBytes: Type.Integer({
      minimum: 1024,
      maximum: 16 * 1024 * 1024,
      default: d.maxFrameBytes,
      description: 'Frames above this size are answered with OPENCTI_BAD_FRAME; the connection stays',
    }),
    maxDepth: Type.Integer({
      minimum: 4,
      maximum: 1000,
      default: d.maxDepth,
      description: 'Objects and arrays nested deeper than this in a frame are answered with OPENCTI_BAD_FRAME, before any other check',
    }),
    maxStringLength: Type.Integer({
      minimum: 256,
      maximum: 16 * 1024 * 1024,
      default: d.maxStringLength,
      description: 'Strings (and property names) longer than this many characters in a frame are answered with OPENCTI_BAD_FRAME',
    }),
    framesPerSecond: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: d.framesPerSecond,
      description: 'Frames a socket may send per second (a second of it at once); past it: OPENCTI_RATE_LIMITED, then close 1008',
    }),
    bytesPerSecond: Type.Integer({
      minimum: 1024,
      maximum: 1024 * 1024 * 1024,
      default: d.bytesPerSecond,
      description: 'Bytes a socket may send per second (a second of it at once); past it: OPENCTI_RATE_LIMITED, then close 1008',
    }),
    anonymousBytesPerSecond: Type.Integer({
      minimum: 1024,
      maximum: 1024 * 1024 * 1024,
      default: d.anonymousBytesPerSecond,
      description:
        'Bytes per second the sockets of one address that are not logged in may send together (a second of it at once); past it the socket that sent the frame gets OPENCTI_RATE_LIMITED, then close 1008',
    }),
    // No schema default: it follows bytesPerSecond (see sessionBytesPerSecond below).
    sessionBytesPerSecond: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 1024 * 1024 * 1024,
        description:
          'Bytes per second all the sockets of one agent session may send together (a second of it at once); default twice bytesPerSecond, at least bytesPerSecond; past it the socket that sent the frame gets OPENCTI_RATE_LIMITED, then close 1008',
      }),
    ),
    maxSendBufferBytes: Type.Integer({
      minimum: 16 * 1024,
      maximum: 1024 * 1024 * 1024,
      default: d.maxSendBufferBytes,
      description: 'Output a socket may leave unread; past it the socket is dropped (close 1013) and the agent keeps the grace period',
    }),
    loginTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 3_600_000,
      default: d.loginTimeoutMs,
      description: 'A socket not logged in (login or resume) this long after connecting is told why and closed (4001)',
    }),
    idleTimeoutMs: Type.Integer({
      minimum: 300,
      maximum: 86_400_000,
      default: d.idleTimeoutMs,
      description: 'A socket that sends nothing for this long is closed (4002); at least three heartbeat intervals',
    }),
    // Filled by its default like the others; optional so that the gateway's own options need not carry it.
    replay: Type.Optional(ReplayLimits),
  },
  { additionalProperties: false, default: {}, description: 'What one WebSocket client on /cti, and one agent session, may cost the server (docs/configuration.md)' },
);
export type GatewayLimits = Static<typeof GatewayLimits>;

/**
 * Close codes the gateway ends a connection with (the reason text says more). 1008 and 1013 are
 * the standard "policy violation" and "try again later"; 4001–4003 are ours.
 */
export const CLOSE_CODES = {
  rateLimited: 1008,
  sendBufferFull: 1013,
  /** The node cannot serve (lost its cluster): the client should reconnect, to another node if it can. */
  serviceRestart: 1012,
  loginTimeout: 4001,
  idleTimeout: 4002,
  sessionEnded: 4003,
} as const;

/**
 * Bytes per second the sockets of one agent session share: a token holder may open many sockets
 * with `resume`, each within its own budget. Twice one socket's by default: a desktop with a few
 * tabs sends little more than heartbeats.
 */
export const sessionBytesPerSecond = (limits: Pick<GatewayLimits, 'bytesPerSecond' | 'sessionBytesPerSecond'>): number =>
  limits.sessionBytesPerSecond ?? 2 * limits.bytesPerSecond;

/** What the schema cannot check: limits that only make sense against each other. Paths are JSON Pointers. */
export function crossCheckLimits(limits: GatewayLimits, heartbeatMs: number): string[] {
  const problems: string[] = [];
  // The reference connector sends a heartbeat frame every interval, starting after the server's first.
  if (limits.idleTimeoutMs < 3 * heartbeatMs) {
    problems.push(`/limits/idleTimeoutMs ${limits.idleTimeoutMs} must be at least three heartbeat intervals (3 × /heartbeatMs = ${3 * heartbeatMs}), or live desktops are dropped`);
  }
  if (limits.bytesPerSecond < limits.maxFrameBytes) {
    problems.push(`/limits/bytesPerSecond ${limits.bytesPerSecond} must be at least /limits/maxFrameBytes (${limits.maxFrameBytes}), or one full-size frame is over the budget`);
  }
  if (limits.sessionBytesPerSecond !== undefined && limits.sessionBytesPerSecond < limits.bytesPerSecond) {
    problems.push(
      `/limits/sessionBytesPerSecond ${limits.sessionBytesPerSecond} must be at least /limits/bytesPerSecond (${limits.bytesPerSecond}), or one socket of a session could not use its own budget`,
    );
  }
  return problems;
}
