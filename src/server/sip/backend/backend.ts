/**
 * The SIP back end: keeps the switch as the model and translates both ways between it and real
 * telephony — Kamailio's evapi events and the agents' phones in, desktop requests out as phone
 * commands (call-control.ts), ACD offers out as evapi route commands. Watches every link: a phone
 * or Kamailio going away shows in Snapshots (link DISCONNECTED / device CLOSED), fails the
 * requests waiting on it, and the link is retried until it returns.
 */
import type { CallControl } from '../../gateway/operations.js';
import type { CallQuality } from '../../store/types.js';
import type { CallRecord, DeviceEvent, Switch } from '../../switch/types.js';
import { KamailioRpc } from '../kamailio-rpc.js';
import { BrowserPhoneLink, BrowserPhones, type PhoneChannel } from './browser-phone.js';
import { createSipCallControl } from './call-control.js';
import type { SipConfig } from './config.js';
import { InDialogTracker } from './in-dialog.js';
import { onKamailioEvent, routeOffer } from './kamailio-events.js';
import { KamailioLink, createPhoneLink, type PhoneLink } from './links.js';
import { onPhoneEvent } from './phone-events.js';
import { CallTable, sipUser, type BackendCtx } from './state.js';
import { Waiters } from './waiters.js';

export interface SipBackendOptions {
  readonly switch: Switch;
  readonly config: SipConfig;
  readonly log?: BackendCtx['log'];
  /** A browser phone's call leg ended: its audio quality, for the interaction of the switch's call `callId`. */
  readonly onCallQuality?: (callId: string, quality: CallQuality) => void;
}

export interface SipBackend {
  readonly callControl: CallControl;
  /** Where the gateway hands the desktops' `phone` reports (browser phones, kind "webrtc"). */
  readonly phoneChannel: PhoneChannel;
  /** Resolves once Kamailio and every phone but browser phones are connected (rejects after timeoutMs naming what is missing). */
  connected(timeoutMs?: number): Promise<void>;
  /** Links up right now, by endpoint. */
  links(): Record<string, boolean>;
  close(): Promise<void>;
}

/** The requests consult.ts refuses on a phone that cannot consult. */
const CONSULT_REQUESTS = ['transferInitiate', 'consultationCall', 'conferenceInitiate', 'transferComplete', 'conferenceComplete', 'alternateCall', 'dropParty'];
/** Those of a phone that consults and transfers but mixes no conference (the browser phone). */
const CONFERENCE_REQUESTS = ['conferenceInitiate', 'conferenceComplete', 'dropParty'];

export function createSipBackend(options: SipBackendOptions): SipBackend {
  const { config } = options;
  const sw = options.switch;
  const log = options.log ?? (() => undefined);
  const kamailio = new KamailioLink(config.kamailio.host, config.kamailio.evapiPort, config.reconnectMs, config.requestTimeoutMs);
  const rpc = new KamailioRpc({ url: config.kamailio.rpcUrl, timeoutMs: config.requestTimeoutMs });
  const phones = new Map<string, PhoneLink>(config.agents.map((a) => [a.agentId, createPhoneLink(a, config.reconnectMs, config.requestTimeoutMs)]));
  const browserPhones = new BrowserPhones();
  for (const phone of phones.values()) if (phone instanceof BrowserPhoneLink) browserPhones.add(phone);
  const byExtension = new Map(config.agents.flatMap((a) => [[a.extension, a] as const, [sipUser(a.sipUri), a] as const]));
  const byId = new Map(config.agents.map((a) => [a.agentId, a]));
  const calls = new CallTable();
  const waiters = new Waiters();

  const ctx: BackendCtx = {
    sw,
    calls,
    kamailio,
    inDialog: new InDialogTracker(),
    rpc,
    phones,
    agents: config.agents,
    queueNumbers: new Set(config.queueNumbers),
    consultTransfer: config.consultTransfer ?? 'replaces',
    domain: config.kamailio.domain ?? config.kamailio.host,
    proxyUri: config.kamailio.proxyUri,
    bridgeController: config.kamailio.bridgeController ?? 'cti',
    log,
    agentByExtension: (extension) => byExtension.get(extension),
    agentById: (agentId) => byId.get(agentId),
    partyState(agentId, switchId) {
      try {
        return sw.snapshot(agentId).pyCalls?.find((c) => c.pyCallId === switchId)?.pyEventName;
      } catch {
        return undefined;
      }
    },
  };

  /** Link DISCONNECTED while Kamailio is away; device CLOSED while Kamailio or the phone is. */
  function refreshHealth(): void {
    for (const agent of config.agents) {
      const phoneUp = phones.get(agent.agentId)?.isUp ?? false;
      try {
        sw.setDeviceHealth(agent.extension, { link: kamailio.isUp ? 'CONNECTED' : 'DISCONNECTED', device: kamailio.isUp && phoneUp ? 'OPENED' : 'CLOSED' });
      } catch (error) {
        log('warn', `extension ${agent.extension} of ${agent.agentId} is not an extension of the switch: ${(error as Error).message}`);
      }
    }
  }

  /**
   * What each agent's phone cannot do, so that desktops never offer it (pyCapabilities): a phone
   * that cannot hold two calls and join them has no consult, consult transfer or conference.
   */
  function declarePhoneLimits(): void {
    for (const agent of config.agents) {
      const phone = phones.get(agent.agentId);
      if (!phone || (phone.canConsult && phone.canConference)) continue;
      try {
        sw.setPhoneLimits(agent.extension, phone.canConsult ? CONFERENCE_REQUESTS : CONSULT_REQUESTS);
      } catch (error) {
        log('warn', `extension ${agent.extension} of ${agent.agentId}: ${(error as Error).message}`);
      }
    }
  }
  declarePhoneLimits();

  kamailio.on('event', (e) => {
    onKamailioEvent(ctx, e);
    waiters.check();
  });
  kamailio.on('up', () => {
    log('info', `${kamailio.endpoint} connected`);
    refreshHealth();
  });
  kamailio.on('down', (reason) => {
    log('warn', `${kamailio.endpoint} lost: ${reason?.message ?? 'closed'}`);
    waiters.fail(kamailio.endpoint, reason?.message ?? 'connection lost');
    // calls Kamailio held in a queue cannot be routed any more (their transactions are gone with
    // the connection or the process): they end for the switch as the caller leaving
    for (const call of [...calls.bySwitch.values()]) {
      if (!call.acd || (call.held === undefined && call.pendingRoute === undefined)) continue;
      call.held = undefined;
      call.pendingRoute = undefined;
      try {
        sw.callerHangUp(call.switchId);
      } catch (error) {
        log('debug', `queued call ${call.switchId}: ${(error as Error).message}`);
      }
    }
    refreshHealth();
  });
  /** The switch call a browser leg belonged to: its SIP Call-ID, or the agent's leg on a call. */
  const switchCallOf = (agentId: string, leg: string): string | undefined =>
    calls.bySip.get(leg)?.switchId ?? [...calls.bySwitch.values()].find((c) => c.legs.get(agentId) === leg)?.switchId;
  for (const phone of phones.values()) {
    if (phone instanceof BrowserPhoneLink) {
      phone.onQuality = (quality) => {
        const callId = switchCallOf(phone.agent.agentId, quality.leg);
        if (callId === undefined) log('warn', `audio quality of leg ${quality.leg} of ${phone.endpoint}: no call of the switch has that leg, not stored`);
        else options.onCallQuality?.(callId, quality);
      };
    }
    phone.on('event', (e) => {
      onPhoneEvent(ctx, phone, e);
      waiters.check();
    });
    phone.on('up', () => {
      log('info', `${phone.endpoint} connected`);
      refreshHealth();
    });
    phone.on('down', (reason) => {
      log('warn', `${phone.endpoint} lost: ${reason?.message ?? 'closed'}`);
      waiters.fail(phone.endpoint, reason?.message ?? 'connection lost', phone.agent.agentId);
      refreshHealth();
    });
  }

  /** The switch chose: route a queued call to the agent's phone; forget calls that ended. */
  const offRecord = sw.onCallRecord((record: CallRecord) => {
    if (record.kind === 'offered' && record.agentId !== undefined) {
      const call = calls.bySwitch.get(record.callId);
      if (!call) calls.earlyOffers.set(record.callId, record.agentId);
      else if (call.acd) routeOffer(ctx, call, record.agentId);
    } else if (record.kind === 'ended') {
      setTimeout(() => calls.forget(record.callId), 2000).unref?.();
    }
  });

  /** The switch took a ringing call away from an agent (RONA, logout): stop the phone ringing. */
  const offDevice = sw.onDeviceEvent((e: DeviceEvent) => {
    waiters.check();
    const event = e.event as { pyEventName?: string; pyCallId?: string };
    if (event.pyEventName !== 'Disconnected' || e.agentId === undefined || event.pyCallId === undefined) return;
    const call = calls.bySwitch.get(event.pyCallId);
    const leg = call?.legs.get(e.agentId);
    const phone = phones.get(e.agentId);
    if (!call || leg === undefined || !phone?.isUp) return;
    call.legs.delete(e.agentId);
    phone.hangup(leg).catch(() => undefined);
  });

  refreshHealth();
  kamailio.start();
  for (const phone of phones.values()) phone.start();

  return {
    callControl: createSipCallControl({ ctx, waiters, timeoutMs: config.requestTimeoutMs }),
    phoneChannel: browserPhones,
    async connected(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // a browser phone is up once its agent's desktop registered it: not the server's to wait for
        const down = [kamailio, ...[...phones.values()].filter((p) => !(p instanceof BrowserPhoneLink))].filter((l) => !l.isUp);
        if (down.length === 0) return;
        if (Date.now() > deadline) throw new Error(`not connected after ${timeoutMs} ms: ${down.map((l) => `${l.endpoint} (${l.lastError ?? 'connecting'})`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    links: () => Object.fromEntries([kamailio, ...phones.values()].map((l) => [l.endpoint, l.isUp])),
    async close() {
      offRecord();
      offDevice();
      waiters.clear();
      await Promise.allSettled([kamailio.stop(), ...[...phones.values()].map((p) => p.stop())]);
    },
  };
}
