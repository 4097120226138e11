/**
 * The demo PBX's vocabulary in OpenCTI's terms: its refusal codes as OpenCTI error codes, and the
 * OpenCTI event (docs/spec.md §4) each of its happenings on an agent's extension becomes. Both
 * example connectors use it (this one and ../promise-connector/): they differ in how requests are
 * made and answered, not in what the PBX's happenings mean.
 */

const MEDIA = 'Phone';

/** PBX refusal codes → OpenCTI error codes (docs/spec.md §6). Anything else passes the PBX's message through. */
export const ERROR_CODES = {
  BUSY: 'OPENCTI_DEST_BUSY',
  BAD_NUMBER: 'OPENCTI_CF_INVALID_DESTINATION',
  NO_SUCH_CALL: 'OPENCTI_CF_INVALID_OBJECT_STATE',
  BAD_STATE: 'OPENCTI_CF_INVALID_OBJECT_STATE',
  AUTH: 'OPENCTI_AUTH_FAILED',
  IN_USE: 'OPENCTI_AGENT_LOGGED_IN',
  NOT_LOGGED_IN: 'OPENCTI_AGENT_NOT_LOGGED_IN',
  SAME_STATE: 'OPENCTI_IN_SAME_STATE',
  ALREADY_PRESENT: 'OPENCTI_CONF_ALREADY_PRESENT',
  NOT_PRESENT: 'OPENCTI_INVALID_ACTION',
};

/** The PBX's call kinds → pyCallType. */
export const CALL_TYPES = { inbound: 'INBOUND', outbound: 'OUTBOUND', internal: 'INTERNAL', consult: 'CONSULT' };

/** PBX call happenings → CallStateEvent names. */
export const CALL_STATES = {
  ring: 'Alerting',
  originate: 'Initiated',
  connect: 'Established',
  join: 'Established',
  hold: 'Held',
  unhold: 'Retrieved',
  clear: 'Disconnected',
  abandon: 'Abandoned',
};

/** A device's own state in a call (as a Snapshot lists it) → CallStateEvent name. */
export const PARTY_STATES = { ringing: 'Alerting', dialing: 'Initiated', connected: 'Established', held: 'Held' };

/** The OpenCTI error code for a PBX refusal (anything else passes through as OPENCTI_ERR_PASS). */
export const errCodeOf = (error) => ERROR_CODES[error && typeof error === 'object' ? error.code : undefined] ?? 'OPENCTI_ERR_PASS';

const withoutUndefined = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

/**
 * @param {{ fromAux: Record<string, string>, now: () => Date }} options
 *   fromAux: the PBX's aux code → OpenCTI reason code (as listed in the application context);
 *   now: the clock used for pyTimestamp.
 * @returns {(happening: object, current: { extension: string, readyMode?: string }) => object | undefined}
 *   one PBX happening on the agent's extension → zero or one OpenCTI event; `current.readyMode` is
 *   the work mode the agent asked for with Ready.
 */
export function createEventTranslator({ fromAux, now }) {
  const stamp = (event) => ({ ...event, pyMedia: MEDIA, pyTimestamp: now().toISOString() });

  function callFields(view, extension) {
    return withoutUndefined({
      pyCallId: view.id,
      pyCallType: CALL_TYPES[view.kind] ?? 'UNKNOWN',
      pyANI: view.ani,
      pyOtherDN: view.other,
      pyThisDN: extension,
      pyDNIS: view.dnis,
      pyQueue: view.queue || undefined,
      pyCallData: Object.keys(view.data).length > 0 ? { ...view.data } : undefined,
    });
  }

  /** The PBX's agent record → pyEventName / pyAgentState, work mode and reason code. */
  function agentFields(agent, readyMode) {
    const reasonCode = agent.auxCode ? (fromAux[agent.auxCode] ?? agent.auxCode) : undefined;
    switch (agent.state) {
      case 'available':
        return { state: 'Ready', workMode: readyMode };
      case 'unavailable':
        return { state: 'NotReady', workMode: 'AUX_WORK', reasonCode };
      case 'wrapup':
        return { state: 'NotReady', workMode: 'ACW', reasonCode };
      case 'signedIn':
        return { state: 'Login' };
      default:
        return { state: 'Logout', reasonCode };
    }
  }

  function snapshot(agent, calls, current) {
    const { state, workMode, reasonCode } = agentFields(agent, current.readyMode);
    return stamp(withoutUndefined({
      pyEventType: 'SnapshotEvent',
      pyEventName: 'Snapshot',
      pyAgentId: agent.agentId,
      pyAgentState: state,
      // After sign-out the extension is no longer monitored; the link to the PBX itself stays up.
      pyDeviceState: state === 'Logout' ? 'CLOSED' : 'OPENED',
      pyLinkState: 'CONNECTED',
      pyReasonCode: reasonCode,
      pyWorkMode: workMode,
      pyThisDN: current.extension,
      pyCalls: calls.map((view) => ({
        pyEventName: PARTY_STATES[view.myState] ?? 'Established',
        pyMedia: MEDIA,
        ...callFields(view, current.extension),
        pyParties: view.parties.map((dn) => ({ pyDN: dn })),
      })),
    }));
  }

  return function toEvent(happening, current) {
    const { type, call } = happening;
    if (type in CALL_STATES) {
      return stamp({ pyEventType: 'CallStateEvent', pyEventName: CALL_STATES[type], ...callFields(call, current.extension) });
    }
    switch (type) {
      case 'parties':
        return stamp({
          pyEventType: 'PartyInfoEvent',
          pyEventName: 'PartyInfo',
          pyCallId: call.id,
          pyThisDN: current.extension,
          pyParties: call.parties.map((dn) => ({ pyDN: dn })),
        });
      case 'data':
        return stamp({ pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyCallId: call.id, pyCallData: { ...call.data } });
      case 'agent': {
        const { state, workMode, reasonCode } = agentFields(happening.agent, current.readyMode);
        return stamp(withoutUndefined({
          pyEventType: 'AgentStateEvent',
          pyEventName: state,
          pyWorkMode: workMode,
          pyReasonCode: reasonCode,
          pyAgentId: happening.agent.agentId,
          pyThisDN: current.extension,
        }));
      }
      case 'snapshot':
        return happening.agent ? snapshot(happening.agent, happening.calls, current) : undefined;
      case 'signedOut':
        return snapshot(happening.agent, [], current);
      default:
        return undefined;
    }
  };
}
