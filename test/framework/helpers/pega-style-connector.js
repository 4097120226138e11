/**
 * A connector written the way Pega's OpenCTI interface file writes one, copied as it is: a
 * constructor that sets its identity, functions on the prototype taking `success, failure`
 * callbacks, implementationVersion "1", no frameworkApi, a Logger behind getLogger(), and the
 * spellings `consulationCall` and `dropparty`. Its CTI server is the demo PBX of
 * examples/callback-connector (reached through that example's connector, as a vendor SDK would be).
 */
import { createCallbackConnector } from '../../../examples/callback-connector/index.js';

/** The constructor for a connector talking to this PBX; `logger` is what its getLogger() returns. */
export function definePegaConnector(pbx, logger) {
  const Acme = function () {
    this.name = 'Acme';
    this.implementationVersion = '1';
    this.Logger = logger;
    this.sdk = createCallbackConnector({ pbx });
  };

  Acme.prototype.getLogger = function () {
    return this.Logger;
  };

  Acme.prototype.login = function (agentId, agentPwd, extension, linkDefinition, options, success, failure, forwardEvent) {
    this.sdk.login(agentId, agentPwd, extension, linkDefinition, options, success, failure, forwardEvent);
  };
  Acme.prototype.logout = function (agentId, reasonCode, options, success, failure) {
    this.sdk.logout(agentId, reasonCode, options, success, failure);
  };
  Acme.prototype.agentReady = function (agentId, workMode, options, success, failure) {
    this.sdk.agentReady(agentId, workMode, options, success, failure);
  };
  Acme.prototype.agentNotReady = function (agentId, workMode, reasonCode, linkDefinition, options, success, failure) {
    this.sdk.agentNotReady(agentId, workMode, reasonCode, linkDefinition, options, success, failure);
  };
  Acme.prototype.answerCall = function (callId, options, success, failure) {
    this.sdk.answerCall(callId, options, success, failure);
  };
  Acme.prototype.hangUpCall = function (callId, options, success, failure) {
    this.sdk.hangUpCall(callId, options, success, failure);
  };
  Acme.prototype.holdCall = function (callId, options, success, failure) {
    this.sdk.holdCall(callId, options, success, failure);
  };
  Acme.prototype.retrieveCall = function (callId, options, success, failure) {
    this.sdk.retrieveCall(callId, options, success, failure);
  };
  Acme.prototype.makeCall = function (destination, options, success, failure) {
    this.sdk.makeCall(destination, options, success, failure);
  };
  Acme.prototype.sendDTMF = function (callId, digits, options, success, failure) {
    this.sdk.sendDTMF(callId, digits, options, success, failure);
  };
  Acme.prototype.blindTransfer = function (callId, destination, options, success, failure) {
    this.sdk.blindTransfer(callId, destination, options, success, failure);
  };
  Acme.prototype.transferInitiate = function (callId, destination, options, success, failure) {
    this.sdk.transferInitiate(callId, destination, options, success, failure);
  };
  Acme.prototype.transferComplete = function (heldCallId, activeCallId, options, success, failure) {
    this.sdk.transferComplete(heldCallId, activeCallId, options, success, failure);
  };
  Acme.prototype.consulationCall = function (callId, destination, options, success, failure) {
    this.sdk.consultationCall(callId, destination, options, success, failure);
  };
  Acme.prototype.conferenceInitiate = function (callId, destination, options, success, failure) {
    this.sdk.conferenceInitiate(callId, destination, options, success, failure);
  };
  Acme.prototype.conferenceComplete = function (heldCallId, activeCallId, options, success, failure) {
    this.sdk.conferenceComplete(heldCallId, activeCallId, options, success, failure);
  };
  Acme.prototype.dropparty = function (callId, party, options, success, failure) {
    this.sdk.dropParty(callId, party, options, success, failure);
  };

  return Acme;
}
