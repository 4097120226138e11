/**
 * What the back end knows about calls in progress: the switch call id, the SIP Call-IDs of its
 * legs (the caller's leg and the agent leg share one through the proxy; a transfer or consult
 * adds others), Kamailio's handle while the call is held in a queue, and each agent phone's
 * handle on the call.
 */
import type { Switch } from '../../switch/types.js';
import type { KamailioRpc } from '../kamailio-rpc.js';
import type { SipAgentConfig } from './config.js';
import type { InDialogTracker } from './in-dialog.js';
import type { KamailioLink, PhoneLink } from './links.js';

export interface SipCall {
  readonly switchId: string;
  readonly sipIds: Set<string>;
  /** Kamailio's suspended transaction while the call waits in a queue. */
  held?: { tindex: string; tlabel: string } | undefined;
  /** The agent whose phone Kamailio last sent the queued call to. */
  routedTo?: string | undefined;
  /** An agent the switch offered the call to before Kamailio held it again. */
  pendingRoute?: string | undefined;
  /** The call came through a Kamailio queue number (offers are routed with evapi). */
  acd: boolean;
  /** Phone handle per agent on this call. */
  readonly legs: Map<string, string>;
  /** In a conference the agent's phone mixes: its handle per other party (for dropParty and hang-up). */
  readonly conferenceLegs: Map<string, { agentId: string; leg: string }>;
}

/** A new leg we expect from Kamailio: from a phone we dial, or from a transferee. */
export interface Expected {
  readonly switchId: string;
  /** SIP user of the From, e.g. the caller's number or the agent's extension. */
  readonly fromUser: string;
  /** SIP user dialled. */
  readonly toUser: string;
  readonly until: number;
}

export class CallTable {
  readonly bySwitch = new Map<string, SipCall>();
  readonly bySip = new Map<string, SipCall>();
  /** Offers raised while the switch was still creating the call (before we knew its id). */
  readonly earlyOffers = new Map<string, string>();
  readonly expected: Expected[] = [];
  /** Phone calls seen before Kamailio told us whose call they are, by SIP Call-ID. */
  private readonly unbound = new Map<string, { agentId: string; leg: string; at: number }>();
  /** Phone handles ("agentId leg") of legs that left their call: their late events belong to no call. */
  private readonly retired = new Set<string>();

  create(switchId: string, acd = false): SipCall {
    const existing = this.bySwitch.get(switchId);
    if (existing) return existing;
    const call: SipCall = { switchId, sipIds: new Set(), acd, legs: new Map(), conferenceLegs: new Map() };
    this.bySwitch.set(switchId, call);
    const offer = this.earlyOffers.get(switchId);
    if (offer !== undefined) {
      call.pendingRoute = offer;
      this.earlyOffers.delete(switchId);
    }
    return call;
  }

  addSip(call: SipCall, sipId: string): void {
    call.sipIds.add(sipId);
    this.bySip.set(sipId, call);
    const waiting = this.unbound.get(sipId);
    if (waiting) {
      this.unbound.delete(sipId);
      if (!call.legs.has(waiting.agentId)) call.legs.set(waiting.agentId, waiting.leg);
    }
  }

  /** A phone's call whose SIP Call-ID is not ours yet: it is tied to the call once Kamailio's event maps it. */
  holdUnbound(sipId: string, agentId: string, leg: string): void {
    const now = Date.now();
    for (const [id, entry] of this.unbound) if (now - entry.at > 30_000) this.unbound.delete(id);
    this.unbound.set(sipId, { agentId, leg, at: now });
  }

  /** Forgets a leg that left the call (its late BYE must not end the call). */
  retireSip(call: SipCall, sipId: string): void {
    call.sipIds.delete(sipId);
    if (this.bySip.get(sipId) === call) this.bySip.delete(sipId);
  }

  /** Moves the legs of a consult call into the call it joined (transfer or conference completion). */
  merge(from: SipCall, into: SipCall): void {
    for (const id of from.sipIds) this.addSip(into, id);
    this.bySwitch.delete(from.switchId);
  }

  /** A phone's handle on a call that it left (transferred away, call over). */
  retireLeg(agentId: string, leg: string): void {
    if (this.retired.size >= 2000) this.retired.delete(this.retired.values().next().value as string);
    this.retired.add(`${agentId} ${leg}`);
  }

  isRetired(agentId: string, leg: string): boolean {
    return this.retired.has(`${agentId} ${leg}`);
  }

  forget(switchId: string): void {
    const call = this.bySwitch.get(switchId);
    if (!call) return;
    // linphone's events are polled and come late: an old leg must not be tied to another call
    for (const [agentId, leg] of call.legs) this.retireLeg(agentId, leg);
    this.bySwitch.delete(switchId);
    for (const id of call.sipIds) if (this.bySip.get(id) === call) this.bySip.delete(id);
    this.earlyOffers.delete(switchId);
  }

  expect(e: Omit<Expected, 'until'>, ms = 10_000): void {
    this.prune();
    this.expected.push({ ...e, until: Date.now() + ms });
  }

  /** Takes the expectation a new INVITE from `fromUser` to `toUser` fulfils. */
  claim(fromUser: string, toUser: string): Expected | undefined {
    this.prune();
    const i = this.expected.findIndex((e) => e.fromUser === fromUser && e.toUser === toUser);
    return i < 0 ? undefined : this.expected.splice(i, 1)[0];
  }

  private prune(): void {
    const now = Date.now();
    for (let i = this.expected.length - 1; i >= 0; i--) if ((this.expected[i] as Expected).until < now) this.expected.splice(i, 1);
  }
}

export interface BackendCtx {
  readonly sw: Switch;
  readonly calls: CallTable;
  readonly kamailio: KamailioLink;
  /** Re-INVITEs and INFOs of agents' phones and their final answers (the far end's confirmation). */
  readonly inDialog: InDialogTracker;
  readonly rpc: KamailioRpc;
  readonly phones: ReadonlyMap<string, PhoneLink>;
  readonly agents: readonly SipAgentConfig[];
  readonly queueNumbers: ReadonlySet<string>;
  /** How transferComplete refers the held party (see config.ts). */
  readonly consultTransfer: 'replaces' | 'refer';
  /** SIP domain for dialled numbers. */
  readonly domain: string;
  /** Where dlg.bridge_dlg sends its INVITE. */
  readonly proxyUri: string | undefined;
  /** SIP user of the dialog module's bridge controller (its INVITEs are not calls). */
  readonly bridgeController: string;
  readonly log: (level: 'debug' | 'info' | 'warn', message: string, detail?: Record<string, unknown>) => void;
  agentByExtension(extension: string): SipAgentConfig | undefined;
  agentById(agentId: string): SipAgentConfig | undefined;
  /** The OpenCTI state of the agent's leg of a switch call ('Alerting', 'Established', …), if any. */
  partyState(agentId: string, switchId: string): string | undefined;
}

/** The user part of a SIP URI ("sip:+1555@host;x" → "+1555"), or the text itself. */
export function sipUser(uri: unknown): string {
  const text = typeof uri === 'string' ? uri : '';
  const match = /^(?:.*<)?sips?:([^@;>]+)@/.exec(text);
  return match ? decodeURIComponent(match[1] as string) : text;
}
