/**
 * What a device may ask of a call right now (pyCapabilities): what the call's state allows, less
 * what the phone on the extension cannot do. A desktop enables its buttons from it, so a request
 * the phone cannot honour is never offered in the first place. Recording steps are not listed:
 * they change by CallInfoEvent "Recording", and pyRecordingState says which step comes next.
 */
import { REQUEST_NAMES } from '../../framework/requests.js';
import { SwitchError, q } from './errors.js';
import { snapshotEvent } from './events.js';
import { agentAt, callsOf, isKnownExtension, type Call, type Ctx, type Party } from './model.js';

/** Requests a connected leg allows on its own. */
const TALKING = ['hangUpCall', 'holdCall', 'sendDTMF', 'blindTransfer', 'transferInitiate', 'consultationCall', 'conferenceInitiate', 'setCallData'];
/** With one call held and another talking, on both of them. */
const PAIR = ['transferComplete', 'conferenceComplete', 'alternateCall'];

/** The requests possible now for this party of the call, in table order. */
export function capabilitiesOf(ctx: Ctx, call: Call, party: Party): string[] {
  const possible = new Set<string>();
  switch (party.state) {
    case 'alerting':
      possible.add('hangUpCall');
      if (party.dn !== call.originator) {
        possible.add('answerCall');
        possible.add('rejectCall');
      }
      break;
    case 'initiated':
      possible.add('hangUpCall');
      break;
    case 'held':
      for (const r of ['retrieveCall', 'hangUpCall', 'blindTransfer', 'setCallData']) possible.add(r);
      break;
    case 'connected':
      for (const r of TALKING) possible.add(r);
      if (call.parties.length > 2) possible.add('dropParty');
      break;
  }
  if (party.state === 'held' || party.state === 'connected') {
    possible.add(party.muted ? 'unmuteCall' : 'muteCall');
    const want = party.state === 'held' ? 'connected' : 'held';
    const pair = callsOf(ctx, party.dn).some((other) => other !== call && other.parties.some((p) => p.dn === party.dn && p.state === want));
    if (pair) for (const r of PAIR) possible.add(r);
  }
  // A supervisor's leg (monitor, whisper, barge) can only be hung up; its mode changes over the supervise route.
  if (party.supervision) return possible.has('hangUpCall') ? ['hangUpCall'] : [];
  const limits = ctx.phoneLimits.get(party.dn);
  return REQUEST_NAMES.filter((name) => possible.has(name) && !limits?.has(name));
}

/** The phone on the extension cannot carry out these requests; the agent there hears it in a Snapshot. */
export function setPhoneLimits(ctx: Ctx, dn: string, requests: readonly string[]): void {
  if (typeof dn !== 'string' || !isKnownExtension(ctx, dn)) throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `unknown extension ${q(dn)}`);
  if (!Array.isArray(requests)) throw new SwitchError('OPENCTI_INVALID_ACTION', `phone limits must be a list of request names, got ${q(requests)}`);
  const unknown = requests.filter((r) => !(REQUEST_NAMES as readonly unknown[]).includes(r));
  if (unknown.length > 0) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `phone limits name unknown requests ${unknown.map(q).join(', ')}; use request names such as conferenceInitiate`);
  }
  if (requests.length === 0) ctx.phoneLimits.delete(dn);
  else ctx.phoneLimits.set(dn, new Set(requests));
  const agent = agentAt(ctx, dn);
  if (agent) ctx.emit({ extension: dn, agentId: agent.config.agentId, event: snapshotEvent(ctx, agent) });
}
