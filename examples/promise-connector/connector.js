/**
 * An OpenCTI implementation (connector) in the promise style, for the demo PBX of
 * examples/callback-connector/ (a PBX with its own vocabulary: ring, connect, hold, …; errors
 * BUSY, NO_SUCH_CALL, …).
 *
 * Every request is an async function of the contract's parameters (docs/spec.md §5): it resolves
 * when the PBX accepted the request and rejects with an error carrying `errCode` and `errMessage`
 * (docs/spec.md §6) when it refused. What the request changes arrives later, as OpenCTI events
 * (docs/spec.md §4) passed to the `forwardEvent` that `login` received.
 */
import { DemoPbx } from '../callback-connector/demo-pbx.js';
import { createEventTranslator, errCodeOf } from '../callback-connector/events.js';

/** A refusal the framework understands: a CtiError is made from its errCode and errMessage. */
export class ConnectorError extends Error {
  /**
   * @param {string} errCode an OpenCTI error code (docs/spec.md §6)
   * @param {string} errMessage what went wrong, in the vendor's words
   * @param {unknown} [cause] the vendor's own error
   */
  constructor(errCode, errMessage, cause) {
    super(`${errCode}: ${errMessage}`, cause === undefined ? undefined : { cause });
    this.name = 'ConnectorError';
    this.errCode = errCode;
    this.errMessage = errMessage;
  }
}

/** Anything a PBX call threw, as the error a request rejects with. */
export function toConnectorError(error) {
  if (error instanceof ConnectorError) return error;
  return new ConnectorError(errCodeOf(error), error instanceof Error ? error.message : String(error), error);
}

/** Runs a PBX request (they throw PbxError) and rejects in OpenCTI's terms. */
function attempt(action) {
  try {
    return action();
  } catch (error) {
    throw toConnectorError(error);
  }
}

/**
 * @param {{ pbx?: DemoPbx, reasonCodes?: Record<string, string>, now?: () => Date }} [options]
 *   pbx: the PBX to talk to (a new one by default);
 *   reasonCodes: OpenCTI reason code (as listed in the application context) → the PBX's aux code;
 *   now: the clock used for pyTimestamp.
 */
export function createPromiseConnector(options = {}) {
  const pbx = options.pbx ?? new DemoPbx();
  const toAux = options.reasonCodes ?? {};
  const fromAux = Object.fromEntries(Object.entries(toAux).map(([code, aux]) => [aux, code]));
  const now = options.now ?? (() => new Date());

  /** The logged-in agent: { agentId, extension, forward, stop, readyMode, signedOut }, or null. */
  let agentSession = null;

  const auxOf = (reasonCode) => (reasonCode ? (toAux[reasonCode] ?? reasonCode) : '');
  // PBX happenings → OpenCTI events: the same PBX as the callback example, so the same translation.
  const toEvent = createEventTranslator({ fromAux, now });

  /** The logged-in agent, or a rejection the framework shows as "not logged in". */
  function loggedInAgent(agentId) {
    if (!agentSession) throw new ConnectorError('OPENCTI_AGENT_NOT_LOGGED_IN', 'no agent is logged in on this connector');
    if (agentId && agentId !== agentSession.agentId) {
      throw new ConnectorError('OPENCTI_AGENT_NOT_LOGGED_IN', `agent ${agentId} is not the agent logged in here (${agentSession.agentId})`);
    }
    return agentSession;
  }

  /** Runs a call request from the agent's extension. */
  const onExtension = (action) => {
    const { extension } = loggedInAgent();
    return attempt(() => action(extension));
  };
  const newCall = (callId) => ({ callId });

  return {
    name: 'promise-pbx',
    implementationVersion: '1.0.0',
    frameworkApi: '^1.0.0',
    /** The PBX this connector talks to: its driver methods play the outside world. */
    pbx,

    async login(agentId, agentPwd, extension, linkDefinition, options, forwardEvent) {
      if (typeof forwardEvent !== 'function') {
        throw new ConnectorError('OPENCTI_INVALID_ACTION', `login needs forwardEvent as its sixth argument (got ${typeof forwardEvent})`);
      }
      if (agentSession) {
        throw new ConnectorError('OPENCTI_AGENT_LOGGED_IN', `agent ${agentSession.agentId} is already logged in on this connector`);
      }
      const agent = attempt(() => pbx.signIn(agentId, agentPwd, extension ?? ''));
      const current = { agentId: agent.agentId, extension: agent.extension, forward: forwardEvent, stop: () => {}, readyMode: undefined, signedOut: undefined };
      current.stop = pbx.monitor(agent.extension, (happening) => {
        // A happening queued before logout finished must not reach a later agent's session.
        if (agentSession !== current) return;
        const event = toEvent(happening, current);
        if (event) current.forward(event);
        if (happening.type === 'signedOut') {
          current.stop();
          agentSession = null;
          current.signedOut?.();
        }
      });
      agentSession = current;
      // The login Snapshot: device OPENED, link CONNECTED, the agent's state and calls.
      pbx.snapshot(agent.extension);
      return { agentId: agent.agentId, extension: agent.extension };
    },

    async logout(agentId, reasonCode, options) {
      const current = loggedInAgent(agentId);
      attempt(() => pbx.signOut(current.agentId, auxOf(reasonCode)));
      // Resolve only once the PBX confirmed and the Logout Snapshot went out: the session drops
      // every event that arrives after logout resolved.
      await new Promise((resolve) => {
        current.signedOut = resolve;
      });
      return { agentId: current.agentId };
    },

    async agentReady(agentId, workMode, options) {
      const current = loggedInAgent(agentId);
      current.readyMode = workMode || undefined;
      attempt(() => pbx.setAgentState(current.agentId, 'available'));
    },

    async agentNotReady(agentId, workMode, reasonCode, linkDefinition, options) {
      const current = loggedInAgent(agentId);
      attempt(() => pbx.setAgentState(current.agentId, workMode === 'ACW' ? 'wrapup' : 'unavailable', auxOf(reasonCode)));
    },

    async answerCall(callId, options) {
      onExtension((dn) => pbx.answer(dn, callId));
    },

    async hangUpCall(callId, options) {
      onExtension((dn) => pbx.hangUp(dn, callId));
    },

    async holdCall(callId, options) {
      onExtension((dn) => pbx.hold(dn, callId));
    },

    async retrieveCall(callId, options) {
      onExtension((dn) => pbx.unhold(dn, callId));
    },

    async makeCall(destination, options) {
      return newCall(onExtension((dn) => pbx.dial(dn, destination)));
    },

    async sendDTMF(callId, digits, options) {
      onExtension((dn) => pbx.digits(dn, callId, digits));
    },

    async blindTransfer(callId, destination, options) {
      onExtension((dn) => pbx.redirect(dn, callId, destination));
    },

    async transferInitiate(callId, destination, options) {
      return newCall(onExtension((dn) => pbx.dial(dn, destination, 'consult', callId)));
    },

    async transferComplete(heldCallId, activeCallId, options) {
      onExtension((dn) => pbx.merge(dn, heldCallId, activeCallId, false));
    },

    async consultationCall(callId, destination, options) {
      return newCall(onExtension((dn) => pbx.dial(dn, destination, 'consult', callId)));
    },

    async conferenceInitiate(callId, destination, options) {
      return newCall(onExtension((dn) => pbx.dial(dn, destination, 'consult', callId)));
    },

    async conferenceComplete(heldCallId, activeCallId, options) {
      onExtension((dn) => pbx.merge(dn, heldCallId, activeCallId, true));
    },

    async dropParty(callId, party, options) {
      // Dropping oneself is leaving the call.
      onExtension((dn) => (party === dn ? pbx.hangUp(dn, callId) : pbx.dropParty(dn, callId, party)));
    },

    async alternateCall(heldCallId, activeCallId, options) {
      onExtension((dn) => pbx.swap(dn, heldCallId, activeCallId));
    },

    async setCallData(callId, data, options) {
      // The PBX lets anyone on the call attach data; every party hears a `data` happening.
      onExtension((dn) => {
        if (!pbx.callsOf(dn).some((view) => view.id === callId)) throw new ConnectorError('OPENCTI_CF_INVALID_OBJECT_STATE', `no call ${callId} on ${dn}`);
        pbx.attachData(callId, data);
      });
    },
  };
}
