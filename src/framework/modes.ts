/** The capability table of SPEC §2: what each telephony mode needs and allows, derived from requests.ts. */
import type { TelephonyMode } from './schema/context.js';
import type { EventType } from './schema/events.js';
import type { RequestName } from './implementation.js';
import { REQUESTS, type RequestGroup, type RequestSpec } from './requests.js';

const named = (keep: (spec: RequestSpec) => boolean): readonly RequestName[] => REQUESTS.filter(keep).map((r) => r.name);
/** Required in some mode: the part of a group every connector of that mode provides. */
const requiredOf = (group: RequestGroup) => named((r) => r.group === group && r.requiredIn.length > 0);

export const SESSION_REQUESTS = requiredOf('session');
export const AGENT_STATE_REQUESTS = requiredOf('agentState');
export const BASIC_CALL_REQUESTS = requiredOf('basicCall');
export const ADVANCED_CALL_REQUESTS = requiredOf('advancedCall');
/** Allowed in some mode, but an implementation may leave it out. */
export const OPTIONAL_REQUESTS = named((r) => r.modes.length > 0 && r.requiredIn.length === 0);

export interface ModeCapabilities {
  /** Functions an implementation must provide to be registered for this mode. */
  readonly required: readonly RequestName[];
  /** Functions the framework lets a host call in this mode. */
  readonly allowed: readonly RequestName[];
  /** Event types the implementation is expected to send. */
  readonly events: readonly EventType[];
}

/** Required ones first, then the optional ones, each in table order. */
const capabilities = (mode: TelephonyMode, events: readonly EventType[]): ModeCapabilities => {
  const required = named((r) => r.requiredIn.includes(mode));
  const optional = named((r) => r.modes.includes(mode) && !r.requiredIn.includes(mode));
  return { required, allowed: [...required, ...optional], events };
};

export const MODE_CAPABILITIES: Readonly<Record<TelephonyMode, ModeCapabilities>> = {
  simple: capabilities('simple', ['SnapshotEvent', 'CallStateEvent']),
  agentState: capabilities('agentState', ['SnapshotEvent', 'CallStateEvent', 'AgentStateEvent']),
  full: capabilities('full', ['SnapshotEvent', 'CallStateEvent', 'AgentStateEvent', 'PartyInfoEvent', 'CallInfoEvent']),
};

export const isAllowedInMode = (mode: TelephonyMode, request: RequestName): boolean =>
  MODE_CAPABILITIES[mode].allowed.includes(request);

/** The required functions the implementation lacks for this mode, in table order. */
export const missingFunctions = (mode: TelephonyMode, implementation: object): RequestName[] =>
  MODE_CAPABILITIES[mode].required.filter(
    (name) => typeof (implementation as Record<string, unknown>)[name] !== 'function',
  );
