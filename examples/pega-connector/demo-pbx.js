/*
 * Acme demo PBX: a tiny in-memory PBX with an ACD agent table, the "CTI server" the Acme
 * connector (connector.js) talks to. A plain script, like a vendor SDK file: load it by a
 * <script> tag before connector.js (or evaluate it in Node); it defines the global AcmeDemoPbx.
 *
 * Made by `npm run build` (scripts/build-examples.mjs) from demo-pbx.module.js and
 * ../callback-connector/demo-pbx.js, where the PBX is written and documented: do not edit.
 */
"use strict";
(() => {
  // examples/callback-connector/demo-pbx.js
  var PbxError = class extends Error {
    /**
     * @param {string} code  BUSY | BAD_NUMBER | NO_SUCH_CALL | BAD_STATE | AUTH | IN_USE | NOT_LOGGED_IN | SAME_STATE | ALREADY_PRESENT | NOT_PRESENT
     * @param {string} message
     */
    constructor(code, message) {
      super(message);
      this.name = "PbxError";
      this.code = code;
    }
  };
  var NUMBER = /^\+?[0-9*#]{2,20}$/;
  var DIGITS = /^[0-9*#A-D]+$/;
  var DemoPbx = class {
    /** @type {Map<string, PbxCall>} */
    #calls = /* @__PURE__ */ new Map();
    /** @type {Map<string, (happening: object) => void>} */
    #monitors = /* @__PURE__ */ new Map();
    /** @type {Map<string, { agentId: string, extension: string, state: string, auxCode: string }>} */
    #agents = /* @__PURE__ */ new Map();
    #nextCall = 1;
    #nextExtension = 1001;
    #passwords;
    #busy;
    #queue = [];
    #delivering = false;
    /**
     * @param {{ passwords?: Record<string, string>, busyNumbers?: string[] }} [options]
     *   passwords: agent id → password (agents not listed log in with any non-empty password);
     *   busyNumbers: destinations that answer busy.
     */
    constructor(options = {}) {
      this.#passwords = options.passwords ?? {};
      this.#busy = new Set(options.busyNumbers ?? []);
    }
    // ── Monitoring ───────────────────────────────────────────────────────────────────────────
    /** Delivers every happening on `dn` to `listener`, asynchronously and in order, until stopped. */
    monitor(dn, listener) {
      this.#monitors.set(dn, listener);
      return () => {
        if (this.#monitors.get(dn) === listener) this.#monitors.delete(dn);
      };
    }
    /** Queued like a network would: a request's acknowledgement comes before the happenings it causes. */
    #notify(dn, happening) {
      if (!this.#monitors.has(dn)) return;
      this.#queue.push({ dn, happening });
      if (this.#delivering) return;
      this.#delivering = true;
      queueMicrotask(() => {
        while (this.#queue.length > 0) {
          const { dn: target, happening: next } = this.#queue.shift();
          this.#monitors.get(target)?.(next);
        }
        this.#delivering = false;
      });
    }
    #notifyCall(call, dn, type, extra = {}) {
      this.#notify(dn, { type, call: this.callView(call.id, dn), ...extra });
    }
    #notifyParties(call) {
      for (const party of call.parties) this.#notifyCall(call, party.dn, "parties");
    }
    // ── Agents (the ACD) ─────────────────────────────────────────────────────────────────────
    /** Signs an agent in on an extension (a free one when empty); the agent starts unavailable. */
    signIn(agentId, password, extension) {
      if (!agentId) throw new PbxError("AUTH", "agent id is empty");
      const expected = this.#passwords[agentId];
      if (!password || expected !== void 0 && expected !== password) throw new PbxError("AUTH", `wrong password for agent ${agentId}`);
      const existing = this.#agents.get(agentId);
      if (existing) throw new PbxError("IN_USE", `agent ${agentId} is signed in on ${existing.extension}`);
      const ext = extension || this.#freeExtension();
      if (!NUMBER.test(ext)) throw new PbxError("BAD_NUMBER", `"${ext}" is not an extension`);
      if ([...this.#agents.values()].some((a) => a.extension === ext)) throw new PbxError("IN_USE", `extension ${ext} is taken`);
      const agent = { agentId, extension: ext, state: "signedIn", auxCode: "" };
      this.#agents.set(agentId, agent);
      return { ...agent };
    }
    signOut(agentId, auxCode = "") {
      const agent = this.#agent(agentId);
      if (this.callsOf(agent.extension).length > 0) throw new PbxError("BAD_STATE", `agent ${agentId} still has calls on ${agent.extension}`);
      this.#agents.delete(agentId);
      const out = { ...agent, state: "signedOut", auxCode };
      this.#notify(agent.extension, { type: "signedOut", agent: out });
      return { ...out };
    }
    /** state: 'available' | 'unavailable' | 'wrapup'; auxCode is the PBX's own reason code. */
    setAgentState(agentId, state, auxCode = "") {
      const agent = this.#agent(agentId);
      if (agent.state === state && agent.auxCode === auxCode) throw new PbxError("SAME_STATE", `agent ${agentId} is already ${state}`);
      agent.state = state;
      agent.auxCode = auxCode;
      this.#notify(agent.extension, { type: "agent", agent: { ...agent } });
      return { ...agent };
    }
    /** Queues a full picture of an extension to its monitor: the agent there and its calls. */
    snapshot(dn) {
      const agent = [...this.#agents.values()].find((a) => a.extension === dn);
      this.#notify(dn, { type: "snapshot", agent: agent && { ...agent }, calls: this.callsOf(dn) });
    }
    agentStatus(agentId) {
      const agent = this.#agents.get(agentId);
      return agent ? { ...agent } : void 0;
    }
    #agent(agentId) {
      const agent = this.#agents.get(agentId);
      if (!agent) throw new PbxError("NOT_LOGGED_IN", `agent ${agentId} is not signed in`);
      return agent;
    }
    #freeExtension() {
      const taken = new Set([...this.#agents.values()].map((a) => a.extension));
      while (taken.has(String(this.#nextExtension))) this.#nextExtension += 1;
      return String(this.#nextExtension);
    }
    // ── Calls seen from one device ───────────────────────────────────────────────────────────
    /** A copy of a call as one device sees it: its own party state and the other parties. */
    callView(callId, dn) {
      const call = this.#calls.get(callId);
      if (!call) return void 0;
      const mine = call.parties.find((p) => p.dn === dn);
      const others = call.parties.filter((p) => p.dn !== dn);
      return {
        id: call.id,
        kind: call.kind,
        ani: call.ani,
        dnis: call.dnis,
        queue: call.queue,
        data: { ...call.data },
        myState: mine?.state,
        other: others[0]?.dn ?? "",
        parties: call.parties.map((p) => p.dn)
      };
    }
    /** The calls `dn` takes part in, oldest first. */
    callsOf(dn) {
      return [...this.#calls.values()].filter((c) => c.parties.some((p) => p.dn === dn)).map((c) => this.callView(c.id, dn));
    }
    /** DTMF digits sent on a call, in order. */
    digitsSent(callId) {
      return [...this.#calls.get(callId)?.digits ?? []];
    }
    #call(callId, dn, ...states) {
      const call = this.#calls.get(callId);
      const party = call?.parties.find((p) => p.dn === dn);
      if (!call || !party) throw new PbxError("NO_SUCH_CALL", `no call ${callId} on ${dn}`);
      if (states.length > 0 && !states.includes(party.state)) {
        throw new PbxError("BAD_STATE", `call ${callId} is ${party.state} on ${dn}, expected ${states.join(" or ")}`);
      }
      return { call, party };
    }
    #checkDestination(destination) {
      if (typeof destination !== "string" || !NUMBER.test(destination)) throw new PbxError("BAD_NUMBER", `"${destination}" is not a number`);
      if (this.#busy.has(destination)) throw new PbxError("BUSY", `${destination} is busy`);
    }
    #newCall(kind, ani, dnis, parties, data = {}, queue = "") {
      const call = { id: `demo-${this.#nextCall++}`, kind, ani, dnis, queue, data: { ...data }, parties, digits: [] };
      this.#calls.set(call.id, call);
      return call;
    }
    /** Removes a party; a call left with fewer than two parties ends for whoever is left. */
    #leave(call, dn, type = "clear", cause = "hangUp") {
      call.parties = call.parties.filter((p) => p.dn !== dn);
      this.#notify(dn, { type, call: { ...this.callView(call.id, dn), myState: void 0 }, cause });
      if (call.parties.length < 2) {
        for (const last of call.parties) this.#notify(last.dn, { type: "clear", call: { ...this.callView(call.id, last.dn), myState: void 0 }, cause: "farEnd" });
        this.#calls.delete(call.id);
      } else {
        this.#notifyParties(call);
      }
    }
    // ── Requests from a device ───────────────────────────────────────────────────────────────
    answer(dn, callId) {
      const { call, party } = this.#call(callId, dn, "ringing");
      party.state = "connected";
      for (const other of call.parties) if (other.state === "dialing") other.state = "connected";
      this.#notifyCall(call, dn, "connect");
      for (const other of call.parties) if (other.dn !== dn) this.#notifyCall(call, other.dn, "connect");
      this.#notifyParties(call);
    }
    hangUp(dn, callId) {
      const { call } = this.#call(callId, dn);
      this.#leave(call, dn);
    }
    hold(dn, callId) {
      const { call, party } = this.#call(callId, dn, "connected");
      party.state = "held";
      this.#notifyCall(call, dn, "hold");
    }
    unhold(dn, callId) {
      const { call, party } = this.#call(callId, dn, "held");
      party.state = "connected";
      this.#notifyCall(call, dn, "unhold");
    }
    /** Places a call from `dn`; kind 'consult' first holds the call `fromCallId`. */
    dial(dn, destination, kind = "outbound", fromCallId = void 0) {
      this.#checkDestination(destination);
      if (destination === dn) throw new PbxError("BAD_NUMBER", `${dn} cannot call itself`);
      let data = {};
      if (fromCallId !== void 0) {
        const { call: call2 } = this.#call(fromCallId, dn, "connected", "held");
        data = call2.data;
        if (call2.parties.some((p) => p.dn === destination)) throw new PbxError("ALREADY_PRESENT", `${destination} is already in call ${call2.id}`);
        if (call2.parties.find((p) => p.dn === dn)?.state === "connected") this.hold(dn, fromCallId);
      }
      const internal = this.#monitors.has(destination);
      const call = this.#newCall(kind === "consult" ? "consult" : internal ? "internal" : "outbound", dn, destination, [
        { dn, state: "dialing" },
        { dn: destination, state: "ringing" }
      ], data);
      this.#notifyCall(call, dn, "originate");
      this.#notifyCall(call, destination, "ring");
      return call.id;
    }
    digits(dn, callId, digits) {
      if (typeof digits !== "string" || !DIGITS.test(digits)) throw new PbxError("BAD_NUMBER", `"${digits}" are not DTMF digits`);
      const { call } = this.#call(callId, dn, "connected");
      call.digits.push(digits);
    }
    /** `dn` leaves the call; `destination` rings in its place. */
    redirect(dn, callId, destination) {
      this.#checkDestination(destination);
      const { call } = this.#call(callId, dn, "connected", "held", "ringing");
      if (call.parties.some((p) => p.dn === destination)) throw new PbxError("ALREADY_PRESENT", `${destination} is already in call ${call.id}`);
      call.parties.push({ dn: destination, state: "ringing" });
      this.#notifyCall(call, destination, "ring");
      this.#leave(call, dn, "clear", "transferred");
    }
    /** Joins the other parties of `activeCallId` into `heldCallId`; `dn` stays (conference) or leaves (transfer). */
    merge(dn, heldCallId, activeCallId, stay) {
      const { call: held } = this.#call(heldCallId, dn, "held");
      const { call: active } = this.#call(activeCallId, dn, "connected");
      const joining = active.parties.filter((p) => p.dn !== dn);
      for (const party of joining) {
        if (held.parties.some((p) => p.dn === party.dn)) throw new PbxError("ALREADY_PRESENT", `${party.dn} is already in call ${held.id}`);
      }
      for (const party of active.parties) {
        this.#notify(party.dn, { type: "clear", call: { ...this.callView(active.id, party.dn), myState: void 0 }, cause: "merged" });
      }
      this.#calls.delete(active.id);
      held.parties.push(...joining.map((p) => ({ ...p })));
      for (const party of joining) this.#notifyCall(held, party.dn, "join");
      if (stay) {
        this.unhold(dn, heldCallId);
        this.#notifyParties(held);
      } else {
        this.#leave(held, dn, "clear", "transferred");
      }
    }
    /** Holds the active call and retrieves the held one, or does neither. */
    swap(dn, heldCallId, activeCallId) {
      this.#call(heldCallId, dn, "held");
      this.#call(activeCallId, dn, "connected");
      this.hold(dn, activeCallId);
      this.unhold(dn, heldCallId);
    }
    dropParty(dn, callId, party) {
      const { call } = this.#call(callId, dn, "connected", "held");
      if (!call.parties.some((p) => p.dn === party)) throw new PbxError("NOT_PRESENT", `${party} is not in call ${callId}`);
      this.#leave(call, party, "clear", "dropped");
    }
    // ── The outside world (the driver) ───────────────────────────────────────────────────────
    /**
     * An outside caller rings the extension `to`. Returns the call id.
     * @param {string} to
     * @param {{ from?: string, dnis?: string, queue?: string, data?: Record<string, string> }} [options]
     */
    ringAgent(to, options = {}) {
      const from = options.from ?? "+15550100";
      if (!this.#monitors.has(to)) throw new PbxError("BAD_NUMBER", `nobody monitors ${to}`);
      const call = this.#newCall("inbound", from, options.dnis ?? "8000", [
        { dn: from, state: "connected" },
        { dn: to, state: "ringing" }
      ], options.data, options.queue ?? "");
      this.#notifyCall(call, to, "ring");
      return call.id;
    }
    /** The ringing outside party of a call answers (a dialled number or a transfer target). */
    farEndAnswers(callId, dn = void 0) {
      const call = this.#calls.get(callId);
      const party = call?.parties.find((p) => p.state === "ringing" && (dn === void 0 ? !this.#monitors.has(p.dn) : p.dn === dn));
      if (!call || !party) throw new PbxError("NO_SUCH_CALL", `nobody rings on call ${callId}`);
      this.answer(party.dn, callId);
    }
    /** The outside party (or `dn`) hangs up; an unanswered caller abandons. */
    farEndHangsUp(callId, dn = void 0) {
      const call = this.#calls.get(callId);
      const party = call?.parties.find((p) => dn === void 0 ? !this.#monitors.has(p.dn) : p.dn === dn);
      if (!call || !party) throw new PbxError("NO_SUCH_CALL", `no outside party on call ${callId}`);
      const unanswered = call.parties.every((p) => p.dn === party.dn || p.state === "ringing");
      if (!unanswered) return this.#leave(call, party.dn, "clear", "hangUp");
      for (const other of call.parties) {
        if (other.dn !== party.dn) this.#notify(other.dn, { type: "abandon", call: { ...this.callView(call.id, other.dn), myState: void 0 } });
      }
      this.#calls.delete(call.id);
    }
    /** Call-attached data changes (an IVR or another system wrote to the call). */
    attachData(callId, data) {
      const call = this.#calls.get(callId);
      if (!call) throw new PbxError("NO_SUCH_CALL", `no call ${callId}`);
      Object.assign(call.data, data);
      for (const party of call.parties) this.#notifyCall(call, party.dn, "data");
    }
  };

  // examples/pega-connector/demo-pbx.module.js
  var shared = null;
  var AcmeDemoPbx = class _AcmeDemoPbx extends DemoPbx {
    static PbxError = PbxError;
    /** The page's PBX, made on first use: what a vendor SDK's singleton would be. */
    static shared() {
      if (!shared) shared = new _AcmeDemoPbx();
      return shared;
    }
    /** Replaces the page's PBX with a fresh one (options as for the constructor); tests start clean with it. */
    static reset(options) {
      shared = new _AcmeDemoPbx(options);
      return shared;
    }
  };
  globalThis.AcmeDemoPbx = AcmeDemoPbx;
})();
