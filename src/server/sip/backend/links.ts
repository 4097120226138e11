/**
 * Links that stay up: a phone's control connection (baresip ctrl_tcp or linphone-daemon) and
 * Kamailio's evapi socket, each reconnecting every `reconnectMs` after it drops. 'up' and 'down'
 * say when; phone call events come out normalised ('incoming', 'established', 'closed', …) with
 * the phone's own call handle (`leg`: the SIP Call-ID on baresip, the daemon's id on linphone).
 */
import { EventEmitter } from 'node:events';
import { BaresipControl, type BaresipEvent } from '../baresip-control.js';
import type { SipControlError } from '../errors.js';
import { KamailioEvapi, type EvapiEvent } from '../kamailio-evapi.js';
import { LinphoneControl, type LinphoneEvent } from '../linphone-control.js';
import { BrowserPhoneLink } from './browser-phone.js';
import type { SipAgentConfig } from './config.js';
import { SipRequestError, linkDown, toRequestError } from './errors.js';

export type PhoneCallKind = 'incoming' | 'outgoing' | 'established' | 'closed' | 'held' | 'resumed';

export interface PhoneCallEvent {
  readonly kind: PhoneCallKind;
  readonly leg: string;
  /** The SIP Call-ID when the phone tells it (baresip). */
  readonly sipCallId?: string | undefined;
  readonly peer?: string | undefined;
}

interface LinkEvents<E> {
  up: [];
  down: [reason: SipControlError | undefined];
  event: [event: E];
}

/** Reconnects a client after it drops; `client` is the live one or undefined. */
abstract class KeptLink<C extends { close(): Promise<void>; on(ev: 'close', fn: (r: SipControlError | undefined) => void): unknown }, E> extends EventEmitter<LinkEvents<E>> {
  protected client: C | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  lastError: string | undefined;

  constructor(
    readonly endpoint: string,
    private readonly reconnectMs: number,
  ) {
    super();
  }

  get isUp(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    void this.attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  /** The live client, or an OPENCTI_LINK_DOWN error naming the endpoint. */
  protected live(): C {
    if (!this.client) throw linkDown(this.endpoint, this.lastError ?? 'not connected');
    return this.client;
  }

  protected abstract open(): Promise<C>;
  protected abstract wire(client: C): void;

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = await this.open();
      if (this.stopped) {
        await client.close();
        return;
      }
      this.client = client;
      this.lastError = undefined;
      this.wire(client);
      client.on('close', (reason) => {
        if (this.client !== client) return;
        this.client = undefined;
        this.lastError = reason?.message ?? 'connection closed';
        this.emit('down', reason);
        this.schedule();
      });
      this.emit('up');
    } catch (error) {
      this.lastError = (error as Error).message;
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.attempt(), this.reconnectMs);
    this.timer.unref?.();
  }
}

/** Runs a phone command; a control failure becomes a CtiError-shaped error naming the phone. */
async function act<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toRequestError(error);
  }
}

const BARESIP_KINDS: Record<string, PhoneCallKind> = {
  CALL_INCOMING: 'incoming',
  CALL_OUTGOING: 'outgoing',
  CALL_ESTABLISHED: 'established',
  CALL_CLOSED: 'closed',
};

const LINPHONE_KINDS: Record<string, PhoneCallKind> = {
  LinphoneCallIncomingReceived: 'incoming',
  LinphoneCallOutgoingInit: 'outgoing',
  LinphoneCallConnected: 'established',
  LinphoneCallStreamsRunning: 'established',
  LinphoneCallPaused: 'held',
  LinphoneCallResuming: 'resumed',
  LinphoneCallEnd: 'closed',
  LinphoneCallError: 'closed',
  LinphoneCallReleased: 'closed',
};

/** What the back end asks of an agent's phone. */
export interface PhoneLink extends EventEmitter<LinkEvents<PhoneCallEvent>> {
  readonly agent: SipAgentConfig;
  readonly endpoint: string;
  readonly isUp: boolean;
  readonly lastError: string | undefined;
  /** Consult and consult transfer (linphone, the browser phone). */
  readonly canConsult: boolean;
  /** Three-way conference, mixed on the phone (linphone only). */
  readonly canConference: boolean;
  /** False for a plain SIP phone: the server acts on it through Kamailio only. */
  readonly controllable: boolean;
  /** The phone sends DTMF as SIP INFO (Kamailio sees each digit and its answer), not in the media (RFC 4733). */
  readonly dtmfOverInfo: boolean;
  start(): void;
  stop(): Promise<void>;
  dial(uri: string): Promise<string>;
  answer(leg: string): Promise<void>;
  hangup(leg: string): Promise<void>;
  hold(leg: string): Promise<void>;
  resume(leg: string): Promise<void>;
  dtmf(leg: string, digits: string): Promise<void>;
  transfer(leg: string, uri: string): Promise<void>;
  attendedTransfer(leg: string, otherLeg: string): Promise<void>;
  conferenceAdd(leg: string): Promise<void>;
  /** Round trips through the control link, so that the phone has read the SIP answers relayed to it before. */
  sync(): Promise<void>;
}

class BaresipLink extends KeptLink<BaresipControl, PhoneCallEvent> implements PhoneLink {
  readonly canConsult = false;
  readonly canConference = false;
  readonly controllable = true;
  /** baresip 1.0 sends RFC 4733 only (it receives INFO). */
  readonly dtmfOverInfo = false;
  constructor(
    readonly agent: SipAgentConfig & { phone: { kind: 'baresip'; host: string; port: number } },
    reconnectMs: number,
    private readonly timeoutMs: number,
  ) {
    super(`baresip ${agent.agentId} ctrl_tcp ${agent.phone.host}:${agent.phone.port}`, reconnectMs);
  }
  protected open() {
    const { host, port } = this.agent.phone;
    return BaresipControl.connect({ host, port, name: this.agent.agentId, connectTimeoutMs: 1000, requestTimeoutMs: this.timeoutMs });
  }
  protected wire(client: BaresipControl): void {
    client.on('event', (e: BaresipEvent) => {
      const kind = BARESIP_KINDS[e.type];
      if (kind && e.id) this.emit('event', { kind, leg: e.id, sipCallId: e.id, peer: e.peeruri });
    });
  }
  dial = (uri: string) => act(() => this.live().dial(uri, this.timeoutMs));
  answer = (leg: string) => act(() => this.live().accept(leg));
  hangup = (leg: string) => act(() => this.live().hangup(leg));
  hold = (leg: string) => act(() => this.live().hold(leg));
  resume = (leg: string) => act(() => this.live().resume(leg));
  dtmf = (leg: string, digits: string) => act(() => this.live().sendDtmf(digits, leg));
  transfer = (leg: string, uri: string) => act(() => this.live().transfer(uri, leg));
  attendedTransfer = (): Promise<void> => Promise.reject(linkDown(this.endpoint, 'baresip has no attended transfer'));
  conferenceAdd = (): Promise<void> => Promise.reject(linkDown(this.endpoint, 'baresip has no conference'));
  sync = (): Promise<void> => Promise.resolve();
}

class LinphoneLink extends KeptLink<LinphoneControl, PhoneCallEvent> implements PhoneLink {
  readonly canConsult = true;
  readonly canConference = true;
  readonly controllable = true;
  readonly dtmfOverInfo: boolean;
  constructor(
    readonly agent: SipAgentConfig & { phone: { kind: 'linphone'; socketPath: string; dtmf?: 'info' | 'rfc4733' } },
    reconnectMs: number,
    private readonly timeoutMs: number,
  ) {
    super(`linphone-daemon ${agent.agentId} ${agent.phone.socketPath}`, reconnectMs);
    this.dtmfOverInfo = (agent.phone.dtmf ?? 'info') === 'info';
  }
  protected open() {
    return LinphoneControl.connect({ socketPath: this.agent.phone.socketPath, name: this.agent.agentId, connectTimeoutMs: 1000, requestTimeoutMs: this.timeoutMs });
  }
  protected wire(client: LinphoneControl): void {
    client.on('event', (e: LinphoneEvent) => {
      const kind = LINPHONE_KINDS[e.event];
      if (kind && e.callId !== undefined) this.emit('event', { kind, leg: String(e.callId), peer: e.fields.From });
    });
  }
  dial = (uri: string) => act(async () => String(await this.live().call(uri)));
  answer = (leg: string) => act(async () => void (await this.live().answer(Number(leg))));
  hangup = (leg: string) => act(async () => void (await this.live().terminate(Number(leg))));
  /** Resolves once the phone says Paused: the daemon refuses a resume while the re-INVITE runs. */
  hold = (leg: string) =>
    act(async () => {
      const phone = this.live();
      const mark = phone.log.mark();
      try {
        await phone.pause(Number(leg));
      } catch {
        // answered in SIP but the media is still starting: pausing works once the streams run
        await phone.waitForCallState('LinphoneCallStreamsRunning', Number(leg), this.timeoutMs);
        await phone.pause(Number(leg));
      }
      await phone.waitForCallState('LinphoneCallPaused', Number(leg), this.timeoutMs, mark);
    });
  resume = (leg: string) =>
    act(async () => {
      const phone = this.live();
      const mark = phone.log.mark();
      await phone.resume(Number(leg));
      await phone.waitForCallState('LinphoneCallStreamsRunning', Number(leg), this.timeoutMs, mark);
    });
  /**
   * The switch may show a call answered (Kamailio relayed the 200) before the daemon has read it:
   * a digit sent then goes nowhere ("no dialog") although the daemon says Ok. Wait for the media.
   */
  dtmf = (leg: string, digits: string) =>
    act(async () => {
      const phone = this.live();
      const mark = phone.log.mark();
      const { state } = await phone.callStatus(Number(leg));
      if (state !== 'LinphoneCallStreamsRunning') await phone.waitForCallState('LinphoneCallStreamsRunning', Number(leg), this.timeoutMs, mark);
      await phone.dtmf(digits);
    });
  transfer = (leg: string, uri: string) => act(async () => void (await this.live().transfer(Number(leg), uri)));
  attendedTransfer = (leg: string, otherLeg: string) => act(async () => void (await this.live().transfer(Number(leg), Number(otherLeg))));
  conferenceAdd = (leg: string) => act(() => this.live().conferenceAdd(Number(leg)));
  /**
   * Two commands answered: the daemon's loop has run since, and read the SIP answers Kamailio
   * relayed before it reported them. A call-pause sent while the daemon has not read the 200 to
   * its last DTMF INFO is lost (the call stays Pausing).
   */
  sync = () =>
    act(async () => {
      await this.live().command('version');
      await this.live().command('version');
    });
}

/** A phone with no control link: every phone action is refused; Kamailio does what can be done. */
class PlainPhone extends EventEmitter<LinkEvents<PhoneCallEvent>> implements PhoneLink {
  readonly canConsult = false;
  readonly canConference = false;
  readonly controllable = false;
  readonly dtmfOverInfo = false;
  readonly isUp = true;
  readonly lastError = undefined;
  readonly endpoint: string;
  constructor(readonly agent: SipAgentConfig) {
    super();
    this.endpoint = `SIP phone ${agent.sipUri}`;
  }
  start(): void {}
  stop(): Promise<void> {
    return Promise.resolve();
  }
  private refuse(action: string): Promise<never> {
    return Promise.reject(new SipRequestError('OPENCTI_INVALID_ACTION', `${this.endpoint} has no control link: ${action} on the phone itself`));
  }
  dial = () => this.refuse('dial');
  answer = () => this.refuse('answer');
  hangup = () => this.refuse('hang up a ringing call');
  hold = () => this.refuse('hold');
  resume = () => this.refuse('resume');
  dtmf = () => this.refuse('send DTMF');
  transfer = () => this.refuse('transfer');
  attendedTransfer = () => this.refuse('transfer');
  conferenceAdd = () => this.refuse('conference');
  sync = (): Promise<void> => Promise.resolve();
}

export function createPhoneLink(agent: SipAgentConfig, reconnectMs: number, timeoutMs: number): PhoneLink {
  const phone = agent.phone;
  if (phone.kind === 'sip') return new PlainPhone(agent);
  if (phone.kind === 'webrtc') return new BrowserPhoneLink({ ...agent, phone }, timeoutMs);
  if (phone.kind === 'baresip') return new BaresipLink({ ...agent, phone: { kind: 'baresip', port: phone.port, host: phone.host ?? '127.0.0.1' } }, reconnectMs, timeoutMs);
  return new LinphoneLink({ ...agent, phone }, reconnectMs, timeoutMs);
}

/** Kamailio's evapi socket, kept up. */
export class KamailioLink extends KeptLink<KamailioEvapi, EvapiEvent> {
  constructor(
    private readonly host: string,
    private readonly port: number,
    reconnectMs: number,
    private readonly timeoutMs: number,
  ) {
    super(`Kamailio evapi ${host}:${port}`, reconnectMs);
  }
  protected open() {
    return KamailioEvapi.connect({ host: this.host, port: this.port, connectTimeoutMs: 1000, requestTimeoutMs: this.timeoutMs });
  }
  protected wire(client: KamailioEvapi): void {
    client.on('event', (e) => this.emit('event', e));
  }
  route(tindex: string, tlabel: string, target: string): void {
    this.live().route(tindex, tlabel, target);
  }
  reject(tindex: string, tlabel: string, code: number): void {
    this.live().reject(tindex, tlabel, code);
  }
}
