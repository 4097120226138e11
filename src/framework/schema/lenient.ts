/**
 * Lenient intake (SPEC "Lenient intake"): events as connectors written for Pega's OpenCTI really
 * send them, turned into the contract's shapes before the usual validation.
 * - Vendor names of a ringing call (Offering, Ringing, Delivered) become Alerting, Answered becomes
 *   Established; call state names are matched whatever their case.
 * - An event without `pyEventType` that names a call (`pyCallId`) or a call state is a CallStateEvent.
 * - A CallStateEvent lacking call properties (a bare `{ pyCallId, pyEventName }`) gets them from the
 *   call already known under that id.
 * - In the call-data containers (pyCallData, pyUserData, pyCallVariables, pyApplicationData) numbers
 *   and booleans become strings; a CallInfoEvent that carries another container but no pyCallData
 *   gets an empty one.
 * - Unknown extra properties are kept as they are.
 * What still cannot be used is refused with problems naming the property, as in strict validation.
 */
import { CALL_DATA_CONTAINERS, CALL_STATES, MAX_GROUP_DEPTH, type CallStateEvent, type CallStateName, type OpenCtiEvent } from './events.js';
import type { EventIntake } from './context.js';
import { isValidEvent, validateEvent, type ValidationProblem, type ValidationResult } from './validate.js';


/**
 * Vendor call state names, by lower case, mapped to the contract's. A Map, not an object: a
 * vendor's "constructor" or "__proto__" must name no state rather than find Object.prototype's.
 */
const BY_LOWER_CASE: ReadonlyMap<string, CallStateName> = new Map<string, CallStateName>([
  ...CALL_STATES.map((state) => [state.toLowerCase(), state] as const),
  // Offering too: the contract has it, lenient intake takes it as the Alerting it means.
  ['offering', 'Alerting'],
  ['ringing', 'Alerting'],
  ['delivered', 'Alerting'],
  ['answered', 'Established'],
]);

/** The contract's own names, as most events carry them, looked up without a lower-case copy. */
const BY_EXACT_NAME: ReadonlyMap<string, CallStateName | undefined> = new Map(CALL_STATES.map((state) => [state, BY_LOWER_CASE.get(state.toLowerCase())]));

/** The contract's call state for a vendor's name, or undefined when it names none. */
export function callStateOf(name: unknown): CallStateName | undefined {
  if (typeof name !== 'string') return undefined;
  return BY_EXACT_NAME.get(name) ?? BY_LOWER_CASE.get(name.toLowerCase());
}

/** What is known of a call in progress, to fill a bare event about it. */
export type KnownCallFacts = Pick<
  CallStateEvent,
  'pyCallType' | 'pyANI' | 'pyOtherDN' | 'pyThisDN' | 'pyDNIS' | 'pyQueue' | 'pyInteractionID'
>;
export type KnownCall = (callId: string) => KnownCallFacts | undefined;

/** The properties a CallStateEvent must carry; a bare event gets them from the known call. */
const REQUIRED_CALL_PROPERTIES = ['pyCallType', 'pyANI', 'pyOtherDN'] as const;
const FILLED_PROPERTIES = [...REQUIRED_CALL_PROPERTIES, 'pyThisDN', 'pyDNIS', 'pyQueue', 'pyInteractionID'] as const;

type Raw = Record<string, unknown>;
const isPlainObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event type an input has or, in lenient intake, is taken to have. */
export function lenientEventType(input: unknown): string | undefined {
  if (!isPlainObject(input)) return undefined;
  if (input.pyEventType !== undefined) return typeof input.pyEventType === 'string' ? input.pyEventType : undefined;
  return 'pyCallId' in input || callStateOf(input.pyEventName) ? 'CallStateEvent' : undefined;
}

/** A number or boolean as the string a vendor meant; anything else as it is (validation judges it). */
const asText = (value: unknown): unknown => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value);

/**
 * Leaves of a container turned to text, down to the depth validation allows (deeper is refused
 * there). The value itself when nothing needed it: most events carry strings only.
 */
function textLeaves(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.some((item) => asText(item) !== item) ? value.map(asText) : value;
  if (!isPlainObject(value) || depth > MAX_GROUP_DEPTH) return asText(value);
  let out: Raw | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const text = textLeaves(item, depth + 1);
    if (text === item) continue;
    out ??= { ...value };
    out[key] = text;
  }
  return out ?? value;
}

/** The call-data containers of an event or a Snapshot call, their numbers and booleans as strings. */
function withTextData(entry: Raw): Raw {
  if (entry.pyCallData === undefined && entry.pyUserData === undefined && entry.pyCallVariables === undefined && entry.pyApplicationData === undefined) return entry;
  let out: Raw | undefined;
  for (const name of CALL_DATA_CONTAINERS) {
    if (entry[name] === undefined) continue;
    const text = textLeaves(entry[name], 1);
    if (text === entry[name]) continue;
    out ??= { ...entry };
    out[name] = text;
  }
  return out ?? entry;
}

const withState = (entry: Raw): Raw => {
  const state = callStateOf(entry.pyEventName);
  const data = withTextData(entry);
  return state ? { ...data, pyEventName: state } : data;
};

function normalizeSnapshot(input: Raw): Raw {
  if (!Array.isArray(input.pyCalls)) return input;
  return { ...input, pyCalls: input.pyCalls.map((call: unknown) => (isPlainObject(call) ? withState(call) : call)) };
}

function normalizeCallInfo(input: Raw): Raw {
  const event = withTextData(input);
  const other = CALL_DATA_CONTAINERS.some((name) => name !== 'pyCallData' && event[name] !== undefined);
  return event.pyCallData === undefined && other ? { ...event, pyCallData: {} } : event;
}

/**
 * Validates an event the lenient way: normalized, filled from the known call, then checked against
 * the same schemas as strict validation. The value returned is the normalized event, extras included.
 */
export function validateLenientEvent(input: unknown, knownCall: KnownCall): ValidationResult<OpenCtiEvent> {
  // Most events, from connectors that follow the contract, are valid as they come: checked so
  // first, they are used as they are unless they name a state by a vendor's meaning (Offering).
  // Only the others are normalized, then validated again, and refused with the same problems.
  if (isValidEvent(input) && !renamesState(input)) return { ok: true, value: input };
  return normalizedEvent(input, knownCall);
}

/** The contract's call states that lenient intake names otherwise (Offering, taken as Alerting). */
const RENAMED_STATES: readonly string[] = CALL_STATES.filter((state) => callStateOf(state) !== state);

/** Whether lenient intake names a state of a valid event, or of a call it lists, otherwise. */
function renamesState(event: OpenCtiEvent): boolean {
  if (event.pyEventType === 'CallStateEvent') return RENAMED_STATES.includes(event.pyEventName);
  return event.pyEventType === 'SnapshotEvent' && event.pyCalls !== undefined && event.pyCalls.some((call) => RENAMED_STATES.includes(call.pyEventName));
}

function normalizedEvent(input: unknown, knownCall: KnownCall): ValidationResult<OpenCtiEvent> {
  if (!isPlainObject(input)) return validateEvent(input);
  const type = lenientEventType(input);
  if (type === 'SnapshotEvent') return validateEvent(normalizeSnapshot(input));
  if (type === 'CallInfoEvent') return validateEvent(normalizeCallInfo(input));
  if (type !== 'CallStateEvent') return validateEvent(input);

  // Copied only when something must change: most events arrive in the contract's shape already,
  // and the caller's object is never written to.
  const state = callStateOf(input.pyEventName);
  const callId = input.pyCallId;
  const bare = input.pyCallType === undefined || input.pyANI === undefined || input.pyOtherDN === undefined;
  const known = bare && typeof callId === 'string' && callId !== '' ? knownCall(callId) : undefined;
  let event = withTextData(input);
  if (input.pyEventType !== type || (state !== undefined && state !== input.pyEventName) || known) {
    if (event === input) event = { ...input };
    event.pyEventType = type;
    if (state !== undefined) event.pyEventName = state;
    if (known) {
      for (const name of FILLED_PROPERTIES) if (event[name] === undefined && known[name] !== undefined) event[name] = known[name];
    }
  }
  const result = validateEvent(event);
  if (result.ok || known || !bare) return result;
  const missing = REQUIRED_CALL_PROPERTIES.filter((name) => input[name] === undefined);
  return { ok: false, problems: explainMissing(result.problems, callId, missing) };
}

/**
 * A bare event that could not be filled: instead of one "is required" per call property, one
 * problem says why. Without a usable pyCallId, its own problem says it all; with an id the
 * session does not know, the problem names the id and what a first event about a call needs.
 */
function explainMissing(problems: readonly ValidationProblem[], callId: unknown, missing: readonly string[]): ValidationProblem[] {
  const isMissingCallProperty = (p: ValidationProblem) =>
    p.message === 'is required' && missing.some((name) => p.path === `/${name}`);
  const rest = problems.filter((p) => !isMissingCallProperty(p));
  if (typeof callId !== 'string' || callId === '') return rest;
  return [
    {
      path: '/pyCallId',
      message: `names no call in progress, so the event must carry ${missing.join(', ')}`,
      value: callId,
    },
    ...rest,
  ];
}

/** Strict or lenient intake, as the application context's `events` says (lenient when absent). */
export function validateIncomingEvent(input: unknown, intake: EventIntake | undefined, knownCall: KnownCall): ValidationResult<OpenCtiEvent> {
  return intake === 'strict' ? validateEvent(input) : validateLenientEvent(input, knownCall);
}
