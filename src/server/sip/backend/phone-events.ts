/**
 * An agent phone's call events → the switch: the phone answered (`answer`, or `farEndAnswer` for a
 * call it placed), hung up (`hangUp`). Hold and resume are the signalling's (kamailio-events.ts). Each event first ties the phone's handle
 * (`leg`) to the switch call: by SIP Call-ID when the phone tells it, else to the agent's call that
 * has no handle yet.
 */
import type { PhoneCallEvent, PhoneLink } from './links.js';
import type { BackendCtx, SipCall } from './state.js';

/** Lets Kamailio's view of the same moment (a caller's CANCEL or BYE) land first. */
const CLOSE_SETTLE_MS = 150;

export function callOfLeg(ctx: BackendCtx, agentId: string, leg: string): SipCall | undefined {
  for (const call of ctx.calls.bySwitch.values()) if (call.legs.get(agentId) === leg) return call;
  return undefined;
}

function bind(ctx: BackendCtx, agentId: string, e: PhoneCallEvent): SipCall | undefined {
  const known = callOfLeg(ctx, agentId, e.leg);
  if (known) return known;
  if (e.kind === 'closed' || ctx.calls.isRetired(agentId, e.leg)) return undefined;
  let call = e.sipCallId === undefined ? undefined : ctx.calls.bySip.get(e.sipCallId);
  if (!call) {
    // an incoming leg on a call the agent already talks on is a transferee's new INVITE (Replaces)
    const wanted = e.kind === 'incoming' ? ['Alerting', 'Established'] : e.kind === 'outgoing' ? ['Initiated'] : [undefined];
    for (const want of wanted) {
      call = [...ctx.calls.bySwitch.values()].find((candidate) => {
        if (candidate.legs.has(agentId)) return false;
        const state = ctx.partyState(agentId, candidate.switchId);
        return state !== undefined && (want === undefined || state === want);
      });
      if (call) break;
    }
  }
  if (!call && e.sipCallId !== undefined && (e.kind === 'incoming' || e.kind === 'outgoing')) ctx.calls.holdUnbound(e.sipCallId, agentId, e.leg);
  if (call && !call.legs.has(agentId)) call.legs.set(agentId, e.leg);
  return call?.legs.get(agentId) === e.leg ? call : undefined;
}

function attempt(ctx: BackendCtx, what: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    ctx.log('debug', `${what}: ${(error as Error).message}`);
  }
}

export function onPhoneEvent(ctx: BackendCtx, phone: PhoneLink, e: PhoneCallEvent): void {
  const { agentId } = phone.agent;
  const call = bind(ctx, agentId, e);
  if (!call) return;
  const state = (): string | undefined => ctx.partyState(agentId, call.switchId);
  switch (e.kind) {
    case 'incoming':
      // a transferee that ignores Replaces calls the consulted agent anew: the switch already has
      // the agent talking on this call, so the phone takes the new leg at once
      if (state() === 'Established') phone.answer(e.leg).catch((error: Error) => ctx.log('warn', `could not take the transferred leg: ${error.message}`));
      return;
    case 'established':
      if (state() === 'Alerting') attempt(ctx, 'answer', () => ctx.sw.answer(agentId, call.switchId));
      else if (state() === 'Initiated') attempt(ctx, 'far end answer', () => ctx.sw.farEndAnswer(call.switchId));
      // hold and resume follow Kamailio's view of the re-INVITE and its answer (kamailio-events.ts):
      // linphone's polled Paused/StreamsRunning come late and would undo a newer change
      return;
    case 'closed':
      setTimeout(() => {
        if (call.legs.get(agentId) !== e.leg) return;
        call.legs.delete(agentId);
        if (state() !== undefined) attempt(ctx, 'hang-up on the phone', () => ctx.sw.hangUp(agentId, call.switchId));
      }, CLOSE_SETTLE_MS).unref?.();
      return;
    default:
  }
}
