/** What each request op does: its arguments checked against the protocol schema, then the switch. */
import type { WebSocket } from 'ws';
import { OP_ARGS, OPS, type Op, type OpArgs } from '../../framework/schema/protocol.js';
import { compileValidator, describeProblems, type ValidationResult } from '../../framework/schema/validate.js';
import { mayUseExtension } from '../store/agents.js';
import type { Agent } from '../store/types.js';
import type { Switch } from '../switch/types.js';
import type { AgentSession } from './agent-session.js';
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
  | 'alternate';

/**
 * The seam between desktop requests and the telephony: the switch itself with the simulator;
 * with a real back end, methods that act on phones first and resolve once the switch follows.
 */
export type CallControl = {
  readonly [K in CallControlMethod]: (...args: Parameters<Switch[K]>) => ReturnType<Switch[K]> | Promise<ReturnType<Switch[K]>>;
};

type AgentRules = Pick<Agent, 'extension' | 'allowedExtensions' | 'anyExtension'>;

export interface OperationContext {
  readonly switch: Switch;
  readonly callControl: CallControl;
  readonly authenticate: (agentId: string, password: string) => boolean | Promise<boolean>;
  readonly sessions: Map<string, AgentSession>;
  readonly byToken: Map<string, AgentSession>;
  readonly heartbeatMs: number;
  /** Throttling, lockout and the gate of the password hash. */
  readonly logins: LoginGuard;
  /** The agent's own extension and the others an admin allowed; undefined = no extension rule. */
  readonly agentOf?: ((agentId: string) => AgentRules | undefined | Promise<AgentRules | undefined>) | undefined;
  openSession(agentId: string, extension: string): AgentSession;
  closeSession(session: AgentSession): void;
  detach(connection: OperationConnection): void;
}

export interface OperationConnection {
  readonly socket: WebSocket;
  session: AgentSession | undefined;
  /** The peer's IP address, for login throttling. */
  readonly address?: string | undefined;
  /** One login at a time per connection: a flood of login frames must not queue hashes. */
  loginInFlight?: boolean;
}

/** The response's result, and what must happen once the response is on the wire. */
export interface OperationResult {
  result?: unknown;
  after?: () => void;
}

type Handler<O extends Op> = (ctx: OperationContext, connection: OperationConnection, args: OpArgs<O>) => OperationResult | Promise<OperationResult>;

const validators = Object.fromEntries(OPS.map((op) => [op, compileValidator(OP_ARGS[op])])) as {
  [O in Op]: (input: unknown) => ValidationResult<OpArgs<O>>;
};

/** The connection's session while it is still the agent's live one (another tab may have logged out). */
function liveSession(ctx: OperationContext, connection: OperationConnection): AgentSession | undefined {
  const session = connection.session;
  if (session && ctx.sessions.get(session.agentId) !== session) connection.session = undefined;
  return connection.session;
}

function sessionOf(ctx: OperationContext, connection: OperationConnection): AgentSession {
  const session = liveSession(ctx, connection);
  if (!session) throw new ProtocolError('OPENCTI_AGENT_NOT_LOGGED_IN', 'this connection has no logged-in agent: log in or resume first');
  return session;
}

/**
 * Attaches the socket and brings it up to date: the events it missed in seq order (when still
 * kept), then always a fresh Snapshot, which also covers what the replay buffer no longer has.
 */
function attach(ctx: OperationContext, connection: OperationConnection, session: AgentSession, lastSeq?: number): () => void {
  if (connection.session && connection.session !== session) ctx.detach(connection);
  connection.session = session;
  return () => {
    // The socket may have closed while the request was served (a reload during login): then the
    // session is left without it, and its grace period starts as for any lost desktop.
    if (connection.socket.readyState !== connection.socket.OPEN) return ctx.detach(connection);
    const missed = lastSeq === undefined ? undefined : session.framesAfter(lastSeq);
    for (const frame of missed ?? []) connection.socket.send(frame);
    session.push(ctx.switch.snapshot(session.agentId), [connection.socket]);
    session.attach(connection.socket);
  };
}

const agentCall =
  <O extends Op>(run: (sw: Switch, agentId: string, args: OpArgs<O>) => unknown): Handler<O> =>
  (ctx, connection, args) => {
    const result = run(ctx.switch, sessionOf(ctx, connection).agentId, args);
    return { result: result ?? null };
  };

/** A call request through the call-control seam; waits when the telephony answers later. */
const callRequest =
  <O extends Op>(run: (cc: CallControl, agentId: string, args: OpArgs<O>) => unknown): Handler<O> =>
  (ctx, connection, args) => {
    const result = run(ctx.callControl, sessionOf(ctx, connection).agentId, args);
    if (result instanceof Promise) return result.then((value: unknown) => ({ result: value ?? null }));
    return { result: result ?? null };
  };

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
    // Checked once the password is right, so that nobody learns anything about an agent id without it.
    const agent = await ctx.agentOf?.(agentId);

    const existing = ctx.sessions.get(agentId);
    if (existing && existing.sockets.size > 0) {
      throw new ProtocolError(
        'OPENCTI_AGENT_LOGGED_IN',
        `agent "${agentId}" is already logged in on extension ${existing.extension} with a desktop open; ` +
          'close that desktop (or log out there) to log in here, or attach another tab with "resume" and the session token',
      );
    }
    const wanted = extension || agent?.extension || '';
    if (agent && !mayUseExtension(agent, wanted)) {
      throw new ProtocolError(
        'OPENCTI_EXTENSION_NOT_ALLOWED',
        `agent "${agentId}" may not log in on extension ${wanted}: only on ${[agent.extension, ...agent.allowedExtensions].join(', ')} (an administrator can allow others)`,
      );
    }

    if (existing) takeOver(ctx, existing, wanted);

    // Subscribe before the switch acts so that no event of the login itself is lost.
    const session = ctx.openSession(agentId, extension ?? '');
    let assigned: string;
    try {
      assigned = ctx.switch.login(agentId, extension ?? '').extension;
    } catch (error) {
      ctx.closeSession(session);
      throw error;
    }
    session.extension = assigned;
    const after = attach(ctx, connection, session);
    return { result: session.info(ctx.heartbeatMs), after };
  },

  logout(ctx, connection, { reasonCode }) {
    const session = sessionOf(ctx, connection);
    ctx.switch.logout(session.agentId, reasonCode ?? '');
    // The closing Snapshot reaches every tab before the response does.
    session.push(ctx.switch.snapshot(session.agentId));
    ctx.closeSession(session);
    connection.session = undefined;
    return { result: null };
  },

  resume(ctx, connection, { token, lastSeq }) {
    const session = ctx.byToken.get(token);
    if (!session) throw new ProtocolError('OPENCTI_AGENT_NOT_LOGGED_IN', 'the session token is unknown or the session has ended: log in again');
    const after = attach(ctx, connection, session, lastSeq);
    return { result: session.info(ctx.heartbeatMs), after };
  },

  agentReady: agentCall<'agentReady'>((sw, agentId, a) => sw.ready(agentId, a.workMode)),
  agentNotReady: agentCall<'agentNotReady'>((sw, agentId, a) => sw.notReady(agentId, a.reasonCode ?? '', a.workMode)),
  answerCall: callRequest<'answerCall'>((cc, agentId, a) => cc.answer(agentId, a.callId)),
  hangUpCall: callRequest<'hangUpCall'>((cc, agentId, a) => cc.hangUp(agentId, a.callId)),
  holdCall: callRequest<'holdCall'>((cc, agentId, a) => cc.hold(agentId, a.callId)),
  retrieveCall: callRequest<'retrieveCall'>((cc, agentId, a) => cc.retrieve(agentId, a.callId)),
  makeCall: callRequest<'makeCall'>((cc, agentId, a) => cc.makeCall(agentId, a.destination)),
  sendDTMF: callRequest<'sendDTMF'>((cc, agentId, a) => cc.sendDtmf(agentId, a.callId, a.digits)),
  blindTransfer: callRequest<'blindTransfer'>((cc, agentId, a) => cc.blindTransfer(agentId, a.callId, a.destination)),
  transferInitiate: callRequest<'transferInitiate'>((cc, agentId, a) => cc.consult(agentId, a.callId, a.destination)),
  consultationCall: callRequest<'consultationCall'>((cc, agentId, a) => cc.consult(agentId, a.callId, a.destination)),
  conferenceInitiate: callRequest<'conferenceInitiate'>((cc, agentId, a) => cc.consult(agentId, a.callId, a.destination)),
  transferComplete: callRequest<'transferComplete'>((cc, agentId, a) => cc.transferComplete(agentId, a.heldCallId, a.activeCallId)),
  conferenceComplete: callRequest<'conferenceComplete'>((cc, agentId, a) => cc.conferenceComplete(agentId, a.heldCallId, a.activeCallId)),
  dropParty: callRequest<'dropParty'>((cc, agentId, a) => cc.dropParty(agentId, a.callId, a.party)),
  alternateCall: callRequest<'alternateCall'>((cc, agentId, a) => cc.alternate(agentId, a.heldCallId, a.activeCallId)),
};

const isOpen = (connection: OperationConnection): boolean => connection.socket.readyState === connection.socket.OPEN;

/**
 * A login with the right password while the agent's session has no desktop attached (its grace
 * period): that session ends at once (its token stops working) and the new login proceeds. The
 * agent stays logged in on the switch, calls and all, unless another extension is asked for.
 */
function takeOver(ctx: OperationContext, previous: AgentSession, extension: string): void {
  if (extension && extension !== previous.extension) ctx.switch.logout(previous.agentId, ''); // refused during a call: nothing changed
  ctx.closeSession(previous);
}

/**
 * Ends an agent's session from the server side (an administrator): the agent is logged out of the
 * switch, every desktop gets the closing Snapshot, then an OPENCTI_SESSION_ENDED error and a close.
 * False when the agent had neither a session nor a switch login.
 */
export function endAgentSession(ctx: OperationContext, agentId: string, reasonCode: string, why: string): boolean {
  const session = ctx.sessions.get(agentId);
  const loggedIn = ctx.switch.agents().some((a) => a.agentId === agentId && a.state !== 'Logout' && a.state !== 'Unknown');
  if (!session && !loggedIn) return false;
  if (loggedIn) ctx.switch.logout(agentId, reasonCode); // refused during a call: nothing changed
  if (session) {
    session.push(ctx.switch.snapshot(agentId));
    ctx.closeSession(session);
    session.end({ errCode: 'OPENCTI_SESSION_ENDED', errMessage: why });
  }
  return true;
}

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
