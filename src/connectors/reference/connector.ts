/**
 * The reference connector: the whole OpenCTI contract over the reference server's WebSocket
 * protocol. Runs in browsers (global WebSocket) and in Node (pass `ws`; see node.ts).
 *
 * Link loss is reported as a Snapshot with pyLinkState DISCONNECTED that leaves out pyCalls
 * (calls unknown, not gone); the connector reconnects with backoff, resumes by seq, and the
 * server replays what was missed followed by a fresh Snapshot.
 *
 * Given several server URLs (cluster nodes serving the same call center), login takes the first
 * that accepts a connection, and reconnecting moves through the list starting with the URL after
 * the one whose link was lost: a node that just dropped its links is likely gone.
 */
import { CtiError } from '../../framework/errors/cti-error.js';
import type { CallRequestOptions, ForwardEvent, Implementation, LinkDefinition, RequestOptions } from '../../framework/implementation.js';
import type { AgentStateName, CallData, SnapshotEvent, WorkMode } from '../../framework/schema/events.js';
import type { Op, PhoneCommandFrame, PhoneReportFrame, ServerFrame, SessionInfo } from '../../framework/schema/protocol.js';
import { FRAMEWORK_API_VERSION } from '../../framework/version.js';
import { serverUrls } from './urls.js';

/** The part of the WHATWG WebSocket both browsers and `ws` provide. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface ReferenceConnectorOptions {
  /**
   * Server URL, e.g. ws://127.0.0.1:8080/cti. With `urls` (ws:// or wss://, 1 to 16), `url` comes
   * first, then `urls` without duplicates. When neither is given, the link definition's `url` and
   * `urls` (ctiLink) are used the same way.
   */
  readonly url?: string;
  readonly urls?: readonly string[];
  /** Opens a socket; defaults to the global WebSocket. */
  readonly socketFactory?: SocketFactory;
  /** First reconnect delay, doubled up to `reconnectMaxMs`. Defaults 250 ms and 5 s. */
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  /** How long connecting to one URL may take before that attempt fails. Default 5 s. */
  readonly connectTimeoutMs?: number;
}

const OPEN = 1;
export const CONNECTOR_VERSION = '0.1.0';

interface Pending {
  resolve(value: unknown): void;
  reject(error: CtiError): void;
}

interface AgentMemory {
  agentId: string;
  state: AgentStateName;
  reasonCode?: string | undefined;
  workMode?: WorkMode | undefined;
  thisDN?: string | undefined;
}

const linkDown = (message: string) => new CtiError('OPENCTI_LINK_DOWN', message);

/** The wire arguments of a request that may carry call data: `options.callData` becomes `callData`. */
function withCallData({ callData, ...options }: CallRequestOptions): Record<string, unknown> {
  return callData === undefined ? { options } : { callData, options };
}

function defaultFactory(url: string): SocketLike {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (!Ctor) throw new CtiError('OPENCTI_INVALID_CONFIG', 'no global WebSocket here: pass socketFactory (in Node, use connectors/reference/node)');
  return new Ctor(url);
}

export class ReferenceConnector implements Implementation {
  readonly name = 'reference';
  readonly implementationVersion = CONNECTOR_VERSION;
  readonly frameworkApi = `^${FRAMEWORK_API_VERSION.split('.')[0]}.0.0`;

  readonly #options: ReferenceConnectorOptions;
  #socket: SocketLike | undefined;
  /** The servers to move through, and the index of the one the link is on (or tried last). */
  #urls: readonly string[] = [];
  #at = 0;
  /** Bumped by teardown, so a connection attempt in flight knows to stop. */
  #generation = 0;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #forward: ForwardEvent | undefined;
  #session: SessionInfo | undefined;
  #lastSeq = 0;
  #agent: AgentMemory | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectDelay: number;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #linkUp = false;
  /** Set once a link-down Snapshot went out, so failed retries do not repeat it. */
  #downReported = false;
  /** Why the server is closing the link (an error frame with no request id), for the requests it leaves unanswered. */
  #closingError: { errCode: string; errMessage: string } | undefined;
  /** Who takes the server's browser phone commands (the desktop's softphone). */
  #phoneHandler: ((frame: PhoneCommandFrame) => void) | undefined;

  constructor(options: ReferenceConnectorOptions = {}) {
    this.#options = options;
    this.#reconnectDelay = options.reconnectInitialMs ?? 250;
  }

  /** The server session, once logged in (the token lets a second tab attach with `attach`). */
  get session(): SessionInfo | undefined {
    return this.#session;
  }

  /** The URL of the server the link is on, or was tried last; undefined before the first login. */
  get serverUrl(): string | undefined {
    return this.#urls[this.#at];
  }

  get #url(): string {
    return this.#urls[this.#at] ?? '';
  }

  async login(agentId: string, agentPwd: string, extension: string, link: LinkDefinition, options: RequestOptions, forwardEvent: ForwardEvent): Promise<unknown> {
    if (this.#session) throw new CtiError('OPENCTI_INVALID_ACTION', `already logged in as "${this.#session.agentId}"`);
    this.#urls = serverUrls(this.#options, link);
    this.#forward = forwardEvent;
    try {
      await this.#connectFirst();
      const args: Record<string, unknown> = { agentId, agentPwd, options };
      if (extension) args.extension = extension;
      const info = (await this.#request('login', args)) as SessionInfo;
      this.#session = info;
      this.#lastSeq = info.seq;
      this.#armWatchdog(); // frames that came with the response found no session to time
      this.#agent = { agentId, state: 'Login', thisDN: info.extension };
      return info;
    } catch (error) {
      this.#teardown();
      throw error;
    }
  }

  /** Attaches to a session another tab logged in (same events, same state); resolves like login. */
  async attach(token: string, link: LinkDefinition, forwardEvent: ForwardEvent): Promise<SessionInfo> {
    this.#urls = serverUrls(this.#options, link);
    this.#forward = forwardEvent;
    try {
      await this.#connectFirst();
      const info = (await this.#request('resume', { token })) as SessionInfo;
      this.#session = info;
      this.#lastSeq = info.seq;
      this.#armWatchdog(); // frames that came with the response found no session to time
      this.#agent = { agentId: info.agentId, state: 'Unknown', thisDN: info.extension };
      return info;
    } catch (error) {
      this.#teardown();
      throw error;
    }
  }

  async logout(_agentId: string, reasonCode: string, options: RequestOptions): Promise<unknown> {
    // The server already ended the session (it said so with a Logout Snapshot): nothing to ask.
    if (!this.#session) return null;
    const result = await this.#request('logout', { ...(reasonCode ? { reasonCode } : {}), options });
    this.#teardown();
    return result;
  }

  agentReady(_agentId: string, workMode: string, options: RequestOptions) {
    return this.#request('agentReady', { ...(workMode ? { workMode } : {}), options });
  }
  agentNotReady(_agentId: string, workMode: string, reasonCode: string, _link: LinkDefinition, options: RequestOptions) {
    return this.#request('agentNotReady', { ...(workMode ? { workMode } : {}), ...(reasonCode ? { reasonCode } : {}), options });
  }
  answerCall(callId: string, options: RequestOptions) {
    return this.#request('answerCall', { callId, options });
  }
  hangUpCall(callId: string, options: RequestOptions) {
    return this.#request('hangUpCall', { callId, options });
  }
  holdCall(callId: string, options: RequestOptions) {
    return this.#request('holdCall', { callId, options });
  }
  retrieveCall(callId: string, options: RequestOptions) {
    return this.#request('retrieveCall', { callId, options });
  }
  makeCall(destination: string, options: CallRequestOptions) {
    return this.#request('makeCall', { destination, ...withCallData(options) });
  }
  sendDTMF(callId: string, digits: string, options: RequestOptions) {
    return this.#request('sendDTMF', { callId, digits, options });
  }
  blindTransfer(callId: string, destination: string, options: CallRequestOptions) {
    return this.#request('blindTransfer', { callId, destination, ...withCallData(options) });
  }
  transferInitiate(callId: string, destination: string, options: CallRequestOptions) {
    return this.#request('transferInitiate', { callId, destination, ...withCallData(options) });
  }
  transferComplete(heldCallId: string, activeCallId: string, options: RequestOptions) {
    return this.#request('transferComplete', { heldCallId, activeCallId, options });
  }
  consultationCall(callId: string, destination: string, options: CallRequestOptions) {
    return this.#request('consultationCall', { callId, destination, ...withCallData(options) });
  }
  conferenceInitiate(callId: string, destination: string, options: CallRequestOptions) {
    return this.#request('conferenceInitiate', { callId, destination, ...withCallData(options) });
  }
  conferenceComplete(heldCallId: string, activeCallId: string, options: RequestOptions) {
    return this.#request('conferenceComplete', { heldCallId, activeCallId, options });
  }
  dropParty(callId: string, party: string, options: RequestOptions) {
    return this.#request('dropParty', { callId, party, options });
  }
  alternateCall(heldCallId: string, activeCallId: string, options: RequestOptions) {
    return this.#request('alternateCall', { heldCallId, activeCallId, options });
  }
  setCallData(callId: string, data: CallData, options: RequestOptions) {
    return this.#request('setCallData', { callId, data, options });
  }
  muteCall(callId: string, options: RequestOptions) {
    return this.#request('muteCall', { callId, options });
  }
  unmuteCall(callId: string, options: RequestOptions) {
    return this.#request('unmuteCall', { callId, options });
  }
  rejectCall(callId: string, options: RequestOptions) {
    return this.#request('rejectCall', { callId, options });
  }
  startRecording(callId: string, options: RequestOptions) {
    return this.#request('startRecording', { callId, options });
  }
  pauseRecording(callId: string, options: RequestOptions) {
    return this.#request('pauseRecording', { callId, options });
  }
  resumeRecording(callId: string, options: RequestOptions) {
    return this.#request('resumeRecording', { callId, options });
  }
  stopRecording(callId: string, options: RequestOptions) {
    return this.#request('stopRecording', { callId, options });
  }

  /**
   * Browser phone commands from the server (SIP back end, phone kind "webrtc") go to `handler`.
   * Returns the function that stops it.
   */
  onPhoneCommand(handler: (frame: PhoneCommandFrame) => void): () => void {
    this.#phoneHandler = handler;
    return () => {
      if (this.#phoneHandler === handler) this.#phoneHandler = undefined;
    };
  }

  /** Sends a browser phone report on the link; false when the link is down (nothing sent). */
  sendPhoneReport(report: Omit<PhoneReportFrame, 'type'>): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN || !this.#linkUp) return false;
    socket.send(JSON.stringify({ type: 'phone', ...report }));
    return true;
  }

  /** Closes the link for good: no reconnect, no more events. */
  close(): void {
    this.#teardown();
  }

  #request(op: Op, args: Record<string, unknown>): Promise<unknown> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN || (!this.#linkUp && op !== 'login' && op !== 'resume')) {
      return Promise.reject(linkDown(`cannot send "${op}": the link to ${this.#url || 'the CTI server'} is down`));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ type: 'request', id, op, args: stripUndefined(args) }));
    });
  }

  /**
   * Connects to the first URL that accepts a connection, trying the next on a failure (refused,
   * unreachable, no answer in time). What a server answers once connected, such as a wrong
   * password, is final and not retried elsewhere.
   */
  async #connectFirst(): Promise<void> {
    const generation = this.#generation;
    const failures: string[] = [];
    for (let at = 0; at < this.#urls.length; at++) {
      const failure = await this.#open(at);
      if (failure === undefined) return;
      if (generation !== this.#generation) throw linkDown('the connector was closed');
      failures.push(`${this.#urls[at]} (${failure})`);
    }
    throw linkDown(failures.length === 1 ? `could not connect to ${failures[0]}` : `could not connect to any of ${failures.join(', ')}`);
  }

  /**
   * Opens a socket to the URL at `at`. Resolves undefined once open, or why it failed; a socket
   * that opened and closes later is a lost link (#onClose).
   */
  #open(at: number): Promise<string | undefined> {
    this.#at = at;
    const url = this.#urls[at]!;
    const timeoutMs = this.#options.connectTimeoutMs ?? 5000;
    let socket: SocketLike;
    try {
      socket = (this.#options.socketFactory ?? defaultFactory)(url);
    } catch (error) {
      if (error instanceof CtiError) throw error; // no WebSocket at all: no URL would do better
      return Promise.resolve(error instanceof Error ? error.message : String(error));
    }
    this.#socket = socket;
    this.#closingError = undefined;
    return new Promise((resolve) => {
      let opened = false;
      let settled = false;
      const settle = (failure?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(failure);
      };
      const timer = setTimeout(() => {
        settle(`no answer within ${timeoutMs} ms`);
        socket.close(); // onclose follows; the attempt already counts as failed
      }, timeoutMs);
      socket.onopen = () => {
        if (settled) return;
        opened = true;
        this.#reconnectDelay = this.#options.reconnectInitialMs ?? 250;
        this.#armWatchdog();
        settle();
      };
      socket.onerror = () => undefined; // onclose follows and carries the outcome
      socket.onmessage = (message) => {
        if (this.#socket === socket) this.#onFrame(message.data);
      };
      socket.onclose = (event) => {
        if (!opened) return settle(`close code ${event.code}`);
        if (this.#socket === socket) this.#onClose();
      };
    });
  }

  #onFrame(data: unknown): void {
    this.#armWatchdog();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data)) as ServerFrame;
    } catch {
      return; // the server only sends JSON; a torn frame is dropped and the watchdog stays in charge
    }
    if (frame.type === 'response') {
      // The server ended the session (an administrator's logout, a takeover): the closing Snapshot
      // came first; reconnecting to resume it would only be refused.
      if (frame.id === null && !frame.ok && frame.error.errCode === 'OPENCTI_SESSION_ENDED') return this.#teardown();
      // Any other unasked error precedes a close (rate limited, login timeout): keep it to say why.
      if (frame.id === null && !frame.ok) this.#closingError = frame.error;
      const pending = typeof frame.id === 'number' ? this.#pending.get(frame.id) : undefined;
      if (!pending || typeof frame.id !== 'number') return;
      this.#pending.delete(frame.id);
      if (frame.ok) {
        if (!this.#linkUp) this.#linkUp = true;
        pending.resolve(frame.result);
      } else pending.reject(new CtiError(frame.error.errCode, frame.error.errMessage));
    } else if (frame.type === 'event') {
      if (frame.seq <= this.#lastSeq && this.#session) return; // already seen (replay overlap)
      this.#lastSeq = frame.seq;
      this.#remember(frame.event as unknown as Record<string, unknown>);
      this.#forward?.(frame.event);
    } else if (frame.type === 'heartbeat') {
      this.#startHeartbeat(frame.intervalMs);
    } else if (frame.type === 'phone') {
      this.#phoneHandler?.(frame);
    }
  }

  /** Keeps what a link-down Snapshot must say about the agent. */
  #remember(event: Record<string, unknown>): void {
    if (!this.#agent) return;
    if (event.pyEventType === 'AgentStateEvent') {
      this.#agent.state = event.pyEventName as AgentStateName;
      this.#agent.reasonCode = event.pyReasonCode as string | undefined;
      this.#agent.workMode = event.pyWorkMode as WorkMode | undefined;
    } else if (event.pyEventType === 'SnapshotEvent') {
      this.#agent.state = event.pyAgentState as AgentStateName;
      this.#agent.reasonCode = event.pyReasonCode as string | undefined;
      this.#agent.workMode = event.pyWorkMode as WorkMode | undefined;
    }
  }

  #startHeartbeat(intervalMs: number): void {
    if (this.#heartbeatTimer) return;
    this.#heartbeatMs = intervalMs;
    this.#heartbeatTimer = setInterval(() => {
      if (this.#socket?.readyState === OPEN) this.#socket.send('{"type":"heartbeat"}');
    }, intervalMs);
    this.#armWatchdog();
  }

  #heartbeatMs = 0;

  /** A server silent for three heartbeats is gone, whatever the socket says. */
  #armWatchdog(): void {
    if (this.#watchdog) clearTimeout(this.#watchdog);
    const interval = this.#heartbeatMs || this.#session?.heartbeatMs || 0;
    if (!interval) return;
    this.#watchdog = setTimeout(() => this.#abandon(), interval * 3);
  }

  /**
   * Gives up on a socket whose server went silent. A polite close would wait for the silent peer's
   * answer (30 s in `ws`), so the link is declared down now and the socket is cut loose.
   */
  #abandon(): void {
    const socket = this.#socket;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    const terminate = (socket as { terminate?: () => void }).terminate;
    if (typeof terminate === 'function') terminate.call(socket);
    else socket.close(4000, 'heartbeat lost');
    this.#onClose();
  }

  #onClose(): void {
    this.#linkUp = false;
    if (this.#watchdog) clearTimeout(this.#watchdog);
    const why = this.#closingError;
    this.#closingError = undefined;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(why ? new CtiError(why.errCode, why.errMessage) : linkDown(`the link to ${this.#url} closed before the server answered`));
    }
    if (!this.#session) return;
    if (!this.#downReported) this.#forward?.(this.#linkSnapshot('DISCONNECTED'));
    this.#downReported = true;
    this.#next();
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const maxMs = this.#options.reconnectMaxMs ?? 5000;
    const delay = Math.min(this.#reconnectDelay, maxMs);
    this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, maxMs);
    // Jitter keeps a room of desktops from reconnecting in lockstep after a server restart.
    this.#reconnectTimer = setTimeout(() => void this.#resume(), delay * (0.75 + Math.random() * 0.5));
  }

  /** Moves to the next URL in the list, wrapping around. */
  #next(): void {
    this.#at = (this.#at + 1) % this.#urls.length;
  }

  /** One reconnect attempt, on the current URL; a failure moves on to the next one, after the backoff. */
  async #resume(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const failure = await this.#open(this.#at).catch((error: unknown) => String(error));
    if (this.#session !== session) return; // closed meanwhile
    if (failure !== undefined) {
      this.#next();
      this.#scheduleReconnect();
      return;
    }
    try {
      const info = (await this.#request('resume', { token: session.token, lastSeq: this.#lastSeq })) as SessionInfo;
      this.#session = { ...info };
      this.#downReported = false;
      this.#armWatchdog();
    } catch (error) {
      if (error instanceof CtiError && error.errCode === 'OPENCTI_AGENT_NOT_LOGGED_IN') {
        // The server ended the session while we were away: say so and stop.
        this.#forward?.({ ...this.#linkSnapshot('CONNECTED'), pyAgentState: 'Logout', pyDeviceState: 'CLOSED', pyCalls: [] });
        this.#teardown();
        return;
      }
      // This server cannot serve the session now (its cluster link is down): try the next one.
      if (this.#session === session) this.#abandon();
    }
  }

  #linkSnapshot(link: 'CONNECTED' | 'DISCONNECTED'): SnapshotEvent {
    const agent = this.#agent;
    return stripUndefined({
      pyEventType: 'SnapshotEvent',
      pyEventName: 'Snapshot',
      pyMedia: 'Phone',
      pyAgentId: agent?.agentId ?? '',
      pyAgentState: agent?.state ?? 'Unknown',
      pyReasonCode: agent?.reasonCode,
      pyWorkMode: agent?.workMode,
      pyThisDN: agent?.thisDN,
      pyDeviceState: 'OPENED',
      pyLinkState: link,
      pyTimestamp: new Date().toISOString(),
    }) as SnapshotEvent;
  }

  #teardown(): void {
    this.#generation++;
    this.#session = undefined;
    this.#forward = undefined;
    this.#linkUp = false;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#watchdog) clearTimeout(this.#watchdog);
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'logout');
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(linkDown('the connector was closed'));
    }
  }
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export const createReferenceConnector = (options?: ReferenceConnectorOptions) => new ReferenceConnector(options);
