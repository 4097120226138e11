/**
 * Caps on open TCP connections of the one port that serves HTTP and /cti: in all, and per remote
 * address. Without them, a few thousand idle sockets use up the process's open files and then
 * /healthz and logins fail too. A connection over a cap is destroyed as soon as it is accepted,
 * before any byte is read, and counted in `opencti_connections_refused_total{reason}`.
 */
import type { Server, Socket } from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ConnectionCaps {
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
}

export type RefusalReason = 'total' | 'address';

export interface ConnectionLimiter {
  /** Connections open now, in all. */
  open(): number;
  /** Connections open now from `address`. */
  openFrom(address: string): number;
}

/** Starts counting the connections of `server` and refusing those over `caps`. */
export function limitConnections(server: Server, caps: ConnectionCaps, registry?: Registry): ConnectionLimiter {
  const refused = new Counter<'reason'>({
    name: 'opencti_connections_refused_total',
    help: 'TCP connections closed at once because a connection cap was reached (reason: total or address)',
    labelNames: ['reason'],
    registers: registry ? [registry] : [],
  });
  const gauge = new Gauge({ name: 'opencti_connections_open', help: 'Open TCP connections (HTTP and WebSocket)', registers: registry ? [registry] : [] });
  const byAddress = new Map<string, number>();
  let total = 0;

  const refuse = (socket: Socket, reason: RefusalReason) => {
    refused.inc({ reason });
    socket.destroy();
  };

  // Prepended so a refused socket never reaches the HTTP parser.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = byAddress.get(address) ?? 0;
    if (total >= caps.maxConnections) return refuse(socket, 'total');
    if (fromAddress >= caps.maxConnectionsPerAddress) return refuse(socket, 'address');
    total += 1;
    byAddress.set(address, fromAddress + 1);
    gauge.set(total);
    socket.once('close', () => {
      total -= 1;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left === 0) byAddress.delete(address);
      else byAddress.set(address, left);
      gauge.set(total);
    });
  });

  return { open: () => total, openFrom: (address) => byAddress.get(address) ?? 0 };
}
