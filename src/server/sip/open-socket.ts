/** Opens a TCP or unix socket for a control client, failing with a SipControlError that names the endpoint. */
import { Socket, type SocketConnectOpts } from 'node:net';
import { SipControlError, socketError } from './errors.js';

export function openSocket(target: SocketConnectOpts, endpoint: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SipControlError('connect', endpoint, `no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(socketError(endpoint, err));
    };
    socket.once('error', onError);
    socket.connect(target, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
