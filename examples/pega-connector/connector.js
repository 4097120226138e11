/*
 * Acme: an OpenCTI implementation file written the way Pega's OpenCTI stub writes one. It loads
 * by a <script> tag after the pega namespace (pega.cti) and the vendor SDK (demo-pbx.js, the
 * global AcmeDemoPbx), and registers itself as pega.cti.desktopApi.Acme.
 *
 * As in Pega's stub: a constructor setting the identity, functions on the prototype taking
 * `success, failure` callbacks, implementationVersion "1", no frameworkApi, a pega.cti.Logger,
 * and the stub's spellings consulationCall and dropparty. Events are sent as vendors send them:
 * a ringing call is "Ringing" (a customer's call) or "Delivered" (a colleague's or a consult
 * call), and a call that ends is a bare { pyCallId, pyEventName: "Disconnected" }.
 */
/* global pega, AcmeDemoPbx */
/* eslint-disable @typescript-eslint/no-this-alias -- `var self = this` for callbacks, as ES5-era implementation files write it */

pega.cti.desktopApi.Acme = function () {
  this.name = 'Acme';
  this.implementationVersion = '1';
  this.Logger = new pega.cti.Logger();
  this.pbx = AcmeDemoPbx.shared();
  // The logged-in agent: { agentId, extension, forwardEvent, stopMonitor, readyMode, signedOut }.
  this.agent = null;
};

/** PBX refusal codes → OpenCTI error codes. Anything else passes the PBX's message through. */
pega.cti.desktopApi.Acme.ERROR_CODES = {
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

pega.cti.desktopApi.Acme.CALL_TYPES = { inbound: 'INBOUND', outbound: 'OUTBOUND', internal: 'INTERNAL', consult: 'CONSULT' };

pega.cti.desktopApi.Acme.prototype.getLogger = function () {
  return this.Logger;
};

// ── Requests ─────────────────────────────────────────────────────────────────────────────────

pega.cti.desktopApi.Acme.prototype.login = function (agentId, agentPwd, extension, linkDefinition, options, success, failure, forwardEvent) {
  var self = this;
  this.Logger.info('Acme login', agentId, 'extension', extension || '(any)', 'link', (linkDefinition && linkDefinition.name) || '');
  if (this.agent) return this._fail(failure, 'OPENCTI_AGENT_LOGGED_IN', 'agent ' + this.agent.agentId + ' is already logged in on this connector');
  var signedIn;
  try {
    signedIn = this.pbx.signIn(agentId, agentPwd, extension || '');
  } catch (error) {
    return this._failWith(failure, error);
  }
  var agent = { agentId: signedIn.agentId, extension: signedIn.extension, forwardEvent: forwardEvent, readyMode: undefined, signedOut: null };
  agent.stopMonitor = this.pbx.monitor(agent.extension, function (happening) {
    if (self.agent !== agent) return;
    var event = self._toEvent(happening, agent);
    if (event) {
      self.Logger.debug('Acme event', event.pyEventName, event.pyCallId || '');
      agent.forwardEvent(event);
    }
    if (happening.type === 'signedOut') {
      agent.stopMonitor();
      self.agent = null;
      if (agent.signedOut) agent.signedOut();
    }
  });
  this.agent = agent;
  success({ agentId: agent.agentId, extension: agent.extension });
  this.pbx.snapshot(agent.extension);
};

pega.cti.desktopApi.Acme.prototype.logout = function (agentId, reasonCode, options, success, failure) {
  this.Logger.info('Acme logout', agentId, reasonCode || '');
  var agent = this.agent;
  if (!agent) return this._fail(failure, 'OPENCTI_AGENT_NOT_LOGGED_IN', 'no agent is logged in on this connector');
  try {
    this.pbx.signOut(agent.agentId, reasonCode || '');
  } catch (error) {
    return this._failWith(failure, error);
  }
  // Acknowledged once the PBX confirms: the Logout snapshot goes first, then nothing more.
  agent.signedOut = function () {
    success({ agentId: agent.agentId });
  };
};

pega.cti.desktopApi.Acme.prototype.agentReady = function (agentId, workMode, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    agent.readyMode = workMode || undefined;
    pbx.setAgentState(agent.agentId, 'available');
  });
};

pega.cti.desktopApi.Acme.prototype.agentNotReady = function (agentId, workMode, reasonCode, linkDefinition, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.setAgentState(agent.agentId, workMode === 'ACW' ? 'wrapup' : 'unavailable', reasonCode || '');
  });
};

pega.cti.desktopApi.Acme.prototype.answerCall = function (callId, options, success, failure) {
  this.Logger.info('Acme answerCall', callId);
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.answer(agent.extension, callId);
  });
};

pega.cti.desktopApi.Acme.prototype.hangUpCall = function (callId, options, success, failure) {
  this.Logger.info('Acme hangUpCall', callId);
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.hangUp(agent.extension, callId);
  });
};

pega.cti.desktopApi.Acme.prototype.holdCall = function (callId, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.hold(agent.extension, callId);
  });
};

pega.cti.desktopApi.Acme.prototype.retrieveCall = function (callId, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.unhold(agent.extension, callId);
  });
};

pega.cti.desktopApi.Acme.prototype.makeCall = function (destination, options, success, failure) {
  this.Logger.info('Acme makeCall', destination);
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    return { callId: pbx.dial(agent.extension, destination) };
  });
};

pega.cti.desktopApi.Acme.prototype.sendDTMF = function (callId, digits, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.digits(agent.extension, callId, digits);
  });
};

pega.cti.desktopApi.Acme.prototype.blindTransfer = function (callId, destination, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.redirect(agent.extension, callId, destination);
  });
};

pega.cti.desktopApi.Acme.prototype.transferInitiate = function (callId, destination, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    return { callId: pbx.dial(agent.extension, destination, 'consult', callId) };
  });
};

pega.cti.desktopApi.Acme.prototype.transferComplete = function (heldCallId, activeCallId, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.merge(agent.extension, heldCallId, activeCallId, false);
  });
};

// Pega's stub spells it this way; the framework offers it as consultationCall.
pega.cti.desktopApi.Acme.prototype.consulationCall = function (callId, destination, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    return { callId: pbx.dial(agent.extension, destination, 'consult', callId) };
  });
};

pega.cti.desktopApi.Acme.prototype.conferenceInitiate = function (callId, destination, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    return { callId: pbx.dial(agent.extension, destination, 'consult', callId) };
  });
};

pega.cti.desktopApi.Acme.prototype.conferenceComplete = function (heldCallId, activeCallId, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    pbx.merge(agent.extension, heldCallId, activeCallId, true);
  });
};

// Pega's stub spells it this way; the framework offers it as dropParty.
pega.cti.desktopApi.Acme.prototype.dropparty = function (callId, party, options, success, failure) {
  var pbx = this.pbx;
  this._run(success, failure, function (agent) {
    if (party === agent.extension) pbx.hangUp(agent.extension, callId);
    else pbx.dropParty(agent.extension, callId, party);
  });
};

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────

/** Runs a PBX request for the logged-in agent and reports through the callbacks. */
pega.cti.desktopApi.Acme.prototype._run = function (success, failure, action) {
  if (!this.agent) return this._fail(failure, 'OPENCTI_AGENT_NOT_LOGGED_IN', 'no agent is logged in on this connector');
  var result;
  try {
    result = action(this.agent);
  } catch (error) {
    return this._failWith(failure, error);
  }
  success(result);
};

pega.cti.desktopApi.Acme.prototype._fail = function (failure, errCode, errMessage) {
  this.Logger.warn('Acme', errCode, errMessage);
  failure(pega.cti.desktopApi.errorObject(errCode, errMessage));
};

pega.cti.desktopApi.Acme.prototype._failWith = function (failure, error) {
  var code = error && pega.cti.desktopApi.Acme.ERROR_CODES[error.code];
  this._fail(failure, code || 'OPENCTI_ERR_PASS', error && error.message ? error.message : String(error));
};

pega.cti.desktopApi.Acme.prototype._callFields = function (view, agent) {
  var fields = {
    pyCallId: view.id,
    pyCallType: pega.cti.desktopApi.Acme.CALL_TYPES[view.kind] || 'UNKNOWN',
    pyANI: view.ani,
    pyOtherDN: view.other,
    pyThisDN: agent.extension,
    pyDNIS: view.dnis,
  };
  if (view.queue) fields.pyQueue = view.queue;
  if (Object.keys(view.data).length > 0) fields.pyCallData = Object.assign({}, view.data);
  return fields;
};

pega.cti.desktopApi.Acme.prototype._agentFields = function (pbxAgent, agent) {
  switch (pbxAgent.state) {
    case 'available':
      return { state: 'Ready', workMode: agent.readyMode };
    case 'unavailable':
      return { state: 'NotReady', workMode: 'AUX_WORK', reasonCode: pbxAgent.auxCode || undefined };
    case 'wrapup':
      return { state: 'NotReady', workMode: 'ACW', reasonCode: pbxAgent.auxCode || undefined };
    case 'signedIn':
      return { state: 'Login' };
    default:
      return { state: 'Logout', reasonCode: pbxAgent.auxCode || undefined };
  }
};

/** One PBX happening on the agent's extension → zero or one OpenCTI event, as vendors send them. */
pega.cti.desktopApi.Acme.prototype._toEvent = function (happening, agent) {
  var call = happening.call;
  var stamp = function (event) {
    var stamped = { pyMedia: 'Phone', pyTimestamp: new Date().toISOString() };
    Object.keys(event).forEach(function (key) {
      if (event[key] !== undefined) stamped[key] = event[key];
    });
    return stamped;
  };
  var state = { originate: 'Initiated', connect: 'Established', join: 'Established', hold: 'Held', unhold: 'Retrieved' }[happening.type];
  if (happening.type === 'ring') {
    // A customer's call rings as "Ringing"; a colleague's or a consult call as "Delivered".
    return stamp(Object.assign({ pyEventType: 'CallStateEvent', pyEventName: call.kind === 'inbound' ? 'Ringing' : 'Delivered' }, this._callFields(call, agent)));
  }
  if (state) return stamp(Object.assign({ pyEventType: 'CallStateEvent', pyEventName: state }, this._callFields(call, agent)));
  // An ended call is sent bare: the framework knows the rest of it.
  if (happening.type === 'clear') return { pyCallId: call.id, pyEventName: 'Disconnected' };
  if (happening.type === 'abandon') return { pyCallId: call.id, pyEventName: 'Abandoned' };
  if (happening.type === 'parties') {
    return stamp({
      pyEventType: 'PartyInfoEvent',
      pyEventName: 'PartyInfo',
      pyCallId: call.id,
      pyThisDN: agent.extension,
      pyParties: call.parties.map(function (dn) {
        return { pyDN: dn };
      }),
    });
  }
  if (happening.type === 'data') return stamp({ pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyCallId: call.id, pyCallData: Object.assign({}, call.data) });
  if (happening.type === 'agent') {
    var fields = this._agentFields(happening.agent, agent);
    return stamp({
      pyEventType: 'AgentStateEvent',
      pyEventName: fields.state,
      pyWorkMode: fields.workMode,
      pyReasonCode: fields.reasonCode,
      pyAgentId: happening.agent.agentId,
      pyThisDN: agent.extension,
    });
  }
  if (happening.type === 'snapshot') return happening.agent ? this._snapshot(happening.agent, happening.calls, agent) : undefined;
  if (happening.type === 'signedOut') return this._snapshot(happening.agent, [], agent);
  return undefined;
};

pega.cti.desktopApi.Acme.prototype._snapshot = function (pbxAgent, calls, agent) {
  var self = this;
  var fields = this._agentFields(pbxAgent, agent);
  var snapshot = {
    pyEventType: 'SnapshotEvent',
    pyEventName: 'Snapshot',
    pyMedia: 'Phone',
    pyTimestamp: new Date().toISOString(),
    pyAgentId: pbxAgent.agentId,
    pyAgentState: fields.state,
    pyDeviceState: fields.state === 'Logout' ? 'CLOSED' : 'OPENED',
    pyLinkState: 'CONNECTED',
    pyThisDN: agent.extension,
    pyCalls: calls.map(function (view) {
      var name = { held: 'Held', ringing: 'Ringing', dialing: 'Initiated' }[view.myState] || 'Established';
      return Object.assign({ pyEventName: name, pyMedia: 'Phone' }, self._callFields(view, agent), {
        pyParties: view.parties.map(function (dn) {
          return { pyDN: dn };
        }),
      });
    }),
  };
  if (fields.workMode) snapshot.pyWorkMode = fields.workMode;
  if (fields.reasonCode) snapshot.pyReasonCode = fields.reasonCode;
  return snapshot;
};
