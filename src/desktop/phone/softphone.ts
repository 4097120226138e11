/**
 * The desktop as the agent's phone (SIP back end, phone kind "webrtc"). After login the page asks
 * the server for its phone setup (`hello`); when the agent's phone is the browser, the one tab
 * that wins the agent's Web Lock registers a JsSIP user agent on Kamailio's WebSocket listener
 * and tells the server (`registered`). From then on the server sends the call commands (answer,
 * hold, DTMF, …) on the agent's /cti connection and this module carries them out on the browser's
 * call, reporting what happens on it. JsSIP: tried here against Kamailio + rtpengine and works
 * (docs/sip.md); it ships CommonJS only and is bundled by esbuild with the page.
 */
import type * as JsSIPNamespace from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { UA } from 'jssip/lib/UA.js';
import type { Session } from '../../framework/session/session.js';
import type { BrowserPhoneSetup, PhoneCommandFrame, PhoneReportFrame } from '../../framework/schema/protocol.js';
import { type CallAudioStats, readAudioStats } from './call-stats.js';
import { openMicrophone } from './media-errors.js';
import { requestPhoneLock, type PhoneLock } from './phone-lock.js';
import { RingTone } from './ring-tone.js';

// the CommonJS module's exports, whichever way the bundler hands them over
type JsSIPApi = typeof JsSIPNamespace;

/** JsSIP, loaded the first time this page registers a phone (it is most of the desktop's weight otherwise). */
let jssip: Promise<JsSIPApi> | undefined;
const loadJsSIP = (): Promise<JsSIPApi> =>
  (jssip ??= import('jssip').then((module) => (module as unknown as { default?: JsSIPApi }).default ?? module));

/** The part of the connector the phone talks through. */
export interface PhoneLinkToServer {
  onPhoneCommand(handler: (frame: PhoneCommandFrame) => void): () => void;
  sendPhoneReport(report: Omit<PhoneReportFrame, 'type'>): boolean;
}

export type PhoneStatus = 'off' | 'asking' | 'elsewhere' | 'registering' | 'registered' | 'failed';

export interface PhoneView {
  readonly status: PhoneStatus;
  /** A problem the agent must act on (microphone refused or missing, registration refused). */
  readonly problem: string | undefined;
  readonly ringing: boolean;
  readonly inCall: boolean;
  readonly onHold: boolean;
  readonly muted: boolean;
  readonly stats: CallAudioStats | undefined;
  readonly microphones: readonly { id: string; label: string }[];
  readonly speakers: readonly { id: string; label: string }[];
  readonly microphoneId: string;
  readonly speakerId: string;
}

const STATS_EVERY_MS = 1000;

export class Softphone {
  readonly #server: PhoneLinkToServer;
  readonly #changed: (view: PhoneView) => void;
  readonly #offs: (() => void)[] = [];
  #agentId: string | undefined;
  #lock: PhoneLock | undefined;
  #ua: UA | undefined;
  #setup: BrowserPhoneSetup | undefined;
  readonly #calls = new Map<string, RTCSession>();
  readonly #ring = new RingTone();
  readonly #remote = new Audio();
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #view: PhoneView = {
    status: 'off',
    problem: undefined,
    ringing: false,
    inCall: false,
    onHold: false,
    muted: false,
    stats: undefined,
    microphones: [],
    speakers: [],
    microphoneId: '',
    speakerId: '',
  };

  constructor(server: PhoneLinkToServer, session: Session, changed: (view: PhoneView) => void) {
    this.#server = server;
    this.#changed = changed;
    this.#remote.autoplay = true;
    this.#offs.push(server.onPhoneCommand((frame) => void this.#onCommand(frame)));
    const begin = (): void => {
      const agentId = session.state.agent.agentId;
      if (session.state.loggedIn && agentId && this.#agentId === undefined) this.#start(agentId);
    };
    this.#offs.push(session.on('agentState', begin));
    this.#offs.push(session.on('loggedOut', () => this.stop()));
    // a link that came back is a new connection: the server must hear again who holds the phone
    this.#offs.push(
      session.on('link', (link) => {
        if (link !== 'CONNECTED') return;
        if (this.#view.status === 'registered') this.#report({ report: 'registered' });
        else if (this.#view.status === 'asking') this.#report({ report: 'hello' });
      }),
    );
    const warn = (event: BeforeUnloadEvent): void => {
      if (!this.#view.inCall && !this.#view.ringing) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    this.#offs.push(() => window.removeEventListener('beforeunload', warn));
    // a tab that closes unregisters, so the next tab's phone is the only one that rings
    const leave = (): void => this.#stopPhone();
    window.addEventListener('pagehide', leave);
    this.#offs.push(() => window.removeEventListener('pagehide', leave));
    begin();
  }

  get view(): PhoneView {
    return this.#view;
  }

  /** Microphone on or off for the calls (the far end hears silence). */
  setMuted(muted: boolean): void {
    for (const call of this.#calls.values()) {
      if (muted) call.mute({ audio: true });
      else call.unmute({ audio: true });
    }
    this.#update({ muted });
  }

  chooseMicrophone(id: string): void {
    this.#update({ microphoneId: id });
  }

  chooseSpeaker(id: string): void {
    const audio = this.#remote as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    void audio.setSinkId?.(id).catch(() => undefined);
    this.#update({ speakerId: id });
  }

  /** Unregisters and gives the phone up (logout, page leaving). */
  stop(): void {
    this.#stopPhone();
    this.#agentId = undefined;
    this.#update({ status: 'off', problem: undefined });
  }

  dispose(): void {
    this.stop();
    for (const off of this.#offs.splice(0)) off();
  }

  #start(agentId: string): void {
    this.#agentId = agentId;
    this.#update({ status: 'asking', problem: undefined });
    this.#report({ report: 'hello' });
  }

  #stopPhone(): void {
    this.#ring.stop();
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
    for (const call of this.#calls.values()) {
      try {
        call.terminate();
      } catch {
        // already ending
      }
    }
    this.#calls.clear();
    const ua = this.#ua;
    this.#ua = undefined;
    if (ua) {
      ua.removeAllListeners();
      ua.stop(); // sends the un-REGISTER, then closes the WebSocket
      this.#report({ report: 'unregistered' });
    }
    this.#lock?.release();
    this.#lock = undefined;
  }

  #report(report: Omit<PhoneReportFrame, 'type'>): void {
    this.#server.sendPhoneReport(report);
  }

  #update(change: Partial<PhoneView>): void {
    this.#view = { ...this.#view, ...change };
    this.#changed(this.#view);
  }

  /** Setup from the server: wait for this browser's phone lock, then register. */
  async #onSetup(setup: BrowserPhoneSetup | null | undefined): Promise<void> {
    const agentId = this.#agentId;
    if (!agentId || this.#view.status !== 'asking') return;
    if (!setup) return this.#update({ status: 'off' });
    this.#setup = setup;
    this.#update({ status: 'elsewhere' });
    const lock = requestPhoneLock(agentId);
    this.#lock = lock;
    try {
      await lock.acquired;
    } catch {
      return; // given up (logout) before this tab's turn
    }
    if (this.#lock !== lock || this.#agentId !== agentId) return lock.release();
    await this.#listDevices();
    let JsSIP: JsSIPApi;
    try {
      JsSIP = await loadJsSIP();
    } catch (error) {
      this.#update({ status: 'failed', problem: `the phone could not start: its SIP stack did not load (${(error as Error).message})` });
      return lock.release();
    }
    if (this.#lock !== lock || this.#agentId !== agentId) return lock.release();
    this.#register(JsSIP, setup);
  }

  #register(JsSIP: JsSIPApi, setup: BrowserPhoneSetup): void {
    this.#update({ status: 'registering', problem: undefined });
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(setup.wsUri)],
      uri: setup.sipUri,
      ...(setup.password === undefined ? {} : { password: setup.password }),
      register: true,
      register_expires: 300,
      session_timers: false,
      user_agent: 'OpenCTI desktop',
    });
    this.#ua = ua;
    ua.on('registered', () => {
      this.#update({ status: 'registered', problem: undefined });
      this.#report({ report: 'registered' });
    });
    ua.on('unregistered', () => {
      if (this.#ua !== ua) return;
      this.#update({ status: 'registering' });
      this.#report({ report: 'unregistered' });
    });
    ua.on('registrationFailed', (e: { cause?: string }) => {
      this.#update({ status: 'failed', problem: `The phone could not register at ${setup.wsUri}: ${e.cause ?? 'no answer'}. It keeps trying.` });
      this.#report({ report: 'unregistered' });
    });
    ua.on('newRTCSession', (e: { session: RTCSession; originator: string; request: { call_id: string } }) => this.#track(e.session, e.request.call_id, e.originator === 'remote'));
    ua.start();
  }

  /** Follows one call: ring while offered, play the far end, report each step to the server. */
  #track(call: RTCSession, leg: string, incoming: boolean): void {
    this.#calls.set(leg, call);
    const peer = call.remote_identity?.uri?.toString();
    const event = (kind: NonNullable<PhoneReportFrame['event']>['kind']): void => void this.#report({ report: 'event', event: { kind, leg, ...(peer ? { peer } : {}) } });
    if (incoming) {
      event('incoming');
      void this.#ring.start(this.#view.speakerId || undefined).then((playing) => {
        if (this.#calls.get(leg) === call && !call.isEstablished()) this.#update({ ringing: playing });
      });
    } else event('outgoing');
    const attach = (pc: RTCPeerConnection): void => {
      pc.addEventListener('track', (t) => {
        this.#remote.srcObject = t.streams[0] ?? new MediaStream([t.track]);
        void this.#remote.play().catch(() => undefined);
      });
    };
    if (call.connection) attach(call.connection);
    else call.on('peerconnection', (e: { peerconnection: RTCPeerConnection }) => attach(e.peerconnection));
    call.on('confirmed', () => {
      this.#ring.stop();
      if (this.#view.muted) call.mute({ audio: true });
      this.#update({ ringing: false, inCall: true, onHold: false });
      this.#watchStats();
      event('established');
    });
    call.on('hold', () => this.#update({ onHold: true }));
    call.on('unhold', () => this.#update({ onHold: false }));
    const ended = (): void => {
      if (this.#calls.get(leg) !== call) return;
      this.#calls.delete(leg);
      this.#ring.stop();
      if (this.#calls.size === 0) {
        if (this.#statsTimer) clearInterval(this.#statsTimer);
        this.#statsTimer = undefined;
        this.#update({ ringing: false, inCall: false, onHold: false });
      }
      event('closed');
    };
    call.on('ended', ended);
    call.on('failed', ended);
  }

  /** Every second, each answered call's audio to the server; the panel shows the call not on hold. */
  #watchStats(): void {
    if (this.#statsTimer) return;
    this.#statsTimer = setInterval(() => {
      for (const [leg, call] of this.#calls) {
        const pc = call.connection;
        if (!pc || !call.isEstablished()) continue;
        void readAudioStats(pc).then((stats) => {
          // a reading that finished after the call ended belongs to no call any more
          if (this.#calls.get(leg) !== call) return;
          if (!call.isOnHold().local || this.#calls.size === 1) this.#update({ stats });
          this.#report({
            report: 'stats',
            stats: {
              leg,
              packetsReceived: stats.packetsReceived,
              packetsLost: stats.packetsLost,
              jitterMs: stats.jitterMs,
              packetsSent: stats.packetsSent,
              ...(stats.rttMs === undefined ? {} : { rttMs: stats.rttMs }),
            },
          });
        });
      }
    }, STATS_EVERY_MS);
  }

  async #listDevices(): Promise<void> {
    const devices = await navigator.mediaDevices?.enumerateDevices?.().catch(() => []);
    if (!devices) return;
    const named = (kind: MediaDeviceKind) =>
      devices.filter((d) => d.kind === kind).map((d, i) => ({ id: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
    this.#update({ microphones: named('audioinput'), speakers: named('audiooutput') });
  }

  #pcConfig(): RTCConfiguration {
    return { iceServers: (this.#setup?.iceServers ?? []) as RTCIceServer[] };
  }

  /** The microphone for a call; a refusal is shown on the phone and fails the server's command. */
  async #microphone(): Promise<MediaStream> {
    try {
      const stream = await openMicrophone(this.#view.microphoneId || undefined);
      if (this.#view.problem) this.#update({ problem: undefined });
      return stream;
    } catch (error) {
      this.#update({ problem: (error as Error).message });
      throw error;
    }
  }

  #call(leg: string | undefined): RTCSession {
    const call = leg === undefined ? undefined : this.#calls.get(leg);
    if (!call) throw new Error(`no call ${JSON.stringify(leg)} on this browser phone`);
    return call;
  }

  async #onCommand(frame: PhoneCommandFrame): Promise<void> {
    if (frame.cmd === 'setup') return this.#onSetup(frame.setup);
    try {
      const result = await this.#run(frame);
      this.#report({ report: 'reply', id: frame.id, ok: true, ...(result === undefined ? {} : { result }) });
    } catch (error) {
      this.#report({ report: 'reply', id: frame.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  async #run(frame: PhoneCommandFrame): Promise<string | undefined> {
    const ua = this.#ua;
    if (!ua) throw new Error('the browser phone is not registered in this tab');
    switch (frame.cmd) {
      case 'answer': {
        const call = this.#call(frame.leg);
        const mediaStream = await this.#microphone();
        this.#ring.stop();
        this.#update({ ringing: false });
        call.answer({ mediaStream, pcConfig: this.#pcConfig() });
        return undefined;
      }
      case 'dial': {
        if (!frame.uri) throw new Error('dial without a destination');
        const mediaStream = await this.#microphone();
        let leg: string | undefined;
        const take = (e: { originator: string; request: { call_id: string } }): void => {
          if (e.originator === 'local') leg = e.request.call_id;
        };
        ua.once('newRTCSession', take);
        ua.call(frame.uri, { mediaStream, pcConfig: this.#pcConfig() });
        ua.removeListener('newRTCSession', take);
        if (!leg) throw new Error(`the call to ${frame.uri} was not placed`);
        return leg;
      }
      case 'hangup':
        this.#call(frame.leg).terminate();
        return undefined;
      case 'hold':
        if (!this.#call(frame.leg).hold()) throw new Error('the call cannot be put on hold now (another change is under way)');
        return undefined;
      case 'resume':
        if (!this.#call(frame.leg).unhold()) throw new Error('the call cannot be taken off hold now (another change is under way)');
        return undefined;
      case 'dtmf': {
        const call = this.#call(frame.leg);
        if (!frame.digits) throw new Error('DTMF without digits');
        // RFC 4733 in the media, through rtpengine to the far end
        call.sendDTMF(frame.digits, { transportType: 'RFC2833' as JsSIPApi['C']['DTMF_TRANSPORT']['RFC2833'] });
        return undefined;
      }
      case 'transfer': {
        if (!frame.uri) throw new Error('transfer without a destination');
        const call = this.#call(frame.leg);
        // blind transfer: once the transferee reports its new call answered, this leg is done
        const done = (): void => {
          if (!call.isEnded()) call.terminate();
        };
        call.refer(frame.uri, { eventHandlers: { accepted: done } });
        return undefined;
      }
      case 'attendedTransfer': {
        // the held party is referred to the consulted one with Replaces for the consult dialog:
        // its INVITE takes that dialog over at the consulted phone, which ends the consult leg
        const call = this.#call(frame.leg);
        const consult = this.#call(frame.otherLeg);
        const target = consult.remote_identity?.uri;
        if (!target) throw new Error('the consult call has no far-end address to refer to');
        const done = (): void => {
          if (!call.isEnded()) call.terminate();
        };
        call.refer(target, { replaces: consult, eventHandlers: { accepted: done } });
        return undefined;
      }
      default:
        throw new Error(`unknown phone command ${JSON.stringify(frame.cmd)}`);
    }
  }
}
