/**
 * Call data as Pega maps it: the flat pyCallData, pyUserData and pyApplicationData (groups nested
 * inside one another) and pyCallVariables (a list in order). How the containers combine when a
 * call's data changes, shared by the session's reducer and the reference server's switch.
 *
 * - pyCallData, pyUserData, pyApplicationData merge key by key: a later value wins; groups merge
 *   into groups, while a string replaces a group and a group a string.
 * - pyCallVariables is positional: a later list replaces the whole list.
 */
import type { CallData, CallDataContainers, CallVariablesInput, DataGroup } from './schema/events.js';

/** The typed form of pyCallVariables: "a|b|c" is ["a", "b", "c"]; "" is no variables; "a||c" keeps the empty middle one. */
export function callVariablesOf(input: CallVariablesInput): string[] {
  if (typeof input !== 'string') return [...input];
  return input === '' ? [] : input.split('|');
}

const isGroup = (value: string | DataGroup | undefined): value is DataGroup => typeof value === 'object' && value !== null;

/** `added` merged into `base`, as a new object; `base` is returned itself when nothing changes. */
export function mergeGroups(base: DataGroup, added: DataGroup): DataGroup {
  let out: Record<string, string | DataGroup> | undefined;
  for (const [key, value] of Object.entries(added)) {
    const before = ownValue(base, key);
    const next = isGroup(value) && isGroup(before) ? mergeGroups(before, value) : isGroup(value) ? copyGroup(value) : value;
    if (sameValue(before, next)) continue;
    out ??= copyOwn(base);
    setOwn(out, key, next);
  }
  return out ?? base;
}

// Keys come from vendors' events: "__proto__" or "constructor" must be data like any other key,
// never the object's prototype or an inherited member.
const ownValue = (group: DataGroup, key: string): string | DataGroup | undefined => (Object.hasOwn(group, key) ? group[key] : undefined);

function setOwn(group: Record<string, string | DataGroup>, key: string, value: string | DataGroup): void {
  Object.defineProperty(group, key, { value, enumerable: true, writable: true, configurable: true });
}

function copyOwn(group: DataGroup): Record<string, string | DataGroup> {
  const out: Record<string, string | DataGroup> = {};
  for (const [key, value] of Object.entries(group)) setOwn(out, key, value);
  return out;
}

/** A deep copy, so that what a caller keeps cannot change a call's data afterwards. */
export function copyGroup(group: DataGroup): DataGroup {
  const out: Record<string, string | DataGroup> = {};
  for (const [key, value] of Object.entries(group)) setOwn(out, key, isGroup(value) ? copyGroup(value) : value);
  return out;
}

function sameValue(a: string | DataGroup | undefined, b: string | DataGroup | undefined): boolean {
  if (a === b) return true;
  return isGroup(a) && isGroup(b) && sameGroup(a, b);
}

export function sameGroup(a: DataGroup, b: DataGroup): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((value, i) => value === b[i]));
}

/** Freezes a group and every group inside it (the session hands out frozen views). */
export function freezeGroup(group: DataGroup): DataGroup {
  for (const value of Object.values(group)) if (isGroup(value)) freezeGroup(value);
  return Object.freeze(group);
}

/** A call's data in its typed form: every container present, pyCallVariables as a list. */
export interface CallDataState {
  readonly callData: CallData;
  readonly userData: DataGroup;
  readonly callVariables: readonly string[];
  readonly applicationData: DataGroup;
}

export const EMPTY_CALL_DATA: CallDataState = Object.freeze({
  callData: Object.freeze({}),
  userData: Object.freeze({}),
  callVariables: Object.freeze([]),
  applicationData: Object.freeze({}),
});

/**
 * `state` with the containers `added` carries applied (see the rules above); the very same object
 * when nothing changes, so a caller can tell whether anyone needs to hear about it.
 */
export function applyCallData<S extends CallDataState>(state: S, added: CallDataContainers): S {
  const callData = added.pyCallData ? mergeFlat(state.callData, added.pyCallData) : state.callData;
  const userData = added.pyUserData ? mergeGroups(state.userData, added.pyUserData) : state.userData;
  const applicationData = added.pyApplicationData ? mergeGroups(state.applicationData, added.pyApplicationData) : state.applicationData;
  const listed = added.pyCallVariables === undefined ? undefined : callVariablesOf(added.pyCallVariables);
  const callVariables = listed && !sameList(listed, state.callVariables) ? listed : state.callVariables;
  if (callData === state.callData && userData === state.userData && applicationData === state.applicationData && callVariables === state.callVariables) {
    return state;
  }
  return { ...state, callData, userData, callVariables, applicationData };
}

function mergeFlat(base: CallData, added: CallData): CallData {
  for (const [key, value] of Object.entries(added)) if (base[key] !== value) return { ...base, ...added };
  return base;
}

/** The containers of a call's data as an event carries them: the empty ones left out, pyCallData always there. */
export function containersOf(state: CallDataState): { pyCallData: CallData } & CallDataContainers {
  return {
    pyCallData: { ...state.callData },
    ...(Object.keys(state.userData).length > 0 ? { pyUserData: copyGroup(state.userData) } : {}),
    ...(state.callVariables.length > 0 ? { pyCallVariables: [...state.callVariables] } : {}),
    ...(Object.keys(state.applicationData).length > 0 ? { pyApplicationData: copyGroup(state.applicationData) } : {}),
  };
}
