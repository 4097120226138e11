/**
 * The WebSocket gateway at /cti: authenticates agents, turns request frames into switch
 * operations, and streams each agent's numbered events to every socket attached to its session.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ErrorObject } from '../../framework/schema/error.js';
import { OPS, type RequestFrame, type ResponseFrame } from '../../framework/schema/protocol.js';
import type { ServerMetrics } from '../metrics.js';
import type { Switch } from '../switch/types.js';
import { AgentSession } from './agent-session.js';
import { agentTopic, type EventBus } from './bus.js';
import { parseFrame } from './frames.js';
import { createLoginGuard, DEFAULT_LOGIN_LIMITS, type LoginGuard } from './login-guard.js';
import { endAgentSession, ProtocolError, runOperation, type CallControl, type OperationContext } from './operations.js';

export interface GatewayOptions {
  readonly switch: Switch;
  /** Where agents' call requests go; default the switch itself (simulated telephony). */
  readonly callControl?: CallControl;
  readonly bus: EventBus;
  readonly authenticate: (agentId: string, password: string) => boolean | Promise<boolean>;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** Interval of heartbeat frames and ping/pong checks. Default 10 s. */
  readonly heartbeatMs?: number;
  /** How long an agent stays logged in with no socket attached. Default 60 s. */
  readonly sessionGraceMs?: number;
  /** Frames above this size are refused with an error; the connection stays. Default 64 KiB. */
  readonly maxFrameBytes?: number;
  /** Events kept per session for resume; a client further behind gets a fresh Snapshot. Default 256. */
  readonly replayLimit?: number;
  /** Login throttling and lockout; default one with DEFAULT_LOGIN_LIMITS. */
  readonly logins?: LoginGuard;
  /** The store's agent, for the extension rule at login; absent = any extension. */
  readonly agentOf?: OperationContext['agentOf'];
}

/** Sockets served per turn of the event loop during a heartbeat sweep. */
const HEARTBEAT_SLICE = 50;

interface Connection {
  readonly socket: WebSocket;
  session: AgentSession | undefined;
  alive: boolean;
  readonly address: string;
}

export interface Gateway {
  /** Serves WebSocket upgrades on `path` of an HTTP server. */
  attach(server: Server, path?: string): void;
  /** Agents with a server session, for admin views and metrics. */
  sessions(): ReadonlyMap<string, AgentSession>;
  /** True for the token of a live agent session (the desktop's credential for the REST API). */
  isSessionToken(token: string): boolean;
  /**
   * Logs the agent out and ends their session (desktops told OPENCTI_SESSION_ENDED); false when
   * not logged in. Throws the switch's refusal (a call in progress), changing nothing.
   */
  logoutAgent(agentId: string, reasonCode?: string): boolean;
  close(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const graceMs = options.sessionGraceMs ?? 60_000;
  const maxFrameBytes = options.maxFrameBytes ?? 64 * 1024;
  const replayLimit = options.replayLimit ?? 256;
  const { metrics, logger } = options;
  const sw = options.switch;

  // ws's own limit closes the socket; ours answers and keeps it, so ws gets generous headroom.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(maxFrameBytes * 16, 1024 * 1024) });
  const sessions = new Map<string, AgentSession>();
  const byToken = new Map<string, AgentSession>();
  const unsubscribers = new Map<AgentSession, () => void>();

  const send = (connection: Connection, frame: ResponseFrame) => {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(frame));
  };
  const fail = (connection: Connection, id: RequestFrame['id'] | null, error: ErrorObject) =>
    send(connection, { type: 'response', id, ok: false, error });

  function openSession(agentId: string, extension: string): AgentSession {
    const session = new AgentSession(agentId, extension, replayLimit, (n) => metrics.eventsSent.inc(n));
    sessions.set(agentId, session);
    byToken.set(session.token, session);
    unsubscribers.set(session, options.bus.subscribe(agentTopic(agentId), ({ event }) => session.push(event)));
    metrics.connectedAgents.set(sessions.size);
    return session;
  }

  function closeSession(session: AgentSession): void {
    unsubscribers.get(session)?.();
    unsubscribers.delete(session);
    // A stale tab may close an old session after the agent logged in anew: leave the new one be.
    if (sessions.get(session.agentId) === session) sessions.delete(session.agentId);
    byToken.delete(session.token);
    if (session.graceTimer) clearTimeout(session.graceTimer);
    metrics.connectedAgents.set(sessions.size);
  }

  /** No socket left: keep the agent logged in for the grace period, then log them out. */
  function detach(connection: Connection): void {
    const session = connection.session;
    if (!session) return;
    session.sockets.delete(connection.socket);
    connection.session = undefined;
    if (session.sockets.size > 0 || sessions.get(session.agentId) !== session) return;
    session.graceTimer = setTimeout(() => {
      logger.info({ agentId: session.agentId }, 'no desktop reconnected within the grace period: logging the agent out');
      try {
        sw.logout(session.agentId, 'LINK_LOST');
      } catch (error) {
        logger.warn({ agentId: session.agentId, err: error }, 'logout after grace period failed');
      }
      closeSession(session);
    }, graceMs);
    session.graceTimer.unref?.();
  }

  const context: OperationContext = {
    logins: options.logins ?? createLoginGuard(DEFAULT_LOGIN_LIMITS, metrics.registry),
    agentOf: options.agentOf,
    switch: sw,
    callControl: options.callControl ?? sw,
    authenticate: options.authenticate,
    sessions,
    byToken,
    heartbeatMs,
    openSession,
    closeSession,
    detach,
  };

  async function handleRequest(connection: Connection, request: RequestFrame): Promise<void> {
    const started = performance.now();
    let ok = false;
    try {
      const result = await runOperation(context, connection, request.op, request.args ?? {});
      ok = true;
      send(connection, { type: 'response', id: request.id, ok: true, result: result.result });
      result.after?.();
    } catch (error) {
      const errorObject = toErrorObject(error);
      if (errorObject.errCode === 'OPENCTI_BAD_FRAME') metrics.badFrames.inc({ reason: 'bad_request' });
      else if (!(error instanceof ProtocolError) && !('errCode' in (error as object))) {
        logger.error({ err: error, op: request.op }, 'request failed unexpectedly');
      }
      fail(connection, request.id, errorObject);
    } finally {
      // Label by known ops only: a client's made-up op names must not grow the metrics without bound.
      const op = (OPS as readonly string[]).includes(request.op) ? request.op : 'unknown';
      metrics.requestLatency.observe({ op, ok: String(ok) }, (performance.now() - started) / 1000);
    }
  }

  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    connection.alive = true;
    const parsed = parseFrame(data, isBinary, maxFrameBytes);
    if (!parsed.ok) {
      metrics.badFrames.inc({ reason: parsed.reason });
      logger.debug({ reason: parsed.reason, message: parsed.error.errMessage }, 'bad frame');
      fail(connection, parsed.id, parsed.error);
      return;
    }
    if (parsed.frame.type === 'heartbeat') return;
    void handleRequest(connection, parsed.frame);
  }

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const connection: Connection = { socket, session: undefined, alive: true, address: request.socket.remoteAddress ?? '' };
    metrics.connections.inc();
    socket.on('message', (data, isBinary) => onMessage(connection, data, isBinary));
    socket.on('pong', () => (connection.alive = true));
    socket.on('error', (error) => logger.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      metrics.connections.dec();
      live.delete(connection);
      detach(connection);
    });
    live.add(connection);
  });

  // Both ways: frames tell a client the server is alive; pings find clients that vanished.
  const live = new Set<Connection>();
  const heartbeatFrame = JSON.stringify({ type: 'heartbeat', intervalMs: heartbeatMs });
  const beat = (connection: Connection) => {
    if (!connection.alive) return connection.socket.terminate();
    connection.alive = false;
    connection.socket.ping();
    connection.socket.send(heartbeatFrame);
  };
  // In slices, so that thousands of sockets never stall the event loop (and event latency) at once.
  const sweep = (connections: Connection[], from: number) => {
    const to = Math.min(from + HEARTBEAT_SLICE, connections.length);
    for (let i = from; i < to; i++) {
      const connection = connections[i]!;
      if (live.has(connection)) beat(connection);
    }
    if (to < connections.length) setImmediate(sweep, connections, to);
  };
  const heartbeat = setInterval(() => sweep([...live], 0), heartbeatMs);
  heartbeat.unref?.();

  return {
    attach(server, path = '/cti') {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        // Nothing else serves upgrades on this port: anything but `path` is refused and closed.
        if (requestPath(request.url) !== path) {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          socket.destroy();
          return;
        }
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      });
    },
    sessions: () => sessions,
    isSessionToken: (token) => byToken.has(token),
    logoutAgent: (agentId, reasonCode = '') =>
      endAgentSession(context, agentId, reasonCode, `an administrator ended the session of agent "${agentId}": log in again to continue`),
    async close() {
      clearInterval(heartbeat);
      for (const session of [...sessions.values()]) closeSession(session);
      for (const connection of live) connection.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
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
  return { errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: error instanceof Error ? error.message : String(error) };
}
