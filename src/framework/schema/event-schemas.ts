/**
 * The JSON Schemas of the OpenCTI events (SPEC §4), the source of their TypeScript types; their
 * names and value lists are in events.ts (no schema builder there, so a browser page imports it
 * without TypeBox). The server, the schema files and the validators are made from these.
 */
import { Type, type Static } from '@sinclair/typebox';
import { stringEnum } from './string-enum.js';
import { APPLICATION_DATA_SCHEMA, CALL_VARIABLES_SCHEMA, USER_DATA_SCHEMA } from './call-data-json.js';
import {
  AGENT_EVENT_NAMES,
  AGENT_STATES,
  CALL_STATES,
  CALL_TYPES,
  DEVICE_STATES,
  LINK_STATES,
  RECORDING_STATES,
  WORK_MODES,
  type CallVariablesInput,
  type DataGroup,
  type EventType,
} from './events.js';

const open = { additionalProperties: true } as const;
const nonEmpty = (description: string) => Type.String({ minLength: 1, description });
const text = (description: string) => Type.String({ description });
const literalUnion = stringEnum;

export const CallData = Type.Record(Type.String(), Type.String(), {
  description: 'Call-attached (UUI) data: string keys, string values',
});
export type CallData = Static<typeof CallData>;

export const UserData = Type.Unsafe<DataGroup>(USER_DATA_SCHEMA);

export const ApplicationData = Type.Unsafe<DataGroup>(APPLICATION_DATA_SCHEMA);

export const CallVariables = Type.Unsafe<CallVariablesInput>(CALL_VARIABLES_SCHEMA);

/** The call-data containers an event (or a request's `callData`) may carry. */
const callDataContainers = {
  pyCallData: Type.Optional(CallData),
  pyUserData: Type.Optional(UserData),
  pyCallVariables: Type.Optional(CallVariables),
  pyApplicationData: Type.Optional(ApplicationData),
};

export const Party = Type.Object(
  { pyDN: nonEmpty('A device (DN) taking part in the call') },
  { ...open },
);
export type Party = Static<typeof Party>;

const common = {
  pyEventName: nonEmpty('Event name within its type'),
  pyMedia: Type.Optional(text('Media of the event, e.g. "Phone"')),
};

/** The call properties shared by CallStateEvent and the calls listed in a Snapshot. */
const callProperties = {
  pyCallId: nonEmpty('Unique call id'),
  pyCallType: literalUnion(CALL_TYPES, 'Direction or kind of the call'),
  pyANI: text('Caller number'),
  pyOtherDN: text('The other device in the call'),
  pyThisDN: Type.Optional(text('The monitored device')),
  pyDNIS: Type.Optional(text('Dialled number / service line')),
  pyQueue: Type.Optional(text('ACD queue the call came through')),
  pyInteractionID: Type.Optional(text('Interaction record id')),
  pyTimestamp: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601 time of the event' })),
  pyMuted: Type.Optional(Type.Boolean({ description: "Whether this device's own leg is muted (ours); absent = unknown" })),
  ...callDataContainers,
  pyCapabilities: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'OpenCTI-TS: the requests possible now on this call (for its state, this phone and this mode), by request name; absent = not said',
    }),
  ),
};

export const CallStateEvent = Type.Object(
  {
    pyEventType: Type.Literal('CallStateEvent'),
    ...common,
    pyEventName: literalUnion(CALL_STATES, 'Call state'),
    ...callProperties,
  },
  { ...open, title: 'CallStateEvent' },
);
export type CallStateEvent = Static<typeof CallStateEvent>;

export const AgentStateEvent = Type.Object(
  {
    pyEventType: Type.Literal('AgentStateEvent'),
    ...common,
    pyEventName: literalUnion(AGENT_EVENT_NAMES, 'Agent state'),
    pyReasonCode: Type.Optional(text('Not Ready / Logout reason code')),
    pyWorkMode: Type.Optional(literalUnion(WORK_MODES, 'Work mode; ACW is after-call work')),
    pyAgentId: Type.Optional(text('Agent id')),
    pyThisDN: Type.Optional(text('The agent extension')),
    pyPendingState: Type.Optional(literalUnion(['Ready', 'NotReady'] as const, 'OpenCTI-TS: the state asked for during a call, taken when the calls end; absent = none pending')),
    pyPendingReasonCode: Type.Optional(text('OpenCTI-TS: the reason code of the pending Not Ready')),
    pyTimestamp: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601 time of the event' })),
  },
  { ...open, title: 'AgentStateEvent' },
);
export type AgentStateEvent = Static<typeof AgentStateEvent>;

export const SnapshotCall = Type.Object(
  {
    pyEventName: literalUnion(CALL_STATES, 'Call state'),
    pyMedia: Type.Optional(text('Media, e.g. "Phone"')),
    ...callProperties,
    pyParties: Type.Optional(Type.Array(Party)),
    pyRecordingState: Type.Optional(literalUnion(RECORDING_STATES, 'Where the call recording stands (ours); absent = never started')),
  },
  { ...open },
);
export type SnapshotCall = Static<typeof SnapshotCall>;

export const SnapshotEvent = Type.Object(
  {
    pyEventType: Type.Literal('SnapshotEvent'),
    ...common,
    pyEventName: Type.Literal('Snapshot'),
    pyAgentId: text('Agent id'),
    pyAgentState: literalUnion(AGENT_STATES, 'Agent state'),
    pyDeviceState: literalUnion(DEVICE_STATES, 'Whether the device is monitored'),
    pyLinkState: literalUnion(LINK_STATES, 'Link to the CTI server'),
    pyReasonCode: Type.Optional(text('Not Ready / Logout reason code')),
    pyWorkMode: Type.Optional(literalUnion(WORK_MODES, 'Work mode')),
    pyThisDN: Type.Optional(text('The agent extension')),
    pyPendingState: Type.Optional(literalUnion(['Ready', 'NotReady'] as const, 'OpenCTI-TS: the state asked for during a call, taken when the calls end; absent = none pending')),
    pyPendingReasonCode: Type.Optional(text('OpenCTI-TS: the reason code of the pending Not Ready')),
    pyCalls: Type.Optional(Type.Array(SnapshotCall, { description: 'Calls in progress' })),
  },
  { ...open, title: 'SnapshotEvent' },
);
export type SnapshotEvent = Static<typeof SnapshotEvent>;

export const PartyInfoEvent = Type.Object(
  {
    pyEventType: Type.Literal('PartyInfoEvent'),
    ...common,
    pyEventName: Type.Literal('PartyInfo'),
    pyCallId: nonEmpty('Call id'),
    pyThisDN: text('The monitored device'),
    pyParties: Type.Array(Party, { description: 'The full current party list' }),
  },
  { ...open, title: 'PartyInfoEvent' },
);
export type PartyInfoEvent = Static<typeof PartyInfoEvent>;

export const CallInfoEvent = Type.Object(
  {
    pyEventType: Type.Literal('CallInfoEvent'),
    ...common,
    pyEventName: nonEmpty('Event name, e.g. "CallInfo"'),
    pyCallId: nonEmpty('Call id'),
    ...callDataContainers,
    pyCallData: CallData,
    pyRecordingState: Type.Optional(literalUnion(RECORDING_STATES, 'With pyEventName "Recording": where the call recording stands now (ours)')),
  },
  { ...open, title: 'CallInfoEvent' },
);
export type CallInfoEvent = Static<typeof CallInfoEvent>;

export const EVENT_SCHEMAS = {
  CallStateEvent,
  AgentStateEvent,
  SnapshotEvent,
  PartyInfoEvent,
  CallInfoEvent,
} as const;

// EVENT_TYPES (events.ts) and EVENT_SCHEMAS name the same types: one added to either alone does not compile.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Check<T extends true> = T;
type _EventTypesMatchSchemas = Check<Same<keyof typeof EVENT_SCHEMAS, EventType>>;

export const OpenCtiEvent = Type.Union(
  [CallStateEvent, AgentStateEvent, SnapshotEvent, PartyInfoEvent, CallInfoEvent],
  { title: 'OpenCtiEvent' },
);
export type OpenCtiEvent = CallStateEvent | AgentStateEvent | SnapshotEvent | PartyInfoEvent | CallInfoEvent;
