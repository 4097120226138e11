/**
 * The peer the gateway is measured against: what teams hand-roll in front of a CTI server — an
 * Express app with socket.io, one room per agent, each event emitted to its agent's room (as
 * Salesforce's demo voice connector does). It numbers events per agent like the gateway, so both
 * carry the same frames; it keeps no replay buffer, checks nothing and has no protocol: the least
 * a relay can do.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import type { OpenCtiEvent } from '../../src/framework/schema/events.js';

export interface Relay {
  /** http://127.0.0.1:<port>: socket.io clients connect here with `auth: { agentId }`. */
  readonly url: string;
  /** Agents with a socket in their room. */
  connected(): number;
  /** Emits one event to the agent's room, numbered per agent. */
  publish(agentId: string, event: OpenCtiEvent): void;
  close(): Promise<void>;
}

export async function startRelay(): Promise<Relay> {
  const app = express();
  app.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });
  const http: HttpServer = createServer(app);
  // perMessageDeflate off and websocket only: as the gateway and its clients run.
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  const seqs = new Map<string, number>();
  let connected = 0;
  io.on('connection', (socket) => {
    const agentId = (socket.handshake.auth as { agentId?: unknown }).agentId;
    if (typeof agentId !== 'string' || agentId === '') {
      socket.disconnect(true);
      return;
    }
    void socket.join(`agent:${agentId}`);
    connected++;
    socket.on('disconnect', () => connected--);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    connected: () => connected,
    publish(agentId, event) {
      const seq = (seqs.get(agentId) ?? 0) + 1;
      seqs.set(agentId, seq);
      io.to(`agent:${agentId}`).emit('event', { type: 'event', seq, event });
    },
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}
