/**
 * Consult transfer, conference, dropParty and alternate on the agent's phone. They need a phone
 * that holds two calls and transfers or mixes them: linphone-daemon (`call-transfer <id> <id>`,
 * REFER with Replaces; `conference add`). baresip 1.0 has neither: those requests are refused
 * with OPENCTI_INVALID_ACTION before anything changes. The browser phone consults and transfers
 * (JsSIP REFER, with Replaces or plain) but mixes nothing: conference and dropParty are refused
 * with OPENCTI_NOT_SUPPORTED_IN_MODE.
 *
 * transferComplete sends the held party a REFER to the consulted party: with Replaces (sip
 * `consultTransfer: "replaces"`, the default; when the phone cannot build that for the pair, a
 * plain REFER instead) or a plain REFER to the consulted address (`"refer"`, for transferees
 * that mishandle Replaces, such as baresip 1.0). A transferee
 * that honours Replaces takes over the consult dialog, one that does not (baresip) places a new
 * call to the same address: either way the new leg joins the original call, and the agent's two
 * legs end.
 */
import type { CallControl } from '../../gateway/operations.js';
import { SipRequestError } from './errors.js';
import type { RequestHelpers } from './call-control.js';
import type { SipCall } from './state.js';

type ConsultRequests = Pick<CallControl, 'consult' | 'transferComplete' | 'conferenceComplete' | 'dropParty' | 'alternate'>;

export function createConsultRequests(h: RequestHelpers): ConsultRequests {
  const { ctx } = h;
  const sw = ctx.sw;

  /** The agent's phone, refused up front when it cannot hold two calls and join them. */
  function consultPhone(agentId: string, callId: string, request: string) {
    const phone = h.phoneOf(agentId);
    if (!phone.canConsult) {
      throw new SipRequestError(
        'OPENCTI_INVALID_ACTION',
        `${request} on call ${callId}: the ${phone.agent.phone.kind} phone of ${agentId} cannot consult, transfer with consultation or conference; use a linphone phone (docs/sip.md)`,
      );
    }
    return phone;
  }

  /** A phone that consults but mixes no conference (the browser phone): refused before anything changes. */
  function refuseConference(agentId: string, callId: string, request: string): void {
    const phone = h.phoneOf(agentId);
    if (phone.canConsult && !phone.canConference) {
      throw new SipRequestError('OPENCTI_NOT_SUPPORTED_IN_MODE', `${request} on call ${callId}: the ${phone.agent.phone.kind} phone of ${agentId} has no three-way conference (docs/sip.md)`);
    }
  }

  /** The one other party of a two-party call, as the switch names it. */
  const otherParty = (callId: string, own: string): string | undefined => sw.calls().find((c) => c.callId === callId)?.parties.find((p) => p !== own);

  async function bothLegs(agentId: string, heldCallId: string, activeCallId: string, request: string) {
    const phone = consultPhone(agentId, heldCallId, request);
    const held = h.legState(agentId, heldCallId, ['Held'], 'completed');
    const active = h.legState(agentId, activeCallId, ['Established'], 'completed');
    return { phone, held: held.call, active: active.call, heldLeg: await h.legOf(agentId, held.call), activeLeg: await h.legOf(agentId, active.call) };
  }

  /** The consulted agent's phone answers the transferee's new call (the switch has it talking already). */
  async function takeNewLeg(agentId: string, call: SipCall): Promise<void> {
    try {
      const leg = await h.legOf(agentId, call);
      await ctx.phones.get(agentId)?.answer(leg);
    } catch (error) {
      ctx.log('debug', `the transferred leg at ${agentId}: ${(error as Error).message}`);
    }
  }

  const retireAll = (call: SipCall) => {
    for (const id of [...call.sipIds]) ctx.calls.retireSip(call, id);
  };

  return {
    async consult(agentId, callId, destination) {
      const phone = consultPhone(agentId, callId, 'consult');
      const { call, state } = h.legState(agentId, callId, ['Established', 'Held'], 'consulted from');
      const leg = await h.legOf(agentId, call);
      if (state === 'Established') await h.onPhone(() => phone.hold(leg));
      const { callId: consultId } = sw.consult(agentId, callId, destination);
      const consultCall = ctx.calls.create(consultId);
      ctx.calls.expect({ switchId: consultId, fromUser: phone.agent.extension, toUser: destination });
      try {
        const consultLeg = await phone.dial(h.sipUri(destination));
        consultCall.legs.set(agentId, consultLeg);
      } catch (error) {
        if (ctx.partyState(agentId, consultId) !== undefined) sw.hangUp(agentId, consultId);
        throw error;
      }
      return { callId: consultId };
    },

    async transferComplete(agentId, heldCallId, activeCallId) {
      const { phone, held, active, heldLeg, activeLeg } = await bothLegs(agentId, heldCallId, activeCallId, 'transferComplete');
      const own = phone.agent.extension;
      const transferee = otherParty(heldCallId, own);
      const target = otherParty(activeCallId, own);
      if (transferee !== undefined && target !== undefined) ctx.calls.expect({ switchId: heldCallId, fromUser: transferee, toUser: target });
      let plainRefer = ctx.consultTransfer === 'refer' && target !== undefined;
      try {
        if (plainRefer) await h.onPhone(() => phone.transfer(heldLeg, h.sipUri(target as string)));
        else await h.onPhone(() => phone.attendedTransfer(heldLeg, activeLeg));
      } catch (error) {
        // the phone could not build a REFER with Replaces for this pair: refer the held party
        // to the consulted address instead (what a transferee without Replaces does anyway)
        if (target === undefined) throw error;
        ctx.log('info', `attended transfer of ${heldCallId} failed (${(error as Error).message}); referring to ${target} instead`);
        await h.onPhone(() => phone.transfer(heldLeg, h.sipUri(target)));
        plainRefer = true;
      }
      // the agent's two legs are done: their BYEs and late phone events are not the joined call's
      held.legs.delete(agentId);
      active.legs.delete(agentId);
      ctx.calls.retireLeg(agentId, heldLeg);
      ctx.calls.retireLeg(agentId, activeLeg);
      // the consulted party's leg of the consult call ends by the signalling (Replaces, or the BYE
      // of the agent's consult leg), not because the switch drops the consult call (backend.ts
      // hangs up a phone whose leg the switch disconnects)
      for (const [other, leg] of active.legs) ctx.calls.retireLeg(other, leg);
      active.legs.clear();
      retireAll(held);
      retireAll(active);
      sw.transferComplete(agentId, heldCallId, activeCallId);
      ctx.calls.forget(activeCallId);
      const hangUpLegs = () => {
        for (const leg of [heldLeg, activeLeg]) void phone.hangup(leg).catch(() => undefined);
      };
      // with Replaces the transferee's INVITE ends the consult dialog at the consulted phone and the
      // transferor's phone ends the original one once told the transfer worked: hanging up at once
      // would end the consult dialog before it is replaced (the consulted phone then rings anew).
      // Legs still up after the request time are hung up.
      if (plainRefer) hangUpLegs();
      else setTimeout(hangUpLegs, h.timeoutMs).unref?.();
      // with a plain REFER the consulted agent's phone rings anew: it takes the call at once
      const consulted = target === undefined ? undefined : ctx.agentByExtension(target);
      if (plainRefer && consulted) void takeNewLeg(consulted.agentId, held);
    },

    async conferenceComplete(agentId, heldCallId, activeCallId) {
      refuseConference(agentId, heldCallId, 'conferenceComplete');
      const { phone, held, active, heldLeg, activeLeg } = await bothLegs(agentId, heldCallId, activeCallId, 'conferenceComplete');
      const own = phone.agent.extension;
      const first = otherParty(heldCallId, own);
      const second = otherParty(activeCallId, own);
      await h.onPhone(() => phone.conferenceAdd(heldLeg));
      await h.onPhone(() => phone.conferenceAdd(activeLeg));
      active.legs.delete(agentId);
      if (first !== undefined) held.conferenceLegs.set(first, { agentId, leg: heldLeg });
      if (second !== undefined) held.conferenceLegs.set(second, { agentId, leg: activeLeg });
      ctx.calls.merge(active, held);
      sw.conferenceComplete(agentId, heldCallId, activeCallId);
    },

    async dropParty(agentId, callId, party) {
      refuseConference(agentId, callId, 'dropParty');
      const phone = consultPhone(agentId, callId, 'dropParty');
      h.legState(agentId, callId, ['Established', 'Held'], 'changed');
      const call = ctx.calls.bySwitch.get(callId) as SipCall;
      const entry = call.conferenceLegs.get(party);
      if (!entry || entry.agentId !== agentId) {
        throw new SipRequestError('OPENCTI_CF_INVALID_DESTINATION', `${JSON.stringify(party)} is not a party the phone of ${agentId} holds in call ${callId}`);
      }
      call.conferenceLegs.delete(party);
      if (call.legs.get(agentId) === entry.leg) {
        const rest = [...call.conferenceLegs.values()].find((e) => e.agentId === agentId);
        if (rest) call.legs.set(agentId, rest.leg);
      }
      // the phone's BYE on that leg is not the agent leaving (kamailio-events.ts ignores an agent's
      // BYE while its phone mixes a conference): the party leaves, through the switch
      await h.onPhone(() => phone.hangup(entry.leg));
      sw.dropParty(agentId, callId, party);
    },

    async alternate(agentId, heldCallId, activeCallId) {
      const { phone, heldLeg, activeLeg } = await bothLegs(agentId, heldCallId, activeCallId, 'alternate');
      await h.onPhone(() => phone.hold(activeLeg));
      await h.onPhone(() => phone.resume(heldLeg));
      // the phone's own hold/resume events may have moved the switch already
      if (ctx.partyState(agentId, heldCallId) === 'Held' && ctx.partyState(agentId, activeCallId) === 'Established') sw.alternate(agentId, heldCallId, activeCallId);
      else if (ctx.partyState(agentId, heldCallId) === 'Held') sw.retrieve(agentId, heldCallId);
    },
  };
}
