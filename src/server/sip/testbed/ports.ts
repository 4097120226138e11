/**
 * Picks a block of free loopback ports for one test bed. Ports come from 20000–32000, below
 * Linux's ephemeral range (32768+), so outgoing connections of other programs do not take them
 * between the check and the start; each port is checked free for both TCP and UDP.
 */
import { readFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const LOW = 20000;
const HIGH = 32000;

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** Resolves with the first port of `count` consecutive ports that are all free on `host`. */
export async function freePortBlock(count: number, host = '127.0.0.1', attempts = 40): Promise<number> {
  if (count < 1 || count > HIGH - LOW) throw new Error(`cannot reserve ${count} ports`);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
    let free = true;
    for (let port = base; port < base + count && free; port++) {
      free = (await tcpFree(host, port)) && (await udpFree(host, port));
    }
    if (free) return base;
  }
  throw new Error(`no block of ${count} free ports on ${host} after ${attempts} attempts`);
}

/** Hands out consecutive ports from a reserved block. */
export class PortAllocator {
  private next: number;

  constructor(
    private readonly base: number,
    private readonly size: number,
  ) {
    this.next = base;
  }

  take(count = 1): number {
    const first = this.next;
    if (first + count > this.base + this.size) throw new Error(`port block ${this.base}+${this.size} is exhausted`);
    this.next += count;
    return first;
  }
}

/**
 * Whether a process has bound UDP `port` on 127.0.0.1, read from /proc/net/udp (Linux): unlike a
 * trial bind, looking cannot take the port from the process about to bind it. `procNetUdp`: another
 * network namespace's table (/proc/<pid>/net/udp).
 */
export async function udpBound(port: number, procNetUdp = '/proc/net/udp'): Promise<boolean> {
  const table = await readFile(procNetUdp, 'utf8');
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => line.trim().split(/\s+/)[1] === local);
}
