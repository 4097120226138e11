/**
 * Frames the gateway sends during one callback leave each socket in one write: counted on the
 * server's real TCP socket while a burst of events reaches a real client, in order and complete.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDriver, type LocalDriver } from '../../../src/server/center/local-driver.js';
import { createGateway, type Gateway } from '../../../src/server/gateway/gateway.js';
import { createMetrics } from '../../../src/server/metrics.js';
import { WsClient } from '../../helpers/ws-client.js';

let http: Server;
let driver: LocalDriver;
let gateway: Gateway;
let url: string;
/** Write calls on the server side of each TCP connection, by the client's port. */
const writes = new Map<number, number>();
const clients: WsClient[] = [];

beforeAll(async () => {
  driver = createLocalDriver(
    { agents: [{ agentId: 'agent1', extension: '5001', skills: ['sales'] }], queues: [{ name: 'sales', dnis: '8000' }], wrapUpMs: 0, ringTimeoutMs: 20_000, farEndAnswerMs: 0 },
    { sessionGraceMs: 60_000 },
  );
  gateway = createGateway({ driver, metrics: createMetrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }), authenticate: () => true, heartbeatMs: 600_000 });
  http = createServer();
  gateway.attach(http, '/cti');
  // Every way a net.Socket hands data to the kernel goes through _write (one chunk) or _writev (many).
  http.on('connection', (socket: Socket & { _write: Socket['_write']; _writev?: Socket['_writev'] }) => {
    const port = socket.remotePort ?? 0;
    const count = () => writes.set(port, (writes.get(port) ?? 0) + 1);
    const write = socket._write.bind(socket);
    socket._write = (...args) => (count(), write(...args));
    const writev = socket._writev?.bind(socket);
    if (writev) socket._writev = (...args) => (count(), writev(...args));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/cti`;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await gateway.close();
  driver.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

describe('batching', () => {
  it('a burst of 50 events made in one callback reaches the client complete and in order, in one write', async () => {
    const client = await WsClient.connect(url);
    clients.push(client);
    await client.ok('login', { agentId: 'agent1', agentPwd: 'x' });
    await client.waitForEvent('SnapshotEvent', 'Snapshot');
    const port = (client.socket as unknown as { _socket: Socket })._socket.localPort ?? 0;
    const before = client.events.length;
    const writesBefore = writes.get(port) ?? 0;
    const snapshot = driver.center.switch!.snapshot('agent1');
    for (let i = 0; i < 50; i++) driver.center.route({ extension: '5001', agentId: 'agent1', event: snapshot });
    await client.waitFor(() => client.events.length === before + 50, '50 events');
    const seqs = client.events.slice(before).map((f) => f.seq);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => seqs[0]! + i));
    expect((writes.get(port) ?? 0) - writesBefore).toBe(1);
  });
});
