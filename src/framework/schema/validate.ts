/**
 * Compiled validators for everything that crosses a boundary into the framework.
 * Problems carry a JSON path and the offending value so a CSR's admin can fix the source.
 */
import type { ErrorObject as AjvError, ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, MAX_GROUP_DEPTH, type OpenCtiEvent } from './events.js';
import type { ApplicationContext } from './context.js';
import type { ErrorObject } from './error.js';
// Compiled by Ajv at load time; in the desktop's browser bundle, the schemas interpreted (interpret.ts).
import { compile, validators } from './compiled.js';

export interface ValidationProblem {
  /** JSON Pointer to the property, "" for the document itself. */
  path: string;
  message: string;
  value?: unknown;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; problems: ValidationProblem[] };

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function toProblem(error: AjvError, root: unknown): ValidationProblem {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return { path: `${error.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    const path = `${error.instancePath}/${String(params.additionalProperty)}`;
    return { path, message: 'is not an allowed property', value: valueAt(root, path) };
  }
  const value = valueAt(root, error.instancePath);
  if (error.keyword === 'enum') {
    const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
    return { path: error.instancePath, message: `must be one of ${allowed}`, value };
  }
  if (error.keyword === 'const') {
    return { path: error.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}`, value };
  }
  if (error.keyword === 'type') return { path: error.instancePath, message: typeMessage(error.instancePath, params.type, value), value };
  return { path: error.instancePath, message: error.message ?? error.keyword, value };
}

const GROUP_CONTAINER = /\/(?:pyUserData|pyApplicationData)(?:\/|$)/;

/** "must be string or object"; a group where the last level allows strings only says why. */
function typeMessage(path: string, expected: unknown, value: unknown): string {
  const types = Array.isArray(expected) ? expected : String(expected).split(',');
  if (types.length === 1 && types[0] === 'string' && GROUP_CONTAINER.test(path) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return `must be string: groups nest at most ${MAX_GROUP_DEPTH} deep`;
  }
  return `must be ${types.join(' or ')}`;
}

function run<T>(validator: ValidateFunction, input: unknown): ValidationResult<T> {
  if (validator(input)) return { ok: true, value: input as T };
  const seen = new Set<string>();
  const problems = (validator.errors ?? [])
    .map((e) => toProblem(e, input))
    .filter((p) => {
      const key = `${p.path} ${p.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  return { ok: false, problems };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event validators in the order of EVENT_TYPES. */
const EVENT_VALIDATORS: readonly ValidateFunction[] = EVENT_TYPES.map((type) => validators.events[type]);

/**
 * The validator of an event's stated type; undefined when it states none of the contract's. The
 * type is compared with each name, not used as a key: a string made by JSON.parse is not
 * internalized, and a property looked up by such a key takes V8's slow path (the string table),
 * which cost as much as a third of the validator itself.
 */
function eventValidator(input: Record<string, unknown>): ValidateFunction | undefined {
  const type = input.pyEventType;
  for (let i = 0; i < EVENT_TYPES.length; i++) if (EVENT_TYPES[i] === type) return EVENT_VALIDATORS[i];
  return undefined;
}

/**
 * Whether an input is a valid OpenCTI event, without the problems: a check that fails costs no
 * more than the validator itself (lenient intake tries every event as it came first).
 */
export function isValidEvent(input: unknown): input is OpenCtiEvent {
  if (!isPlainObject(input)) return false;
  const validator = eventValidator(input);
  return validator !== undefined && validator(input);
}

/** Validates an OpenCTI event, choosing the schema by its `pyEventType`. */
export function validateEvent(input: unknown): ValidationResult<OpenCtiEvent> {
  if (!isPlainObject(input)) {
    return { ok: false, problems: [{ path: '', message: 'must be a JSON object', value: input }] };
  }
  const validator = eventValidator(input);
  if (validator === undefined) {
    const type = input.pyEventType;
    return {
      ok: false,
      problems: [
        type === undefined
          ? { path: '/pyEventType', message: 'is required' }
          : { path: '/pyEventType', message: `must be one of ${EVENT_TYPES.map((t) => `"${t}"`).join(', ')}`, value: type },
      ],
    };
  }
  return run<OpenCtiEvent>(validator, input);
}

/** Validates an application context; defaults from the schema are filled in on a copy. */
export function validateContext(input: unknown): ValidationResult<ApplicationContext> {
  if (!isPlainObject(input)) {
    return { ok: false, problems: [{ path: '', message: 'must be a JSON object', value: input }] };
  }
  return run<ApplicationContext>(validators.context, structuredClone(input));
}

/** Compiles any TypeBox / JSON Schema into a validator with the same problem reporting. */
export function compileValidator<T>(schema: TSchema): (input: unknown) => ValidationResult<T> {
  const validator = compile<T>(schema);
  return (input) => run<T>(validator, input);
}

export function validateErrorObject(input: unknown): ValidationResult<ErrorObject> {
  return run<ErrorObject>(validators.error, input);
}

/** Problems listed in one message; the rest are counted, so a message stays short whatever the input. */
const MAX_PROBLEMS_LISTED = 10;

/** One line per problem: `/pyEventName must be one of "Alerting", … (got "Ringing")`. */
export function describeProblems(problems: readonly ValidationProblem[]): string {
  const listed = problems
    .slice(0, MAX_PROBLEMS_LISTED)
    .map((p) => `${p.path ? previewText(p.path, PATH_CHARS) : '(document)'} ${p.message}${'value' in p && p.value !== undefined ? ` (got ${previewValue(p.value)})` : ''}`);
  const more = problems.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more problem(s)` : listed.join('; ');
}

const PREVIEW_CHARS = 80;
const PATH_CHARS = 120;
const PREVIEW_DEPTH = 2;
const PREVIEW_ITEMS = 5;

/** Text cut to `max` characters, marked with "…" when cut. */
function previewText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A short, JSON-like picture of any value for an error message: at most `maxChars` characters,
 * two levels deep and five items per level. Unlike JSON.stringify it never walks the whole value,
 * so input nested thousands of levels deep, huge, cyclic or holding a BigInt cannot make an error
 * message throw or cost more than the value's first few items.
 */
export function previewValue(value: unknown, maxChars = PREVIEW_CHARS): string {
  let text: string;
  try {
    text = render(value, 0, maxChars);
  } catch {
    text = '(unreadable value)'; // a getter or proxy that throws
  }
  return previewText(text, maxChars);
}

function render(value: unknown, depth: number, maxChars: number): string {
  switch (typeof value) {
    case 'string':
      return value.length > maxChars ? `${JSON.stringify(value.slice(0, maxChars))}…` : JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return '(function)';
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return 'null';
  const isArray = Array.isArray(value);
  if (depth >= PREVIEW_DEPTH) return isArray ? '[…]' : '{…}';
  const parts: string[] = [];
  let more = false;
  if (isArray) {
    for (let i = 0; i < value.length; i++) {
      if (parts.length === PREVIEW_ITEMS) {
        more = true;
        break;
      }
      parts.push(render(value[i], depth + 1, maxChars));
    }
  } else {
    // for…in stops early: no array of every key of a huge object is built.
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (parts.length === PREVIEW_ITEMS) {
        more = true;
        break;
      }
      parts.push(`${JSON.stringify(previewText(key, maxChars))}: ${render((value as Record<string, unknown>)[key], depth + 1, maxChars)}`);
    }
  }
  if (more) parts.push('…');
  return isArray ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}
