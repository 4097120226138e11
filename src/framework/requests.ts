/**
 * The one table of requests. Each request is declared here once: the telephony modes that allow
 * it and need it (SPEC §2), the connector function's parameters (SPEC §5), its arguments on the
 * reference server's wire protocol, and other spellings. The mode table (modes.ts), the callback
 * adapter's arities (compat/), the protocol's OP_ARGS (schema/protocol.ts), the session's and the
 * registry's checks and the conformance kit all derive from it; what a request does stays in the
 * code that acts (the Session method, the server's op handler, the connector).
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { RequestFunctions, RequestName } from './implementation.js';
import type { TelephonyMode } from './schema/context.js';
import { ApplicationData, CallVariables, UserData } from './schema/events.js';

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
  /** Its arguments on the wire protocol (an `options` object is always allowed too). */
  readonly wire: TObject;
  /** Other spellings of the name that connectors written for other hosts use. */
  readonly aliases: readonly string[];
  /**
   * The request may carry call data for the call it places or sends on, in `options.callData`
   * (Pega's containers, RequestCallData); on the wire it is the `callData` argument.
   */
  readonly callData?: boolean;
}

/** An operation of the wire protocol that no connector implements (the server answers it itself). */
export interface WireOnlySpec {
  readonly wireOnly: true;
  readonly wire: TObject;
}

// ---- wire argument schemas ----

const str = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });
const optionalStr = (description: string) => Type.Optional(Type.String({ maxLength: 256, description }));
const options = Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Passed through' }));
const args = <T extends Record<string, TSchema>>(properties: T) => Type.Object({ ...properties, options }, { additionalProperties: false });

/**
 * Call data a request carries for the call it places or sends on (`options.callData`; `callData`
 * on the wire): the containers of a CallStateEvent, at least one of them.
 */
export const RequestCallData = Type.Object(
  {
    pyCallData: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: 4096 }), { maxProperties: 64, description: 'Flat call data, as pyCallData' }),
    ),
    pyUserData: Type.Optional(UserData),
    pyCallVariables: Type.Optional(CallVariables),
    pyApplicationData: Type.Optional(ApplicationData),
  },
  { additionalProperties: false, minProperties: 1, description: 'Call data for the new call or the call sent on' },
);
const callData = Type.Optional(RequestCallData);

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

/** A table entry; keeps the exact parameter tuple and wire schema types for the checks and OpArgs. */
const request = <const P extends readonly RequestParam[], W extends TObject>(
  spec: Omit<RequestSpec, 'params' | 'wire' | 'aliases'> & { params: P; wire: W; aliases?: readonly string[] },
) => ({ ...spec, aliases: spec.aliases ?? [], callData: spec.callData ?? false });

/** Every request, in the order of SPEC §5; the wire protocol lists its ops in this order. */
export const REQUEST_TABLE = {
  login: request({
    group: 'session',
    modes: ALL_MODES,
    requiredIn: ALL_MODES,
    params: [p('agentId'), p('agentPwd'), opt('extension'), p('linkDefinition'), OPTIONS, p('forwardEvent')],
    wire: args({
      agentId: str('Agent id'),
      agentPwd: Type.String({ maxLength: 256, description: 'Agent password' }),
      extension: optionalStr('Extension; empty or absent lets the server choose'),
    }),
  }),
  logout: request({
    group: 'session',
    modes: ALL_MODES,
    requiredIn: ALL_MODES,
    params: [p('agentId'), opt('reasonCode'), OPTIONS],
    wire: args({ reasonCode: optionalStr('Logout reason code') }),
  }),
  /** Re-attaches a connection to a session: after a reconnect (with lastSeq) or from a second tab. */
  resume: {
    wireOnly: true,
    wire: args({
      token: str('Session token from the login result'),
      lastSeq: Type.Optional(Type.Integer({ minimum: 0, description: 'Last event seq seen; absent asks for a fresh Snapshot' })),
    }),
  },
  agentReady: request({
    group: 'agentState',
    modes: AGENT_MODES,
    requiredIn: AGENT_MODES,
    params: [p('agentId'), opt('workMode'), OPTIONS],
    wire: args({ workMode: optionalStr('Work mode') }),
  }),
  agentNotReady: request({
    group: 'agentState',
    modes: AGENT_MODES,
    requiredIn: AGENT_MODES,
    params: [p('agentId'), opt('workMode'), opt('reasonCode'), p('linkDefinition'), OPTIONS],
    wire: args({ reasonCode: optionalStr('Not Ready reason code'), workMode: optionalStr('Work mode, ACW for after-call work') }),
  }),
  answerCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams, wire: args({ callId: str('Call id') }) }),
  hangUpCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams, wire: args({ callId: str('Call id') }) }),
  holdCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams, wire: args({ callId: str('Call id') }) }),
  retrieveCall: request({ group: 'basicCall', modes: FULL, requiredIn: FULL, params: callParams, wire: args({ callId: str('Call id') }) }),
  makeCall: request({
    group: 'basicCall',
    modes: FULL,
    requiredIn: FULL,
    params: [p('destination'), OPTIONS],
    wire: args({ destination: str('Number or extension to call'), callData }),
    callData: true,
  }),
  sendDTMF: request({
    group: 'basicCall',
    modes: FULL,
    requiredIn: FULL,
    params: [p('callId'), p('digits'), OPTIONS],
    wire: args({ callId: str('Call id'), digits: Type.String({ pattern: '^[0-9*#A-Da-d]{1,64}$', description: 'DTMF digits' }) }),
  }),
  blindTransfer: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    wire: args({ callId: str('Call id'), destination: str('Transfer target'), callData }),
    callData: true,
  }),
  transferInitiate: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    wire: args({ callId: str('Call id'), destination: str('Consult target'), callData }),
    callData: true,
  }),
  transferComplete: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: heldActiveParams,
    wire: args({ heldCallId: str('The held call'), activeCallId: str('The consult call') }),
  }),
  consultationCall: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    wire: args({ callId: str('Call id'), destination: str('Consult target'), callData }),
    // Pega's interface file spells it this way; connectors copied from it keep the spelling.
    aliases: ['consulationCall'],
    callData: true,
  }),
  conferenceInitiate: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: consultParams,
    wire: args({ callId: str('Call id'), destination: str('Consult target'), callData }),
    callData: true,
  }),
  conferenceComplete: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: heldActiveParams,
    wire: args({ heldCallId: str('The held call'), activeCallId: str('The consult call') }),
  }),
  dropParty: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: FULL,
    params: [p('callId'), p('party'), OPTIONS],
    wire: args({ callId: str('Call id'), party: str('Device to drop') }),
    aliases: ['dropparty'],
  }),
  /** Allowed in full mode, but a connector may leave it out. */
  alternateCall: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: [],
    params: heldActiveParams,
    wire: args({ heldCallId: str('The held call'), activeCallId: str('The active call') }),
  }),
  /** Merges data into the call's pyCallData; every party's desktop hears a CallInfoEvent. Optional. */
  setCallData: request({
    group: 'advancedCall',
    modes: FULL,
    requiredIn: [],
    params: [p('callId'), p('data'), OPTIONS],
    wire: args({
      callId: str('Call id'),
      data: Type.Record(Type.String(), Type.String({ maxLength: 4096 }), {
        minProperties: 1,
        maxProperties: 64,
        description: 'Keys and string values merged into the call data (pyCallData)',
      }),
    }),
  }),
  /** Mutes the agent's own leg (pyMuted on the call's next CallStateEvent). Optional. */
  muteCall: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams, wire: args({ callId: str('Call id') }) }),
  unmuteCall: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams, wire: args({ callId: str('Call id') }) }),
  /** Declines an offer (Alerting): an ACD call goes back to the front of its queue. Optional. */
  rejectCall: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams, wire: args({ callId: str('Call id') }) }),
  /** Recording control; each change arrives as a CallInfoEvent named "Recording". Optional. */
  startRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams, wire: args({ callId: str('Call id') }) }),
  pauseRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams, wire: args({ callId: str('Call id') }) }),
  resumeRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams, wire: args({ callId: str('Call id') }) }),
  stopRecording: request({ group: 'advancedCall', modes: FULL, requiredIn: [], params: callParams, wire: args({ callId: str('Call id') }) }),
} as const satisfies Readonly<Record<string, RequestSpec | WireOnlySpec>>;

type Table = typeof REQUEST_TABLE;

/** Every name in the table, wire-only ops included, in table order. */
export type TableName = keyof Table;

/** The wire schemas of the table, by name: the protocol's OP_ARGS. */
export type WireArgs = { readonly [K in TableName]: Table[K]['wire'] };

/** The connector requests of the table: everything but the wire-only ops. */
type ConnectorName = { [K in TableName]: Table[K] extends WireOnlySpec ? never : K }[TableName];

// The table and the connector contract (implementation.ts) name the same functions with the same
// number of parameters: a request added to one and not the other does not compile.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Check<T extends true> = T;
type _TableNamesMatchContract = Check<Same<ConnectorName, RequestName>>;
type _TableParamsMatchContract = Check<
  Same<
    { [K in RequestName]: Parameters<RequestFunctions[K]>['length'] },
    { [K in RequestName]: Table[K]['params']['length'] }
  >
>;

const isConnectorRequest = (spec: RequestSpec | WireOnlySpec): spec is RequestSpec => !('wireOnly' in spec);

/** Every request a connector may implement, with its declaration, in table order. */
export const REQUESTS: readonly (RequestSpec & { readonly name: RequestName })[] = Object.entries(REQUEST_TABLE as Readonly<Record<string, RequestSpec | WireOnlySpec>>)
  .filter((entry): entry is [string, RequestSpec] => isConnectorRequest(entry[1]))
  .map(([name, spec]) => ({ ...spec, name: name as RequestName }));

/** The requests that may carry call data in `options.callData`, in table order. */
export const CALL_DATA_REQUESTS: readonly RequestName[] = REQUESTS.filter((r) => r.callData).map((r) => r.name);

/** The names of REQUESTS, in table order. */
export const REQUEST_NAMES: readonly RequestName[] = REQUESTS.map((r) => r.name);

/** The wire schemas of every op, in table order. */
export const WIRE_ARGS: WireArgs = Object.fromEntries(Object.entries(REQUEST_TABLE).map(([name, spec]) => [name, spec.wire])) as WireArgs;

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
