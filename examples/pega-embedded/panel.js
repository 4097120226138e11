/*
 * Acme embedded: an OpenCTI embedded implementation written the way Pega's embedded stub writes
 * one. The vendor brings its own call-control panel (its "CCP"), rendered into the area the host
 * page gives it; the host shows the screen pops the panel asks for. It loads by a <script> tag
 * after the pega namespace and the vendor SDK (../pega-connector/demo-pbx.js, the global
 * AcmeDemoPbx) and registers itself as pega.cti.embeddedApi.Acme.
 *
 * The host calls load(linkDefinition, success, failure), unload(), makeCall(number),
 * answerCall(callId), setTransferContext(context), expandCCP() and collapseCCP(). The panel calls
 * the host through pega.cti.embeddedEventHandler: showUIPanel() when a call rings,
 * applyCallTreatment(call) for the screen pop, enableClickToCall(true|false) as the agent signs in.
 */
/* global pega, AcmeDemoPbx */
/* eslint-disable @typescript-eslint/no-this-alias -- `var self = this` for callbacks, as ES5-era implementation files write it */

pega.cti.embeddedApi.Acme = function () {
  this.name = 'Acme';
  this.implementationVersion = '1';
  this.Logger = new pega.cti.Logger();
  this.pbx = AcmeDemoPbx.shared();
  this.area = null; // the element the host gave the panel
  this.agent = null; // { agentId, extension, stopMonitor }
  this.calls = {}; // callId → { view, state }
  this.transferContext = null;
  this.expanded = false;
  this.error = '';
};

// ── What the host calls ──────────────────────────────────────────────────────────────────────

pega.cti.embeddedApi.Acme.prototype.load = function (linkDefinition, success, failure) {
  var panelId = (linkDefinition && linkDefinition.panelId) || 'pega-cti-embedded-panel';
  this.Logger.info('Acme panel load', (linkDefinition && linkDefinition.name) || '', 'into #' + panelId);
  this.area = document.getElementById(panelId);
  if (!this.area) {
    failure(pega.cti.desktopApi.errorObject('OPENCTI_INVALID_CONFIG', 'no element #' + panelId + ' to render the Acme panel into'));
    return;
  }
  this.render();
  success();
};

pega.cti.embeddedApi.Acme.prototype.unload = function () {
  this.Logger.info('Acme panel unload');
  if (this.agent) {
    this.agent.stopMonitor();
    try {
      this.pbx.signOut(this.agent.agentId, '');
    } catch (error) {
      this.Logger.warn('Acme panel: the agent stays signed in:', error.message);
    }
    this.agent = null;
  }
  if (this.area) this.area.textContent = '';
  this.area = null;
};

pega.cti.embeddedApi.Acme.prototype.expandCCP = function () {
  this.Logger.info('Acme panel expandCCP');
  this.expanded = true;
  this.render();
};

pega.cti.embeddedApi.Acme.prototype.collapseCCP = function () {
  this.Logger.info('Acme panel collapseCCP');
  this.expanded = false;
  this.render();
};

pega.cti.embeddedApi.Acme.prototype.makeCall = function (phoneNumber, success, failure) {
  this.Logger.info('Acme panel makeCall', phoneNumber);
  this._request(success, failure, function (pbx, agent) {
    return { callId: pbx.dial(agent.extension, phoneNumber) };
  });
};

pega.cti.embeddedApi.Acme.prototype.answerCall = function (callId, success, failure) {
  this.Logger.info('Acme panel answerCall', callId);
  this._request(success, failure, function (pbx, agent) {
    pbx.answer(agent.extension, callId);
  });
};

pega.cti.embeddedApi.Acme.prototype.setTransferContext = function (context) {
  this.Logger.info('Acme panel setTransferContext', context);
  this.transferContext = context;
  this.render();
};

// ── The agent, in the panel ──────────────────────────────────────────────────────────────────

pega.cti.embeddedApi.Acme.prototype.signIn = function (agentId, password) {
  var self = this;
  var signedIn;
  try {
    signedIn = this.pbx.signIn(agentId, password, '');
  } catch (error) {
    this.error = error.message;
    this.render();
    return;
  }
  this.error = '';
  this.Logger.info('Acme panel signed in', signedIn.agentId, 'on', signedIn.extension);
  this.agent = { agentId: signedIn.agentId, extension: signedIn.extension, available: false, stopMonitor: null };
  this.agent.stopMonitor = this.pbx.monitor(signedIn.extension, function (happening) {
    self._happened(happening);
  });
  pega.cti.embeddedEventHandler.enableClickToCall(true);
  this.render();
};

pega.cti.embeddedApi.Acme.prototype._happened = function (happening) {
  var call = happening.call;
  if (happening.type === 'agent') {
    this.agent.available = happening.agent.state === 'available';
  } else if (call && (happening.type === 'clear' || happening.type === 'abandon')) {
    delete this.calls[call.id];
  } else if (call && happening.type !== 'parties' && happening.type !== 'data') {
    this.calls[call.id] = { view: call, state: { ring: 'ringing', originate: 'dialling', connect: 'connected', join: 'connected', hold: 'on hold', unhold: 'connected' }[happening.type] || happening.type };
  }
  this.render();
  if (happening.type === 'ring') {
    // A call rings: the agent needs the panel, and the desktop pops the caller.
    pega.cti.embeddedEventHandler.showUIPanel();
    pega.cti.embeddedEventHandler.applyCallTreatment({
      pyCallId: call.id,
      pyANI: call.ani,
      pyDNIS: call.dnis,
      pyCallType: { inbound: 'INBOUND', internal: 'INTERNAL', consult: 'CONSULT' }[call.kind] || 'INBOUND',
      pyCallData: call.data,
    });
  }
};

pega.cti.embeddedApi.Acme.prototype._request = function (success, failure, action) {
  var result;
  if (!this.agent) {
    if (failure) failure(pega.cti.desktopApi.errorObject('OPENCTI_AGENT_NOT_LOGGED_IN', 'sign in to the Acme panel first'));
    return;
  }
  try {
    result = action(this.pbx, this.agent);
  } catch (error) {
    this.Logger.warn('Acme panel request refused:', error.message);
    if (failure) failure(pega.cti.desktopApi.errorObject('OPENCTI_ERR_PASS', error.message));
    return;
  }
  if (success) success(result);
};

// ── The panel's own page ─────────────────────────────────────────────────────────────────────

pega.cti.embeddedApi.Acme.prototype.render = function () {
  var self = this;
  var area = this.area;
  if (!area) return;
  var el = function (tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  };
  var button = function (label, onClick) {
    var node = el('button', label, { type: 'button' });
    node.addEventListener('click', onClick);
    return node;
  };
  area.textContent = '';
  area.appendChild(el('h2', 'Acme phone'));
  area.appendChild(el('p', this.expanded ? 'Panel expanded' : 'Panel collapsed', { 'data-acme': 'ccp' }));
  if (this.error) area.appendChild(el('p', this.error, { role: 'alert' }));

  if (!this.agent) {
    var form = el('form', '', { 'aria-label': 'Acme sign in' });
    [['acme-agent', 'Acme agent ID', 'text'], ['acme-password', 'Acme password', 'password']].forEach(function (field) {
      form.appendChild(el('label', field[1], { for: field[0] }));
      form.appendChild(el('input', '', { id: field[0], type: field[2] }));
    });
    form.appendChild(el('button', 'Sign in to Acme', { type: 'submit' }));
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      self.signIn(form.querySelector('#acme-agent').value, form.querySelector('#acme-password').value);
    });
    area.appendChild(form);
    return;
  }

  area.appendChild(el('p', 'Signed in as ' + this.agent.agentId + ' on ' + this.agent.extension + (this.agent.available ? ', available' : '')));
  if (!this.agent.available) {
    area.appendChild(
      button('Go available', function () {
        self.pbx.setAgentState(self.agent.agentId, 'available');
      }),
    );
  }
  var list = el('ul', '', { 'aria-label': 'Acme calls' });
  Object.keys(this.calls).forEach(function (callId) {
    var call = self.calls[callId];
    var item = el('li', (call.view.kind === 'inbound' ? 'Call from ' + call.view.ani : 'Call to ' + call.view.other) + ' — ' + call.state + ' ');
    if (call.state === 'ringing') {
      item.appendChild(
        button('Accept call', function () {
          self.answerCall(callId);
        }),
      );
    }
    item.appendChild(
      button('End call', function () {
        self._request(null, null, function (pbx, agent) {
          pbx.hangUp(agent.extension, callId);
        });
      }),
    );
    list.appendChild(item);
  });
  area.appendChild(list);
  if (this.transferContext) {
    var context = this.transferContext;
    area.appendChild(
      el(
        'p',
        'Transfer context: ' +
          Object.keys(context)
            .map(function (name) {
              return name + '=' + context[name];
            })
            .join(', '),
        { 'data-acme': 'transfer-context' },
      ),
    );
  }
};
