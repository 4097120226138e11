/**
 * The WebSocket gateway at /cti: authenticates agents, turns request frames into switch
 * operations, and streams each agent's numbered events to every socket attached to its session.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ErrorObject } from '../../framework/schema/error.js';
import { previewValue } from '../../framework/schema/validate.js';
import { OPS, type PhoneCommandFrame, type PhoneReportFrame, type RequestFrame, type ResponseFrame } from '../../framework/schema/protocol.js';
import type { PhoneChannel } from '../sip/backend/browser-phone.js';
import type { ServerMetrics } from '../metrics.js';
import type { CenterSession, Effect } from '../center/center.js';
import type { CenterDriver } from '../center/driver.js';
import type { Stats } from '../stats/figures.js';
import type { SocketRef } from '../center/inputs.js';
import { StoreError } from '../store/errors.js';
import { byteLength, parseFrame } from './frames.js';
import { CLOSE_CODES, GATEWAY_LIMIT_DEFAULTS, sessionBytesPerSecond, type GatewayLimits } from './limits.js';
import { originPolicy } from './origin.js';
import { AddressBudgets, SessionBudgets, SocketBudget } from './socket-budget.js';
import { createLoginGuard, DEFAULT_LOGIN_LIMITS, type LoginGuard } from './login-guard.js';
import { hashToken, ProtocolError, runOperation, type CallControl, type OperationContext } from './operations.js';

/** WebSocket close code of a session ended by the server (4000–4999 are the application's). */
export const SESSION_ENDED_CLOSE = CLOSE_CODES.sessionEnded;

export interface GatewayOptions {
  /** The call center (switch and agent sessions) this node serves. */
  readonly driver: CenterDriver;
  /** This node's prefix of socket refs, `<nodeId>/<boot>/`: unique per process start in a cluster. */
  readonly nodeRef?: string;
  /** Where agents' call requests go with a real back end; default the switch (simulated telephony). */
  readonly callControl?: CallControl | undefined;
  readonly authenticate: (agentId: string, password: string) => boolean | Promise<boolean>;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** Interval of heartbeat frames and ping/pong checks. Default 10 s. */
  readonly heartbeatMs?: number;
  /** What one client may cost (frame size and shape, rates, unread output, time); defaults in limits.ts. */
  readonly limits?: Partial<GatewayLimits>;
  /** Origins whose pages may open the socket; undefined = any. Upgrades without Origin always may. */
  readonly allowedOrigins?: readonly string[];
  /** Login throttling and lockout; default one with DEFAULT_LOGIN_LIMITS. */
  readonly logins?: LoginGuard;
  /** The store's agent, for the extension rule at login (absent = any extension) and the role. */
  readonly agentOf?: OperationContext['agentOf'];
  /** Live statistics: sockets of supervisors get a `stats` frame at login and on every published change. */
  readonly stats?: { current(): Stats; onChange(listener: (stats: Stats) => void, wanted?: () => boolean): () => void };
  /** Browser phones (SIP back end): where the desktops' `phone` reports go. */
  readonly phones?: PhoneChannel | undefined;
}

/**
 * Most time one slice of a heartbeat sweep (or of the reconcile after it) may hold the event loop:
 * an event published meanwhile waits at most this long behind it.
 */
const SWEEP_SLICE_MS = 0.5;
/** Sockets served between two looks at the clock during a sweep slice. */
const SWEEP_CHECK_EVERY = 4;
/** Time between two slices of a sweep spread over the heartbeat interval. */
const SWEEP_TICK_MS = 10;
/** How long a closed connection may take to answer the close before it is cut. */
const CLOSE_WAIT_MS = 1000;

interface Closing {
  /** The metric label. */
  readonly why: 'rate_limited' | 'send_buffer' | 'login_timeout' | 'idle_timeout';
  readonly code: number;
  /** The close reason (at most 123 bytes). */
  readonly reason: string;
  /** An error frame sent first, for clients that show errors rather than close reasons. */
  readonly error?: ErrorObject;
  /** A flood is not read any further; the close answer of a flooding peer is not waited for either. */
  readonly stopReading?: boolean;
}

interface Connection {
  readonly socket: WebSocket;
  readonly ref: SocketRef;
  sessionId: string | undefined;
  /** Frames held back while a login or resume is answered. */
  held: string[] | undefined;
  /** A pong came since the last ping: the client reads what the server sends. */
  alive: boolean;
  readonly address: string;
  readonly budget: SocketBudget;
  /** performance.now() of the last frame received or request answered, for the idle timeout. */
  lastActive: number;
  /** Requests being served: a client waiting for an answer is not idle. */
  inFlight: number;
  /** Login and resume requests not answered yet: the login timeout waits for them. */
  authInFlight: number;
  loginTimer: ReturnType<typeof setTimeout> | undefined;
  loginOverdue: boolean;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the gateway is ending the connection: nothing more is read or sent. */
  closing: boolean;
  /** The session this socket is attached to is a supervisor's: it gets the stats frames. */
  supervisor: boolean;
  /** performance.now() of the last stats frame sent; a newer one waits for the interval (pending). */
  statsSentAt: number;
  statsPending: string | undefined;
  statsTimer: ReturnType<typeof setTimeout> | undefined;
  /** The TCP socket is corked: its frames go out in one write when the current callback is done. */
  corked: boolean;
}

/** Least time between two stats frames on one socket. */
const STATS_INTERVAL_MS = 1000;

export interface Gateway {
  /** Serves WebSocket upgrades on `path` of an HTTP server. */
  attach(server: Server, path?: string): void;
  /** Agents with a server session (on any node), by agent id, for admin views and metrics. */
  sessions(): ReadonlyMap<string, CenterSession>;
  /** True for the token of a live agent session (the desktop's credential for the REST API). */
  isSessionToken(token: string): boolean;
  /** The agent id of a live session token, else undefined: who a REST request with it is. */
  agentForToken(token: string): string | undefined;
  /**
   * Logs the agent out and ends their session (desktops told OPENCTI_SESSION_ENDED); false when
   * not logged in. Throws the switch's refusal (a call in progress), changing nothing.
   */
  logoutAgent(agentId: string, reasonCode?: string): Promise<boolean>;
  /** Sockets of this node attached to a session. */
  attachedSockets(): number;
  /** Agents with a socket attached on this node. */
  localAgents(): string[];
  /** Closes every socket with this code and reason; the agents keep their grace period. */
  disconnectAll(code: number, reason: string): void;
  close(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const limits: GatewayLimits = { ...GATEWAY_LIMIT_DEFAULTS, ...options.limits };
  const { metrics, logger, driver } = options;
  const center = driver.center;
  const nodeRef = options.nodeRef ?? `local/${randomUUID()}/`;
  let socketCount = 0;
  const originAllowed = originPolicy(options.allowedOrigins);

  // ws's own limit closes the socket; ours answers and keeps it, so ws gets generous headroom.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(limits.maxFrameBytes * 16, 1024 * 1024) });
  /** This node's sockets by the session they are attached to. */
  const attached = new Map<string, Set<Connection>>();
  const byRef = new Map<SocketRef, Connection>();
  const bySocket = new Map<WebSocket, Connection>();
  const anonymousBudgets = new AddressBudgets(limits.anonymousBytesPerSecond);
  const sessionBudgets = new SessionBudgets(sessionBytesPerSecond(limits));

  /**
   * Frames made by one callback of the event loop (an input applied, a burst of events, a timer)
   * leave each socket in one write: the first frame corks its TCP socket, and one microtask
   * uncorks every corked socket once the callback is done. A microtask rather than setImmediate:
   * the batch is the same for the events of one input, and no event waits behind other I/O.
   * A write syscall per frame was most of the gateway's CPU in bursts (docs/performance.md).
   */
  const corked: Connection[] = [];
  /** Event frames sent since the last flush: added to the metric once per batch rather than once per frame. */
  let eventsSent = 0;
  let flushScheduled = false;
  function cork(connection: Connection): void {
    if (connection.corked) return;
    const tcp = rawSocket(connection.socket);
    if (!tcp) return;
    tcp.cork();
    connection.corked = true;
    corked.push(connection);
    scheduleFlush();
  }
  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(flush);
  }
  function flush(): void {
    flushScheduled = false;
    if (eventsSent > 0) metrics.eventsSent.inc(eventsSent);
    eventsSent = 0;
    // Taken whole first: a guard that drops a socket must not grow the list being walked.
    const batch = corked.splice(0);
    for (const connection of batch) {
      connection.corked = false;
      (connection.socket as unknown as { _socket?: Duplex | null })._socket?.uncork();
    }
    // What a client leaves unread is judged after the write, not against frames still corked.
    for (const connection of batch) if (!connection.closing) guardSendBuffer(connection);
  }

  /** Sends a frame on an open connection; its unread output is checked once the batch is written. */
  function write(connection: Connection, frame: string): boolean {
    if (connection.closing || connection.socket.readyState !== connection.socket.OPEN) return false;
    cork(connection);
    connection.socket.send(frame);
    if (!connection.corked) guardSendBuffer(connection);
    return true;
  }

  const send = (connection: Connection, frame: ResponseFrame) => void write(connection, JSON.stringify(frame));
  const fail = (connection: Connection, id: RequestFrame['id'] | null, error: ErrorObject) =>
    send(connection, { type: 'response', id, ok: false, error });

  /** An event frame of the connection's session: held while its login or resume is answered. */
  function deliver(connection: Connection, frame: string): void {
    if (connection.held) return void connection.held.push(frame);
    if (!write(connection, frame)) return;
    eventsSent++;
    scheduleFlush();
  }

  function releaseHeld(connection: Connection): void {
    const held = connection.held;
    connection.held = undefined;
    for (const frame of held ?? []) deliver(connection, frame);
  }

  function unbind(connection: Connection): void {
    const sessionId = connection.sessionId;
    if (sessionId === undefined) return;
    connection.sessionId = undefined;
    options.phones?.gone(connection);
    const set = attached.get(sessionId);
    set?.delete(connection);
    if (set?.size === 0) attached.delete(sessionId);
  }

  /** What the call center did, as far as this node's sockets are concerned. */
  const onEffect = (effect: Effect): void => {
    switch (effect.kind) {
      case 'frame': {
        if (effect.to !== undefined) {
          const connection = byRef.get(effect.to);
          if (connection?.sessionId === effect.sessionId) deliver(connection, effect.frame);
          return;
        }
        for (const connection of attached.get(effect.sessionId) ?? []) deliver(connection, effect.frame);
        return;
      }
      case 'attached': {
        const connection = byRef.get(effect.socket);
        if (!connection || connection.closing) {
          // Our socket closed while its login or resume was served: the session is left without it.
          if (effect.socket.startsWith(nodeRef)) detachRef(effect.sessionId, effect.socket);
          return;
        }
        if (connection.sessionId !== effect.sessionId) {
          unbind(connection);
          connection.supervisor = false;
          watchRole(connection, effect.sessionId);
        }
        connection.sessionId = effect.sessionId;
        let set = attached.get(effect.sessionId);
        if (!set) attached.set(effect.sessionId, (set = new Set()));
        set.add(connection);
        metrics.connectedAgents.set(center.sessions.size);
        return;
      }
      case 'closed': {
        const connections = [...(attached.get(effect.sessionId) ?? [])];
        attached.delete(effect.sessionId);
        for (const connection of connections) {
          connection.sessionId = undefined;
          options.phones?.gone(connection);
          if (!effect.error) continue;
          const frame = JSON.stringify({ type: 'response', id: null, ok: false, error: effect.error } satisfies ResponseFrame);
          if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(frame);
          connection.socket.close(SESSION_ENDED_CLOSE, effect.error.errCode);
        }
        metrics.connectedAgents.set(center.sessions.size);
        return;
      }
      case 'record':
        return;
    }
  };
  /** A supervisor's socket gets the statistics now (after its login answer) and on every change. */
  function watchRole(connection: Connection, sessionId: string): void {
    const stats = options.stats;
    const agentId = center.sessionById(sessionId)?.agentId;
    if (!stats || !options.agentOf || agentId === undefined) return;
    Promise.resolve(options.agentOf(agentId))
      .then((agent) => {
        if (agent?.role !== 'supervisor' || connection.sessionId !== sessionId || connection.closing) return;
        connection.supervisor = true;
        sendStats(connection, JSON.stringify({ type: 'stats', stats: stats.current() }));
      })
      .catch((error: unknown) => logger.warn({ err: error, agentId }, 'could not read the role of an agent: no statistics for this socket'));
  }
  const watching = (connection: Connection) => connection.supervisor && connection.sessionId !== undefined;
  const stopStats = options.stats?.onChange(
    (stats) => {
      let frame: string | undefined;
      for (const connection of live) {
        if (!watching(connection)) continue;
        frame ??= JSON.stringify({ type: 'stats', stats });
        sendStats(connection, frame);
      }
    },
    () => [...live].some(watching),
  );

  /** At most one stats frame per interval on a socket: a newer one waits, replacing any waiting. */
  function sendStats(connection: Connection, frame: string): void {
    const wait = connection.statsSentAt + STATS_INTERVAL_MS - performance.now();
    if (wait <= 0 && connection.statsTimer === undefined) {
      connection.statsSentAt = performance.now();
      return deliver(connection, frame);
    }
    connection.statsPending = frame;
    if (connection.statsTimer !== undefined) return;
    connection.statsTimer = setTimeout(() => {
      connection.statsTimer = undefined;
      const pending = connection.statsPending;
      connection.statsPending = undefined;
      if (pending !== undefined && connection.supervisor && connection.sessionId !== undefined) sendStats(connection, pending);
    }, Math.max(wait, 0));
    connection.statsTimer.unref?.();
  }

  const stopEffects = driver.onEffect((effect) => {
    try {
      onEffect(effect);
    } catch (error) {
      handlerFailed('event', undefined, error);
    }
  });

  function detachRef(sessionId: string, socket: SocketRef): void {
    driver.exec({ k: 'detach', sessionId, socket }).catch((error: unknown) => logger.warn({ err: error, sessionId }, 'could not detach a socket from its session'));
  }

  /** The socket leaves its session; with none left anywhere, the call center starts the grace period. */
  function detach(connection: Connection): void {
    const sessionId = connection.sessionId;
    if (sessionId === undefined) return;
    unbind(connection);
    detachRef(sessionId, connection.ref);
  }

  const context: OperationContext = {
    logins: options.logins ?? createLoginGuard(DEFAULT_LOGIN_LIMITS, metrics.registry),
    agentOf: options.agentOf,
    driver,
    callControl: options.callControl,
    authenticate: options.authenticate,
    heartbeatMs,
  };

  /**
   * Ends a connection the gateway no longer serves: says why (error frame when given, close code
   * and reason) and leaves the agent's session its grace period. A peer that does not answer the
   * close within a second is cut.
   */
  function drop(connection: Connection, { why, code, reason, error, stopReading = false }: Closing): void {
    if (connection.closing) return;
    connection.closing = true;
    const { socket } = connection;
    if (error && socket.readyState === socket.OPEN) {
      socket.send(JSON.stringify({ type: 'response', id: null, ok: false, error } satisfies ResponseFrame));
    }
    metrics.wsClosedByServer.inc({ reason: why });
    logger.info({ sessionId: connection.sessionId, code, reason }, 'closing a WebSocket connection');
    clearTimers(connection);
    detach(connection);
    socket.close(code, reason);
    if (stopReading) socket.pause();
    const cut = setTimeout(() => socket.terminate(), CLOSE_WAIT_MS);
    cut.unref?.();
    socket.once('close', () => clearTimeout(cut));
  }

  /** A client that does not read must not make the server hold its output without bound. */
  function guardSendBuffer(connection: Connection): void {
    const buffered = connection.socket.bufferedAmount;
    if (buffered <= limits.maxSendBufferBytes || connection.closing) return;
    drop(connection, { why: 'send_buffer', code: CLOSE_CODES.sendBufferFull, reason: `send buffer over ${limits.maxSendBufferBytes} bytes: not reading` });
  }

  function clearTimers(connection: Connection): void {
    if (connection.loginTimer) clearTimeout(connection.loginTimer);
    if (connection.idleTimer) clearTimeout(connection.idleTimer);
    if (connection.statsTimer) clearTimeout(connection.statsTimer);
    connection.loginTimer = connection.idleTimer = connection.statsTimer = undefined;
  }

  function loginDeadline(connection: Connection): void {
    connection.loginTimer = undefined;
    if (connection.sessionId !== undefined || connection.closing) return;
    // A login still being checked is answered first; the deadline applies when it settles.
    if (connection.authInFlight > 0) {
      connection.loginOverdue = true;
      return;
    }
    drop(connection, {
      why: 'login_timeout',
      code: CLOSE_CODES.loginTimeout,
      reason: `no login within ${limits.loginTimeoutMs} ms`,
      error: { errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: `no login or resume within ${limits.loginTimeoutMs} ms of connecting: closing the connection` },
    });
  }

  function idleCheck(connection: Connection): void {
    const quiet = performance.now() - connection.lastActive;
    if (quiet < limits.idleTimeoutMs || connection.inFlight > 0) {
      connection.idleTimer = setTimeout(idleCheck, Math.max(limits.idleTimeoutMs - quiet, 1), connection);
      connection.idleTimer.unref?.();
      return;
    }
    drop(connection, { why: 'idle_timeout', code: CLOSE_CODES.idleTimeout, reason: `idle: nothing received for ${limits.idleTimeoutMs} ms` });
  }

  const isAuthOp = (op: string) => op === 'login' || op === 'resume';

  async function handleRequest(connection: Connection, request: RequestFrame): Promise<void> {
    const started = performance.now();
    let ok = false;
    connection.inFlight++;
    if (isAuthOp(request.op)) connection.authInFlight++;
    try {
      const result = await runOperation(context, connection, request.op, request.args ?? {});
      ok = true;
      send(connection, { type: 'response', id: request.id, ok: true, result: result.result });
    } catch (error) {
      const errorObject = toErrorObject(error);
      if (errorObject.errCode === 'OPENCTI_BAD_FRAME') metrics.badFrames.inc({ reason: 'bad_request' });
      else if (error instanceof StoreError && errorObject.errCode === 'OPENCTI_LINK_DOWN') logger.warn({ err: error, op: request.op }, 'request refused: the store is unreachable');
      else if (!(error instanceof ProtocolError) && !('errCode' in (error as object))) {
        logger.error({ err: error, op: request.op }, 'request failed unexpectedly');
      }
      fail(connection, request.id, errorObject);
    } finally {
      // The answer to a login or resume is out: the session's events held back for it follow.
      if (isAuthOp(request.op)) releaseHeld(connection);
      // Label by known ops only: a client's made-up op names must not grow the metrics without bound.
      const op = (OPS as readonly string[]).includes(request.op) ? request.op : 'unknown';
      metrics.requestLatency.observe({ op, ok: String(ok) }, (performance.now() - started) / 1000);
      connection.inFlight--;
      connection.lastActive = performance.now();
      if (isAuthOp(request.op)) settleAuth(connection);
    }
  }

  function settleAuth(connection: Connection): void {
    connection.authInFlight--;
    // A client that left while its check waited is no login timeout: nothing to count or cut.
    if (connection.closing || connection.socket.readyState !== connection.socket.OPEN) return;
    if (connection.sessionId !== undefined) {
      if (connection.loginTimer) clearTimeout(connection.loginTimer);
      connection.loginTimer = undefined;
      connection.loginOverdue = false;
    } else if (connection.loginOverdue && connection.authInFlight === 0) loginDeadline(connection);
  }

  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.closing) return;
    const now = performance.now();
    connection.lastActive = now;
    const size = byteLength(data);
    const session = connection.sessionId === undefined ? undefined : center.sessionById(connection.sessionId);
    const over =
      connection.budget.charge(size, now) ?? (session ? sessionBudgets.charge(session, size, now) : anonymousBudgets.charge(connection.address, size, now));
    if (over) {
      const what =
        over.budget === 'frames'
          ? `${over.perSecond} frames per second`
          : over.budget === 'bytes'
            ? `${over.perSecond} bytes per second`
            : over.budget === 'sessionBytes'
              ? `${over.perSecond} bytes per second from this agent's connections`
              : `${over.perSecond} bytes per second from this address before login`;
      // One frame bigger than a second's worth of bytes is no flood: say so, or the client looks for one.
      const alone = over.budget === 'bytes' && size > over.perSecond;
      drop(connection, {
        why: 'rate_limited',
        code: CLOSE_CODES.rateLimited,
        reason: alone ? `rate limited: one frame of ${size} bytes is over ${what}` : `rate limited: over ${what}`,
        error: {
          errCode: 'OPENCTI_RATE_LIMITED',
          errMessage: alone
            ? `this connection sent one frame of ${size} bytes, over limits.bytesPerSecond (${over.perSecond}) by itself and over limits.maxFrameBytes (${limits.maxFrameBytes}): closing it`
            : over.budget === 'anonymousBytes'
              ? `the connections of this address that are not logged in sent more than ${over.perSecond} bytes per second together (limits.anonymousBytesPerSecond): closing this one; log in first`
              : over.budget === 'sessionBytes'
                ? `the connections of agent "${session?.agentId}" sent more than ${over.perSecond} bytes per second together (limits.sessionBytesPerSecond): closing this one`
                : `this connection sent more than ${what} (limits.${over.budget}PerSecond): closing it`,
        },
        stopReading: true,
      });
      return;
    }
    const parsed = parseFrame(data, isBinary, limits);
    if (!parsed.ok) {
      metrics.badFrames.inc({ reason: parsed.reason });
      logger.debug({ reason: parsed.reason, message: parsed.error.errMessage }, 'bad frame');
      fail(connection, parsed.id, parsed.error);
      return;
    }
    if (parsed.frame.type === 'heartbeat') return;
    if (parsed.frame.type === 'phone') return onPhoneReport(connection, parsed.frame);
    const request = parsed.frame;
    handleRequest(connection, request).catch((error: unknown) => handlerFailed('request', connection, error, request.id));
  }

  /** A browser phone's report goes to the SIP back end with the agent of the connection; commands come back on it. */
  function onPhoneReport(connection: Connection, report: PhoneReportFrame): void {
    const agentId = connection.sessionId === undefined ? undefined : center.sessionById(connection.sessionId)?.agentId;
    if (agentId === undefined) {
      fail(connection, null, { errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: `phone report "${report.report}" before login: log in first` });
      return;
    }
    const send = (frame: PhoneCommandFrame): void => deliver(connection, JSON.stringify(frame));
    if (!options.phones) {
      // no SIP back end: the page is nobody's phone
      if (report.report === 'hello') send({ type: 'phone', id: 'setup', cmd: 'setup', setup: null });
      return;
    }
    const refused = options.phones.report(agentId, connection, report, send);
    if (refused) fail(connection, null, refused);
  }

  /**
   * A gateway handler threw: a bug, not the client's doing. It must not take the process (and
   * every other desktop) down: it is logged, counted, and answered where a client waits.
   */
  function handlerFailed(handler: string, connection: Connection | undefined, error: unknown, id: RequestFrame['id'] | null = null): void {
    try {
      metrics.wsHandlerErrors.inc({ handler });
      logger.error({ err: error, handler }, 'WebSocket handler failed');
      if (connection && (handler === 'message' || handler === 'request')) {
        fail(connection, id, { errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'the server failed to handle this frame; it was logged' });
      }
    } catch {
      // reporting the failure failed too (a logger or socket gone bad): nothing more to do safely
    }
  }

  /** Runs a socket handler so that no failure of it escapes into the event loop. */
  const guarded =
    <A extends unknown[]>(handler: string, connection: Connection | undefined, run: (...args: A) => void) =>
    (...args: A): void => {
      try {
        run(...args);
      } catch (error) {
        handlerFailed(handler, connection, error);
      }
    };

  wss.on(
    'connection',
    guarded('connection', undefined, (socket: WebSocket, request: IncomingMessage) => {
      const connection: Connection = {
        socket,
        ref: `${nodeRef}${++socketCount}`,
        sessionId: undefined,
        held: undefined,
        address: request.socket.remoteAddress ?? '',
        alive: true,
        budget: new SocketBudget(limits, performance.now()),
        lastActive: performance.now(),
        inFlight: 0,
        authInFlight: 0,
        loginTimer: undefined,
        loginOverdue: false,
        idleTimer: undefined,
        closing: false,
        supervisor: false,
        statsSentAt: Number.NEGATIVE_INFINITY,
        statsPending: undefined,
        statsTimer: undefined,
        corked: false,
      };
      metrics.connections.inc();
      socket.on('message', guarded('message', connection, (data: RawData, isBinary: boolean) => onMessage(connection, data, isBinary)));
      // Alive means read: only a pong answers a ping, whatever else the client sends.
      socket.on('pong', guarded('pong', connection, () => (connection.alive = true)));
      socket.on('error', (error) => logger.debug({ err: error }, 'socket error'));
      socket.on(
        'close',
        guarded('close', connection, () => {
          metrics.connections.dec();
          clearTimers(connection);
          live.delete(connection);
          bySocket.delete(socket);
          byRef.delete(connection.ref);
          anonymousBudgets.leave(connection.address);
          detach(connection);
        }),
      );
      live.add(connection);
      bySocket.set(socket, connection);
      byRef.set(connection.ref, connection);
      anonymousBudgets.join(connection.address, performance.now());
      connection.loginTimer = setTimeout(loginDeadline, limits.loginTimeoutMs, connection);
      connection.loginTimer.unref?.();
      connection.idleTimer = setTimeout(idleCheck, limits.idleTimeoutMs, connection);
      connection.idleTimer.unref?.();
    }),
  );

  // Both ways: frames tell a client the server is alive; pings find clients that vanished.
  const live = new Set<Connection>();
  const heartbeatFrame = JSON.stringify({ type: 'heartbeat', intervalMs: heartbeatMs });
  const beat = (connection: Connection) => {
    if (connection.closing) return;
    if (!connection.alive) {
      metrics.wsClosedByServer.inc({ reason: 'no_pong' });
      return connection.socket.terminate();
    }
    connection.alive = false;
    // The ping and the heartbeat frame in one write.
    const tcp = rawSocket(connection.socket);
    tcp?.cork();
    connection.socket.ping();
    connection.socket.send(heartbeatFrame);
    tcp?.uncork();
    if (!connection.corked) guardSendBuffer(connection);
  };
  /**
   * This node's sockets as the call center counts them, put right: one it counts but this node no
   * longer has (a detach that failed) is detached; one this node still serves but the center has
   * let go (this node was taken for gone during a NATS outage) is attached again.
   */
  const reconcileSession = (session: CenterSession) => {
    if (center.sessionById(session.sessionId) !== session) return;
    for (const socket of session.sockets) if (socket.startsWith(nodeRef) && !byRef.has(socket)) detachRef(session.sessionId, socket);
    for (const connection of attached.get(session.sessionId) ?? []) {
      if (connection.closing || session.sockets.has(connection.ref)) continue;
      driver
        .exec({ k: 'resume', tokenHash: session.tokenHash, lastSeq: session.seq, socket: connection.ref })
        .catch((error: unknown) => logger.warn({ err: error, sessionId: session.sessionId }, 'could not attach a socket again'));
    }
  };
  /**
   * Serves `items` spread evenly over `spreadMs`, in slices of at most SWEEP_SLICE_MS, so that
   * thousands of sockets never hold an event back by more than that. It used to be 50 sockets per
   * turn all at once: on a loaded machine that took milliseconds per turn, and a thousand pings
   * and heartbeat frames at once kept the clients busy too. Spread, each socket still gets its
   * beat about one interval after the last (the order of `live` is kept).
   */
  function paced<T>(items: readonly T[], serve: (item: T) => void, spreadMs: number, done: () => void): void {
    const start = performance.now();
    let i = 0;
    const step = () => {
      sweepTimer = undefined;
      if (stopped) return;
      const elapsed = performance.now() - start + SWEEP_TICK_MS;
      const due = spreadMs <= 0 ? items.length : Math.min(items.length, Math.ceil((items.length * elapsed) / spreadMs));
      const end = performance.now() + SWEEP_SLICE_MS;
      while (i < due) {
        serve(items[i++] as T);
        if (i % SWEEP_CHECK_EVERY === 0 && performance.now() >= end) break;
      }
      if (i >= items.length) return done();
      if (i < due) {
        const immediate = setImmediate(step);
        sweepTimer = () => clearImmediate(immediate);
      } else {
        const timeout = setTimeout(step, SWEEP_TICK_MS);
        timeout.unref?.();
        sweepTimer = () => clearTimeout(timeout);
      }
    };
    step();
  }
  /** Cancels the next slice of the sweep going on. */
  let sweepTimer: (() => void) | undefined;
  let sweeping = false;
  let stopped = false;
  const beatLive = guarded('heartbeat', undefined, (connection: Connection) => {
    if (live.has(connection)) beat(connection);
  });
  const reconcileGuarded = guarded('heartbeat', undefined, reconcileSession);
  /**
   * One sweep: every socket is pinged and sent a heartbeat frame, spread over half the interval;
   * then the sessions are put right, as fast as the slices allow.
   */
  const sweep = () => {
    if (sweeping) return; // the previous sweep is still going (a very loaded node): it is the one that counts
    sweeping = true;
    paced([...live], beatLive, heartbeatMs / 2, () => paced([...center.sessions.values()], reconcileGuarded, 0, () => (sweeping = false)));
  };
  const heartbeat = setInterval(sweep, heartbeatMs);
  heartbeat.unref?.();

  function refuseUpgrade(socket: Duplex, why: 'path' | 'origin' | 'error', status: string, body: string): void {
    metrics.wsUpgradesRefused.inc({ reason: why });
    refuseUpgradeOn(socket, status, body);
  }

  return {
    attach(server, path = '/cti') {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on('error', (error) => logger.debug({ err: error }, 'upgrade socket error'));
        try {
          // Nothing else serves upgrades on this port: anything but `path` is refused and closed.
          if (requestPath(request.url) !== path) return refuseUpgrade(socket, 'path', '404 Not Found', '');
          const origin = request.headers.origin;
          if (!originAllowed(origin)) {
            return refuseUpgrade(socket, 'origin', '403 Forbidden', `origin ${previewValue(origin)} may not open ${path}: it is not in allowedOrigins\n`);
          }
          wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
        } catch (error) {
          handlerFailed('upgrade', undefined, error);
          refuseUpgrade(socket, 'error', '500 Internal Server Error', 'the server could not handle this upgrade\n');
        }
      });
    },
    sessions: () => center.sessions,
    isSessionToken: (token) => center.sessionByTokenHash(hashToken(token)) !== undefined,
    agentForToken: (token) => center.sessionByTokenHash(hashToken(token))?.agentId,
    logoutAgent: async (agentId, reasonCode = '') =>
      (await driver.exec({ k: 'end', agentId, reasonCode, why: `an administrator ended the session of agent "${agentId}": log in again to continue` })) === true,
    attachedSockets: () => [...attached.values()].reduce((n, set) => n + set.size, 0),
    localAgents: () => [...attached.keys()].flatMap((sessionId) => center.sessionById(sessionId)?.agentId ?? []),
    disconnectAll(code, reason) {
      for (const connection of [...live]) {
        metrics.wsClosedByServer.inc({ reason: 'node_unavailable' });
        clearTimers(connection);
        detach(connection);
        connection.closing = true;
        connection.socket.close(code, reason);
      }
    },
    async close() {
      clearInterval(heartbeat);
      stopped = true;
      sweepTimer?.();
      stopEffects();
      stopStats?.();
      for (const connection of live) connection.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The TCP socket under a WebSocket (ws keeps it as `_socket`), while it can still be written. */
function rawSocket(socket: WebSocket): Duplex | undefined {
  const tcp = (socket as unknown as { _socket?: Duplex | null })._socket;
  return tcp && !tcp.destroyed ? tcp : undefined;
}

/** Answers an upgrade request with an HTTP status and a short text, then closes the socket. */
function refuseUpgradeOn(socket: Duplex, status: string, body: string): void {
  if (socket.destroyed) return;
  const length = Buffer.byteLength(body);
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${length}\r\n\r\n${body}`);
  // Ends once the answer is out; a peer that never reads it is cut soon.
  const cut = setTimeout(() => socket.destroy(), CLOSE_WAIT_MS);
  cut.unref?.();
  socket.once('close', () => clearTimeout(cut));
}

/** The path of a request line's target, or undefined when it is not a URL (a malformed request). */
function requestPath(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function toErrorObject(error: unknown): ErrorObject {
  if (typeof error === 'object' && error !== null && 'errCode' in error && typeof error.errCode === 'string') {
    const message = 'errMessage' in error && typeof error.errMessage === 'string' ? error.errMessage : String(error);
    // A throttled login says when to retry, for programs as well as in the message.
    const retry = 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? { retryAfterMs: error.retryAfterMs } : {};
    return { errCode: error.errCode, errMessage: message, ...retry };
  }
  // The store (PostgreSQL) cannot be reached: a link is down, not a failure of the request itself.
  if (error instanceof StoreError && error.code === 'UNAVAILABLE') return { errCode: 'OPENCTI_LINK_DOWN', errMessage: error.message };
  return { errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: error instanceof Error ? error.message : String(error) };
}
