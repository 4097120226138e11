/**
 * Desktop requests → real SIP actions. Each acts on the agent's phone (baresip ctrl_tcp or
 * linphone-daemon) and resolves once the switch shows the result, which the phone's or
 * Kamailio's event put there; where the phone cannot (it is gone), hang-up goes through
 * Kamailio's JSON-RPC (dlg.terminate_dlg). Checks the switch would refuse are refused first,
 * with the switch's own error, before any phone is touched. Hold, retrieve and DTMF sent as SIP
 * INFO resolve only when the far end answered the phone's re-INVITE or INFO 2xx (seen at
 * Kamailio); a refusal fails the request and leaves the switch as it was.
 */
import type { CallControl } from '../../gateway/operations.js';
import { SwitchError } from '../../switch/errors.js';
import { SipRequestError, linkDown, toRequestError } from './errors.js';
import { createConsultRequests } from './consult.js';
import { isSuccess, type InDialogKind } from './in-dialog.js';
import { routeOffer } from './kamailio-events.js';
import type { PhoneLink } from './links.js';
import { callOfLeg } from './phone-events.js';
import { sipUser, type BackendCtx, type SipCall } from './state.js';
import type { Waiters } from './waiters.js';

export interface CallControlDeps {
  readonly ctx: BackendCtx;
  readonly waiters: Waiters;
  readonly timeoutMs: number;
}

const noCall = (callId: string, extension: string): SwitchError =>
  new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `no such call ${JSON.stringify(callId)} on extension ${extension}`);

/** What the request modules share: the agent's phone, its leg of a call, and waiting for the switch. */
export interface RequestHelpers {
  readonly ctx: BackendCtx;
  phoneOf(agentId: string): PhoneLink;
  legState(agentId: string, callId: string, states: readonly string[], action: string): { call: SipCall; state: string };
  legOf(agentId: string, call: SipCall): Promise<string>;
  reached(agentId: string, callId: string, states: readonly (string | undefined)[], what: string): Promise<void>;
  onPhone(run: () => Promise<void>): Promise<void>;
  sipUri(destination: string): string;
  /** How long a request waits for the telephony (sip.requestTimeoutMs). */
  readonly timeoutMs: number;
}

/**
 * What neither baresip's ctrl_tcp nor linphone-daemon offers per call (mute, recording): refused
 * before any phone is touched, never faked in the switch alone.
 */
const refuseOnSip = (what: string) => async (): Promise<never> => {
  throw new SipRequestError('OPENCTI_NOT_IMPLEMENTED', `${what} is not available with the SIP back end: the phones' control links (baresip ctrl_tcp, linphone-daemon) offer no per-call ${what}; use the phone itself`);
};
const unsupportedOnSip = {
  mute: refuseOnSip('mute'),
  unmute: refuseOnSip('mute'),
  startRecording: refuseOnSip('recording'),
  pauseRecording: refuseOnSip('recording'),
  resumeRecording: refuseOnSip('recording'),
  stopRecording: refuseOnSip('recording'),
} satisfies Partial<CallControl>;

export function createSipCallControl({ ctx, waiters, timeoutMs }: CallControlDeps): CallControl {
  const sw = ctx.sw;

  function phoneOf(agentId: string): PhoneLink {
    const phone = ctx.phones.get(agentId);
    if (!phone) throw new SipRequestError('OPENCTI_INVALID_ACTION', `agent ${JSON.stringify(agentId)} has no phone in the sip configuration`);
    if (!phone.isUp) throw linkDown(phone.endpoint, phone.lastError ?? 'not connected');
    if (!ctx.kamailio.isUp) throw linkDown(ctx.kamailio.endpoint, ctx.kamailio.lastError ?? 'not connected');
    return phone;
  }

  /** The agent's leg of the call, in one of `states`; refused like the switch would otherwise. */
  function legState(agentId: string, callId: string, states: readonly string[], action: string): { call: SipCall; state: string } {
    const extension = sw.snapshot(agentId).pyThisDN ?? '';
    const state = ctx.partyState(agentId, callId);
    const call = ctx.calls.bySwitch.get(callId);
    if (state === undefined || !call) throw noCall(callId, extension);
    if (!states.includes(state)) throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `call ${callId} on extension ${extension} cannot be ${action}: it is ${state}`);
    return { call, state };
  }

  /** The phone's handle on the call; the phone may report it a moment after the switch offered the call. */
  async function legOf(agentId: string, call: SipCall): Promise<string> {
    const phone = ctx.phones.get(agentId);
    if (phone && !phone.controllable) throw new SipRequestError('OPENCTI_INVALID_ACTION', `${phone.endpoint} has no control link: do this on the phone itself`);
    await waiters.until(agentId, () => call.legs.has(agentId), `the phone of ${agentId} to show call ${call.switchId}`, Math.min(timeoutMs, 3000));
    return call.legs.get(agentId) as string;
  }

  const reached = (agentId: string, callId: string, states: readonly (string | undefined)[], what: string) =>
    waiters.until(agentId, () => states.includes(ctx.partyState(agentId, callId)), what, timeoutMs);

  /** Runs the phone action; a SIP failure becomes a CtiError-shaped error. */
  async function onPhone(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      throw toRequestError(error);
    }
  }

  const sipUri = (destination: string): string => {
    const agent = ctx.agentByExtension(destination);
    return agent ? agent.sipUri : `sip:${destination}@${ctx.domain}`;
  };

  /** dlg.terminate_dlg on the confirmed dialog of this call the agent's phone is in. */
  async function terminateFromKamailio(agentId: string, call: SipCall, phone: PhoneLink | undefined): Promise<void> {
    const extension = phone?.agent.extension ?? '';
    const user = phone ? sipUser(phone.agent.sipUri) : '';
    let dialogs: Awaited<ReturnType<typeof ctx.rpc.dlgList>>;
    try {
      dialogs = await ctx.rpc.dlgList();
    } catch (error) {
      throw toRequestError(error);
    }
    const mine = dialogs.find(
      (d) => call.sipIds.has(d.callId) && d.state >= 3 && d.state < 5 && [sipUser(d.fromUri), sipUser(d.toUri)].some((u) => u === extension || u === user),
    );
    if (!mine) {
      if (phone && !phone.isUp) throw linkDown(phone.endpoint, phone.lastError ?? 'not connected');
      throw new SipRequestError('OPENCTI_INVALID_ACTION', `call ${call.switchId} has no answered dialog at ${phone?.endpoint ?? agentId} to end from Kamailio: a ringing call is rejected on the phone`);
    }
    await onPhone(() => ctx.rpc.terminateDlg(mine.callId, mine.fromTag, mine.toTag));
  }

  /** What the phone sends for each in-dialog kind, for errors. */
  const SENT: Record<InDialogKind, string> = {
    hold: 're-INVITE with a=sendonly/inactive',
    resume: 're-INVITE with a=sendrecv',
    info: 'SIP INFO with the DTMF digit',
  };

  /**
   * Runs the phone action and waits until the far end answered 2xx to each of the `count`
   * requests of `kind` the agent's phone sends on the call's dialogs. A refusal fails at once
   * naming its code; no request, or no answer, within the time fails naming which is missing.
   */
  async function confirmed(agentId: string, call: SipCall, kind: InDialogKind, count: number, what: string, act: () => Promise<void>): Promise<void> {
    const agent = ctx.agentById(agentId);
    // the callee of a queue call sends as the queue number it was dialled as
    const users = new Set(agent ? [agent.extension, sipUser(agent.sipUri), ...ctx.queueNumbers] : []);
    const watch = ctx.inDialog.watch({ kind, sipIds: call.sipIds, users });
    const from = ctx.phones.get(agentId)?.endpoint ?? agentId;
    const settled = (): boolean | Error => {
      const refused = watch.answered.find((o) => !isSuccess(o.code));
      if (refused) {
        const digit = refused.signal ? ` (digit ${JSON.stringify(refused.signal)})` : '';
        return new SipRequestError('OPENCTI_CF_GENERIC_OPERATION', `${what}: the far end answered the ${SENT[kind]}${digit} with ${refused.code}; the call is unchanged`);
      }
      return watch.answered.length >= count;
    };
    const digits = (): string => (kind === 'info' && watch.sent.length > 0 ? ` (digits ${watch.sent.map((r) => r.signal).join(' ')})` : '');
    const missing = (): string =>
      watch.sent.length < count
        ? `${what}: Kamailio saw ${watch.sent.length} of ${count} ${SENT[kind]} from ${from}${digits()}`
        : `${what}: the far end did not answer the ${SENT[kind]} (${watch.answered.length} of ${count} answered)`;
    try {
      await Promise.all([onPhone(act), waiters.until(agentId, settled, missing, timeoutMs)]);
    } finally {
      watch.close();
    }
  }

  const helpers: RequestHelpers = { ctx, phoneOf, legState, legOf, reached, onPhone, sipUri, timeoutMs };
  const consultRequests = createConsultRequests(helpers);

  const control: CallControl = {
    ...consultRequests,
    ...unsupportedOnSip,
    /** Declining is hanging up the ringing leg on the phone; the switch's hang-up of an offer is the rejection. */
    async reject(agentId, callId) {
      legState(agentId, callId, ['Alerting'], 'rejected');
      await control.hangUp(agentId, callId);
    },

    async answer(agentId, callId) {
      const { call } = legState(agentId, callId, ['Alerting'], 'answered');
      const phone = phoneOf(agentId);
      const leg = await legOf(agentId, call);
      await onPhone(() => phone.answer(leg));
      await reached(agentId, callId, ['Established'], `answer of ${callId}`);
    },

    async hangUp(agentId, callId) {
      const { call } = legState(agentId, callId, ['Alerting', 'Initiated', 'Established', 'Held'], 'hung up');
      const phone = ctx.phones.get(agentId);
      // a call just offered may not be on the phone yet: wait for it there rather than go around it
      const leg = phone?.isUp && phone.controllable ? await legOf(agentId, call).catch(() => undefined) : undefined;
      if (phone?.isUp && leg !== undefined) {
        // a conference the phone mixes: every leg of it goes
        for (const [party, other] of [...call.conferenceLegs]) {
          if (other.agentId !== agentId || other.leg === leg) continue;
          call.conferenceLegs.delete(party);
          await phone.hangup(other.leg).catch(() => undefined);
        }
        await onPhone(() => phone.hangup(leg));
      } else {
        // the phone cannot: end the agent's dialog from Kamailio (dlg.terminate_dlg), then the switch follows
        await terminateFromKamailio(agentId, call, phone);
        if (ctx.partyState(agentId, callId) !== undefined) sw.hangUp(agentId, callId);
      }
      await reached(agentId, callId, [undefined], `hang-up of ${callId}`);
    },

    async hold(agentId, callId) {
      const { call } = legState(agentId, callId, ['Established'], 'held');
      const phone = phoneOf(agentId);
      const leg = await legOf(agentId, call);
      // Kamailio's event for the 2xx holds the call in the switch (kamailio-events.ts)
      await confirmed(agentId, call, 'hold', 1, `hold of call ${callId}`, () => phone.hold(leg));
      if (ctx.partyState(agentId, callId) === 'Established') sw.hold(agentId, callId);
    },

    async retrieve(agentId, callId) {
      const { call } = legState(agentId, callId, ['Held'], 'retrieved');
      const phone = phoneOf(agentId);
      const leg = await legOf(agentId, call);
      await confirmed(agentId, call, 'resume', 1, `retrieve of call ${callId}`, () => phone.resume(leg));
      if (ctx.partyState(agentId, callId) === 'Held') sw.retrieve(agentId, callId);
    },

    async sendDtmf(agentId, callId, digits) {
      const { call } = legState(agentId, callId, ['Established'], 'sent DTMF');
      const phone = phoneOf(agentId);
      const leg = await legOf(agentId, call);
      // RFC 4733 travels in the media, which the server cannot see: the phone taking the digits is all it learns
      if (phone.dtmfOverInfo) {
        await confirmed(agentId, call, 'info', digits.length, `DTMF ${JSON.stringify(digits)} on call ${callId}`, () => phone.dtmf(leg, digits));
        // the next request may re-INVITE: the phone must have read the last INFO's answer first
        await onPhone(() => phone.sync());
      } else await onPhone(() => phone.dtmf(leg, digits));
      sw.sendDtmf(agentId, callId, digits);
    },

    async makeCall(agentId, destination) {
      const phone = phoneOf(agentId);
      const { callId } = sw.makeCall(agentId, destination);
      const call = ctx.calls.create(callId);
      ctx.calls.expect({ switchId: callId, fromUser: phone.agent.extension, toUser: destination }, 60_000);
      try {
        if (phone.controllable) {
          const leg = await phone.dial(sipUri(destination));
          if (!callOfLeg(ctx, agentId, leg)) call.legs.set(agentId, leg);
        } else {
          // server-side make call: Kamailio rings the agent's phone, then refers it to the destination
          await ctx.rpc.bridgeDlg(phone.agent.sipUri, sipUri(destination), ctx.proxyUri);
        }
      } catch (error) {
        if (ctx.partyState(agentId, callId) !== undefined) sw.hangUp(agentId, callId);
        throw toRequestError(error);
      }
      if (call.pendingRoute !== undefined) routeOffer(ctx, call, call.pendingRoute);
      return { callId };
    },

    async blindTransfer(agentId, callId, destination) {
      const { call } = legState(agentId, callId, ['Established', 'Held'], 'transferred');
      const phone = phoneOf(agentId);
      const leg = await legOf(agentId, call);
      const summary = sw.calls().find((c) => c.callId === callId);
      const other = summary?.parties.find((p) => p !== phone.agent.extension) ?? summary?.ani ?? '';
      ctx.calls.expect({ switchId: callId, fromUser: other, toUser: destination });
      await onPhone(() => phone.transfer(leg, sipUri(destination)));
      // the transferor's leg is done: its BYE and CALL_CLOSED are not the call's end
      call.legs.delete(agentId);
      ctx.calls.retireLeg(agentId, leg);
      const sipId = phone.agent.phone.kind === 'baresip' || phone.agent.phone.kind === 'webrtc' ? leg : undefined;
      if (sipId !== undefined) ctx.calls.retireSip(call, sipId);
      else for (const id of [...call.sipIds]) ctx.calls.retireSip(call, id);
      call.acd = false;
      sw.blindTransfer(agentId, callId, destination);
    },

  };
  return control;
}

