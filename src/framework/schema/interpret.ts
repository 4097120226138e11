/**
 * The browser's validators: a small JSON Schema interpreter for the keywords the framework's
 * schemas use, reporting the errors Ajv reports for them (keyword, instance path, parameters,
 * message, in Ajv's order under allErrors, defaults filled in as with useDefaults), so that
 * validate.ts turns them into the same problems. scripts/generate-validators.ts hands it the
 * schemas as plain data and refuses a schema using any other keyword (SUPPORTED_KEYWORDS);
 * test/framework/standalone-validators.test.ts checks it against Ajv over damaged documents.
 * Compiled Ajv code for the same schemas is several times the size of the schemas themselves.
 */

/** A JSON Schema as the generator emits it: descriptions dropped, repeated parts shared by reference. */
export interface Schema {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: Schema;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly patternProperties?: Readonly<Record<string, Schema>>;
  readonly default?: unknown;
}

/** The keywords interpreted here; anything else in a schema is refused by the generator. */
export const SUPPORTED_KEYWORDS: readonly string[] = [
  'type', 'const', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'items',
  'minProperties', 'maxProperties', 'required', 'additionalProperties', 'properties', 'patternProperties', 'default',
  // annotations, no effect on validation
  'title', 'description', '$id', '$schema',
];

/** An error as Ajv reports it (the fields validate.ts reads). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

export interface Validator {
  (data: unknown): boolean;
  errors: SchemaError[] | null;
}

/** ajv-formats' "fast" date-time (the mode compiled.ts sets); the generator refuses other formats. */
export const FORMATS: Readonly<Record<string, RegExp>> = {
  'date-time': /^\d\d\d\d-[0-1]\d-[0-3]\dt(?:[0-2]\d:[0-5]\d:[0-5]\d|23:59:60)(?:\.\d+)?(?:z|[+-]\d\d(?::?\d\d)?)$/i,
};

// Ajv's types with strictNumbers: numbers are finite.
const IS_TYPE: Readonly<Record<string, (data: unknown) => boolean>> = {
  string: (d) => typeof d === 'string',
  number: (d) => typeof d === 'number' && isFinite(d),
  integer: (d) => typeof d === 'number' && !(d % 1) && !isNaN(d) && isFinite(d),
  boolean: (d) => typeof d === 'boolean',
  null: (d) => d === null,
  array: (d) => Array.isArray(d),
  object: (d) => typeof d === 'object' && d !== null && !Array.isArray(d),
};

/** Ajv's keyword groups by the data type they apply to, each keyword in Ajv's order. */
const GROUPS: readonly (readonly [string | undefined, readonly (keyof Schema)[]])[] = [
  [undefined, ['const', 'enum']],
  ['number', ['maximum', 'minimum']],
  ['string', ['maxLength', 'minLength', 'pattern', 'format']],
  ['array', ['maxItems', 'minItems', 'items']],
  ['object', ['maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties', 'patternProperties']],
];

const patterns = new Map<string, RegExp>();
const regExp = (source: string): RegExp => {
  let found = patterns.get(source);
  if (!found) patterns.set(source, (found = new RegExp(source, 'u')));
  return found;
};

/** Length in code points, as Ajv's ucs2length counts it. */
const length = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

const pointer = (key: string | number): string => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
const has = (schema: Schema, keyword: keyof Schema): boolean => schema[keyword] !== undefined;

function check(schema: Schema, data: unknown, path: string, errors: SchemaError[]): void {
  const fail = (keyword: string, params: Record<string, unknown>, message: string) => errors.push({ instancePath: path, keyword, params, message });
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  const typeError = () => fail('type', { type: schema.type }, `must be ${types.join(',')}`);
  // Ajv checks the type up front unless a group of keywords for that one type will report it.
  const groupOfType = GROUPS.find(([type]) => type !== undefined && types.length === 1 && type === types[0]);
  const checkedUpFront = types.length > 0 && !(groupOfType && groupOfType[1].some((k) => has(schema, k)));
  if (checkedUpFront && !types.some((type) => IS_TYPE[type]?.(data))) typeError();
  for (const [type, keywords] of GROUPS) {
    if (!keywords.some((k) => has(schema, k))) continue;
    if (type !== undefined && !IS_TYPE[type]!(data)) {
      if (!checkedUpFront && types.length === 1 && types[0] === type) typeError();
      continue;
    }
    if (type === 'object') fillDefaults(schema, data as Record<string, unknown>);
    for (const keyword of keywords) if (has(schema, keyword)) checkKeyword(schema, keyword, data, path, errors, fail);
  }
}

function fillDefaults(schema: Schema, data: Record<string, unknown>): void {
  for (const key in schema.properties) {
    const value = schema.properties[key]!.default;
    if (value !== undefined && data[key] === undefined) data[key] = JSON.parse(JSON.stringify(value)) as unknown;
  }
}

function checkKeyword(
  schema: Schema,
  keyword: keyof Schema,
  data: unknown,
  path: string,
  errors: SchemaError[],
  fail: (keyword: string, params: Record<string, unknown>, message: string) => void,
): void {
  const limit = schema[keyword] as number;
  switch (keyword) {
    case 'const':
      if (data !== schema.const) fail(keyword, { allowedValue: schema.const }, 'must be equal to constant');
      return;
    case 'enum':
      if (!schema.enum!.includes(data)) fail(keyword, { allowedValues: schema.enum }, 'must be equal to one of the allowed values');
      return;
    case 'maximum':
      if ((data as number) > limit) fail(keyword, { comparison: '<=', limit }, `must be <= ${limit}`);
      return;
    case 'minimum':
      if ((data as number) < limit) fail(keyword, { comparison: '>=', limit }, `must be >= ${limit}`);
      return;
    case 'maxLength':
      if (length(data as string) > limit) fail(keyword, { limit }, `must NOT have more than ${limit} characters`);
      return;
    case 'minLength':
      if (length(data as string) < limit) fail(keyword, { limit }, `must NOT have fewer than ${limit} characters`);
      return;
    case 'pattern':
      if (!regExp(schema.pattern!).test(data as string)) fail(keyword, { pattern: schema.pattern }, `must match pattern "${schema.pattern}"`);
      return;
    case 'format':
      if (!FORMATS[schema.format!]!.test(data as string)) fail(keyword, { format: schema.format }, `must match format "${schema.format}"`);
      return;
    case 'maxItems':
      if ((data as unknown[]).length > limit) fail(keyword, { limit }, `must NOT have more than ${limit} items`);
      return;
    case 'minItems':
      if ((data as unknown[]).length < limit) fail(keyword, { limit }, `must NOT have fewer than ${limit} items`);
      return;
    case 'items':
      for (let i = 0; i < (data as unknown[]).length; i++) check(schema.items!, (data as unknown[])[i], path + pointer(i), errors);
      return;
    case 'maxProperties':
      if (Object.keys(data as object).length > limit) fail(keyword, { limit }, `must NOT have more than ${limit} properties`);
      return;
    case 'minProperties':
      if (Object.keys(data as object).length < limit) fail(keyword, { limit }, `must NOT have fewer than ${limit} properties`);
      return;
    case 'required':
      for (const name of schema.required!) {
        if ((data as Record<string, unknown>)[name] === undefined) fail(keyword, { missingProperty: name }, `must have required property '${name}'`);
      }
      return;
    case 'additionalProperties': {
      const extra = schema.additionalProperties!;
      if (extra === true) return;
      const known = schema.properties ?? {};
      const patterned = Object.keys(schema.patternProperties ?? {}).map(regExp);
      for (const key in data as object) {
        if (Object.prototype.hasOwnProperty.call(known, key) || patterned.some((p) => p.test(key))) continue;
        if (extra === false) fail(keyword, { additionalProperty: key }, 'must NOT have additional properties');
        else check(extra, (data as Record<string, unknown>)[key], path + pointer(key), errors);
      }
      return;
    }
    case 'properties':
      for (const key in schema.properties) {
        const value = (data as Record<string, unknown>)[key];
        if (value !== undefined) check(schema.properties[key]!, value, path + pointer(key), errors);
      }
      return;
    case 'patternProperties':
      for (const [source, sub] of Object.entries(schema.patternProperties!)) {
        for (const key in data as object) if (regExp(source).test(key)) check(sub, (data as Record<string, unknown>)[key], path + pointer(key), errors);
      }
      return;
  }
}

/** A validator for a schema, used as validate.ts uses Ajv's: call it, then read `errors`. */
export function validatorFor(schema: Schema): Validator {
  const validate = ((data: unknown) => {
    const errors: SchemaError[] = [];
    check(schema, data, '', errors);
    validate.errors = errors.length > 0 ? errors : null;
    return errors.length === 0;
  }) as Validator;
  validate.errors = null;
  return validate;
}
