import { invalid } from './errors.js';
import type { JsonValue } from './types.js';

/** Small checks shared by the repositories; each names the field it rejects. */

export function text(field: string, value: unknown, { max = 200, allowEmpty = false } = {}): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string, got ${describe(value)}`);
  const trimmed = value.trim();
  if (!allowEmpty && trimmed.length === 0) throw invalid(`${field} must not be empty`);
  if (trimmed.length > max) throw invalid(`${field} is too long (${trimmed.length} characters, at most ${max})`);
  return trimmed;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$/;

/** Identifiers that travel in URLs and protocol frames: letters, digits, . _ @ : - (max 64). */
export function identifier(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw invalid(`${field} must be 1–64 letters, digits or . _ @ : - (starting with a letter or digit), got ${describe(value)}`);
  }
  return value;
}

const DIALABLE = /^\+?[0-9*#]{1,32}$/;

/** An extension or DNIS: digits (with * or #), optional leading +. */
export function dialable(field: string, value: unknown): string {
  if (typeof value !== 'string' || !DIALABLE.test(value)) {
    throw invalid(`${field} must be a dialable number (digits, * or #, optional leading +), got ${describe(value)}`);
  }
  return value;
}

export function skills(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid(`skills must be an array of strings, got ${describe(value)}`);
  const seen = new Set<string>();
  value.forEach((s, i) => seen.add(identifier(`skills[${i}]`, s)));
  return [...seen];
}

/** Extensions an agent may use besides their own: dialables, no duplicates, at most 64. */
export function extensions(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid(`${field} must be an array of extensions, got ${describe(value)}`);
  if (value.length > 64) throw invalid(`${field} has ${value.length} extensions, at most 64`);
  const seen = new Set<string>();
  value.forEach((e, i) => seen.add(dialable(`${field}[${i}]`, e)));
  return [...seen];
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${field} must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** A whole number of seconds in [min, max]. */
export function seconds(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be a whole number of seconds from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

export function boolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`${field} must be true or false, got ${describe(value)}`);
  return value;
}

export function password(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid('password must be a non-empty string');
  if (value.length > 1024) throw invalid('password is too long (at most 1024 characters)');
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function email(value: unknown): string {
  const v = text('email', value, { max: 254 });
  if (!EMAIL.test(v)) throw invalid(`email ${JSON.stringify(v)} is not an email address`);
  return v;
}

export function jsonObject(field: string, value: unknown): Record<string, JsonValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${field} must be a JSON object, got ${describe(value)}`);
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw invalid(`${field} cannot be stored as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (json.length > 64 * 1024) throw invalid(`${field} is too large (${json.length} bytes of JSON, at most 65536)`);
  return JSON.parse(json) as Record<string, JsonValue>;
}

export interface Page {
  limit: number;
  offset: number;
}

export function page(limit: unknown, offset: unknown, defaultLimit = 50, maxLimit = 1000): Page {
  const l = limit ?? defaultLimit;
  const o = offset ?? 0;
  if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > maxLimit) {
    throw invalid(`limit must be an integer from 1 to ${maxLimit}, got ${describe(limit)}`);
  }
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) throw invalid(`offset must be a non-negative integer, got ${describe(offset)}`);
  return { limit: l, offset: o };
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** Guards the argument objects of create/update calls (a REST body may be anything). */
export function object(field: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field} must be an object, got ${describe(value)}`);
}
