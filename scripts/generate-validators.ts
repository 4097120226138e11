/**
 * Writes the validators of src/framework/schema/compiled.ts for the browser: an ES module with the
 * same exports (`validators`, `compile`) whose validators are src/framework/schema/interpret.ts
 * run on the schemas as plain data (annotations dropped, repeated parts written once), so that a
 * browser bundle needs neither Ajv nor TypeBox, and carries the schemas rather than the several
 * times larger code Ajv compiles from them. The interpreter reports Ajv's errors for the keywords
 * it knows (same options: allErrors, useDefaults, fast date-time), so the problems validate.ts
 * reports are the same; a schema using any other keyword fails the generation, and so the build.
 * scripts/build-desktop.mjs runs it on every build, so the bundle always has the current schemas.
 *
 *   tsx scripts/generate-validators.ts              print the module on stdout
 *   tsx scripts/generate-validators.ts --out FILE   write it to FILE
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AHEAD_OF_TIME_SCHEMAS, VALIDATED_SCHEMAS } from '../src/framework/schema/compiled.js';
import { FORMATS, SUPPORTED_KEYWORDS } from '../src/framework/schema/interpret.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A subschema repeated this long or longer is written once and referred to (below). */
const SHARED_MIN_CHARS = 16;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The schema with fn applied to each of its subschemas (not to data such as const, enum or default). */
const mapSubschemas = (schema: Json, fn: (sub: Json) => unknown): Json =>
  Object.fromEntries(
    Object.entries(schema).map(([key, value]) => {
      if (NAME_MAPS.has(key) && isObject(value)) return [key, Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isObject(sub) ? fn(sub) : sub]))];
      if (SCHEMA_KEYWORDS.has(key) && isObject(value)) return [key, fn(value)];
      if (SCHEMA_KEYWORDS.has(key) && Array.isArray(value)) return [key, value.map((sub) => (isObject(sub) ? fn(sub) : sub))];
      return [key, value];
    }),
  );

/**
 * The schemas with their repeated subschemas (the event containers, the call data groups, nested
 * several levels deep in every event) replaced by a $ref to one shared copy, which the generated
 * module writes once as a constant that every place refers to. Only the size changes: the
 * interpreter checks a shared part as it would check it in place. A subschema carrying a default
 * keeps its place (kept as Ajv's standalone code needed it; harmless here).
 */
function shareRepeated(schemas: Record<string, Json>): { schemas: Record<string, Json>; shared: Record<string, Json> } {
  const subschemas = mapSubschemas;
  const count = new Map<string, number>();
  const visit = (schema: Json, root: boolean): Json => {
    const text = JSON.stringify(schema);
    if (!root && text.length >= SHARED_MIN_CHARS) count.set(text, (count.get(text) ?? 0) + 1);
    return subschemas(schema, (sub) => visit(sub, false));
  };
  for (const schema of Object.values(schemas)) visit(schema, true);
  const shared: Record<string, Json> = {};
  const names = new Map<string, string>();
  const rewrite = (schema: Json, root: boolean): Json => {
    const text = JSON.stringify(schema);
    if (!root && (count.get(text) ?? 0) > 1 && !('default' in schema)) {
      let name = names.get(text);
      if (!name) {
        name = `shared_${names.size}`;
        names.set(text, name);
        shared[name] = rewrite(JSON.parse(text) as Json, true);
      }
      return { $ref: name };
    }
    return subschemas(schema, (sub) => rewrite(sub, false));
  };
  return { schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, rewrite(schema, true)])), shared };
}

/** Keywords whose value maps names to subschemas, and keywords whose value is a subschema (or a list of them). */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions']);
const SCHEMA_KEYWORDS = new Set(['additionalProperties', 'items', 'prefixItems', 'contains', 'not', 'if', 'then', 'else', 'anyOf', 'allOf', 'oneOf', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems']);

/** Schema keywords that only annotate: dropped from the page's copy of the schemas. */
const ANNOTATIONS = new Set(['title', 'description', '$id', '$schema']);

/** The schema without annotations, at every level (a property named "description" stays). */
function stripAnnotations(schema: Json): Json {
  const kept = Object.fromEntries(Object.entries(schema).filter(([key]) => !ANNOTATIONS.has(key)));
  return mapSubschemas(kept, stripAnnotations);
}

/** Refuses a schema the browser's interpreter (src/framework/schema/interpret.ts) would not check as Ajv does. */
function assertInterpretable(schema: Json, where: string): void {
  const refuse = (why: string) => {
    throw new Error(`generate-validators: ${where}: ${why}; src/framework/schema/interpret.ts (the browser's validator) would have to learn it first`);
  };
  for (const key of Object.keys(schema)) if (!SUPPORTED_KEYWORDS.includes(key)) refuse(`the keyword "${key}" is not interpreted`);
  const primitive = (value: unknown) => value === null || typeof value !== 'object';
  if ('const' in schema && !primitive(schema.const)) refuse('a const that is not a string, number, boolean or null');
  if ('enum' in schema && !(Array.isArray(schema.enum) && schema.enum.every(primitive))) refuse('an enum of other than strings, numbers, booleans or null');
  if ('format' in schema && !Object.hasOwn(FORMATS, String(schema.format))) refuse(`the format "${String(schema.format)}"`);
  if ('properties' in schema && 'patternProperties' in schema) refuse('properties and patternProperties together');
  if ('items' in schema && !isObject(schema.items)) refuse('items that is not one schema');
  if ('additionalProperties' in schema && !isObject(schema.additionalProperties) && typeof schema.additionalProperties !== 'boolean') refuse('additionalProperties that is neither a schema nor a boolean');
  mapSubschemas(schema, (sub) => {
    assertInterpretable(sub, where);
    return sub;
  });
}

export function generateValidators(): string {
  const schemas: Record<string, Json> = {};
  const eventNames = Object.keys(VALIDATED_SCHEMAS.events);
  for (const type of eventNames) schemas[`event_${type}`] = VALIDATED_SCHEMAS.events[type as keyof typeof VALIDATED_SCHEMAS.events] as Json;
  schemas.context = VALIDATED_SCHEMAS.context as Json;
  schemas.error = VALIDATED_SCHEMAS.error as Json;
  // compileValidator's schemas, found again by their JSON text (TypeBox's symbol keys left out).
  const compiled = AHEAD_OF_TIME_SCHEMAS.map((schema, i) => {
    schemas[`compiled_${i}`] = schema as Json;
    return `[${JSON.stringify(JSON.stringify(schema))}, compiled_${i}]`;
  });
  for (const [name, schema] of Object.entries(schemas)) {
    if (!IDENTIFIER.test(name)) throw new Error(`generate-validators: "${name}" cannot name an export`);
    assertInterpretable(schema, name);
  }
  const bare = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, stripAnnotations(JSON.parse(JSON.stringify(schema)) as Json)]));
  const { schemas: rewritten, shared } = shareRepeated(bare);

  // A shared part is a constant the schemas refer to; one it contains comes before it.
  const REF = /"@ref:(shared_\d+)"/g;
  const literal = (schema: Json) => JSON.stringify(schema, (_, value: unknown) => (isObject(value) && typeof value.$ref === 'string' ? `@ref:${value.$ref}` : value)).replace(REF, '$1');
  const lines: string[] = [];
  const emitted = new Set<string>();
  const emit = (name: string) => {
    if (emitted.has(name)) return;
    emitted.add(name);
    const text = literal(shared[name]!);
    for (const [, inner] of text.matchAll(/\b(shared_\d+)\b/g)) emit(inner!);
    lines.push(`const ${name} = ${text};`);
  };
  for (const name of Object.keys(shared)) emit(name);
  for (const [name, schema] of Object.entries(rewritten)) lines.push(`const ${name} = validatorFor(${literal(schema)});`);

  const events = eventNames.map((type) => `${JSON.stringify(type)}: event_${type}`).join(', ');
  return [
    '// Generated by scripts/generate-validators.ts from src/framework/schema: do not edit.',
    'import { validatorFor } from "./interpret.ts";',
    ...lines,
    `export const validators = { events: { ${events} }, context, error };`,
    `const aheadOfTime = new Map([${compiled.join(', ')}]);`,
    'export function compile(schema) {',
    '  const validator = aheadOfTime.get(JSON.stringify(schema));',
    '  if (validator) return validator;',
    "  const name = schema?.title ?? schema?.description ?? JSON.stringify(schema).slice(0, 80);",
    '  throw new Error(`compileValidator: the schema ${name} is not compiled ahead of time for the browser bundle: add it to AHEAD_OF_TIME_SCHEMAS in src/framework/schema/compiled.ts`);',
    '}',
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const code = generateValidators();
  if (values.out) await writeFile(values.out, code);
  else process.stdout.write(code);
}
