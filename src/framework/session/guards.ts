/**
 * Checks a request against its arguments and the known state before it reaches the
 * implementation: a request that cannot succeed is refused here, with a message that says why.
 * Each check returns a Refusal, or undefined when the request may go on.
 */
import type { ErrorCode } from '../errors/codes.js';
import { RequestCallData } from '../requests.js';
import { compileValidator, describeProblems } from '../schema/validate.js';
import type { ReasonCode } from '../schema/context.js';
import { WORK_MODES, type CallStateName } from '../schema/events.js';
import { isActive, isRinging } from './reducer.js';
import type { CallView, SessionState } from './types.js';

export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

const refuse = (code: ErrorCode, message: string): Refusal => ({ code, message });

/** The first refusal among the checks, in order. */
export const firstRefusal = (...checks: (Refusal | undefined)[]): Refusal | undefined => checks.find((c) => c !== undefined);

export const findCall = (state: SessionState, callId: string): CallView | undefined =>
  state.calls.find((c) => c.callId === callId);

const describeState = (call: CallView): string => `call "${call.callId}" is ${call.state}`;

type CallRequirement = 'any' | 'ringing' | 'active' | 'held' | 'activeOrHeld';

const REQUIREMENTS: Record<CallRequirement, { test: (s: CallStateName) => boolean; wanted: string }> = {
  any: { test: () => true, wanted: 'in progress' },
  ringing: { test: isRinging, wanted: 'ringing (Alerting or Offering)' },
  active: { test: isActive, wanted: 'active (Established, Connected or Retrieved)' },
  held: { test: (s) => s === 'Held', wanted: 'Held' },
  activeOrHeld: { test: (s) => isActive(s) || s === 'Held', wanted: 'active or Held' },
};

/** The call must exist on this extension and be in the state the request needs. */
export function requireCall(state: SessionState, request: string, callId: unknown, requirement: CallRequirement, role = 'call'): Refusal | undefined {
  if (typeof callId !== 'string' || callId.length === 0) {
    return refuse('OPENCTI_CF_INVALID_OBJECT_STATE', `${request} needs a ${role} id (got ${JSON.stringify(callId)})`);
  }
  const call = findCall(state, callId);
  if (!call) {
    const known = state.calls.map((c) => `"${c.callId}"`).join(', ');
    return refuse('OPENCTI_CF_INVALID_OBJECT_STATE', `${request}: no call "${callId}" on this extension (calls: ${known || 'none'})`);
  }
  const { test, wanted } = REQUIREMENTS[requirement];
  if (!test(call.state)) {
    return refuse('OPENCTI_CF_INVALID_OBJECT_STATE', `${request}: ${describeState(call)}, but the ${role} must be ${wanted}`);
  }
  return undefined;
}

/** transferComplete, conferenceComplete, alternateCall: one held call and one other active call. */
export function requireHeldAndActive(state: SessionState, request: string, heldCallId: unknown, activeCallId: unknown): Refusal | undefined {
  if (heldCallId === activeCallId) {
    return refuse('OPENCTI_CF_INVALID_OBJECT_STATE', `${request} needs two different calls (got "${String(heldCallId)}" twice)`);
  }
  return firstRefusal(
    requireCall(state, request, heldCallId, 'held', 'held call'),
    requireCall(state, request, activeCallId, 'active', 'active call'),
  );
}

export function requireDestination(request: string, destination: unknown): Refusal | undefined {
  if (typeof destination !== 'string' || destination.trim().length === 0) {
    return refuse('OPENCTI_CF_INVALID_DESTINATION', `${request} needs a destination (got ${JSON.stringify(destination)})`);
  }
  return undefined;
}

// The same set and length the reference server's protocol accepts (protocol.ts).
const DTMF = /^[0-9*#A-Da-d]{1,64}$/;

export function requireDigits(digits: unknown): Refusal | undefined {
  if (typeof digits !== 'string' || !DTMF.test(digits)) {
    return refuse('OPENCTI_INVALID_ACTION', `sendDTMF digits must be 1 to 64 of 0-9 * # A-D (got ${JSON.stringify(digits)})`);
  }
  return undefined;
}

export function requireParty(state: SessionState, callId: string, party: unknown): Refusal | undefined {
  if (typeof party !== 'string' || party.length === 0) {
    return refuse('OPENCTI_INVALID_ACTION', `dropParty needs a party (got ${JSON.stringify(party)})`);
  }
  const call = findCall(state, callId);
  // Parties are only known once the server sent them; until then the server decides.
  if (call && call.parties.length > 0 && !call.parties.includes(party)) {
    return refuse('OPENCTI_CF_INVALID_OBJECT_STATE', `dropParty: "${party}" is not a party of call "${callId}" (parties: ${call.parties.join(', ')})`);
  }
  return undefined;
}

/** setCallData: a flat object of string values with at least one key, as pyCallData carries. */
export function requireCallData(data: unknown): Refusal | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return refuse('OPENCTI_INVALID_ACTION', `setCallData needs data as an object of string values (got ${JSON.stringify(data) ?? String(data)})`);
  }
  const entries = Object.entries(data);
  if (entries.length === 0) return refuse('OPENCTI_INVALID_ACTION', 'setCallData needs at least one key in data (got {})');
  const empty = entries.find(([key]) => key.length === 0);
  if (empty) return refuse('OPENCTI_INVALID_ACTION', 'setCallData: data keys must not be empty');
  const wrong = entries.find(([, value]) => typeof value !== 'string');
  if (wrong) {
    return refuse('OPENCTI_INVALID_ACTION', `setCallData: data "${wrong[0]}" must be a string (got ${JSON.stringify(wrong[1]) ?? String(wrong[1])})`);
  }
  return undefined;
}

/** Options are an object (or left out): connectors read their fields. */
export function requireOptions(request: string, options: unknown): Refusal | undefined {
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) return undefined;
  return refuse('OPENCTI_INVALID_ACTION', `${request}: options must be an object (got ${JSON.stringify(options) ?? String(options)})`);
}

const validCallData = compileValidator(RequestCallData);

/** `options.callData`, when given, holds Pega's containers in their contract shapes. */
export function requireCallDataOption(request: string, options: Readonly<Record<string, unknown>>): Refusal | undefined {
  if (options.callData === undefined) return undefined;
  const checked = validCallData(options.callData);
  if (checked.ok) return undefined;
  return refuse('OPENCTI_INVALID_ACTION', `${request}: options.callData is not valid: ${describeProblems(checked.problems)}`);
}

export function requireWorkMode(request: string, workMode: unknown): Refusal | undefined {
  if (workMode === undefined || (typeof workMode === 'string' && (WORK_MODES as readonly string[]).includes(workMode))) return undefined;
  return refuse('OPENCTI_INVALID_ACTION', `${request}: workMode must be one of ${WORK_MODES.join(', ')} (got ${JSON.stringify(workMode)})`);
}

/**
 * When the context lists reason codes of this kind, the code must be one of them.
 * `optional` allows an empty code (logout without a reason, after-call work).
 */
export function requireReasonCode(request: string, kind: 'Not Ready' | 'Logout', reasonCode: unknown, listed: readonly ReasonCode[], optional: boolean): Refusal | undefined {
  if (reasonCode !== undefined && typeof reasonCode !== 'string') {
    return refuse('OPENCTI_INVALID_ACTION', `${request}: reasonCode must be a string (got ${JSON.stringify(reasonCode)})`);
  }
  if ((reasonCode === undefined || reasonCode === '') && optional) return undefined;
  // With no list in the context, the server is the judge.
  if (listed.length === 0) return undefined;
  if (listed.some((r) => r.code === reasonCode)) return undefined;
  const allowed = listed.map((r) => `"${r.code}" (${r.label})`).join(', ');
  return refuse('OPENCTI_INVALID_ACTION', `${request}: ${JSON.stringify(reasonCode ?? '')} is not a ${kind} reason code of this application; use one of ${allowed}`);
}
