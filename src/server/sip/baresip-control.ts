/**
 * One baresip phone through its `ctrl_tcp` module: netstring JSON commands
 * (`{"command":"dial","params":"sip:bob@127.0.0.1","token":"t1"}` → `{"response":true,"ok":…,
 * "data":…,"token":"t1"}`) and events (`{"event":true,"class":"call","type":"CALL_INCOMING",
 * "id":<SIP Call-ID>,…}`). Call commands take an optional Call-ID: the call is made current with
 * `callfind` first, since baresip's menu acts on the current call. baresip 1.0 has blind transfer
 * only (no attended transfer, no conference).
 */
import { EventEmitter } from 'node:events';
import { SipControlError } from './errors.js';
import { EventLog } from './event-log.js';
import { NetstringConnection } from './netstring-connection.js';

/** Event types this code relies on; baresip sends more (CALL_RTCP, CALL_LOCAL_SDP, REGISTER_OK…). */
export type BaresipCallEventType =
  | 'CALL_INCOMING'
  | 'CALL_OUTGOING'
  | 'CALL_RINGING'
  | 'CALL_PROGRESS'
  | 'CALL_ESTABLISHED'
  | 'CALL_CLOSED'
  | 'CALL_TRANSFER'
  | 'CALL_TRANSFER_FAILED'
  | 'CALL_DTMF_START'
  | 'CALL_DTMF_END';

export interface BaresipEvent {
  event: true;
  class: string;
  type: BaresipCallEventType | (string & {});
  accountaor?: string;
  direction?: 'incoming' | 'outgoing';
  peeruri?: string;
  /** The SIP Call-ID (the same as Kamailio's `callid`). */
  id?: string;
  param?: string;
  /** Date.now() when Node read it. */
  receivedAt: number;
}

export interface BaresipControlEvents {
  event: [event: BaresipEvent];
  close: [reason: SipControlError | undefined];
}

export interface BaresipConnectOptions {
  host?: string;
  port: number;
  /** Names the phone in errors ("baresip alice ctrl_tcp 127.0.0.1:4441"). */
  name?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

interface Pending {
  command: string;
  resolve: (data: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface BaresipResponse {
  response: true;
  ok: boolean;
  data?: string;
  token?: string;
}

/** RFC 4733 digits baresip can send. */
const DTMF = /^[0-9A-D*#]+$/;

export class BaresipControl extends EventEmitter<BaresipControlEvents> {
  readonly endpoint: string;
  readonly log: EventLog<BaresipEvent>;
  private readonly pending = new Map<string, Pending>();
  private nextToken = 1;
  /** Commands that depend on the current call run one at a time (callfind + command). */
  private queue: Promise<unknown> = Promise.resolve();

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

  static async connect(options: BaresipConnectOptions): Promise<BaresipControl> {
    const host = options.host ?? '127.0.0.1';
    const endpoint = `baresip${options.name ? ` ${options.name}` : ''} ctrl_tcp ${host}:${options.port}`;
    const connection = await NetstringConnection.connect(host, options.port, endpoint, options.connectTimeoutMs);
    return new BaresipControl(connection, options.requestTimeoutMs ?? 5000);
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** Sends one menu command; resolves with its `data` text, rejects when baresip says not ok. */
  command(command: string, params = ''): Promise<string> {
    const token = `t${this.nextToken++}`;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new SipControlError('timeout', this.endpoint, `no answer to "${command}" within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(token, { command, resolve, reject, timer });
      try {
        this.connection.send(JSON.stringify({ command, params, token }));
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(token);
        reject(err as Error);
      }
    });
  }

  /**
   * Places a call; resolves with its SIP Call-ID (taken from the first event of the new call).
   * `uri` is a full SIP URI, e.g. `sip:bob@127.0.0.1`.
   */
  async dial(uri: string, timeoutMs = 5000): Promise<string> {
    const mark = this.log.mark();
    await this.serial(() => this.command('dial', uri));
    const first = await this.log.waitFor(
      (e) => e.class === 'call' && e.direction === 'outgoing' && e.id !== undefined && e.peeruri === uri,
      `first event of the call to ${uri}`,
      timeoutMs,
      mark,
    );
    return first.id as string;
  }

  /** Answers the incoming call `callId` (or the current one). */
  accept(callId?: string): Promise<void> {
    return this.onCall(callId, 'accept');
  }

  /** Same as accept(). */
  answer(callId?: string): Promise<void> {
    return this.accept(callId);
  }

  /** Hangs up (or rejects, or cancels) the call `callId` (or the current one). */
  hangup(callId?: string): Promise<void> {
    return this.onCall(callId, 'hangup');
  }

  hold(callId?: string): Promise<void> {
    return this.onCall(callId, 'hold');
  }

  resume(callId?: string): Promise<void> {
    return this.onCall(callId, 'resume');
  }

  /** Sends DTMF digits in the RTP stream (RFC 4733). */
  sendDtmf(digits: string, callId?: string): Promise<void> {
    if (!DTMF.test(digits)) {
      return Promise.reject(new SipControlError('rejected', this.endpoint, `DTMF digits must match ${DTMF}, got ${JSON.stringify(digits)}`));
    }
    return this.onCall(callId, 'sndcode', digits);
  }

  /** Blind transfer (REFER) of the call `callId` (or the current one) to `uri`. */
  transfer(uri: string, callId?: string): Promise<void> {
    return this.onCall(callId, 'transfer', uri);
  }

  /** baresip's text list of active calls. */
  listCalls(): Promise<string> {
    return this.command('listcalls');
  }

  /** Waits for a call event of `type` (for `callId` when given). */
  waitForCallEvent(type: BaresipCallEventType, callId?: string, timeoutMs = 5000, since?: number): Promise<BaresipEvent> {
    return this.log.waitFor(
      (e) => e.type === type && (callId === undefined || e.id === callId),
      `${type}${callId ? ` for call ${callId}` : ''}`,
      timeoutMs,
      since,
    );
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private onCall(callId: string | undefined, command: string, params = ''): Promise<void> {
    return this.serial(async () => {
      if (callId !== undefined) await this.command('callfind', callId);
      await this.command(command, params);
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private onFrame(frame: string): void {
    let message: unknown;
    try {
      message = JSON.parse(frame);
    } catch {
      return; // baresip only sends JSON; a broken frame is not worth tearing the link down
    }
    if (message === null || typeof message !== 'object') return;
    if ((message as BaresipResponse).response === true) {
      this.settle(message as BaresipResponse);
      return;
    }
    if ((message as { event?: unknown }).event === true) {
      const event = { ...(message as Omit<BaresipEvent, 'receivedAt'>), receivedAt: Date.now() };
      this.log.push(event);
      this.emit('event', event);
    }
  }

  private settle(response: BaresipResponse): void {
    const pending = response.token === undefined ? undefined : this.pending.get(response.token);
    if (!pending || response.token === undefined) return;
    this.pending.delete(response.token);
    clearTimeout(pending.timer);
    const data = response.data ?? '';
    if (response.ok) pending.resolve(data);
    else pending.reject(new SipControlError('rejected', this.endpoint, `"${pending.command}" failed: ${data.trim() || 'not ok'}`));
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
