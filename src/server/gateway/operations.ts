/** What each request op does: its arguments checked against the protocol schema, then the switch. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { OP_ARGS, OPS, type Op, type OpArgs } from '../../framework/schema/protocol.js';
import { compileValidator, describeProblems, type ValidationResult } from '../../framework/schema/validate.js';
import { mayUseExtension } from '../store/agents.js';
import type { Agent } from '../store/types.js';
import type { AttachedData } from '../switch/call-data.js';
import type { Switch } from '../switch/types.js';
import type { CenterSession, LoginResult } from '../center/center.js';
import type { CenterDriver } from '../center/driver.js';
import type { SocketRef, SwitchCommand } from '../center/inputs.js';
import type { LoginGuard } from './login-guard.js';

export class ProtocolError extends Error {
  constructor(
    readonly errCode: string,
    readonly errMessage: string,
  ) {
    super(`${errCode}: ${errMessage}`);
  }
}

/** The agent-facing call requests: each may resolve once the real telephony has done it. */
export type CallControlMethod =
  | 'answer'
  | 'hangUp'
  | 'hold'
  | 'retrieve'
  | 'makeCall'
  | 'sendDtmf'
  | 'blindTransfer'
  | 'consult'
  | 'transferComplete'
  | 'conferenceComplete'
  | 'dropParty'
  | 'alternate'
  | 'mute'
  | 'unmute'
  | 'reject'
  | 'startRecording'
  | 'pauseRecording'
  | 'resumeRecording'
  | 'stopRecording';

/**
 * The seam between desktop requests and the telephony: the switch itself with the simulator;
 * with a real back end, methods that act on phones first and resolve once the switch follows.
 */
export type CallControl = {
  readonly [K in CallControlMethod]: (...args: Parameters<Switch[K]>) => ReturnType<Switch[K]> | Promise<ReturnType<Switch[K]>>;
};

type AgentRules = Pick<Agent, 'extension' | 'allowedExtensions' | 'anyExtension'> & { readonly role?: Agent['role'] };

export interface OperationContext {
  /** The call center: sessions and the switch, changed through its log. */
  readonly driver: CenterDriver;
  /** Where agents' call requests go with a real back end; undefined = the switch (through the log). */
  readonly callControl: CallControl | undefined;
  readonly authenticate: (agentId: string, password: string) => boolean | Promise<boolean>;
  readonly heartbeatMs: number;
  /** Throttling, lockout and the gate of the password hash. */
  readonly logins: LoginGuard;
  /** The agent's own extension and the others an admin allowed; undefined = no extension rule. */
  readonly agentOf?: ((agentId: string) => AgentRules | undefined | Promise<AgentRules | undefined>) | undefined;
}

export interface OperationConnection {
  readonly socket: WebSocket;
  /** This socket, as the call center knows it. */
  readonly ref: SocketRef;
  /** The session this socket is attached to (set and cleared by the call center's effects). */
  sessionId: string | undefined;
  /** The peer's IP address, for login throttling. */
  readonly address?: string | undefined;
  /** One login at a time per connection: a flood of login frames must not queue hashes. */
  loginInFlight?: boolean;
  /** Frames of the session held back while its login or resume is answered: the answer goes first. */
  held: string[] | undefined;
}

/** The response's result. */
export interface OperationResult {
  result?: unknown;
}

type Handler<O extends Op> = (ctx: OperationContext, connection: OperationConnection, args: OpArgs<O>) => OperationResult | Promise<OperationResult>;

const validators = Object.fromEntries(OPS.map((op) => [op, compileValidator(OP_ARGS[op])])) as {
  [O in Op]: (input: unknown) => ValidationResult<OpArgs<O>>;
};

/** Session tokens are kept (and logged) only as hashes: the log and the replicas never hold one. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** The connection's session while it is still live (another tab may have logged out). */
function liveSession(ctx: OperationContext, connection: OperationConnection): CenterSession | undefined {
  const session = connection.sessionId === undefined ? undefined : ctx.driver.center.sessionById(connection.sessionId);
  if (!session) connection.sessionId = undefined;
  return session;
}

function sessionOf(ctx: OperationContext, connection: OperationConnection): CenterSession {
  const session = liveSession(ctx, connection);
  if (!session) throw new ProtocolError('OPENCTI_AGENT_NOT_LOGGED_IN', 'this connection has no logged-in agent: log in or resume first');
  return session;
}

const sessionInfo = (ctx: OperationContext, result: LoginResult, token: string) => ({
  sessionId: result.sessionId,
  token,
  agentId: result.agentId,
  extension: result.extension,
  seq: result.seq,
  heartbeatMs: ctx.heartbeatMs,
});

/** A switch command on behalf of the connection's agent, refused once that session has ended. */
const agentSwitch = (ctx: OperationContext, session: CenterSession, m: SwitchCommand, a: readonly unknown[]) =>
  ctx.driver.exec({ k: 'switch', m, a: [session.agentId, ...a], session: session.sessionId });

const agentCall =
  <O extends Op>(m: SwitchCommand, args: (a: OpArgs<O>) => readonly unknown[]): Handler<O> =>
  async (ctx, connection, a) => ({ result: (await agentSwitch(ctx, sessionOf(ctx, connection), m, args(a))) ?? null });

/** A call request: through the real back end's call control when there is one, else the switch. */
const callRequest =
  <O extends Op>(m: CallControlMethod, args: (a: OpArgs<O>) => readonly unknown[]): Handler<O> =>
  async (ctx, connection, a) => {
    const session = sessionOf(ctx, connection);
    if (!ctx.callControl) return { result: (await agentSwitch(ctx, session, m, args(a))) ?? null };
    const run = ctx.callControl[m] as (...x: unknown[]) => unknown;
    return { result: (await run(session.agentId, ...args(a))) ?? null };
  };

/**
 * A request's call data as the switch takes it: the flat pyCallData, then the other containers.
 * Never undefined: the arguments go through the call center's log as JSON, where undefined is lost.
 */
function callDataArgs(callData: OpArgs<'makeCall'>['callData']): [Record<string, string>, AttachedData] {
  const { pyCallData, ...attached } = callData ?? {};
  return [pyCallData ?? {}, attached];
}

const handlers: { [O in Op]: Handler<O> } = {
  async login(ctx, connection, { agentId, agentPwd, extension }) {
    // Cheap refusals first: the hash is the one costly step and runs for nothing else.
    if (connection.loginInFlight) {
      throw new ProtocolError('OPENCTI_LOGIN_THROTTLED', 'a login is already in progress on this connection: wait for its answer');
    }
    const current = liveSession(ctx, connection);
    if (current) throw new ProtocolError('OPENCTI_INVALID_ACTION', `this connection is already logged in as "${current.agentId}"`);
    const address = connection.address ?? '';
    ctx.logins.admit(agentId, address);
    connection.loginInFlight = true;
    let verified: boolean | undefined;
    try {
      verified = await ctx.logins.verify(agentId, address, () => isOpen(connection), () => ctx.authenticate(agentId, agentPwd));
    } finally {
      connection.loginInFlight = false;
    }
    if (verified === undefined) throw new ProtocolError('OPENCTI_LINK_DOWN', 'the connection closed before the password was checked');
    if (!verified) {
      ctx.logins.failed(agentId, address);
      throw new ProtocolError('OPENCTI_AUTH_FAILED', `wrong agent id or password for "${agentId}"`);
    }
    ctx.logins.succeeded(agentId);

    const existing = ctx.driver.center.sessions.get(agentId);
    if (existing && existing.sockets.size > 0) {
      throw new ProtocolError(
        'OPENCTI_AGENT_LOGGED_IN',
        `agent "${agentId}" is already logged in on extension ${existing.extension} with a desktop open; ` +
          'close that desktop (or log out there) to log in here, or attach another tab with "resume" and the session token',
      );
    }
    // Checked once the password is right, so that nobody learns anything about an agent id without it.
    const agent = await ctx.agentOf?.(agentId);
    const wanted = extension || agent?.extension || '';
    if (agent && !mayUseExtension(agent, wanted)) {
      throw new ProtocolError(
        'OPENCTI_EXTENSION_NOT_ALLOWED',
        `agent "${agentId}" may not log in on extension ${wanted}: only on ${[agent.extension, ...agent.allowedExtensions].join(', ')} (an administrator can allow others)`,
      );
    }

    const token = randomBytes(24).toString('base64url');
    connection.held ??= [];
    const result = (await ctx.driver.exec({
      k: 'login',
      agentId,
      extension: extension ?? '',
      sessionId: randomUUID(),
      tokenHash: hashToken(token),
      socket: connection.ref,
    })) as LoginResult;
    return { result: sessionInfo(ctx, result, token) };
  },

  async logout(ctx, connection, { reasonCode }) {
    const session = sessionOf(ctx, connection);
    // The closing Snapshot reaches every tab before the response does.
    await ctx.driver.exec({ k: 'logout', sessionId: session.sessionId, reasonCode: reasonCode ?? '' });
    connection.sessionId = undefined;
    return { result: null };
  },

  async resume(ctx, connection, { token, lastSeq }) {
    const tokenHash = hashToken(token);
    if (!ctx.driver.center.sessionByTokenHash(tokenHash)) {
      throw new ProtocolError('OPENCTI_AGENT_NOT_LOGGED_IN', 'the session token is unknown or the session has ended: log in again');
    }
    connection.held ??= [];
    const input = lastSeq === undefined ? { k: 'resume' as const, tokenHash, socket: connection.ref } : { k: 'resume' as const, tokenHash, lastSeq, socket: connection.ref };
    const result = (await ctx.driver.exec(input)) as LoginResult;
    return { result: sessionInfo(ctx, result, token) };
  },

  agentReady: agentCall<'agentReady'>('ready', (a) => [a.workMode]),
  agentNotReady: agentCall<'agentNotReady'>('notReady', (a) => [a.reasonCode ?? '', a.workMode]),
  answerCall: callRequest<'answerCall'>('answer', (a) => [a.callId]),
  hangUpCall: callRequest<'hangUpCall'>('hangUp', (a) => [a.callId]),
  holdCall: callRequest<'holdCall'>('hold', (a) => [a.callId]),
  retrieveCall: callRequest<'retrieveCall'>('retrieve', (a) => [a.callId]),
  makeCall: callRequest<'makeCall'>('makeCall', (a) => [a.destination, ...callDataArgs(a.callData)]),
  sendDTMF: callRequest<'sendDTMF'>('sendDtmf', (a) => [a.callId, a.digits]),
  blindTransfer: callRequest<'blindTransfer'>('blindTransfer', (a) => [a.callId, a.destination, ...callDataArgs(a.callData)]),
  transferInitiate: callRequest<'transferInitiate'>('consult', (a) => [a.callId, a.destination, ...callDataArgs(a.callData)]),
  consultationCall: callRequest<'consultationCall'>('consult', (a) => [a.callId, a.destination, ...callDataArgs(a.callData)]),
  conferenceInitiate: callRequest<'conferenceInitiate'>('consult', (a) => [a.callId, a.destination, ...callDataArgs(a.callData)]),
  transferComplete: callRequest<'transferComplete'>('transferComplete', (a) => [a.heldCallId, a.activeCallId]),
  conferenceComplete: callRequest<'conferenceComplete'>('conferenceComplete', (a) => [a.heldCallId, a.activeCallId]),
  dropParty: callRequest<'dropParty'>('dropParty', (a) => [a.callId, a.party]),
  alternateCall: callRequest<'alternateCall'>('alternate', (a) => [a.heldCallId, a.activeCallId]),
  // Call data lives in the switch alone (no phone acts on it), also with a real back end.
  setCallData: agentCall<'setCallData'>('setCallData', (a) => [a.callId, a.data]),
  // A real back end does these on the phone, or refuses what the phone cannot do.
  muteCall: callRequest<'muteCall'>('mute', (a) => [a.callId]),
  unmuteCall: callRequest<'unmuteCall'>('unmute', (a) => [a.callId]),
  rejectCall: callRequest<'rejectCall'>('reject', (a) => [a.callId]),
  startRecording: callRequest<'startRecording'>('startRecording', (a) => [a.callId]),
  pauseRecording: callRequest<'pauseRecording'>('pauseRecording', (a) => [a.callId]),
  resumeRecording: callRequest<'resumeRecording'>('resumeRecording', (a) => [a.callId]),
  stopRecording: callRequest<'stopRecording'>('stopRecording', (a) => [a.callId]),
};

const isOpen = (connection: OperationConnection): boolean => connection.socket.readyState === connection.socket.OPEN;

/** Runs one request: unknown ops and wrong arguments are refused with what is wrong. */
export function runOperation(ctx: OperationContext, connection: OperationConnection, op: string, args: Record<string, unknown>): OperationResult | Promise<OperationResult> {
  if (!(OPS as string[]).includes(op)) {
    throw new ProtocolError('OPENCTI_BAD_FRAME', `unknown op "${op}"; known ops: ${OPS.join(', ')}`);
  }
  const name = op as Op;
  const checked = validators[name](args);
  if (!checked.ok) throw new ProtocolError('OPENCTI_BAD_FRAME', `wrong arguments for "${name}": ${describeProblems(checked.problems)}`);
  return (handlers[name] as Handler<Op>)(ctx, connection, checked.value);
}
