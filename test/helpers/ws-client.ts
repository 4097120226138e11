/** A raw protocol client over a real WebSocket: sends frames, awaits responses, collects events. */
import WebSocket from 'ws';
import type { OpenCtiEvent } from '../../src/framework/schema/events.js';

export interface Response {
  type: 'response';
  id: string | number | null;
  ok: boolean;
  result?: unknown;
  error?: { errCode: string; errMessage: string };
}

export interface EventFrame {
  type: 'event';
  seq: number;
  event: OpenCtiEvent & Record<string, unknown>;
}

export class WsClient {
  readonly events: EventFrame[] = [];
  readonly responses: Response[] = [];
  #nextId = 1;
  #waiters: { test: () => boolean; resolve: () => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Response | EventFrame | { type: 'heartbeat' };
      if (frame.type === 'event') this.events.push(frame);
      else if (frame.type === 'response') this.responses.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
    });
  }

  static async connect(url: string): Promise<WsClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new WsClient(socket);
  }

  /** Resolves when `test` holds, checked after every frame; fails after `ms`. */
  waitFor(test: () => boolean, what: string, ms = 5000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      this.#waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Sends a raw text frame and waits for the next response. */
  async raw(data: string | Buffer, binary = false): Promise<Response> {
    const before = this.responses.length;
    this.sendRaw(data, binary);
    await this.waitFor(() => this.responses.length > before, 'a response');
    return this.responses[before]!;
  }

  async request(op: string, args: Record<string, unknown> = {}): Promise<Response> {
    const id = `req-${this.#nextId++}`;
    this.socket.send(JSON.stringify({ type: 'request', id, op, args }));
    await this.waitFor(() => this.responses.some((r) => r.id === id), `the response to ${op}`);
    return this.responses.find((r) => r.id === id)!;
  }

  async ok<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const response = await this.request(op, args);
    if (!response.ok) throw new Error(`${op} failed: ${response.error?.errCode} ${response.error?.errMessage}`);
    return response.result as T;
  }

  eventsOf(type: string, name?: string): EventFrame['event'][] {
    return this.events.map((f) => f.event).filter((e) => e.pyEventType === type && (name === undefined || e.pyEventName === name));
  }

  waitForEvent(type: string, name?: string, predicate: (e: EventFrame['event']) => boolean = () => true): Promise<EventFrame['event']> {
    const find = () => this.eventsOf(type, name).find(predicate);
    return this.waitFor(() => find() !== undefined, `${type} ${name ?? ''}`).then(() => find()!);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
