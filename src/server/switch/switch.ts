/**
 * createSwitch: the telephony model behind the Switch interface. Events and records raised while
 * a request runs are delivered when it is done, in order, so that a listener which calls back
 * into the switch never sees it half-way through a change.
 */
import { containersOf } from '../../framework/call-data.js';
import { availableAgents, dispatch } from './acd.js';
import { deviceChanged } from './agent-state.js';
import { endWrapUp, login, logout, notReady, ready, snapshot } from './agents.js';
import { setPhoneLimits } from './capabilities.js';
import { applyConfig, checkConfig, checkNumber } from './config.js';
import { answer, hangUp, hold, makeCall, retrieve, sendDtmf, setCallData } from './control.js';
import { reject, setMuted } from './call-features.js';
import { viewState } from './events.js';
import { controlRecording } from './recording.js';
import { setDeviceHealth } from './health.js';
import { SwitchError, q } from './errors.js';
import { supervise } from './supervision.js';
import type { Call, Ctx } from './model.js';
import { callerHangUp, checkFarEnd, farEndAnswer, farEndBusy, inboundCall, setFarEnd } from './outside.js';
import { alternate, blindTransfer, conferenceComplete, consult, dropParty, transferComplete } from './transfer.js';
import type { AgentSummary, CallRecord, CallSummary, DeviceEvent, FarEndBehaviour, QueueSummary, Switch, SwitchOptions } from './types.js';

const DEFAULT_RING_TIMEOUT_MS = 20_000;

/** What the simulator shows for a call: queued, ringing, talking, on hold. */
function summaryState(call: Call): string {
  if (call.waiting) return 'queued';
  if (call.parties.some((p) => p.state === 'alerting')) return 'Alerting';
  if (call.parties.filter((p) => p.state === 'connected').length >= 2) return 'Established';
  if (call.parties.some((p) => p.state === 'held')) return 'Held';
  const first = call.parties[0];
  return first ? viewState(first) : 'Disconnected';
}

/** The containers a call carries besides callData, left out when empty. */
function attachedOfSummary(call: Call): Pick<CallSummary, 'userData' | 'callVariables' | 'applicationData'> {
  const { pyCallData: _flat, ...rest } = containersOf({ callData: call.callData, ...call.attached });
  return {
    ...(rest.pyUserData ? { userData: rest.pyUserData } : {}),
    ...(rest.pyCallVariables ? { callVariables: [...rest.pyCallVariables] } : {}),
    ...(rest.pyApplicationData ? { applicationData: rest.pyApplicationData } : {}),
  };
}

export function createSwitch(options: SwitchOptions): Switch {
  if (typeof options !== 'object' || options === null) throw new SwitchError('OPENCTI_INVALID_CONFIG', `switch options must be an object, got ${q(options)}`);
  const { clock } = options;
  if (!clock || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw new SwitchError('OPENCTI_INVALID_CONFIG', 'switch options need a clock with now, setTimeout and clearTimeout');
  }
  const agentsConfig = options.agents ?? [];
  const queuesConfig = options.queues ?? [];
  if (!Array.isArray(agentsConfig) || !Array.isArray(queuesConfig)) throw new SwitchError('OPENCTI_INVALID_CONFIG', 'agents and queues must be lists');
  checkConfig(agentsConfig, queuesConfig);
  const farEnds = new Map<string, FarEndBehaviour>();
  for (const [number, behaviour] of Object.entries(options.farEnds ?? {})) {
    try {
      checkFarEnd(number, behaviour);
    } catch (error) {
      throw new SwitchError('OPENCTI_INVALID_CONFIG', `farEnds: ${(error as SwitchError).errMessage}`);
    }
    farEnds.set(number, behaviour);
  }
  const defaultFarEnd = options.defaultFarEnd ?? 'ring';
  if (!['answer', 'ring', 'busy'].includes(defaultFarEnd)) {
    throw new SwitchError('OPENCTI_INVALID_CONFIG', `defaultFarEnd must be answer, ring or busy, got ${q(defaultFarEnd)}`);
  }
  const prefix = options.callIdPrefix ?? `${clock.now().toString(36)}-`;
  if (typeof prefix !== 'string') throw new SwitchError('OPENCTI_INVALID_CONFIG', `callIdPrefix must be a string, got ${q(prefix)}`);

  const deviceListeners = new Set<(e: DeviceEvent) => void>();
  const recordListeners = new Set<(r: CallRecord) => void>();
  const outbox: (() => void)[] = [];
  let depth = 0;
  let flushing = false;
  let callCount = 0;

  const deliver = <T>(listeners: Set<(value: T) => void>, value: T) => {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        options.onListenerError?.(error);
      }
    }
  };

  const flush = () => {
    if (flushing) return;
    flushing = true;
    try {
      for (let next = outbox.shift(); next; next = outbox.shift()) next();
    } finally {
      flushing = false;
    }
  };

  /** Runs one change of state; the outermost one delivers what it raised. */
  const run = <T>(fn: () => T): T => {
    depth++;
    try {
      return fn();
    } finally {
      depth--;
      if (depth === 0) flush();
    }
  };

  const ctx: Ctx = {
    clock,
    wrapUpMs: checkNumber('wrapUpMs', options.wrapUpMs, 0) ?? 0,
    ringTimeoutMs: checkNumber('ringTimeoutMs', options.ringTimeoutMs, 1) ?? DEFAULT_RING_TIMEOUT_MS,
    farEndAnswerMs: checkNumber('farEndAnswerMs', options.farEndAnswerMs, 0) ?? 0,
    defaultFarEnd,
    farEnds,
    agents: new Map(),
    queues: new Map(),
    calls: new Map(),
    devices: new Map(),
    deviceCalls: new Map(),
    extensions: new Map(),
    health: new Map(),
    phoneLimits: new Map(),
    nextCallId: () => `${prefix}${++callCount}`,
    setTimer: (fn, ms) => clock.setTimeout(() => run(fn), ms),
    emit: (event) => outbox.push(() => deliver(deviceListeners, event)),
    record: (record) => outbox.push(() => deliver(recordListeners, record)),
    deviceChanged: (dn) => deviceChanged(ctx, dn),
    dispatch: () => dispatch(ctx),
  };
  applyConfig(ctx, { agents: agentsConfig, queues: queuesConfig });

  const summary = (call: Call): CallSummary => ({
    callId: call.id,
    ani: call.ani,
    dnis: call.dnis,
    queue: call.queue,
    state: summaryState(call),
    parties: call.parties.map((p) => p.dn),
    callData: { ...call.callData },
    ...attachedOfSummary(call),
    dtmf: call.dtmf,
    startedAt: call.startedAt,
  });

  return {
    onDeviceEvent(listener) {
      deviceListeners.add(listener);
      return () => void deviceListeners.delete(listener);
    },
    onCallRecord(listener) {
      recordListeners.add(listener);
      return () => void recordListeners.delete(listener);
    },

    login: (agentId, extension) => run(() => login(ctx, agentId, extension)),
    logout: (agentId, reasonCode) => run(() => logout(ctx, agentId, reasonCode)),
    ready: (agentId, workMode) => run(() => ready(ctx, agentId, workMode)),
    notReady: (agentId, reasonCode, workMode) => run(() => notReady(ctx, agentId, reasonCode, workMode)),
    snapshot: (agentId) => snapshot(ctx, agentId),

    answer: (agentId, callId) => run(() => answer(ctx, agentId, callId)),
    hangUp: (agentId, callId) => run(() => hangUp(ctx, agentId, callId)),
    hold: (agentId, callId) => run(() => hold(ctx, agentId, callId)),
    retrieve: (agentId, callId) => run(() => retrieve(ctx, agentId, callId)),
    makeCall: (agentId, destination, callData, attached) => run(() => makeCall(ctx, agentId, destination, callData, attached)),
    sendDtmf: (agentId, callId, digits) => run(() => sendDtmf(ctx, agentId, callId, digits)),
    blindTransfer: (agentId, callId, destination, callData, attached) => run(() => blindTransfer(ctx, agentId, callId, destination, callData, attached)),
    consult: (agentId, callId, destination, callData, attached) => run(() => consult(ctx, agentId, callId, destination, callData, attached)),
    transferComplete: (agentId, heldCallId, activeCallId) => run(() => transferComplete(ctx, agentId, heldCallId, activeCallId)),
    conferenceComplete: (agentId, heldCallId, activeCallId) => run(() => conferenceComplete(ctx, agentId, heldCallId, activeCallId)),
    dropParty: (agentId, callId, party) => run(() => dropParty(ctx, agentId, callId, party)),
    alternate: (agentId, heldCallId, activeCallId) => run(() => alternate(ctx, agentId, heldCallId, activeCallId)),
    setCallData: (agentId, callId, data) => run(() => setCallData(ctx, agentId, callId, data)),
    supervise: (supervisorId, agentId, mode) => run(() => supervise(ctx, supervisorId, agentId, mode)),
    mute: (agentId, callId) => run(() => setMuted(ctx, agentId, callId, true)),
    unmute: (agentId, callId) => run(() => setMuted(ctx, agentId, callId, false)),
    reject: (agentId, callId) => run(() => reject(ctx, agentId, callId)),
    startRecording: (agentId, callId) => run(() => controlRecording(ctx, agentId, callId, 'start')),
    pauseRecording: (agentId, callId) => run(() => controlRecording(ctx, agentId, callId, 'pause')),
    resumeRecording: (agentId, callId) => run(() => controlRecording(ctx, agentId, callId, 'resume')),
    stopRecording: (agentId, callId) => run(() => controlRecording(ctx, agentId, callId, 'stop')),

    inboundCall: (from, to, callData, attached) => run(() => inboundCall(ctx, from, to, callData, attached)),
    callerHangUp: (callId, number) => run(() => callerHangUp(ctx, callId, number)),
    farEndAnswer: (callId) => run(() => farEndAnswer(ctx, callId)),
    farEndBusy: (callId) => run(() => farEndBusy(ctx, callId)),
    setFarEnd: (number, behaviour) => run(() => setFarEnd(ctx, number, behaviour)),

    setDeviceHealth: (extension, health) => run(() => setDeviceHealth(ctx, extension, health)),
    setPhoneLimits: (extension, requests) => run(() => setPhoneLimits(ctx, extension, requests)),
    endWrapUp: (agentId) => run(() => endWrapUp(ctx, agentId)),

    calls: () => [...ctx.calls.values()].map(summary),
    queues: () =>
      [...ctx.queues.values()].map(
        (queue): QueueSummary => ({
          name: queue.config.name,
          dnis: queue.config.dnis,
          waiting: queue.waiting.flatMap((callId) => {
            const call = ctx.calls.get(callId);
            return call ? [{ callId, ani: call.ani, since: call.queuedAt ?? call.startedAt }] : [];
          }),
          readyAgents: availableAgents(ctx, queue.skill).map((a) => a.config.agentId),
        }),
      ),
    agents: () =>
      [...ctx.agents.values()].map(
        (agent): AgentSummary => ({
          agentId: agent.config.agentId,
          extension: agent.extension,
          state: agent.extension === undefined ? 'Logout' : agent.busy ? 'Busy' : agent.mode.state,
          reasonCode: agent.extension === undefined || agent.busy ? undefined : agent.mode.reasonCode,
          workMode: agent.extension === undefined || agent.busy ? undefined : agent.mode.workMode,
        }),
      ),
    configure: (update) => run(() => {
      applyConfig(ctx, update ?? {});
      dispatch(ctx);
    }),
  };
}
