/**
 * The server under test, composed the way src/server/server.ts composes it minus the store and
 * HTTP API: the call center on a local driver (the switch on real timers), the real gateway on a plain
 * node:http server at /cti — and, beside it, a raw `ws` server that only broadcasts (the baseline).
 *
 * authenticate accepts everyone: password hashing (scrypt in the real server) is not what the
 * benchmark measures.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLocalDriver, type LocalDriver } from '../../src/server/center/local-driver.js';
import { immediateSwitch } from '../../src/server/center/driver.js';
import { createGateway, type Gateway } from '../../src/server/gateway/gateway.js';
import { createMetrics, type ServerMetrics } from '../../src/server/metrics.js';
import type { AgentConfig, DeviceEvent, Switch } from '../../src/server/switch/index.js';

export const QUEUES = [
  { name: 'sales', dnis: '8000' },
  { name: 'support', dnis: '8001' },
] as const;

export interface BenchServer {
  readonly agents: readonly AgentConfig[];
  readonly sw: Switch;
  /** Numbers an event into its agent's session and sends it on, as a switch event would be. */
  publish(event: DeviceEvent): void;
  readonly driver: LocalDriver;
  readonly gateway: Gateway;
  readonly metrics: ServerMetrics;
  readonly url: string;
  readonly rawUrl: string;
  /** Server-side sockets of the raw baseline server, in connection order. */
  readonly rawSockets: WebSocket[];
  /** Called for every switch event before the bus carries it to the gateway. */
  tap: ((event: DeviceEvent) => void) | undefined;
  readonly listenerErrors: unknown[];
  /** When the gateway was created: its heartbeat sweeps fall every heartbeatMs from then. */
  readonly createdAt: number;
  readonly heartbeatMs: number;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

const closeHttp = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** Agent i: extension 20000+i; skills sales, support, or both, in turn. */
export function benchAgents(count: number): AgentConfig[] {
  const skills = [['sales'], ['support'], ['sales', 'support']];
  return Array.from({ length: count }, (_, i) => ({
    agentId: `agent-${String(i).padStart(5, '0')}`,
    extension: String(20_000 + i),
    skills: skills[i % skills.length] as string[],
  }));
}

export async function startBenchServer(count: number, options: { wrapUpMs: number }): Promise<BenchServer> {
  const agents = benchAgents(count);
  const listenerErrors: unknown[] = [];
  const driver = createLocalDriver(
    { agents, queues: QUEUES, wrapUpMs: options.wrapUpMs, ringTimeoutMs: 20_000, farEndAnswerMs: 0 },
    { sessionGraceMs: 60_000, log: (level, message, detail) => level === 'error' && listenerErrors.push(detail?.err ?? message) },
  );
  const sw = immediateSwitch(driver);
  const metrics = createMetrics({ defaultMetrics: false });
  const heartbeatMs = 10_000;
  const createdAt = performance.timeOrigin + performance.now();
  const gateway = createGateway({
    heartbeatMs,
    driver,
    metrics,
    logger: pino({ level: 'silent' }),
    authenticate: () => true,
    // Thousands of clients from one address, opened and logged in on a loaded machine: the
    // defaults (10 s to log in, 128 KiB/s from an address before login) would cut them off.
    limits: { loginTimeoutMs: 600_000, idleTimeoutMs: 3_600_000, anonymousBytesPerSecond: 64 * 1024 * 1024 },
  });
  const http = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  gateway.attach(http, '/cti');

  const rawHttp = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  const rawWss = new WebSocketServer({ noServer: true });
  const rawSockets: WebSocket[] = [];
  rawHttp.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    rawWss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => undefined);
      rawSockets.push(ws);
    });
  });

  const [address, rawAddress] = await Promise.all([listen(http), listen(rawHttp)]);
  const server: BenchServer = {
    agents,
    sw,
    driver,
    publish: (event) => driver.center.route(event),
    gateway,
    metrics,
    url: `ws://${address}/cti`,
    rawUrl: `ws://${rawAddress}/raw`,
    rawSockets,
    tap: undefined,
    listenerErrors,
    createdAt,
    heartbeatMs,
    async close() {
      await gateway.close();
      driver.close();
      for (const socket of rawSockets) socket.terminate();
      await new Promise<void>((resolve) => rawWss.close(() => resolve()));
      await Promise.all([closeHttp(http), closeHttp(rawHttp)]);
    },
  };
  // The tap sees each event first, so the time it records is before the gateway's work on it.
  sw.onDeviceEvent((event) => server.tap?.(event));
  return server;
}
