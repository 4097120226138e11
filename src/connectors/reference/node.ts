/** The reference connector in Node, where there is no global WebSocket (Node 20): `ws` provides it. */
import WebSocket from 'ws';
import { ReferenceConnector, type ReferenceConnectorOptions, type SocketFactory, type SocketLike } from './connector.js';

export const nodeSocketFactory: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

export const createNodeReferenceConnector = (options: Omit<ReferenceConnectorOptions, 'socketFactory'> = {}) =>
  new ReferenceConnector({ ...options, socketFactory: nodeSocketFactory });

export * from './connector.js';
