/**
 * Browser phones (phone kind "webrtc"): the agent's desktop page is the phone. Its control link
 * is the agent's own /cti connection: the gateway hands each `phone` report of a logged-in
 * connection to `BrowserPhones.report`, and the link writes commands back on the connection that
 * registered. The page answers each command (`reply`) and tells what happens on its calls
 * (`event`), which the back end treats like baresip's or linphone's events.
 */
import { EventEmitter } from 'node:events';
import type { ErrorObject } from '../../../framework/schema/error.js';
import type { BrowserPhoneSetup, PhoneCommand, PhoneCommandFrame, PhoneReportFrame } from '../../../framework/schema/protocol.js';
import type { CallQuality } from '../../store/types.js';
import type { SipControlError } from '../errors.js';
import { CallQualityTracker } from './call-quality.js';
import type { SipAgentConfig } from './config.js';
import { SipRequestError, linkDown } from './errors.js';
import type { PhoneCallEvent, PhoneLink } from './links.js';

type WebrtcAgent = SipAgentConfig & { phone: { kind: 'webrtc' } };

/**
 * Why the browser phone has no three-way conference: the page would have to mix each party's
 * audio into what it sends the other (Web Audio), and the test bed's rtpengine (userspace, no
 * transcoding or media player configured) and Kamailio have no conference bridge to do it there;
 * neither is built or proven, so it is refused rather than half done.
 */
export const CONFERENCE_REFUSAL =
  'no three-way conference from the browser phone: nothing mixes the audio (the page does not mix its two calls, and Kamailio/rtpengine run no conference bridge); consult and transfer instead';

/** Writes a frame on one desktop connection. */
export type PhoneSend = (frame: PhoneCommandFrame) => void;

/** What the gateway needs: reports from an agent's connections in, the connection's end. */
export interface PhoneChannel {
  /**
   * A `phone` report from a connection logged in as `agentId`; `send` writes to that connection.
   * Answers the error to give the page when the report is refused (nothing of it kept).
   */
  report(agentId: string, connection: object, frame: PhoneReportFrame, send: PhoneSend): ErrorObject | undefined;
  /** The connection closed or left its session: a phone it held is gone. */
  gone(connection: object): void;
}

interface Pending {
  resolve: (result: string | undefined) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface LinkEvents {
  up: [];
  down: [reason: SipControlError | undefined];
  event: [event: PhoneCallEvent];
}

export class BrowserPhoneLink extends EventEmitter<LinkEvents> implements PhoneLink {
  /** JsSIP holds one call and places another; the page REFERs the held party (with Replaces, or plain). */
  readonly canConsult = true;
  /** No mixing: see CONFERENCE_REFUSAL. */
  readonly canConference = false;
  readonly controllable = true;
  /** JsSIP sends RFC 4733 in the media (RTCDTMFSender): the server cannot see the digits arrive. */
  readonly dtmfOverInfo = false;
  readonly endpoint: string;
  lastError: string | undefined = 'the desktop has not registered the browser phone';
  private holder: { connection: object; send: PhoneSend } | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  /** The browser's calls (legs) from their first event to 'closed'. */
  private readonly calls = new Set<string>();
  private readonly quality = new CallQualityTracker();
  /** Told each call leg's audio quality when the leg ends (or the page holding it goes away). */
  onQuality: ((quality: CallQuality) => void) | undefined;

  constructor(
    readonly agent: WebrtcAgent,
    private readonly timeoutMs: number,
  ) {
    super();
    this.endpoint = `browser phone of ${agent.agentId} (${agent.sipUri})`;
  }

  get isUp(): boolean {
    return this.holder !== undefined;
  }

  /** What the page registers with. */
  get setup(): BrowserPhoneSetup {
    const { wsUri, password, iceServers } = this.agent.phone;
    return { wsUri, sipUri: this.agent.sipUri, ...(password === undefined ? {} : { password }), ...(iceServers === undefined ? {} : { iceServers }) };
  }

  start(): void {}

  stop(): Promise<void> {
    this.release('the server is stopping');
    return Promise.resolve();
  }

  /** A connection of this agent reported; `send` writes back to it. */
  onReport(connection: object, frame: PhoneReportFrame, send: PhoneSend): ErrorObject | undefined {
    switch (frame.report) {
      case 'hello':
        send({ type: 'phone', id: 'setup', cmd: 'setup', setup: this.setup });
        return;
      case 'registered': {
        const had = this.holder;
        this.holder = { connection, send };
        this.lastError = undefined;
        if (!had) this.emit('up');
        return;
      }
      case 'unregistered':
        if (this.holder?.connection === connection) this.release('the desktop unregistered the browser phone');
        return;
      case 'reply': {
        const pending = frame.id === undefined ? undefined : this.pending.get(frame.id);
        if (!pending || frame.id === undefined) return;
        this.pending.delete(frame.id);
        clearTimeout(pending.timer);
        if (frame.ok) pending.resolve(frame.result);
        else pending.reject(new SipRequestError('OPENCTI_CF_GENERIC_OPERATION', `${this.endpoint}: ${frame.error ?? 'refused'}`));
        return;
      }
      case 'event':
        if (frame.event && this.holder?.connection === connection) {
          const { kind, leg } = frame.event;
          if (kind === 'closed') {
            this.calls.delete(leg);
            this.endQuality(leg);
          } else this.calls.add(leg);
          this.emit('event', { kind, leg, sipCallId: leg, peer: frame.event.peer });
        }
        return;
      case 'stats':
        return this.onStats(connection, frame.stats);
    }
  }

  /** A reading of a call's audio: kept for the call's quality summary, or refused saying why. */
  private onStats(connection: object, stats: PhoneReportFrame['stats']): ErrorObject | undefined {
    const refuse = (why: string): ErrorObject => ({ errCode: 'OPENCTI_BAD_FRAME', errMessage: `phone stats refused, not stored: ${why}` });
    if (!stats) return refuse('a "stats" report needs its "stats" object ({leg, packetsReceived, packetsLost, jitterMs, packetsSent, rttMs?})');
    if (this.holder?.connection !== connection) return refuse(`this connection does not hold the ${this.endpoint}`);
    if (!this.calls.has(stats.leg)) return refuse(`leg ${JSON.stringify(stats.leg)} is no call of the ${this.endpoint}`);
    const why = this.quality.add(stats.leg, stats, Date.now());
    return why === undefined ? undefined : refuse(`leg ${JSON.stringify(stats.leg)}: ${why}`);
  }

  private endQuality(leg: string): void {
    const summary = this.quality.end(leg, this.agent.agentId);
    if (summary) this.onQuality?.(summary);
  }

  /** The holding connection is gone: fail what waits on it. */
  release(why: string): void {
    if (!this.holder) return;
    this.holder = undefined;
    this.lastError = why;
    // the page that measured the calls is gone: what it measured is all there will be
    for (const summary of this.quality.endAll(this.agent.agentId)) this.onQuality?.(summary);
    this.calls.clear();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(linkDown(this.endpoint, why));
      this.pending.delete(id);
    }
    this.emit('down', undefined);
  }

  holds(connection: object): boolean {
    return this.holder?.connection === connection;
  }

  private command(cmd: PhoneCommand, fields: Partial<Pick<PhoneCommandFrame, 'leg' | 'uri' | 'digits' | 'otherLeg'>>): Promise<string | undefined> {
    const holder = this.holder;
    if (!holder) return Promise.reject(linkDown(this.endpoint, this.lastError ?? 'not registered'));
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SipRequestError('OPENCTI_TIMEOUT', `${this.endpoint}: no answer to "${cmd}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      holder.send({ type: 'phone', id, cmd, ...fields });
    });
  }

  dial = async (uri: string): Promise<string> => {
    const leg = await this.command('dial', { uri });
    if (!leg) throw new SipRequestError('OPENCTI_CF_GENERIC_OPERATION', `${this.endpoint}: the page placed the call without a Call-ID`);
    return leg;
  };
  answer = async (leg: string) => void (await this.command('answer', { leg }));
  hangup = async (leg: string) => void (await this.command('hangup', { leg }));
  hold = async (leg: string) => void (await this.command('hold', { leg }));
  resume = async (leg: string) => void (await this.command('resume', { leg }));
  dtmf = async (leg: string, digits: string) => void (await this.command('dtmf', { leg, digits }));
  transfer = async (leg: string, uri: string) => void (await this.command('transfer', { leg, uri }));
  /** REFER of the held party with Replaces for the consult dialog (JsSIP `refer(…, {replaces})`). */
  attendedTransfer = async (leg: string, otherLeg: string) => void (await this.command('attendedTransfer', { leg, otherLeg }));
  conferenceAdd = (): Promise<void> => Promise.reject(new SipRequestError('OPENCTI_NOT_SUPPORTED_IN_MODE', `${this.endpoint}: ${CONFERENCE_REFUSAL}`));
  sync = (): Promise<void> => Promise.resolve();
}

/** Every browser phone of the back end, reached by the agent whose connection reports. */
export class BrowserPhones implements PhoneChannel {
  private readonly links = new Map<string, BrowserPhoneLink>();

  add(link: BrowserPhoneLink): void {
    this.links.set(link.agent.agentId, link);
  }

  report(agentId: string, connection: object, frame: PhoneReportFrame, send: PhoneSend): ErrorObject | undefined {
    const link = this.links.get(agentId);
    if (link) return link.onReport(connection, frame, send);
    if (frame.report === 'hello') send({ type: 'phone', id: 'setup', cmd: 'setup', setup: null });
    return undefined;
  }

  gone(connection: object): void {
    for (const link of this.links.values()) if (link.holds(connection)) link.release('the desktop that held the browser phone disconnected');
  }
}
