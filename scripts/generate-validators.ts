/**
 * Writes the validators of src/framework/schema/compiled.ts as Ajv standalone code: an ES module
 * with the same exports (`validators`, `compile`) whose checking functions were compiled here, so
 * that a browser bundle needs neither Ajv's compiler nor the TypeBox schemas. Same schemas, same
 * Ajv options, same formats: the errors, and so the problems validate.ts reports, are the same.
 * scripts/build-desktop.mjs runs it on every build, so the bundle always has the current schemas.
 *
 *   tsx scripts/generate-validators.ts              print the module on stdout
 *   tsx scripts/generate-validators.ts --out FILE   write it to FILE
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { AHEAD_OF_TIME_SCHEMAS, VALIDATED_SCHEMAS, createAjv } from '../src/framework/schema/compiled.js';

// ajv's standalone entry is CommonJS with a default export, like ajv-formats.
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as unknown as (ajv: Ajv, refs: Record<string, string>) => string;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A subschema repeated this long or longer is compiled once and referred to (below). */
const SHARED_MIN_CHARS = 60;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The schemas with their repeated subschemas (the event containers, the call data groups, nested
 * several levels deep in every event) replaced by a $ref to one shared copy: Ajv inlines a
 * subschema at every place it occurs, and compiles a $ref'd one once. Only the code that checks
 * changes: instance paths, keywords, parameters and messages stay the same. A subschema carrying
 * a default keeps its place (Ajv reads a property's default from where it stands).
 */
function shareRepeated(schemas: Record<string, Json>): { schemas: Record<string, Json>; shared: Record<string, Json> } {
  /** Calls fn on every subschema of a schema (not on data such as const, enum or default). */
  const subschemas = (schema: Json, fn: (sub: Json) => unknown): Json =>
    Object.fromEntries(
      Object.entries(schema).map(([key, value]) => {
        if (NAME_MAPS.has(key) && isObject(value)) return [key, Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isObject(sub) ? fn(sub) : sub]))];
        if (SCHEMA_KEYWORDS.has(key) && isObject(value)) return [key, fn(value)];
        if (SCHEMA_KEYWORDS.has(key) && Array.isArray(value)) return [key, value.map((sub) => (isObject(sub) ? fn(sub) : sub))];
        return [key, value];
      }),
    );
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

export function generateValidators(): string {
  const ajv = createAjv({ code: { source: true, esm: true, lines: false } });
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
  const { schemas: rewritten, shared } = shareRepeated(schemas);
  for (const [name, schema] of Object.entries(shared)) ajv.addSchema(schema, name);
  const exports: Record<string, string> = {};
  for (const [name, schema] of Object.entries(rewritten)) {
    if (!IDENTIFIER.test(name)) throw new Error(`generate-validators: "${name}" cannot name an export`);
    ajv.addSchema(schema, name);
    exports[name] = name;
  }
  let code = standaloneCode(ajv, exports);

  // Ajv's ESM output still require()s its run-time helpers (string length, formats), CommonJS
  // modules: each becomes an import. Bundlers read a CommonJS module's `default` as module.exports
  // (Node's interop) or as exports.default: __exportsN is module.exports under both.
  const modules: string[] = [];
  code = code.replace(/require\("([^"]+)"\)/g, (_, specifier: string) => {
    if (!modules.includes(specifier)) modules.push(specifier);
    return `__exports${modules.indexOf(specifier)}`;
  });
  if (/\brequire\b/.test(code)) throw new Error('generate-validators: the standalone code still calls require()');
  const importLines = modules
    .map((specifier, i) => `import * as __module${i} from ${JSON.stringify(specifier)};\nconst __exports${i} = __module${i}.default?.__esModule ? __module${i}.default : __module${i};`)
    .join('\n');

  const events = eventNames.map((type) => `${JSON.stringify(type)}: event_${type}`).join(', ');
  return [
    '// Generated by scripts/generate-validators.ts from src/framework/schema: do not edit.',
    importLines,
    code.replace(/^"use strict";/, ''),
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
