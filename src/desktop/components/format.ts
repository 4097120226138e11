/** How the desktop writes states, times and durations for people. */
import type { AgentView, CallView } from '../../framework/session/types.js';
import type { ReasonCode } from '../../framework/schema/context.js';

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

const CALL_STATE_LABELS: Record<string, string> = {
  Alerting: 'Ringing',
  Offering: 'Ringing',
  Initiated: 'Dialling',
  Established: 'Connected',
  Connected: 'Connected',
  Retrieved: 'Connected',
  Held: 'On hold',
  Disconnected: 'Ended',
  Abandoned: 'Abandoned',
};

export const callStateLabel = (call: CallView): string => CALL_STATE_LABELS[call.state] ?? call.state;

const CALL_TYPE_LABELS: Record<string, string> = {
  INBOUND: 'Inbound call',
  OUTBOUND: 'Outbound call',
  INTERNAL: 'Internal call',
  CONSULT: 'Consult call',
  UNKNOWN: 'Call',
};

/** "Inbound call from +1…", "Outbound call to 5002". */
export function callTitle(call: CallView, thisDN: string | undefined): string {
  const label = CALL_TYPE_LABELS[call.type] ?? 'Call';
  if (placedByMe(call, thisDN)) return `${label} to ${call.otherDN || 'unknown number'}`;
  return `${label} from ${call.ani || call.otherDN || 'unknown caller'}`;
}

/** True when this extension placed the call (it is the caller, not the called). */
export const placedByMe = (call: CallView, thisDN: string | undefined): boolean =>
  call.type === 'OUTBOUND' || call.state === 'Initiated' || (thisDN !== undefined && thisDN !== '' && call.ani === thisDN);

/** The state the agent asked for during a call, as they read it: "Not Ready (Break) after this call". */
export function pendingStateLabel(agent: AgentView, reasons: readonly ReasonCode[]): string {
  if (agent.pendingState === undefined) return '';
  if (agent.pendingState === 'Ready') return 'Ready after this call';
  const reason = reasons.find((r) => r.code === agent.pendingReasonCode)?.label ?? agent.pendingReasonCode;
  return `${reason ? `Not Ready (${reason})` : 'Not Ready'} after this call`;
}

export function agentStateLabel(agent: AgentView, reasons: readonly ReasonCode[]): string {
  if (agent.afterCallWork) return 'After-call work';
  switch (agent.state) {
    case 'Ready':
      return 'Ready';
    case 'NotReady': {
      const reason = reasons.find((r) => r.code === agent.reasonCode)?.label ?? agent.reasonCode;
      return reason ? `Not Ready (${reason})` : 'Not Ready';
    }
    case 'Busy':
      return 'Busy (on a call)';
    case 'Login':
      return 'Logged in';
    case 'Logout':
      return 'Logged out';
    default:
      return 'Unknown';
  }
}

export const formatTime = (millis: number): string =>
  new Date(millis).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
