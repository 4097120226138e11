/**
 * Checks call-attached data from outside (string keys and values, bounded in size), and keeps a
 * call's data: the flat pyCallData and the containers Pega also maps (pyUserData, pyCallVariables,
 * pyApplicationData), combined as the framework combines them (framework/call-data.ts).
 */
import { applyCallData, callVariablesOf } from '../../framework/call-data.js';
import { MAX_GROUP_DEPTH, type CallDataContainers, type DataGroup } from '../../framework/schema/events.js';
import { SwitchError, q } from './errors.js';

const MAX_KEYS = 64;
const MAX_KEY = 128;
const MAX_VALUE = 4096;
/** Strings in pyUserData or pyApplicationData of one call, all groups together. */
const MAX_GROUP_STRINGS = 256;
const MAX_CALL_VARIABLES = 64;

/** pyUserData, pyCallVariables and pyApplicationData: what a request may attach besides pyCallData. */
export type AttachedData = Omit<CallDataContainers, 'pyCallData'>;

/** The containers as a call keeps them: pyCallVariables as a list, absent ones empty. */
export interface Attached {
  userData: DataGroup;
  callVariables: readonly string[];
  applicationData: DataGroup;
}

export const noAttached = (): Attached => ({ userData: {}, callVariables: [], applicationData: {} });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function checkCallData(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `call data must be an object of strings, got ${q(value)}`);
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_KEYS) throw new SwitchError('OPENCTI_INVALID_ACTION', `call data has ${entries.length} keys; at most ${MAX_KEYS} are allowed`);
  const data: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (key.length === 0 || key.length > MAX_KEY) throw new SwitchError('OPENCTI_INVALID_ACTION', `call data key ${q(key)} must have 1 to ${MAX_KEY} characters`);
    if (typeof item !== 'string') throw new SwitchError('OPENCTI_INVALID_ACTION', `call data ${q(key)} must be a string, got ${q(item)}`);
    if (item.length > MAX_VALUE) throw new SwitchError('OPENCTI_INVALID_ACTION', `call data ${q(key)} is longer than ${MAX_VALUE} characters`);
    data[key] = item;
  }
  return data;
}

/** Keeps the merged data of a call within the same bound as one request. */
export function checkMergedSize(current: Readonly<Record<string, string>>, added: Readonly<Record<string, string>>, callId: string): void {
  const keys = new Set([...Object.keys(current), ...Object.keys(added)]);
  if (keys.size > MAX_KEYS) throw new SwitchError('OPENCTI_INVALID_ACTION', `call ${callId} would carry ${keys.size} data keys; at most ${MAX_KEYS} are allowed`);
}

/** A group checked level by level; `path` names it in errors (e.g. pyUserData.account). */
function checkGroup(value: unknown, path: string, depth: number, count: { strings: number }): DataGroup {
  if (!isObject(value)) throw new SwitchError('OPENCTI_INVALID_ACTION', `${path} must be a group (an object), got ${q(value)}`);
  if (depth > MAX_GROUP_DEPTH) throw new SwitchError('OPENCTI_INVALID_ACTION', `${path} is nested deeper than ${MAX_GROUP_DEPTH} groups`);
  const group: Record<string, string | DataGroup> = {};
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (key.length === 0 || key.length > MAX_KEY) throw new SwitchError('OPENCTI_INVALID_ACTION', `${path} key ${q(key)} must have 1 to ${MAX_KEY} characters`);
    if (typeof item === 'string') {
      if (item.length > MAX_VALUE) throw new SwitchError('OPENCTI_INVALID_ACTION', `${at} is longer than ${MAX_VALUE} characters`);
      if (++count.strings > MAX_GROUP_STRINGS) throw new SwitchError('OPENCTI_INVALID_ACTION', `${path.split('.')[0]} holds more than ${MAX_GROUP_STRINGS} strings`);
      group[key] = item;
    } else if (isObject(item)) {
      group[key] = checkGroup(item, at, depth + 1, count);
    } else {
      throw new SwitchError('OPENCTI_INVALID_ACTION', `${at} must be a string or a group, got ${q(item)}`);
    }
  }
  return group;
}

function checkCallVariables(value: unknown): string[] {
  const list = typeof value === 'string' ? callVariablesOf(value) : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `pyCallVariables must be "a|b|c" text or a list of strings, got ${q(value)}`);
  }
  if (list.length > MAX_CALL_VARIABLES) throw new SwitchError('OPENCTI_INVALID_ACTION', `pyCallVariables has ${list.length} entries; at most ${MAX_CALL_VARIABLES} are allowed`);
  const long = (list as string[]).findIndex((item) => item.length > MAX_VALUE);
  if (long >= 0) throw new SwitchError('OPENCTI_INVALID_ACTION', `pyCallVariables.${long} is longer than ${MAX_VALUE} characters`);
  return [...(list as string[])];
}

/** pyUserData, pyCallVariables and pyApplicationData from outside, checked; absent ones left out. */
export function checkAttached(value: unknown): AttachedData {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new SwitchError('OPENCTI_INVALID_ACTION', `attached call data must be an object, got ${q(value)}`);
  const unknown = Object.keys(value).filter((key) => !['pyUserData', 'pyCallVariables', 'pyApplicationData'].includes(key));
  if (unknown.length > 0) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `attached call data has ${q(unknown[0])}; only pyUserData, pyCallVariables and pyApplicationData are allowed`);
  }
  return {
    ...(value.pyUserData === undefined ? {} : { pyUserData: checkGroup(value.pyUserData, 'pyUserData', 1, { strings: 0 }) }),
    ...(value.pyCallVariables === undefined ? {} : { pyCallVariables: checkCallVariables(value.pyCallVariables) }),
    ...(value.pyApplicationData === undefined ? {} : { pyApplicationData: checkGroup(value.pyApplicationData, 'pyApplicationData', 1, { strings: 0 }) }),
  };
}

/** The call's containers after `added`, or undefined when nothing changes; refused when they would grow past the bounds. */
export function attachedAfter(current: Attached, added: AttachedData, callId: string): Attached | undefined {
  const state = { callData: {}, ...current };
  const next = applyCallData(state, added);
  if (next === state) return undefined;
  // The merged containers are checked as one request's would be, so a call cannot grow without bound.
  try {
    checkAttached({ pyUserData: next.userData, pyApplicationData: next.applicationData, pyCallVariables: next.callVariables });
  } catch (error) {
    if (error instanceof SwitchError) throw new SwitchError(error.errCode, `call ${callId} would carry too much data: ${error.errMessage}`);
    throw error;
  }
  return { userData: next.userData, callVariables: next.callVariables, applicationData: next.applicationData };
}
