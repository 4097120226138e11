/**
 * Writes the published JSON Schema files (SPEC §4) into schemas/ from the TypeBox sources in
 * src/framework/schema/: one file per event, the union OpenCtiEvent, ApplicationContext and
 * ErrorObject. Output is deterministic (fixed key order, two-space indent, trailing newline) so
 * a stale committed file shows up as a diff; test/framework/schemas.test.ts checks exactly that.
 *
 *   npm run schemas            write the files
 *   npm run schemas -- --check exit 1 when a committed file is stale or missing
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { ApplicationContext } from '../src/framework/schema/context-schemas.js';
import { ErrorObject } from '../src/framework/schema/error.js';
import { EVENT_SCHEMAS, OpenCtiEvent } from '../src/framework/schema/event-schemas.js';
import { EventFrame, HeartbeatFrame, RequestFrame, ResponseFrame } from '../src/framework/schema/protocol.js';
import { ServerConfig } from '../src/server/config.js';

/** Ajv 8's default dialect. */
export const SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';
export const SCHEMA_ID_PREFIX = 'opencti-ts/';
export const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/** Every published schema, by name; the file is `<name>.schema.json`. */
export const PUBLISHED_SCHEMAS: Readonly<Record<string, TSchema>> = {
  ...EVENT_SCHEMAS,
  OpenCtiEvent,
  ApplicationContext,
  ErrorObject,
  // The reference server's wire protocol and configuration file.
  RequestFrame,
  ResponseFrame,
  EventFrame,
  HeartbeatFrame,
  ServerConfig,
};

export const fileNameOf = (name: string): string => `${name}.schema.json`;

/** Keys whose members are names chosen by the schema author: their order is the source order. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords that come first in every schema object, for readability; the rest follow sorted. */
const LEADING = ['$schema', '$id', 'title', 'description', 'type'];

function canonical(value: unknown, nameMap = false): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (value === null || typeof value !== 'object') return value;
  // Object.entries skips TypeBox's symbol-keyed metadata.
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (!nameMap) {
    const rank = (key: string) => (LEADING.includes(key) ? LEADING.indexOf(key) : LEADING.length);
    entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  return Object.fromEntries(entries.map(([key, v]) => [key, nameMap ? canonical(v) : canonical(v, NAME_MAPS.has(key))]));
}

/** The JSON text of one published schema file. */
export function renderSchema(name: string, schema: TSchema): string {
  const document = canonical({ ...schema, $schema: SCHEMA_DIALECT, $id: `${SCHEMA_ID_PREFIX}${fileNameOf(name)}` });
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** File name → content, for every published schema, generated in memory. */
export function buildSchemaFiles(): Map<string, string> {
  return new Map(Object.entries(PUBLISHED_SCHEMAS).map(([name, schema]) => [fileNameOf(name), renderSchema(name, schema)]));
}

/** Names of committed files that differ from what would be generated, are missing, or are left over. */
export async function staleSchemaFiles(dir = SCHEMAS_DIR): Promise<string[]> {
  const expected = buildSchemaFiles();
  const stale: string[] = [];
  for (const [file, content] of expected) {
    const committed = await readFile(join(dir, file), 'utf8').catch(() => undefined);
    if (committed !== content) stale.push(file);
  }
  const present = await readdir(dir).catch(() => [] as string[]);
  stale.push(...present.filter((file) => file.endsWith('.schema.json') && !expected.has(file)));
  return stale;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--check')) {
    const stale = await staleSchemaFiles();
    if (stale.length === 0) return 0;
    console.error(`schemas/ is out of date (${stale.join(', ')}): run npm run schemas`);
    return 1;
  }
  await mkdir(SCHEMAS_DIR, { recursive: true });
  for (const [file, content] of buildSchemaFiles()) {
    await writeFile(join(SCHEMAS_DIR, file), content);
    console.log(`wrote schemas/${file}`);
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
