/**
 * The OpenCTI events (SPEC §4): the one source of their TypeScript types and JSON Schemas.
 * Property names and enum values are the original ones; extra properties are allowed so that
 * a newer CTI server does not break an older desktop.
 */
import { Type, type Static } from '@sinclair/typebox';
import { stringEnum } from './string-enum.js';

const open = { additionalProperties: true } as const;
const nonEmpty = (description: string) => Type.String({ minLength: 1, description });
const text = (description: string) => Type.String({ description });
const literalUnion = stringEnum;

export const MEDIA = 'Phone';

export const CALL_STATES = [
  'Alerting',
  'Offering',
  'Initiated',
  'Established',
  'Connected',
  'Held',
  'Retrieved',
  'Disconnected',
  'Abandoned',
] as const;
export type CallStateName = (typeof CALL_STATES)[number];

export const CALL_TYPES = ['INBOUND', 'OUTBOUND', 'INTERNAL', 'CONSULT', 'UNKNOWN'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const AGENT_EVENT_NAMES = ['Login', 'Ready', 'NotReady', 'Logout', 'Unknown', 'Busy'] as const;
export type AgentEventName = (typeof AGENT_EVENT_NAMES)[number];

export const AGENT_STATES = ['Ready', 'NotReady', 'Login', 'Logout', 'Busy', 'Unknown'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

export const WORK_MODES = ['MODE_NONE', 'MODE_AUTO_IN', 'MODE_MANUAL_IN', 'ACW', 'BUSY', 'AUX_WORK'] as const;
export type WorkMode = (typeof WORK_MODES)[number];

export const DEVICE_STATES = ['OPENED', 'CLOSED'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const LINK_STATES = ['CONNECTED', 'DISCONNECTED'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** Where a call's recording stands (ours): told by a CallInfoEvent named "Recording". */
export const RECORDING_STATES = ['Recording', 'Paused', 'Stopped'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];

export const CallData = Type.Record(Type.String(), Type.String(), {
  description: 'Call-attached (UUI) data: string keys, string values',
});
export type CallData = Static<typeof CallData>;

/** A group of pyUserData or pyApplicationData: keys to strings or to groups nested inside it. */
export interface DataGroup {
  readonly [key: string]: string | DataGroup;
}

/** How many groups pyUserData and pyApplicationData may nest, the container itself included. */
export const MAX_GROUP_DEPTH = 8;

/**
 * A group schema `levels` deep, written out level by level rather than as a recursive reference:
 * a value nested without end then costs the validator nothing more than the limit. A value is a
 * string or (above the last level) a group; one schema keyword per level keeps errors to one line.
 */
function groupSchema(levels: number, description?: string): Record<string, unknown> {
  let value: Record<string, unknown> = { type: 'string' };
  for (let level = 1; level < levels; level++) value = { type: ['string', 'object'], additionalProperties: value };
  return { type: 'object', additionalProperties: value, ...(description ? { description } : {}) };
}

export const UserData = Type.Unsafe<DataGroup>(
  groupSchema(
    MAX_GROUP_DEPTH,
    `Pega's user data: keys to strings or to groups of the same shape, at most ${MAX_GROUP_DEPTH} groups deep`,
  ),
);

export const ApplicationData = Type.Unsafe<DataGroup>(
  groupSchema(
    MAX_GROUP_DEPTH,
    `Data of the application that handled the call (an IVR, a bot): the shape of pyUserData, at most ${MAX_GROUP_DEPTH} groups deep`,
  ),
);

/** pyCallVariables as it comes: Pega's pipe-delimited text ("a|b|c") or the list itself. */
export type CallVariablesInput = string | readonly string[];
export const CallVariables = Type.Unsafe<CallVariablesInput>({
  type: ['string', 'array'],
  items: { type: 'string' },
  description: 'Call variables in order: pipe-delimited text ("a|b|c") or a list of strings',
});

/** The call-data containers an event (or a request's `callData`) may carry. */
const callDataContainers = {
  pyCallData: Type.Optional(CallData),
  pyUserData: Type.Optional(UserData),
  pyCallVariables: Type.Optional(CallVariables),
  pyApplicationData: Type.Optional(ApplicationData),
};

/** Call data as Pega maps it, every container optional (what makeCall and the transfer requests may carry). */
export interface CallDataContainers {
  readonly pyCallData?: CallData | undefined;
  readonly pyUserData?: DataGroup | undefined;
  readonly pyCallVariables?: CallVariablesInput | undefined;
  readonly pyApplicationData?: DataGroup | undefined;
}

/** The names of the containers, in the order the docs list them. */
export const CALL_DATA_CONTAINERS = ['pyCallData', 'pyUserData', 'pyCallVariables', 'pyApplicationData'] as const;
export type CallDataContainer = (typeof CALL_DATA_CONTAINERS)[number];

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
export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

export const OpenCtiEvent = Type.Union(
  [CallStateEvent, AgentStateEvent, SnapshotEvent, PartyInfoEvent, CallInfoEvent],
  { title: 'OpenCtiEvent' },
);
export type OpenCtiEvent = CallStateEvent | AgentStateEvent | SnapshotEvent | PartyInfoEvent | CallInfoEvent;
