/**
 * A network namespace of the test bed's own: `lo` plus a veth pair whose one end carries
 * 127.0.0.2. Chromium leaves loopback out of ICE and offers no candidate with `lo` alone; in here
 * it offers 127.0.0.2 and every packet stays in 127.0.0.0/8. The namespace lives as long as its
 * holder process (`unshare -n`); every process of the bed runs in it through `nsenter`.
 *
 * TCP services cross the namespace boundary through unix sockets (files are shared): a forwarder
 * process inside listens on one side, this process on the other, so a port inside appears on the
 * host's 127.0.0.1 under the same number (Kamailio's RPC and evapi, phone control ports), and a
 * host port (the CTI server) appears inside.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ManagedProcess } from './process.js';
import { waitUntil } from './wait.js';

/** Runs inside `unshare -n`: the namespace lives as long as this process. */
const HOLDER_SCRIPT = [
  'set -e',
  'ip link set lo up',
  'ip link add wv0 type veth peer name wv1',
  'ip link set wv1 up',
  'ip link set wv0 up',
  'ip addr add 127.0.0.2/32 dev wv0',
  'echo namespace-ready',
  'exec sleep 2147483647',
].join('\n');

type End = { port: number } | { path: string };
interface Forward {
  listen: End;
  connect: End;
}

/** The forwarder run inside the namespace (plain JavaScript for `node -e`). */
const FORWARDER_SCRIPT = `
const net = require('node:net');
const fs = require('node:fs');
const forwards = JSON.parse(process.argv[1]);
let listening = 0;
for (const f of forwards) {
  if (f.listen.path) fs.rmSync(f.listen.path, { force: true });
  const server = net.createServer((a) => {
    const b = net.createConnection(f.connect.path ? { path: f.connect.path } : { host: '127.0.0.1', port: f.connect.port });
    // no Nagle: small writes (evapi events, route commands) must not wait for the peer's delayed ACK
    if (!f.listen.path) a.setNoDelay(true);
    if (!f.connect.path) b.setNoDelay(true);
    a.pipe(b); b.pipe(a);
    a.on('error', () => b.destroy()); b.on('error', () => a.destroy());
    a.on('close', () => b.destroy()); b.on('close', () => a.destroy());
  });
  server.listen(f.listen.path ? { path: f.listen.path } : { host: '127.0.0.1', port: f.listen.port }, () => {
    if (++listening === forwards.length) console.log('forwarder-ready');
  });
}
`;

function pipeTo(a: Socket, connect: End): void {
  const b = createConnection('path' in connect ? { path: connect.path } : { host: '127.0.0.1', port: connect.port });
  if (!('path' in connect)) b.setNoDelay(true);
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

export interface CommandLine {
  command: string;
  args: string[];
}

export class NetNamespace {
  private readonly servers: Server[] = [];
  private readonly forwarders: ManagedProcess[] = [];
  private mirrors = 0;

  private constructor(
    readonly holder: ManagedProcess,
    private readonly dir: string,
  ) {}

  /** Starts the holder in `dir` and waits until the namespace has its addresses. */
  static async create(dir: string, timeoutMs: number): Promise<NetNamespace> {
    const holder = ManagedProcess.start({ name: 'netns holder', command: 'unshare', args: ['-n', 'sh', '-c', HOLDER_SCRIPT], logFile: join(dir, 'netns.log') });
    const ns = new NetNamespace(holder, dir);
    mkdirSync(join(dir, 'fwd'), { recursive: true });
    await waitUntil(
      () => {
        if (!holder.running) throw new Error(`the network namespace holder (unshare -n) exited:\n${holder.logTail()} (unshare needs root or CAP_SYS_ADMIN)`);
        return readFileSync(holder.logFile, 'utf8').includes('namespace-ready');
      },
      'the test bed network namespace (unshare -n, veth with 127.0.0.2)',
      timeoutMs,
    );
    return ns;
  }

  get pid(): number {
    return this.holder.pid;
  }

  /** The command line that runs `command` inside the namespace (nsenter execs it: same PID). */
  wrap(command: string, args: readonly string[]): CommandLine {
    return { command: 'nsenter', args: ['-t', String(this.pid), '-n', '--', command, ...args] };
  }

  /** /proc view of the namespace's network tables (e.g. `udp`). */
  procNet(table: string): string {
    return `/proc/${this.pid}/net/${table}`;
  }

  /** Makes TCP ports of the namespace's 127.0.0.1 answer on the host's 127.0.0.1 under the same numbers. */
  async exposeToHost(ports: readonly number[], timeoutMs = 5000): Promise<void> {
    const at = ++this.mirrors;
    const forwards = ports.map((port) => ({ listen: { path: join(this.dir, 'fwd', `in-${at}-${port}.sock`) }, connect: { port } }));
    await this.startForwarder(forwards, timeoutMs);
    for (const f of forwards) await this.listenHere({ port: f.connect.port }, f.listen);
  }

  /** Makes TCP ports of the host's 127.0.0.1 answer inside the namespace under the same numbers. */
  async exposeInside(ports: readonly number[], timeoutMs = 5000): Promise<void> {
    const at = ++this.mirrors;
    const forwards = ports.map((port) => ({ listen: { port }, connect: { path: join(this.dir, 'fwd', `out-${at}-${port}.sock`) } }));
    for (const f of forwards) await this.listenHere(f.connect, { port: f.listen.port });
    await this.startForwarder(forwards, timeoutMs);
  }

  /** Stops the forwarders and host listeners, then the holder (last: the namespace goes with it). */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await Promise.allSettled(this.forwarders.map((f) => f.stop()));
    await this.holder.stop(500);
  }

  private listenHere(listen: End, connect: End): Promise<void> {
    if ('path' in listen) rmSync(listen.path, { force: true });
    const server = createServer((socket) => pipeTo(socket, connect));
    server.on('connection', (s) => s.setNoDelay(true));
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', (error) => reject(new Error(`cannot mirror ${JSON.stringify(connect)} on ${JSON.stringify(listen)}: ${error.message}`)));
      server.listen('path' in listen ? { path: listen.path } : { host: '127.0.0.1', port: listen.port, exclusive: true }, () => resolve());
    });
  }

  private async startForwarder(forwards: Forward[], timeoutMs: number): Promise<void> {
    const line = this.wrap(process.execPath, ['-e', FORWARDER_SCRIPT, JSON.stringify(forwards)]);
    const proc = ManagedProcess.start({ name: `netns forwarder ${this.forwarders.length + 1}`, ...line, logFile: join(this.dir, 'fwd', `forwarder-${this.forwarders.length + 1}.log`) });
    this.forwarders.push(proc);
    await waitUntil(
      () => {
        if (!proc.running) throw new Error(`the namespace port forwarder exited:\n${proc.logTail()}`);
        return readFileSync(proc.logFile, 'utf8').includes('forwarder-ready');
      },
      `the namespace port forwarder for ${forwards.map((f) => JSON.stringify(f.listen)).join(', ')}`,
      timeoutMs,
    );
  }
}
