/**
 * An OpenCTI implementation (connector) written in the original callback style, for the demo PBX.
 *
 * Every request is `fn(...params, options, success, failure)`; login is
 * `login(agentId, agentPwd, extension, linkDefinition, options, success, failure, forwardEvent)`.
 * The connector's whole job is translation: OpenCTI requests to PBX requests, PBX happenings to
 * OpenCTI events (docs/spec.md §4) passed to `forwardEvent`, and PBX refusals to `{ errCode, errMessage }`.
 */
import { DemoPbx } from './demo-pbx.js';
import { createEventTranslator, errCodeOf } from './events.js';

/** The OpenCTI error object for anything a PBX call threw. */
export function toErrorObject(error) {
  return { errCode: errCodeOf(error), errMessage: error instanceof Error ? error.message : String(error) };
}

/**
 * @param {{ pbx?: DemoPbx, reasonCodes?: Record<string, string>, now?: () => Date }} [options]
 *   pbx: the PBX to talk to (a new one by default);
 *   reasonCodes: OpenCTI reason code (as in the application context) → the PBX's aux code;
 *   now: the clock used for pyTimestamp.
 */
export function createCallbackConnector(options = {}) {
  const pbx = options.pbx ?? new DemoPbx();
  const toAux = options.reasonCodes ?? {};
  const fromAux = Object.fromEntries(Object.entries(toAux).map(([code, aux]) => [aux, code]));
  const now = options.now ?? (() => new Date());

  /** The logged-in agent: { agentId, extension, forward, stop, readyMode }, or null. */
  let session = null;

  // PBX happenings → OpenCTI events (./events.js: the PBX's vocabulary, shared with the promise example).
  const toEvent = createEventTranslator({ fromAux, now });

  /** Runs a PBX request for the logged-in agent and reports through the callbacks. */
  function run(success, failure, action) {
    if (!session) {
      failure({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: 'no agent is logged in on this connector' });
      return;
    }
    let result;
    try {
      result = action(session);
    } catch (error) {
      failure(toErrorObject(error));
      return;
    }
    success(result);
  }

  const sameAgent = (agentId, failure) => {
    if (session && agentId && agentId !== session.agentId) {
      failure({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: `agent ${agentId} is not the agent logged in here (${session.agentId})` });
      return false;
    }
    return true;
  };

  const newCallResult = (callId) => ({ callId });

  return {
    name: 'demo-pbx',
    implementationVersion: '1.0.0',
    frameworkApi: '^1.0.0',
    /** The PBX this connector talks to: its driver methods play the outside world. */
    pbx,

    login(agentId, agentPwd, extension, linkDefinition, options, success, failure, forwardEvent) {
      if (session) {
        failure({ errCode: 'OPENCTI_AGENT_LOGGED_IN', errMessage: `agent ${session.agentId} is already logged in on this connector` });
        return;
      }
      let agent;
      try {
        agent = pbx.signIn(agentId, agentPwd, extension ?? '');
      } catch (error) {
        failure(toErrorObject(error));
        return;
      }
      const current = { agentId: agent.agentId, extension: agent.extension, forward: forwardEvent, stop: () => {}, readyMode: undefined, signedOut: undefined };
      current.stop = pbx.monitor(agent.extension, (happening) => {
        if (session !== current) return;
        const event = toEvent(happening, current);
        if (event) current.forward(event);
        if (happening.type === 'signedOut') {
          current.stop();
          session = null;
          current.signedOut?.();
        }
      });
      session = current;
      success({ agentId: agent.agentId, extension: agent.extension });
      pbx.snapshot(agent.extension);
    },

    logout(agentId, reasonCode, options, success, failure) {
      if (!sameAgent(agentId, failure)) return;
      if (!session) {
        failure({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: 'no agent is logged in on this connector' });
        return;
      }
      const current = session;
      try {
        pbx.signOut(current.agentId, reasonCode ? (toAux[reasonCode] ?? reasonCode) : '');
      } catch (error) {
        failure(toErrorObject(error));
        return;
      }
      // Acknowledged once the PBX confirms: the Logout Snapshot goes first, then nothing more.
      current.signedOut = () => success({ agentId: current.agentId });
    },

    agentReady(agentId, workMode, options, success, failure) {
      if (!sameAgent(agentId, failure)) return;
      run(success, failure, (current) => {
        current.readyMode = workMode || undefined;
        pbx.setAgentState(current.agentId, 'available');
      });
    },

    agentNotReady(agentId, workMode, reasonCode, linkDefinition, options, success, failure) {
      if (!sameAgent(agentId, failure)) return;
      run(success, failure, (current) => {
        const aux = reasonCode ? (toAux[reasonCode] ?? reasonCode) : '';
        pbx.setAgentState(current.agentId, workMode === 'ACW' ? 'wrapup' : 'unavailable', aux);
      });
    },

    answerCall(callId, options, success, failure) {
      run(success, failure, (s) => pbx.answer(s.extension, callId));
    },

    hangUpCall(callId, options, success, failure) {
      run(success, failure, (s) => pbx.hangUp(s.extension, callId));
    },

    holdCall(callId, options, success, failure) {
      run(success, failure, (s) => pbx.hold(s.extension, callId));
    },

    retrieveCall(callId, options, success, failure) {
      run(success, failure, (s) => pbx.unhold(s.extension, callId));
    },

    makeCall(destination, options, success, failure) {
      run(success, failure, (s) => newCallResult(pbx.dial(s.extension, destination)));
    },

    sendDTMF(callId, digits, options, success, failure) {
      run(success, failure, (s) => pbx.digits(s.extension, callId, digits));
    },

    blindTransfer(callId, destination, options, success, failure) {
      run(success, failure, (s) => pbx.redirect(s.extension, callId, destination));
    },

    transferInitiate(callId, destination, options, success, failure) {
      run(success, failure, (s) => newCallResult(pbx.dial(s.extension, destination, 'consult', callId)));
    },

    transferComplete(heldCallId, activeCallId, options, success, failure) {
      run(success, failure, (s) => pbx.merge(s.extension, heldCallId, activeCallId, false));
    },

    consultationCall(callId, destination, options, success, failure) {
      run(success, failure, (s) => newCallResult(pbx.dial(s.extension, destination, 'consult', callId)));
    },

    conferenceInitiate(callId, destination, options, success, failure) {
      run(success, failure, (s) => newCallResult(pbx.dial(s.extension, destination, 'consult', callId)));
    },

    conferenceComplete(heldCallId, activeCallId, options, success, failure) {
      run(success, failure, (s) => pbx.merge(s.extension, heldCallId, activeCallId, true));
    },

    dropParty(callId, party, options, success, failure) {
      run(success, failure, (s) => (party === s.extension ? pbx.hangUp(s.extension, callId) : pbx.dropParty(s.extension, callId, party)));
    },

    alternateCall(heldCallId, activeCallId, options, success, failure) {
      run(success, failure, (s) => pbx.swap(s.extension, heldCallId, activeCallId));
    },
  };
}
