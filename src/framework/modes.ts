/** The capability table of SPEC §2: what each telephony mode needs and allows. */
import type { TelephonyMode } from './schema/context.js';
import type { EventType } from './schema/events.js';
import type { RequestName } from './implementation.js';

export const SESSION_REQUESTS = ['login', 'logout'] as const satisfies readonly RequestName[];
export const AGENT_STATE_REQUESTS = ['agentReady', 'agentNotReady'] as const satisfies readonly RequestName[];
export const BASIC_CALL_REQUESTS = [
  'answerCall',
  'hangUpCall',
  'holdCall',
  'retrieveCall',
  'makeCall',
  'sendDTMF',
] as const satisfies readonly RequestName[];
export const ADVANCED_CALL_REQUESTS = [
  'blindTransfer',
  'transferInitiate',
  'transferComplete',
  'consultationCall',
  'conferenceInitiate',
  'conferenceComplete',
  'dropParty',
] as const satisfies readonly RequestName[];
/** Allowed in full mode, but an implementation may leave it out. */
export const OPTIONAL_REQUESTS = ['alternateCall'] as const satisfies readonly RequestName[];

export interface ModeCapabilities {
  /** Functions an implementation must provide to be registered for this mode. */
  readonly required: readonly RequestName[];
  /** Functions the framework lets a host call in this mode. */
  readonly allowed: readonly RequestName[];
  /** Event types the implementation is expected to send. */
  readonly events: readonly EventType[];
}

const agentState = [...SESSION_REQUESTS, ...AGENT_STATE_REQUESTS];
const full = [...agentState, ...BASIC_CALL_REQUESTS, ...ADVANCED_CALL_REQUESTS];

export const MODE_CAPABILITIES: Readonly<Record<TelephonyMode, ModeCapabilities>> = {
  simple: {
    required: SESSION_REQUESTS,
    allowed: SESSION_REQUESTS,
    events: ['SnapshotEvent', 'CallStateEvent'],
  },
  agentState: {
    required: agentState,
    allowed: agentState,
    events: ['SnapshotEvent', 'CallStateEvent', 'AgentStateEvent'],
  },
  full: {
    required: full,
    allowed: [...full, ...OPTIONAL_REQUESTS],
    events: ['SnapshotEvent', 'CallStateEvent', 'AgentStateEvent', 'PartyInfoEvent', 'CallInfoEvent'],
  },
};

export const isAllowedInMode = (mode: TelephonyMode, request: RequestName): boolean =>
  MODE_CAPABILITIES[mode].allowed.includes(request);

/** The required functions the implementation lacks for this mode, in table order. */
export const missingFunctions = (mode: TelephonyMode, implementation: object): RequestName[] =>
  MODE_CAPABILITIES[mode].required.filter(
    (name) => typeof (implementation as Record<string, unknown>)[name] !== 'function',
  );
