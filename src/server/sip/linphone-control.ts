/**
 * One linphone-daemon phone through its unix socket (`--pipe NAME` → `/tmp/NAME`): one text
 * command per line, answered by `Status: Ok|Error` and `Key: value` lines. The daemon pushes no
 * events: they are polled with `pop-event` (every `pollIntervalMs`, and again at once while more
 * are queued). Call ids are the daemon's small integers, not SIP Call-IDs. linphone has what
 * baresip 1.0 lacks: attended transfer (REFER with Replaces) and a local three-way conference.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { SipControlError, socketError } from './errors.js';
import { openSocket } from './open-socket.js';
import { EventLog } from './event-log.js';

export interface LinphoneResponse {
  ok: boolean;
  /** `Key: value` lines after the status; a repeated key keeps its first value. */
  fields: Record<string, string>;
  /** Every `Key: value` line in order (register-status ALL repeats keys). */
  lines: Array<[string, string]>;
  raw: string;
}

export interface LinphoneEvent {
  /** `Event-type`, e.g. call-state-changed. */
  type: string;
  /** `Event`, e.g. LinphoneCallIncomingReceived, LinphoneCallStreamsRunning, LinphoneCallEnd. */
  event: string;
  /** The daemon's call id, when the event is about a call. */
  callId?: number;
  fields: Record<string, string>;
  receivedAt: number;
}

export interface LinphoneControlEvents {
  event: [event: LinphoneEvent];
  close: [reason: SipControlError | undefined];
}

export interface LinphoneConnectOptions {
  /** The daemon's unix socket: `/tmp/<pipe name>`. */
  socketPath: string;
  /** Names the phone in errors. */
  name?: string;
  pollIntervalMs?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

interface Request {
  line: string;
  resolve: (response: LinphoneResponse) => void;
  reject: (err: Error) => void;
}

/** Quiet time after a chunk ending in a newline before a response counts as complete. */
const SETTLE_MS = 8;
const DTMF = /^[0-9A-D*#]+$/;

export function parseLinphoneResponse(raw: string): LinphoneResponse {
  const lines: Array<[string, string]> = [];
  for (const text of raw.split('\n')) {
    const colon = text.indexOf(':');
    if (colon <= 0) continue;
    lines.push([text.slice(0, colon).trim(), text.slice(colon + 1).trim()]);
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of lines) if (!(key in fields)) fields[key] = value;
  return { ok: fields.Status === 'Ok', fields, lines, raw };
}

export class LinphoneControl extends EventEmitter<LinphoneControlEvents> {
  readonly endpoint: string;
  readonly log: EventLog<LinphoneEvent>;
  private readonly requests: Request[] = [];
  private current: (Request & { timer: NodeJS.Timeout }) | undefined;
  private buffer = '';
  private settleTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private closing = false;
  private done = false;

  private constructor(
    private readonly socket: Socket,
    endpoint: string,
    private readonly pollIntervalMs: number,
    private readonly requestTimeoutMs: number,
  ) {
    super();
    this.endpoint = endpoint;
    this.log = new EventLog(endpoint);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.finish(this.closing ? undefined : socketError(endpoint, err)));
    socket.on('close', () => this.finish(this.closing ? undefined : new SipControlError('closed', endpoint, 'connection closed by peer (process gone?)')));
    this.schedulePoll(0);
  }

  static async connect(options: LinphoneConnectOptions): Promise<LinphoneControl> {
    const endpoint = `linphone-daemon${options.name ? ` ${options.name}` : ''} ${options.socketPath}`;
    const socket = await openSocket({ path: options.socketPath }, endpoint, options.connectTimeoutMs ?? 3000);
    return new LinphoneControl(socket, endpoint, options.pollIntervalMs ?? 50, options.requestTimeoutMs ?? 5000);
  }

  get isOpen(): boolean {
    return !this.done && !this.closing;
  }

  /** Sends one command line; rejects when the daemon answers `Status: Error`. */
  async command(line: string): Promise<LinphoneResponse> {
    const response = await this.request(line);
    if (!response.ok) {
      throw new SipControlError('rejected', this.endpoint, `"${line}" failed: ${response.fields.Reason ?? response.raw.trim()}`);
    }
    return response;
  }

  /** Places a call; resolves with the daemon's call id. */
  async call(uri: string): Promise<number> {
    return this.idOf(await this.command(`call ${uri}`), 'call');
  }

  answer(callId?: number): Promise<LinphoneResponse> {
    return this.command(callId === undefined ? 'answer' : `answer ${callId}`);
  }

  pause(callId: number): Promise<LinphoneResponse> {
    return this.command(`call-pause ${callId}`);
  }

  resume(callId: number): Promise<LinphoneResponse> {
    return this.command(`call-resume ${callId}`);
  }

  /**
   * Transfers call `callId`: to another of this phone's calls (attended: REFER with Replaces)
   * when `to` is a call id, or blind to a SIP URI.
   */
  transfer(callId: number, to: number | string): Promise<LinphoneResponse> {
    return this.command(`call-transfer ${callId} ${to}`);
  }

  /**
   * Adds a call to the local conference (made on first use). The daemon answers "Command failed"
   * even when the call joined: that answer is not an error here; watch the call events instead.
   */
  async conferenceAdd(callId: number): Promise<void> {
    const response = await this.request(`conference add ${callId}`);
    if (!response.ok && response.fields.Reason !== 'Command failed') {
      throw new SipControlError('rejected', this.endpoint, `"conference add ${callId}" failed: ${response.fields.Reason ?? response.raw.trim()}`);
    }
  }

  /** Sends DTMF on the current call, one digit per command. */
  async dtmf(digits: string): Promise<void> {
    if (!DTMF.test(digits)) throw new SipControlError('rejected', this.endpoint, `DTMF digits must match ${DTMF}, got ${JSON.stringify(digits)}`);
    for (const digit of digits) await this.command(`dtmf ${digit}`);
  }

  terminate(callId?: number): Promise<LinphoneResponse> {
    return this.command(callId === undefined ? 'terminate' : `terminate ${callId}`);
  }

  /** State (e.g. LinphoneCallStreamsRunning) and remote address of a call. */
  async callStatus(callId: number): Promise<{ state: string; remote: string | undefined }> {
    const r = await this.command(`call-status ${callId}`);
    return { state: r.fields.State ?? '', remote: r.fields.From };
  }

  /** Waits for a call-state event (e.g. LinphoneCallIncomingReceived) for `callId` when given. */
  waitForCallState(state: string, callId?: number, timeoutMs = 5000, since?: number): Promise<LinphoneEvent> {
    return this.log.waitFor(
      (e) => e.event === state && (callId === undefined || e.callId === callId),
      `${state}${callId === undefined ? '' : ` for call ${callId}`}`,
      timeoutMs,
      since,
    );
  }

  close(): Promise<void> {
    if (this.done) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      this.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 200).unref();
    });
  }

  private idOf(response: LinphoneResponse, what: string): number {
    const id = Number(response.fields.Id);
    if (!Number.isInteger(id)) throw new SipControlError('protocol', this.endpoint, `no call id in the answer to ${what}: ${response.raw.trim()}`);
    return id;
  }

  private request(line: string): Promise<LinphoneResponse> {
    if (!this.isOpen) return Promise.reject(new SipControlError('closed', this.endpoint, 'connection is closed'));
    if (/[\r\n]/.test(line)) return Promise.reject(new SipControlError('rejected', this.endpoint, 'a command is one line'));
    return new Promise((resolve, reject) => {
      this.requests.push({ line, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.current || this.done) return;
    const request = this.requests.shift();
    if (!request) return;
    const timer = setTimeout(() => {
      // the daemon is stuck or gone: nothing after this answer can be matched any more
      this.socket.destroy();
      this.finish(new SipControlError('timeout', this.endpoint, `no answer to "${request.line}" within ${this.requestTimeoutMs} ms`));
    }, this.requestTimeoutMs);
    this.current = { ...request, timer };
    this.buffer = '';
    this.socket.write(`${request.line}\n`);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    if (!this.buffer.endsWith('\n')) return;
    this.settleTimer = setTimeout(() => this.complete(), SETTLE_MS);
  }

  private complete(): void {
    this.settleTimer = undefined;
    const current = this.current;
    if (!current) {
      this.buffer = '';
      return;
    }
    this.current = undefined;
    clearTimeout(current.timer);
    const raw = this.buffer;
    this.buffer = '';
    current.resolve(parseLinphoneResponse(raw));
    this.next();
  }

  private schedulePoll(delayMs: number): void {
    if (this.done || this.closing || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delayMs);
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.isOpen) return;
    this.polling = true;
    let more = false;
    try {
      const response = await this.request('pop-event');
      more = Number(response.fields.Size ?? '0') > 0;
      if (response.ok && response.fields['Event-type'] !== undefined) {
        const id = response.fields.Id === undefined ? undefined : Number(response.fields.Id);
        const event: LinphoneEvent = {
          type: response.fields['Event-type'],
          event: response.fields.Event ?? '',
          callId: id !== undefined && Number.isInteger(id) ? id : undefined,
          fields: response.fields,
          receivedAt: Date.now(),
        };
        this.log.push(event);
        this.emit('event', event);
      }
    } catch {
      // a failed poll ends the connection (see next()); close/finish report why
    } finally {
      this.polling = false;
      this.schedulePoll(more ? 0 : this.pollIntervalMs);
    }
  }

  private finish(reason: SipControlError | undefined): void {
    if (this.done) return;
    this.done = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.socket.destroy();
    const err = reason ?? new SipControlError('closed', this.endpoint, 'connection closed');
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.reject(err);
      this.current = undefined;
    }
    for (const r of this.requests.splice(0)) r.reject(err);
    this.log.fail(err);
    this.emit('close', reason);
  }
}
