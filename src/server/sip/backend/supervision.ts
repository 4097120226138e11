/**
 * Monitor, whisper and barge-in on the SIP back end: refused, with the reason for the agent's
 * phone. The switch could add a supervisor's party to its model, but no audio would follow it:
 * Kamailio relays signalling only, and nothing here forks or mixes a call's media for a listener.
 */
import type { SuperviseMode } from '../../switch/types.js';
import type { SipAgentConfig, SipConfig } from './config.js';
import { SipRequestError } from './errors.js';

/** Why each phone kind cannot take a supervisor into its call (docs/supervisor.md says the same). */
const WHY: Record<SipAgentConfig['phone']['kind'], string> = {
  baresip:
    'the baresip phone cannot add an incoming leg to a call in progress, and Kamailio relays signalling only: no media server forks or mixes the call for a supervisor',
  linphone:
    'the linphone phone mixes only conferences it places itself (conference add), it would have to auto-answer the supervisor, and Kamailio relays signalling only: no media server forks or mixes the call for a supervisor',
  sip: 'the server does not control this plain SIP phone, and Kamailio relays signalling only: no media server forks or mixes the call for a supervisor',
  webrtc: 'the browser phone takes no second leg into a call (no consult or conference), and Kamailio relays signalling only: no media server forks or mixes the call for a supervisor',
};

/** The refusal of a supervision request on an agent's call. */
export function supervisionRefusal(config: Pick<SipConfig, 'agents'>, agentId: string, mode: SuperviseMode): SipRequestError {
  const agent = config.agents.find((a) => a.agentId === agentId);
  const what = mode === 'leave' ? 'supervision' : mode === 'monitor' ? 'silent monitor' : mode === 'whisper' ? 'whisper (coach)' : 'barge-in';
  const why = agent ? WHY[agent.phone.kind] : `agent ${JSON.stringify(agentId)} has no phone in the sip configuration`;
  return new SipRequestError('OPENCTI_NOT_SUPPORTED_IN_MODE', `${what} is not available on the SIP back end: ${why}`);
}
