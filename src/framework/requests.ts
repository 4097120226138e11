/**
 * The one table of requests. Each request is declared here once: the telephony modes that allow
 * it and need it (SPEC §2), the connector function's parameters (SPEC §5) and other spellings;
 * its arguments on the reference server's wire protocol are declared beside it, by the same name,
 * in schema/wire.ts (schema builders stay out of this module, which a browser page imports). The
 * mode table (modes.ts), the callback adapter's arities (compat/), the protocol's OP_ARGS, the
 * session's and the registry's checks and the conformance kit all derive from it; what a request
 * does stays in the code that acts (the Session method, the server's op handler, the connector).
 */
import type { TUnsafe } from '@sinclair/typebox';
import type { RequestFunctions, RequestName } from './implementation.js';
import type { TelephonyMode } from './schema/context.js';
import type { CallDataContainers } from './schema/events.js';
import { APPLICATION_DATA_SCHEMA, CALL_VARIABLES_SCHEMA, USER_DATA_SCHEMA } from './schema/call-data-json.js';

/** The part of SPEC §5 a request belongs to. */
export type RequestGroup = 'session' | 'agentState' | 'basicCall' | 'advancedCall';

/** One positional parameter of the connector function (promise style), in order. */
export interface RequestParam {
  readonly name: string;
  /** The framework may hand it an empty value (""); on the wire the argument may be left out. */
  readonly optional?: boolean;
}

export interface RequestSpec {
  readonly group: RequestGroup;
  /** Modes in which the framework lets a host call it. */
  readonly modes: readonly TelephonyMode[];
  /** Modes in which a connector must provide it to be registered (a subset of `modes`). */
  readonly requiredIn: readonly TelephonyMode[];
  /**
   * The connector function's parameters. In the original callback style, `success, failure`
   * follow `options`; whatever comes after `options` (login's forwardEvent) follows the callbacks.
   */
  readonly params: readonly RequestParam[];
  /** Other spellings of the name that connectors written for other hosts use. */
  readonly aliases: readonly string[];
  /**
   * The request may carry call data for the call it places or sends on, in `options.callData`
   * (Pega's containers, RequestCallData); on the wire it is the `callData` argument.
   */
  readonly callData?: boolean;
}

/**
 * Call data a request carries for the call it places or sends on (`options.callData`; `callData`
 * on the wire): the containers of a CallStateEvent, at least one of them. A plain JSON Schema,
 * the one TypeBox would build, so that the browser page checks it without TypeBox.
 */
export const RequestCallData = {
  additionalProperties: false,
  minProperties: 1,
  description: 'Call data for the new call or the call sent on',
  type: 'object',
  properties: {
    pyCallData: {
      maxProperties: 64,
      description: 'Flat call data, as pyCallData',
      type: 'object',
      patternProperties: { '^(.*)$': { maxLength: 4096, type: 'string' } },
    },
    pyUserData: USER_DATA_SCHEMA,
    pyCallVariables: CALL_VARIABLES_SCHEMA,
    pyApplicationData: APPLICATION_DATA_SCHEMA,
  },
} as unknown as TUnsafe<RequestCallDataValue>;

/** What RequestCallData accepts. */
export type RequestCallDataValue = CallDataContainers;

// ---- parameters ----

const p = (name: string): RequestParam => ({ name });
const opt = (name: string): RequestParam => ({ name, optional: true });
const OPTIONS = p('options');
const callParams = [p('callId'), OPTIONS] as const;
const consultParams = [p('callId'), p('destination'), OPTIONS] as const;
const heldActiveParams = [p('heldCallId'), p('activeCallId'), OPTIONS] as const;

const ALL_MODES = ['simple', 'agentState', 'full'] as const satisfies readonly TelephonyMode[];
const AGENT_MODES = ['agentState', 'full'] as const satisfies readonly TelephonyMode[];
const FULL = ['full'] as const satisfies readonly TelephonyMode[];

/** A table entry; keeps the exact parameter tuple type for the checks. */
const request = <const P extends readonly RequestParam[]>(
  spec: Omit<RequestSpec, 'params' | 'aliases'> & { params: P; aliases?: readonly string[] },
) => ({ ...spec, aliases: spec.aliases ?? [], callData: spec.callData ?? false });

/** Every request a connector may implement, in the order of SPEC §5; the wire protocol lists its ops in this order. */
export const REQUEST_TABLE = {
  login: request({
    group: 'session',
    modes: ALL_MODES,
    requiredIn: ALL_MODES,
    params: [p('agentId'), p('agentPwd'), opt('extension'), p('linkDefinition'), OPTIONS, p('forwardEvent')],
  }),
  logout: request({
    group: 'session',
    modes: ALL_MODES,
    requiredIn: ALL_MODES,
    params: [p('agentId'), opt('reasonCode'), OPTIONS],
  }),
  agentReady: request({
    group: 'agentState',
    modes: AGENT_MODES,
    requiredIn: AGENT_MODES,
    params: [p('agentId'), opt('workMode'), OPTIONS],
  }),
  agentNotReady: request({
    group: 'agentState',
    modes: AGENT_MODES,
    requiredIn: AGENT_MODES,
    params: [p('agentId'), opt('workMode'), opt('reasonCode'), p('linkDefinition'), OPTIONS],
  }),
  answerCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams }),
  hangUpCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams }),
  holdCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams }),
  retrieveCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams }),
  makeCall: request({
    group: 'basicCall',
    modes: FULL,
    requiredIn: FULL,
    params: [p('destination'), OPTIONS],
    callData: true,
  }),
  sendDTMF: request({
    group: 'basicCall',
    modes: FULL,
    requiredIn: FULL,
    params: [p('callId'), p('digits'), OPTIONS],
  }),
  blindTransfer: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    callData: true,
  }),
  transferInitiate: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    callData: true,
  }),
  transferComplete: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: heldActiveParams,
  }),
  consultationCall: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    // Pega's interface file spells it this way; connectors copied from it keep the spelling.
    aliases: ['consulationCall'],
    callData: true,
  }),
  conferenceInitiate: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    callData: true,
  }),
  conferenceComplete: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: heldActiveParams,
  }),
  dropParty: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: [p('callId'), p('party'), OPTIONS],
    aliases: ['dropparty'],
  }),
  /** Allowed in full mode, but a connector may leave it out. */
  alternateCall: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: [],
    params: heldActiveParams,
  }),
  /** Merges data into the call's pyCallData; every party's desktop hears a CallInfoEvent. Optional. */
  setCallData: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: [],
    params: [p('callId'), p('data'), OPTIONS],
  }),
  /** Mutes the agent's own leg (pyMuted on the call's next CallStateEvent). Optional. */
  muteCall: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams }),
  unmuteCall: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams }),
  /** Declines an offer (Alerting): an ACD call goes back to the front of its queue. Optional. */
  rejectCall: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams }),
  /** Recording control; each change arrives as a CallInfoEvent named "Recording". Optional. */
  startRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams }),
  pauseRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams }),
  resumeRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams }),
  stopRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams }),
} as const satisfies Readonly<Record<string, RequestSpec>>;

type Table = typeof REQUEST_TABLE;

// The table and the connector contract (implementation.ts) name the same functions with the same
// number of parameters: a request added to one and not the other does not compile.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Check<T extends true> = T;
type _TableNamesMatchContract = Check<Same<keyof Table, RequestName>>;
type _TableParamsMatchContract = Check<
  Same<
    { [K in RequestName]: Parameters<RequestFunctions[K]>['length'] },
    { [K in RequestName]: Table[K]['params']['length'] }
  >
>;

/** Every request a connector may implement, with its declaration, in table order. */
export const REQUESTS: readonly (RequestSpec & { readonly name: RequestName })[] = Object.entries(REQUEST_TABLE as Readonly<Record<string, RequestSpec>>).map(
  ([name, spec]) => ({ ...spec, name: name as RequestName }),
);

/** The requests that may carry call data in `options.callData`, in table order. */
export const CALL_DATA_REQUESTS: readonly RequestName[] = REQUESTS.filter((r) => r.callData).map((r) => r.name);

/** The names of REQUESTS, in table order. */
export const REQUEST_NAMES: readonly RequestName[] = REQUESTS.map((r) => r.name);

/**
 * Where `success, failure` go in the original callback style: after this many leading parameters
 * (options included); the parameters after them (login's forwardEvent) come after the callbacks.
 */
export function callbackLayout(spec: RequestSpec): { readonly arity: number; readonly trailing: number } {
  const arity = spec.params.findIndex((param) => param.name === 'options') + 1;
  return { arity, trailing: spec.params.length - arity };
}

/**
 * The connector's function for a request: under its name, else under the first of its aliases
 * the connector has (a connector written for another host may spell it that way).
 */
export function functionFor(connector: object, spec: Pick<RequestSpec, 'aliases'> & { readonly name: string }): ((...args: never[]) => unknown) | undefined {
  const own = connector as Record<string, unknown>;
  const found = [spec.name, ...spec.aliases].map((key) => own[key]).find((fn) => typeof fn === 'function');
  return found as ((...args: never[]) => unknown) | undefined;
}
