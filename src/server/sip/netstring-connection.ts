/**
 * A TCP connection that carries netstring frames both ways (Kamailio evapi, baresip ctrl_tcp).
 * Emits 'frame' for each complete payload and 'close' once, with the reason when the peer went
 * away or sent garbage. Used by KamailioEvapi and BaresipControl; knows nothing about JSON.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { SipControlError, socketError } from './errors.js';
import { openSocket } from './open-socket.js';
import { NetstringDecoder, encodeNetstring } from './netstring.js';

export interface NetstringConnectionEvents {
  frame: [payload: string];
  /** `reason` is undefined after close() and set when the peer went away or broke the protocol. */
  close: [reason: SipControlError | undefined];
}

export class NetstringConnection extends EventEmitter<NetstringConnectionEvents> {
  readonly endpoint: string;
  private readonly socket: Socket;
  private readonly decoder = new NetstringDecoder();
  private closing = false;
  private done = false;

  private constructor(socket: Socket, endpoint: string) {
    super();
    this.socket = socket;
    this.endpoint = endpoint;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.finish(this.closing ? undefined : socketError(endpoint, err)));
    socket.on('close', () =>
      this.finish(this.closing ? undefined : new SipControlError('closed', endpoint, 'connection closed by peer (process gone?)')),
    );
  }

  /** Connects to host:port; rejects with a SipControlError naming `endpoint`. */
  static async connect(host: string, port: number, endpoint: string, timeoutMs = 3000): Promise<NetstringConnection> {
    const socket = await openSocket({ port, host }, endpoint, timeoutMs);
    socket.setNoDelay(true);
    return new NetstringConnection(socket, endpoint);
  }

  get isOpen(): boolean {
    return !this.done && !this.closing;
  }

  send(payload: string): void {
    if (!this.isOpen) throw new SipControlError('closed', this.endpoint, 'connection is closed');
    this.socket.write(encodeNetstring(payload));
  }

  /** Closes the connection; resolves once the socket is gone. Safe to call twice. */
  close(): Promise<void> {
    if (this.done) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      this.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 200).unref();
    });
  }

  private onData(chunk: Buffer): void {
    let frames: string[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.socket.destroy();
      this.finish(new SipControlError('protocol', this.endpoint, (err as Error).message, { cause: err }));
      return;
    }
    for (const frame of frames) this.emit('frame', frame);
  }

  private finish(reason: SipControlError | undefined): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    this.emit('close', reason);
  }
}
