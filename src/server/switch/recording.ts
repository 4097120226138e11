/**
 * Recording control on the simulated switch: start, pause, resume, stop. Every party's desktop
 * hears each change as a CallInfoEvent named "Recording" with pyRecordingState; the call records
 * (kind 'recording', detail started/paused/resumed/stopped) let the store keep the pause intervals
 * on the interaction, e.g. while a card number is read out.
 */
import type { RecordingState } from '../../framework/schema/events.js';
import { notifyCallInfo, recordCall } from './calls.js';
import { onDevice, stateOf } from './control.js';
import { SwitchError } from './errors.js';
import type { Ctx } from './model.js';

export type RecordingAction = 'start' | 'pause' | 'resume' | 'stop';

/** What each action needs the recording to be, what it makes it, and the record's detail. */
const STEPS: Record<RecordingAction, { readonly from: readonly (RecordingState | undefined)[]; readonly to: RecordingState; readonly detail: string; readonly verb: string }> = {
  start: { from: [undefined, 'Stopped'], to: 'Recording', detail: 'started', verb: 'started' },
  pause: { from: ['Recording'], to: 'Paused', detail: 'paused', verb: 'paused' },
  resume: { from: ['Paused'], to: 'Recording', detail: 'resumed', verb: 'resumed' },
  stop: { from: ['Recording', 'Paused'], to: 'Stopped', detail: 'stopped', verb: 'stopped' },
};

const describe = (state: RecordingState | undefined): string => (state === undefined ? 'not recording' : state === 'Stopped' ? 'stopped' : state.toLowerCase());

export function controlRecording(ctx: Ctx, agentId: string, callId: string, action: RecordingAction): void {
  const { agent, dn, call, party } = onDevice(ctx, agentId, callId);
  if (party.state !== 'connected' && party.state !== 'held') {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `the recording of call ${call.id} cannot be ${STEPS[action].verb} from extension ${dn}: the call is ${stateOf(party)} there`);
  }
  const step = STEPS[action];
  if (!step.from.includes(call.recording)) {
    throw new SwitchError('OPENCTI_CF_INVALID_OBJECT_STATE', `the recording of call ${call.id} cannot be ${step.verb}: it is ${describe(call.recording)}`);
  }
  call.recording = step.to;
  recordCall(ctx, call, 'recording', { agentId: agent.config.agentId, extension: dn, detail: step.detail });
  notifyCallInfo(ctx, call, call.parties, 'Recording');
}
