/**
 * The OpenCTI events (SPEC §4): their names, value lists and TypeScript types, in a module
 * without schema builders so that a browser page can import it as it is. Their JSON Schemas, the
 * source of the types, are in event-schemas.ts. Property names and enum values are the original
 * ones; extra properties are allowed so that a newer CTI server does not break an older desktop.
 */
import type { CallData } from './event-schemas.js';

export type { AgentStateEvent, CallData, CallInfoEvent, CallStateEvent, OpenCtiEvent, Party, PartyInfoEvent, SnapshotCall, SnapshotEvent } from './event-schemas.js';

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

/** A group of pyUserData or pyApplicationData: keys to strings or to groups nested inside it. */
export interface DataGroup {
  readonly [key: string]: string | DataGroup;
}

/** How many groups pyUserData and pyApplicationData may nest, the container itself included. */
export const MAX_GROUP_DEPTH = 8;

/** pyCallVariables as it comes: Pega's pipe-delimited text ("a|b|c") or the list itself. */
export type CallVariablesInput = string | readonly string[];

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

/** The event types, in the order of EVENT_SCHEMAS (event-schemas.ts checks that they name the same). */
const EVENT_TYPE_LIST = ['CallStateEvent', 'AgentStateEvent', 'SnapshotEvent', 'PartyInfoEvent', 'CallInfoEvent'] as const;
export type EventType = (typeof EVENT_TYPE_LIST)[number];
export const EVENT_TYPES: EventType[] = [...EVENT_TYPE_LIST];
