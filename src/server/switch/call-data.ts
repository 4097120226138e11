/** Checks call-attached data from outside: string keys and values, bounded in size. */
import { SwitchError, q } from './errors.js';

const MAX_KEYS = 64;
const MAX_KEY = 128;
const MAX_VALUE = 4096;

export function checkCallData(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `call data must be an object of strings, got ${q(value)}`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
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
