/**
 * Kamailio's evapi event socket: JSON events out of the routing script (`evapi_relay`), and
 * commands in (handled by `event_route[evapi:message-received]`): `route` / `reject` a queued
 * call (the ACD queue-hold pattern), or any JSON-RPC request, answered by an `rpc-result` event.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { SipControlError } from './errors.js';
import { EventLog } from './event-log.js';
import { NetstringConnection } from './netstring-connection.js';

/** One event from the routing script; `ev` names it, the rest depends on the event. */
export interface EvapiEvent {
  ev: string;
  callid?: string;
  /** Date.now() when Node read it. */
  receivedAt: number;
  [field: string]: unknown;
}

export interface KamailioEvapiEvents {
  event: [event: EvapiEvent];
  close: [reason: SipControlError | undefined];
}

export interface EvapiConnectOptions {
  host?: string;
  port: number;
  connectTimeoutMs?: number;
  /** Timeout of rpc() calls. */
  requestTimeoutMs?: number;
}

interface PendingRpc {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class KamailioEvapi extends EventEmitter<KamailioEvapiEvents> {
  readonly endpoint: string;
  /** Recent events, for waiting on a condition. */
  readonly log: EventLog<EvapiEvent>;
  private readonly pending = new Map<string, PendingRpc>();
  private readonly idPrefix = randomUUID().slice(0, 8);
  private nextId = 1;

  private constructor(
    private readonly connection: NetstringConnection,
    private readonly requestTimeoutMs: number,
  ) {
    super();
    this.endpoint = connection.endpoint;
    this.log = new EventLog(this.endpoint);
    connection.on('frame', (frame) => this.onFrame(frame));
    connection.on('close', (reason) => this.onClose(reason));
  }

  static async connect(options: EvapiConnectOptions): Promise<KamailioEvapi> {
    const host = options.host ?? '127.0.0.1';
    const endpoint = `Kamailio evapi ${host}:${options.port}`;
    const connection = await NetstringConnection.connect(host, options.port, endpoint, options.connectTimeoutMs);
    return new KamailioEvapi(connection, options.requestTimeoutMs ?? 5000);
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** Sends a queued call (from a `queued` event) to an AoR; Kamailio looks the phone up. */
  route(tindex: string | number, tlabel: string | number, target: string): void {
    this.command({ cmd: 'route', tindex: String(tindex), tlabel: String(tlabel), target });
  }

  /** Sends a queued call to a contact URI as is, without a registrar lookup. */
  routeDirect(tindex: string | number, tlabel: string | number, dst: string): void {
    this.command({ cmd: 'route', tindex: String(tindex), tlabel: String(tlabel), dst });
  }

  /** Ends a queued call with a final reply (e.g. 486, 480) to the caller. */
  reject(tindex: string | number, tlabel: string | number, code: number): void {
    if (!Number.isInteger(code) || code < 300 || code > 699) {
      throw new SipControlError('rejected', this.endpoint, `reject code must be 300..699, got ${code}`);
    }
    this.command({ cmd: 'reject', tindex: String(tindex), tlabel: String(tlabel), target: String(code) });
  }

  /** Runs a Kamailio RPC over the event socket (answered by an `rpc-result` event). */
  rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const id = `${this.idPrefix}-${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SipControlError('timeout', this.endpoint, `no answer to RPC ${method} within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve: (r) => resolve(r as T), reject, timer });
      try {
        this.command({ jsonrpc: '2.0', method, params, id });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private command(body: Record<string, unknown>): void {
    this.connection.send(JSON.stringify(body));
  }

  private onFrame(frame: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(frame);
    } catch {
      parsed = { ev: 'invalid', raw: frame };
    }
    if (parsed === null || typeof parsed !== 'object' || typeof (parsed as { ev?: unknown }).ev !== 'string') {
      parsed = { ev: 'invalid', raw: frame };
    }
    const event = { ...(parsed as { ev: string }), receivedAt: Date.now() } as EvapiEvent;
    if (event.ev === 'rpc-result' && this.settleRpc(event)) return;
    this.log.push(event);
    this.emit('event', event);
  }

  /** True when the result answered one of our requests. */
  private settleRpc(event: EvapiEvent): boolean {
    const reply = event.result as { id?: unknown; result?: unknown; error?: { message?: string; code?: number } } | undefined;
    const id = typeof reply?.id === 'string' ? reply.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) return false;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (reply?.error) {
      pending.reject(new SipControlError('rejected', this.endpoint, `RPC error ${reply.error.code ?? ''} ${reply.error.message ?? ''}`.trim()));
    } else {
      pending.resolve(reply?.result);
    }
    return true;
  }

  private onClose(reason: SipControlError | undefined): void {
    const err = reason ?? new SipControlError('closed', this.endpoint, 'connection closed');
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.log.fail(err);
    this.emit('close', reason);
  }
}
