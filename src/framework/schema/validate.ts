/**
 * Compiled validators for everything that crosses a boundary into the framework.
 * Problems carry a JSON path and the offending value so a CSR's admin can fix the source.
 */
import { Ajv, type ErrorObject as AjvError, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS, EVENT_TYPES, type EventType, type OpenCtiEvent } from './events.js';
import { ApplicationContext } from './context.js';
import { ErrorObject } from './error.js';

// ajv-formats is CommonJS with a default export: under NodeNext the function sits on .default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv, options: { mode: 'fast' | 'full'; formats: string[] }) => Ajv;

export interface ValidationProblem {
  /** JSON Pointer to the property, "" for the document itself. */
  path: string;
  message: string;
  value?: unknown;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; problems: ValidationProblem[] };

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
// 'fast' checks the shape and ranges of ISO 8601 date-times (month 1-12, day 1-31, hour 0-23, a zone)
// without the calendar walk of 'full' mode, which cost four times the rest of validation together.
addFormats(ajv, { mode: 'fast', formats: ['date-time'] });

const compile = <T>(schema: TSchema) => ajv.compile<T>(schema);

const eventValidators = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, compile(EVENT_SCHEMAS[type])]),
) as Record<EventType, ValidateFunction>;
const contextValidator = compile<ApplicationContext>(ApplicationContext);
const errorValidator = compile<ErrorObject>(ErrorObject);

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
  return { path: error.instancePath, message: error.message ?? error.keyword, value };
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

/** Validates an OpenCTI event, choosing the schema by its `pyEventType`. */
export function validateEvent(input: unknown): ValidationResult<OpenCtiEvent> {
  if (!isPlainObject(input)) {
    return { ok: false, problems: [{ path: '', message: 'must be a JSON object', value: input }] };
  }
  const type = input.pyEventType;
  if (typeof type !== 'string' || !(EVENT_TYPES as string[]).includes(type)) {
    return {
      ok: false,
      problems: [
        type === undefined
          ? { path: '/pyEventType', message: 'is required' }
          : { path: '/pyEventType', message: `must be one of ${EVENT_TYPES.map((t) => `"${t}"`).join(', ')}`, value: type },
      ],
    };
  }
  return run<OpenCtiEvent>(eventValidators[type as EventType], input);
}

/** Validates an application context; defaults from the schema are filled in on a copy. */
export function validateContext(input: unknown): ValidationResult<ApplicationContext> {
  if (!isPlainObject(input)) {
    return { ok: false, problems: [{ path: '', message: 'must be a JSON object', value: input }] };
  }
  return run<ApplicationContext>(contextValidator, structuredClone(input));
}

/** Compiles any TypeBox / JSON Schema into a validator with the same problem reporting. */
export function compileValidator<T>(schema: TSchema): (input: unknown) => ValidationResult<T> {
  const validator = compile<T>(schema);
  return (input) => run<T>(validator, input);
}

export function validateErrorObject(input: unknown): ValidationResult<ErrorObject> {
  return run<ErrorObject>(errorValidator, input);
}

/** One line per problem: `/pyEventName must be one of "Alerting", … (got "Ringing")`. */
export function describeProblems(problems: readonly ValidationProblem[]): string {
  return problems
    .map((p) => `${p.path || '(document)'} ${p.message}${'value' in p && p.value !== undefined ? ` (got ${JSON.stringify(p.value)})` : ''}`)
    .join('; ');
}
