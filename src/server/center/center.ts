/**
 * The call center as a state machine: the switch plus the agents' server sessions (numbered
 * events, replay buffers, attached sockets, grace periods), changed only by applying inputs in
 * order. Replicas that apply the same inputs hold the same state and number every agent's events
 * the same way, so a desktop can resume on any of them. What the outside must do (send a frame,
 * record a call event) comes out as effects; the driver decides when they are released.
 */
import type { OpenCtiEvent } from '../../framework/schema/events.js';
import type { ErrorObject } from '../../framework/schema/error.js';
import type { EventFrame } from '../../framework/schema/protocol.js';
import { SwitchError, q } from '../switch/errors.js';
import { createSwitch } from '../switch/switch.js';
import type { CallRecord, DeviceEvent, Switch } from '../switch/types.js';
import type { ForceResult, Input, SocketRef, SwitchSetup } from './inputs.js';
import { SWITCH_COMMANDS } from './inputs.js';
import { LogClock } from './log-clock.js';

export type Effect =
  /** A numbered event frame for the session's sockets (only `to`, when given). */
  | { readonly kind: 'frame'; readonly sessionId: string; readonly frame: string; readonly to?: SocketRef }
  /** The socket is now attached to the session: it receives the session's frames from here on. */
  | { readonly kind: 'attached'; readonly sessionId: string; readonly socket: SocketRef }
  /** The session is over; with an error, its sockets are told why and closed. */
  | { readonly kind: 'closed'; readonly sessionId: string; readonly error?: ErrorObject }
  | { readonly kind: 'record'; readonly record: CallRecord };

/** One agent's server session as every replica holds it. */
export interface CenterSession {
  readonly sessionId: string;
  readonly agentId: string;
  readonly tokenHash: string;
  extension: string;
  seq: number;
  /**
   * Serialized frames by seq, oldest first: at most replayLimit of them, replayMaxBytes of frame
   * text together, none older than replayMaxAgeMs of log time (`at`, the entry time it was made at).
   */
  readonly replay: { seq: number; frame: string; at: number }[];
  /** Frame lengths (UTF-16 code units, as `frame.length`) in `replay`, together. */
  replayBytes: number;
  /** Attached sockets, on every node. */
  readonly sockets: Set<SocketRef>;
  graceTimer: number | undefined;
}

export interface LoginResult {
  readonly sessionId: string;
  readonly agentId: string;
  readonly extension: string;
  /** The seq before the Snapshot that follows the answer. */
  readonly seq: number;
}

export interface CenterOptions {
  /** How long a session with no socket attached stays logged in. */
  readonly sessionGraceMs: number;
  /** Events kept per session for resume. Default 256. */
  readonly replayLimit?: number;
  /** Frame text kept per session for resume: the serialized frames' lengths together. Default 10,240. */
  readonly replayMaxBytes?: number;
  /** Oldest frame kept for resume, by log time. Default 120,000 ms (twice the default grace period). */
  readonly replayMaxAgeMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
}

export interface CallCenter {
  readonly clock: LogClock;
  /** Undefined until the init input is applied. */
  readonly switch: Switch | undefined;
  readonly sessions: ReadonlyMap<string, CenterSession>;
  /** The live session whose token hashes to this, if any. */
  sessionByTokenHash(tokenHash: string): CenterSession | undefined;
  sessionById(sessionId: string): CenterSession | undefined;
  /** Applies one input at entry time `at`: returns its result or throws its refusal (SwitchError). */
  apply(input: Input, at: number): unknown;
  /** Receives effects as they are produced. */
  onEffect: (effect: Effect) => void;
  /** A stable text of the whole state, to compare replicas. */
  digest(): string;
  /**
   * Numbers a device event into its agent's session as a switch event would be: for the gateway
   * benchmark, which feeds events faster than any switch makes them. Not replicated.
   */
  route(event: DeviceEvent): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Defaults of the replay bounds (CenterOptions). */
export const REPLAY_DEFAULTS = { replayLimit: 256, replayMaxBytes: 10 * 1024, replayMaxAgeMs: 120_000 } as const;

/** The replay bounds, checked: a bad one is named with what it must be. */
export function replayBounds(options: Pick<CenterOptions, 'replayLimit' | 'replayMaxBytes' | 'replayMaxAgeMs'>): typeof REPLAY_DEFAULTS {
  const bounds = { ...REPLAY_DEFAULTS };
  for (const key of ['replayLimit', 'replayMaxBytes', 'replayMaxAgeMs'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${key} must be a whole number ≥ 0, not ${String(value)}`);
    (bounds as Record<typeof key, number>)[key] = value;
  }
  return bounds;
}

export function createCallCenter(options: CenterOptions): CallCenter {
  const { replayLimit, replayMaxBytes, replayMaxAgeMs } = replayBounds(options);
  const clock = new LogClock();
  const sessions = new Map<string, CenterSession>();
  const byToken = new Map<string, CenterSession>();
  const byId = new Map<string, CenterSession>();
  let sw: Switch | undefined;

  const center: CallCenter = {
    clock,
    get switch() {
      return sw;
    },
    sessions,
    sessionByTokenHash: (hash) => byToken.get(hash),
    sessionById: (id) => byId.get(id),
    apply,
    onEffect: () => {},
    digest,
    route,
  };
  const effect = (e: Effect) => center.onEffect(e);

  function started(): Switch {
    if (!sw) throw new SwitchError('OPENCTI_INVALID_ACTION', 'the call center has not started: its first log entry (init) is missing');
    return sw;
  }

  function push(session: CenterSession, event: OpenCtiEvent, to?: SocketRef): void {
    const seq = ++session.seq;
    const frame = JSON.stringify({ type: 'event', seq, event } satisfies EventFrame);
    session.replay.push({ seq, frame, at: clock.now() });
    session.replayBytes += frame.length;
    trimReplay(session);
    effect(to === undefined ? { kind: 'frame', sessionId: session.sessionId, frame } : { kind: 'frame', sessionId: session.sessionId, frame, to });
  }

  /**
   * Drops the oldest frames past the count, size or age bound. Age is log time, so that every
   * replica keeps the same frames; a resume from before the first one kept gets the Snapshot alone.
   */
  function trimReplay(session: CenterSession): void {
    const { replay } = session;
    const oldest = clock.now() - replayMaxAgeMs;
    let drop = 0;
    let bytes = session.replayBytes;
    while (drop < replay.length) {
      const first = replay[drop] as { frame: string; at: number };
      if (replay.length - drop <= replayLimit && bytes <= replayMaxBytes && first.at >= oldest) break;
      bytes -= first.frame.length;
      drop++;
    }
    if (drop === 0) return;
    replay.splice(0, drop);
    session.replayBytes = bytes;
  }

  function init(setup: SwitchSetup, at: number): void {
    if (sw) throw new SwitchError('OPENCTI_INVALID_ACTION', 'the call center has started already');
    sw = createSwitch({
      clock,
      agents: setup.agents,
      queues: setup.queues,
      wrapUpMs: setup.wrapUpMs,
      ringTimeoutMs: setup.ringTimeoutMs,
      farEndAnswerMs: setup.farEndAnswerMs,
      callIdPrefix: `${at.toString(36)}-`,
      onListenerError: (error) => options.log?.('error', 'a switch listener failed', { err: error }),
    });
    sw.onDeviceEvent(route);
    sw.onCallRecord((record) => effect({ kind: 'record', record }));
  }

  function route({ agentId, event }: DeviceEvent): void {
    const session = agentId === undefined ? undefined : sessions.get(agentId);
    if (session) push(session, event);
  }

  function openSession(agentId: string, extension: string, sessionId: string, tokenHash: string): CenterSession {
    const session: CenterSession = { sessionId, agentId, tokenHash, extension, seq: 0, replay: [], replayBytes: 0, sockets: new Set(), graceTimer: undefined };
    sessions.set(agentId, session);
    byToken.set(tokenHash, session);
    byId.set(sessionId, session);
    return session;
  }

  function closeSession(session: CenterSession, error?: ErrorObject): void {
    if (sessions.get(session.agentId) === session) sessions.delete(session.agentId);
    byToken.delete(session.tokenHash);
    byId.delete(session.sessionId);
    if (session.graceTimer !== undefined) clock.clearTimeout(session.graceTimer);
    session.graceTimer = undefined;
    session.sockets.clear();
    effect(error ? { kind: 'closed', sessionId: session.sessionId, error } : { kind: 'closed', sessionId: session.sessionId });
  }

  /** The socket receives what it missed (when still kept), then always a fresh Snapshot. */
  function attach(session: CenterSession, socket: SocketRef, lastSeq?: number): number {
    for (const other of sessions.values()) if (other !== session) other.sockets.delete(socket);
    const seq = session.seq;
    session.sockets.add(socket);
    if (session.graceTimer !== undefined) clock.clearTimeout(session.graceTimer);
    session.graceTimer = undefined;
    effect({ kind: 'attached', sessionId: session.sessionId, socket });
    if (lastSeq !== undefined) {
      const missed = framesAfter(session, lastSeq);
      for (const frame of missed ?? []) effect({ kind: 'frame', sessionId: session.sessionId, frame, to: socket });
    }
    push(session, started().snapshot(session.agentId), socket);
    return seq;
  }

  function framesAfter(session: CenterSession, lastSeq: number): string[] | undefined {
    if (lastSeq >= session.seq) return lastSeq === session.seq ? [] : undefined;
    trimReplay(session); // frames that aged out while the session was quiet
    const first = session.replay[0];
    if (!first || first.seq > lastSeq + 1) return undefined;
    return session.replay.filter((r) => r.seq > lastSeq).map((r) => r.frame);
  }

  /** No socket left anywhere: the agent stays logged in for the grace period, then is logged out. */
  function detached(session: CenterSession): void {
    if (session.sockets.size > 0 || session.graceTimer !== undefined || sessions.get(session.agentId) !== session) return;
    session.graceTimer = clock.setTimeout(() => {
      session.graceTimer = undefined;
      options.log?.('info', 'no desktop reconnected within the grace period: logging the agent out', { agentId: session.agentId });
      try {
        started().logout(session.agentId, 'LINK_LOST');
      } catch (error) {
        options.log?.('warn', 'logout after the grace period failed', { agentId: session.agentId, err: error });
      }
      closeSession(session);
    }, options.sessionGraceMs);
  }

  function login(input: Extract<Input, { k: 'login' }>): LoginResult {
    const s = started();
    const existing = sessions.get(input.agentId);
    if (existing && existing.sockets.size > 0) {
      throw new SwitchError(
        'OPENCTI_AGENT_LOGGED_IN',
        `agent "${input.agentId}" is already logged in on extension ${existing.extension} with a desktop open; ` +
          'close that desktop (or log out there) to log in here, or attach another tab with "resume" and the session token',
      );
    }
    // A login during the grace period takes the session over: its token stops working; the agent
    // stays logged in on the switch, calls and all, unless another extension is asked for.
    if (existing) {
      if (input.extension && input.extension !== existing.extension) s.logout(existing.agentId, ''); // refused during a call: nothing changed
      closeSession(existing);
    }
    const session = openSession(input.agentId, input.extension, input.sessionId, input.tokenHash);
    try {
      session.extension = s.login(input.agentId, input.extension).extension;
    } catch (error) {
      closeSession(session);
      throw error;
    }
    const seq = attach(session, input.socket);
    return { sessionId: session.sessionId, agentId: session.agentId, extension: session.extension, seq };
  }

  function liveSession(sessionId: string): CenterSession {
    const session = byId.get(sessionId);
    if (!session) throw new SwitchError('OPENCTI_AGENT_NOT_LOGGED_IN', 'this connection has no logged-in agent: log in or resume first');
    return session;
  }

  function apply(input: Input, at: number): unknown {
    if (!isRecord(input) || typeof input.k !== 'string') throw new SwitchError('OPENCTI_INVALID_ACTION', `not an input: ${q(input)}`);
    clock.advanceTo(at);
    switch (input.k) {
      case 'init':
        return init(input.setup, at);
      case 'timer':
        return clock.fire(input.id);
      case 'switch': {
        const s = started();
        if (!(SWITCH_COMMANDS as readonly string[]).includes(input.m)) throw new SwitchError('OPENCTI_INVALID_ACTION', `unknown switch command ${q(input.m)}`);
        if (input.session !== undefined) liveSession(input.session);
        // The log is JSON: an argument left out (undefined) comes back as null.
        return (s[input.m] as (...args: unknown[]) => unknown)(...input.a.map((v) => (v === null ? undefined : v))) ?? null;
      }
      case 'login':
        return login(input);
      case 'resume': {
        const session = byToken.get(input.tokenHash);
        if (!session) throw new SwitchError('OPENCTI_AGENT_NOT_LOGGED_IN', 'the session token is unknown or the session has ended: log in again');
        const seq = attach(session, input.socket, input.lastSeq);
        return { sessionId: session.sessionId, agentId: session.agentId, extension: session.extension, seq } satisfies LoginResult;
      }
      case 'detach': {
        const session = byId.get(input.sessionId);
        if (session?.sockets.delete(input.socket)) detached(session);
        return null;
      }
      case 'logout': {
        const session = liveSession(input.sessionId);
        started().logout(session.agentId, input.reasonCode);
        // The closing Snapshot reaches every tab before the response does.
        push(session, started().snapshot(session.agentId));
        closeSession(session);
        return null;
      }
      case 'end': {
        const s = started();
        const session = sessions.get(input.agentId);
        const loggedIn = s.agents().some((a) => a.agentId === input.agentId && a.state !== 'Logout' && a.state !== 'Unknown');
        if (!session && !loggedIn) return false;
        if (loggedIn) s.logout(input.agentId, input.reasonCode); // refused during a call: nothing changed
        if (session) {
          push(session, s.snapshot(input.agentId));
          closeSession(session, { errCode: 'OPENCTI_SESSION_ENDED', errMessage: input.why });
        }
        return true;
      }
      case 'force':
        return force(input);
      case 'nodeGone': {
        for (const session of [...sessions.values()]) {
          let lost = false;
          for (const socket of session.sockets) if (socket.startsWith(input.prefix) && session.sockets.delete(socket)) lost = true;
          if (lost) detached(session);
        }
        return null;
      }
      default:
        throw new SwitchError('OPENCTI_INVALID_ACTION', `unknown input kind ${q((input as { k: unknown }).k)}`);
    }
  }

  function force(input: Extract<Input, { k: 'force' }>): ForceResult {
    const s = started();
    const { agentId, state, reasonCode, by } = input;
    const summary = s.agents().find((a) => a.agentId === agentId);
    if (!summary) throw new SwitchError('OPENCTI_INVALID_ACTION', `unknown agent ${q(agentId)}`);
    if (summary.state === 'Logout' || summary.state === 'Unknown') throw new SwitchError('OPENCTI_AGENT_NOT_LOGGED_IN', `agent ${q(agentId)} is not logged in`);
    if (state === 'NotReady') {
      s.notReady(agentId, reasonCode);
      return { agentId, state, reasonCode, when: summary.state === 'Busy' ? 'afterCall' : 'now' };
    }
    if (state !== 'Logout') throw new SwitchError('OPENCTI_INVALID_ACTION', `an agent can be forced NotReady or Logout, not ${q(state)}`);
    s.logout(agentId, reasonCode); // refused during a call: nothing changed
    const session = sessions.get(agentId);
    if (session) {
      push(session, s.snapshot(agentId));
      const who = by === 'admin' ? 'an administrator' : `supervisor "${by}"`;
      closeSession(session, { errCode: 'OPENCTI_SESSION_ENDED', errMessage: `${who} logged you out: ${reasonCode}` });
    }
    return { agentId, state, reasonCode, when: 'now' };
  }

  function digest(): string {
    const s = sw;
    return JSON.stringify({
      now: clock.now(),
      calls: s ? s.calls() : [],
      queues: s ? s.queues() : [],
      agents: s ? s.agents() : [],
      sessions: [...sessions.values()]
        .map((x) => ({ agentId: x.agentId, sessionId: x.sessionId, extension: x.extension, seq: x.seq, replay: [x.replay[0]?.seq ?? null, x.replay.length, x.replayBytes], sockets: [...x.sockets].sort(), grace: x.graceTimer !== undefined }))
        .sort((a, b) => a.agentId.localeCompare(b.agentId)),
      timers: clock.pending().sort((a, b) => a.id - b.id),
    });
  }

  return center;
}
