/**
 * The validators validate.ts runs, compiled by Ajv when this module loads. The desktop's browser
 * bundle replaces this module with validators prepared ahead of time (scripts/generate-validators.ts,
 * run by scripts/build-desktop.mjs): interpret.ts run on the same schemas as plain data, reporting
 * Ajv's errors, so that the page carries neither Ajv nor TypeBox. Both come from VALIDATED_SCHEMAS;
 * interpret.ts follows ajvOptions (all errors, defaults filled in, fast date-time).
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { RequestCallData } from '../requests.js';
import { EVENT_SCHEMAS } from './event-schemas.js';
import type { EventType } from './events.js';
import { ApplicationContext } from './context-schemas.js';
import { ErrorObject } from './error.js';

// ajv-formats is CommonJS with a default export: under NodeNext the function sits on .default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv, options: { mode: 'fast' | 'full'; formats: string[] }) => Ajv;

export const ajvOptions: Options = { allErrors: true, strict: false, useDefaults: true };

/** An Ajv with the formats the schemas use; `extra` adds options. */
export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...ajvOptions, ...extra });
  // 'fast' checks the shape and ranges of ISO 8601 date-times (month 1-12, day 1-31, hour 0-23, a zone)
  // without the calendar walk of 'full' mode, which cost four times the rest of validation together.
  addFormats(ajv, { mode: 'fast', formats: ['date-time'] });
  return ajv;
}

export interface Validators {
  readonly events: Readonly<Record<EventType, ValidateFunction>>;
  readonly context: ValidateFunction;
  readonly error: ValidateFunction;
}

/** Every schema validate.ts checks against, by the name its validator is exported under. */
export const VALIDATED_SCHEMAS = {
  events: EVENT_SCHEMAS as Readonly<Record<EventType, TSchema>>,
  context: ApplicationContext as TSchema,
  error: ErrorObject as TSchema,
};

/**
 * Schemas that framework code running in browsers hands to compileValidator: the browser bundle
 * has them compiled ahead of time and finds them by their JSON. A schema missing here makes
 * compileValidator throw in the browser, naming this list.
 */
export const AHEAD_OF_TIME_SCHEMAS: readonly TSchema[] = [RequestCallData];

const ajv = createAjv();

export const compile = <T>(schema: TSchema): ValidateFunction<T> => ajv.compile<T>(schema);

export const validators: Validators = {
  events: Object.fromEntries(Object.entries(VALIDATED_SCHEMAS.events).map(([type, schema]) => [type, compile(schema)])) as Record<EventType, ValidateFunction>,
  context: compile(VALIDATED_SCHEMAS.context),
  error: compile(VALIDATED_SCHEMAS.error),
};
