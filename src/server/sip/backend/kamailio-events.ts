/**
 * Kamailio's events → the switch. A queued call becomes `inboundCall` on the queue's number, a
 * call to an agent extension `inboundCall` on the extension, a call dialled on an agent's phone
 * `makeCall`; CANCEL and BYE from an outside party `callerHangUp`, from an agent `hangUp`; an
 * agent that rejects or does not answer a routed queue call declines the offer (`hangUp` on a
 * ringing offer, the switch's decline path); an outside number that answers `farEndAnswer`; an
 * agent's hold/resume re-INVITE answered 2xx `hold`/`retrieve`.
 */
import type { EvapiEvent } from '../kamailio-evapi.js';
import { isSuccess, type InDialogOutcome } from './in-dialog.js';
import { sipUser, type BackendCtx, type SipCall } from './state.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Runs a switch change that may no longer apply (the call moved on); logs and carries on. */
function attempt(ctx: BackendCtx, what: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    ctx.log('debug', `${what}: ${(error as Error).message}`);
  }
}

/** Sends a queued call to the agent the switch chose, or keeps the choice until Kamailio holds it again. */
export function routeOffer(ctx: BackendCtx, call: SipCall, agentId: string): void {
  const agent = ctx.agentById(agentId);
  if (!agent) return;
  if (!call.held) {
    call.pendingRoute = agentId;
    return;
  }
  const { tindex, tlabel } = call.held;
  call.held = undefined;
  call.pendingRoute = undefined;
  call.routedTo = agentId;
  try {
    ctx.kamailio.route(tindex, tlabel, agent.sipUri);
  } catch (error) {
    ctx.log('warn', `could not route call ${call.switchId} to ${agentId}: ${(error as Error).message}`);
  }
}

function onQueued(ctx: BackendCtx, e: EvapiEvent): void {
  const sipId = str(e.callid);
  const held = { tindex: str(e.tindex), tlabel: str(e.tlabel) };
  let call = ctx.calls.bySip.get(sipId);
  if (!call) {
    const queue = str(e.queue);
    let switchId: string;
    try {
      switchId = ctx.sw.inboundCall(sipUser(e.from), queue).callId;
    } catch (error) {
      ctx.log('info', `refusing queue call ${sipId} to ${queue}: ${(error as Error).message}`);
      attempt(ctx, 'reject', () => ctx.kamailio.reject(held.tindex, held.tlabel, 404));
      return;
    }
    call = ctx.calls.create(switchId, true);
    ctx.calls.addSip(call, sipId);
  }
  call.acd = true;
  call.held = held;
  if (call.pendingRoute !== undefined) routeOffer(ctx, call, call.pendingRoute);
}

function onInvite(ctx: BackendCtx, e: EvapiEvent): void {
  const sipId = str(e.callid);
  if (ctx.calls.bySip.has(sipId)) return;
  const toUser = sipUser(e.ruri) || sipUser(e.to);
  const fromUser = sipUser(e.from);
  if (fromUser === ctx.bridgeController) return; // dlg.bridge_dlg ringing an agent's phone for a make call
  const expected = ctx.calls.claim(fromUser, toUser);
  if (expected) {
    const call = ctx.calls.bySwitch.get(expected.switchId);
    if (call) ctx.calls.addSip(call, sipId);
    return;
  }
  if (ctx.queueNumbers.has(toUser) && !ctx.agentByExtension(fromUser)) return; // the `queued` event follows
  const caller = ctx.agentByExtension(fromUser);
  try {
    const switchId = caller ? ctx.sw.makeCall(caller.agentId, toUser).callId : ctx.sw.inboundCall(fromUser, toUser).callId;
    ctx.calls.addSip(ctx.calls.create(switchId), sipId);
  } catch (error) {
    ctx.log('debug', `call ${sipId} from ${fromUser} to ${toUser} is not ours: ${(error as Error).message}`);
  }
}

/** An outside party or an agent left: who is in the `by` (From) of the CANCEL or BYE. */
function onLeave(ctx: BackendCtx, e: EvapiEvent): void {
  const call = ctx.calls.bySip.get(str(e.callid));
  if (!call) return;
  const who = sipUser(e.by);
  const agent = ctx.agentByExtension(who);
  if (agent) {
    // while the phone mixes a conference, its BYEs drop parties (the request or its 'closed' event says which)
    if ([...call.conferenceLegs.values()].some((e) => e.agentId === agent.agentId)) return;
    if (ctx.partyState(agent.agentId, call.switchId) !== undefined) attempt(ctx, 'agent hang-up', () => ctx.sw.hangUp(agent.agentId, call.switchId));
    return;
  }
  const summary = ctx.sw.calls().find((c) => c.callId === call.switchId);
  if (!summary) return;
  const number = summary.parties.includes(who) ? who : undefined;
  attempt(ctx, 'caller hang-up', () => ctx.sw.callerHangUp(call.switchId, number));
}

/** The routed agent rejected or did not answer: the switch declines the offer (the call is back in its queue). */
function onAgentFailed(ctx: BackendCtx, e: EvapiEvent): void {
  const call = ctx.calls.bySip.get(str(e.callid));
  if (!call) return;
  if (e.canceled === true || e.canceled === 'true') {
    attempt(ctx, 'caller cancel', () => ctx.sw.callerHangUp(call.switchId));
    return;
  }
  // only the agent whose phone failed: the switch may already have offered the call to the next one
  const agentId = call.routedTo;
  call.routedTo = undefined;
  if (agentId !== undefined && ctx.partyState(agentId, call.switchId) === 'Alerting') attempt(ctx, 'decline', () => ctx.sw.hangUp(agentId, call.switchId));
}

/** The caller got a final failure from the queue (max wait, agent not registered, refused). */
function onQueueEnded(ctx: BackendCtx, e: EvapiEvent): void {
  const call = ctx.calls.bySip.get(str(e.callid));
  if (!call || !call.acd) return;
  call.held = undefined;
  attempt(ctx, 'queue ended', () => ctx.sw.callerHangUp(call.switchId));
}

/** A final failure of a call that did not come through a queue: busy far end, or an agent that rejected. */
function onFailed(ctx: BackendCtx, e: EvapiEvent): void {
  const call = ctx.calls.bySip.get(str(e.callid));
  if (!call || call.acd) return;
  const summary = ctx.sw.calls().find((c) => c.callId === call.switchId);
  if (!summary) return;
  for (const agent of ctx.agents) {
    if (ctx.partyState(agent.agentId, call.switchId) === 'Alerting') {
      attempt(ctx, 'rejected', () => ctx.sw.hangUp(agent.agentId, call.switchId));
      return;
    }
  }
  attempt(ctx, 'far end busy', () => ctx.sw.farEndBusy(call.switchId));
}

function onAnswered(ctx: BackendCtx, e: EvapiEvent): void {
  const call = ctx.calls.bySip.get(str(e.callid));
  if (!call) return;
  // a 2xx to the INVITE: the agent it rings answered (phones put more than their user in a Contact)
  const ringing = ctx.agents.find((a) => ctx.partyState(a.agentId, call.switchId) === 'Alerting');
  if (ringing) {
    attempt(ctx, 'answer', () => ctx.sw.answer(ringing.agentId, call.switchId));
    return;
  }
  if (ctx.agentByExtension(sipUser(e.contact))) return;
  attempt(ctx, 'far end answer', () => ctx.sw.farEndAnswer(call.switchId));
}

/**
 * The agent whose phone sent an in-dialog request: `by` is the From of the request, which for the
 * callee of a queue call is the queue number it was dialled as (the agent on the call sent it).
 */
function senderAgent(ctx: BackendCtx, call: SipCall, by: string) {
  const agent = ctx.agentByExtension(by);
  if (agent || !ctx.queueNumbers.has(by)) return agent;
  const onCall = ctx.agents.filter((a) => ctx.partyState(a.agentId, call.switchId) !== undefined);
  return onCall.length === 1 ? onCall[0] : undefined;
}

/**
 * The far end answered an agent's hold or resume re-INVITE (pressed on the phone, or asked by the
 * desktop): only a 2xx changes the switch; a refusal leaves the call as it was.
 */
function onInDialogAnswer(ctx: BackendCtx, outcome: InDialogOutcome): void {
  if (outcome.kind === 'info') return; // DTMF: the request that sent it records it (call-control.ts)
  const call = ctx.calls.bySip.get(outcome.callid);
  const agent = call && senderAgent(ctx, call, outcome.by);
  if (!call || !agent) return;
  if (!isSuccess(outcome.code)) {
    ctx.log('info', `the far end refused the ${outcome.kind} re-INVITE of ${agent.agentId} on call ${call.switchId} with ${outcome.code}`);
    return;
  }
  const state = ctx.partyState(agent.agentId, call.switchId);
  if (outcome.kind === 'hold' && state === 'Established') attempt(ctx, 'hold', () => ctx.sw.hold(agent.agentId, call.switchId));
  if (outcome.kind === 'resume' && state === 'Held') attempt(ctx, 'retrieve', () => ctx.sw.retrieve(agent.agentId, call.switchId));
}

export function onKamailioEvent(ctx: BackendCtx, e: EvapiEvent): void {
  switch (e.ev) {
    case 'queued':
      return onQueued(ctx, e);
    case 'invite':
      return onInvite(ctx, e);
    case 'cancel':
    case 'bye':
      return onLeave(ctx, e);
    case 'agent-failed':
      return onAgentFailed(ctx, e);
    case 'queue-ended':
    case 'route-failed':
      return onQueueEnded(ctx, e);
    case 'failed':
      return onFailed(ctx, e);
    case 'answered':
      return onAnswered(ctx, e);
    case 'hold':
    case 'resume':
    case 'info':
      ctx.inDialog.onEvent(e);
      return;
    case 'indialog-reply': {
      const outcome = ctx.inDialog.onEvent(e);
      if (outcome) onInDialogAnswer(ctx, outcome);
      return;
    }
    default:
  }
}
