/**
 * WebSocket at the byte level, for what a library client will not send: partial frames, random
 * bytes after the handshake, a declared length that never arrives.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Opens a TCP connection and performs the WebSocket handshake on `path`; resolves with the socket once 101 arrived. */
export function rawUpgrade(port: number, path = '/cti', timeoutMs = 10_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let head = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no handshake answer'));
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      clearTimeout(timer);
      socket.off('error', fail);
      if (!head.startsWith('HTTP/1.1 101')) return fail(new Error(`handshake refused: ${head.slice(0, head.indexOf('\r\n'))}`));
      socket.on('error', () => undefined);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** One client frame (masked, as RFC 6455 requires of clients); `declaredLength` may lie about the payload. */
export function encodeFrame(opcode: number, payload: Buffer, options: { fin?: boolean; declaredLength?: number } = {}): Buffer {
  const length = options.declaredLength ?? payload.length;
  const header: number[] = [(options.fin === false ? 0 : 0x80) | opcode];
  if (length < 126) header.push(0x80 | length);
  else if (length < 65_536) header.push(0x80 | 126, length >> 8, length & 0xff);
  else {
    header.push(0x80 | 127, 0, 0, 0, 0);
    header.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  }
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([Buffer.from(header), mask, body]);
}

/** Resolves when the server closes or resets the connection (true), or after `ms` with it still open (false). */
export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      resolve(closed);
    };
    const onEnd = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}
