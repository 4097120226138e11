/** A TCP proxy on loopback whose connections can be cut, to take a network link away for real. */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CuttableProxy {
  readonly port: number;
  /** Destroys every open connection; new ones are accepted unless `refuse` is set. */
  cut(): void;
  /** While true, new connections are closed at once (the far side seems down). */
  refuse: boolean;
  /** Stops carrying bytes on open connections without closing them: a peer that went silent. */
  freeze(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  const open = new Set<Socket>();
  const pairs: [Socket, Socket][] = [];
  const proxy: { refuse: boolean } = { refuse: false };
  const server: Server = createServer((client) => {
    if (proxy.refuse) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    pairs.push([client, upstream]);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    port: (server.address() as AddressInfo).port,
    cut() {
      for (const socket of open) socket.destroy();
    },
    freeze() {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close() {
      this.cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
