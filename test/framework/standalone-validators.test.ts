/**
 * The desktop bundle's validators, compiled ahead of time as Ajv standalone code, against the ones
 * Ajv compiles at run time: same verdicts, same errors (paths, keywords, messages), same defaults
 * filled in — over valid events and random damage done to them. The generated module is bundled
 * for the browser as scripts/build-desktop.mjs does, and must not carry Ajv's compiler or TypeBox.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrames } from '../../bench/frames.js';
import { validators as runtime, type Validators } from '../../src/framework/schema/compiled.js';
import { generateValidators } from '../../scripts/generate-validators.js';

const SCHEMA_DIR = join(import.meta.dirname, '../../src/framework/schema');

let dir: string;
let standalone: { validators: Validators; compile: () => never };
let inputs: string[];

beforeAll(async () => {
  const result = await esbuild.build({
    stdin: { contents: generateValidators(), resolveDir: SCHEMA_DIR, loader: 'js', sourcefile: 'validators.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
  });
  inputs = Object.keys(result.metafile.inputs);
  dir = await mkdtemp(join(tmpdir(), 'opencti-validators-'));
  const file = join(dir, 'validators.mjs');
  await writeFile(file, result.outputFiles[0]?.text ?? '');
  standalone = (await import(pathToFileURL(file).href)) as typeof standalone;
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What validate.ts reads from a validator: its verdict, its errors, and the input with defaults. */
function outcome(validator: ValidateFunction, input: unknown) {
  const data = structuredClone(input);
  const ok = validator(data);
  const errors = (validator.errors ?? []).map(({ instancePath, schemaPath, keyword, params, message }) => ({ instancePath, schemaPath, keyword, params, message }));
  return { ok, errors: ok ? [] : errors, data };
}

const EVENTS = buildFrames(2).frames.map((frame) => JSON.parse(frame) as Record<string, unknown>);
const CONTEXT = { application: 'crm', telephonyMode: 'full', implementation: { vendor: 'acme' }, ctiLink: { name: 'main' } };
const ERROR = { errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'no such call' };

/** Damage to a document: a property set to any JSON value, removed, or one added. */
const damaged = (seed: Record<string, unknown>) =>
  fc
    .array(
      fc.oneof(
        fc.record({ key: fc.constantFrom(...Object.keys(seed)), value: fc.jsonValue() }),
        fc.record({ key: fc.constantFrom(...Object.keys(seed)), remove: fc.constant(true) }),
        fc.record({ key: fc.string({ maxLength: 8 }), value: fc.jsonValue({ maxDepth: 2 }) }),
      ),
      { maxLength: 4 },
    )
    .map((changes) => {
      const copy: Record<string, unknown> = structuredClone(seed);
      for (const change of changes) {
        if ('remove' in change) delete copy[change.key];
        else copy[change.key] = change.value;
      }
      return copy;
    });

describe('validators compiled ahead of time', () => {
  it('leave Ajv’s compiler, TypeBox and fast-uri out of the bundle', () => {
    expect(inputs.filter((file) => /node_modules[\\/](@sinclair|fast-uri|semver)|ajv[\\/]dist[\\/](core|compile|vocabularies)/.test(file))).toEqual([]);
    expect(inputs.some((file) => file.includes('ucs2length'))).toBe(true);
  });

  it('cover the same event types', () => {
    expect(Object.keys(standalone.validators.events).sort()).toEqual(Object.keys(runtime.events).sort());
  });

  it('accept every event of a realistic stream', () => {
    for (const event of EVENTS) {
      const type = event.pyEventType as keyof Validators['events'];
      expect(outcome(standalone.validators.events[type], event)).toEqual(outcome(runtime.events[type], event));
      expect(outcome(standalone.validators.events[type], event).ok).toBe(true);
    }
  });

  it('reject damaged events with the same errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS).chain(damaged), (event) => {
        const type = (typeof event.pyEventType === 'string' && event.pyEventType in runtime.events ? event.pyEventType : 'CallStateEvent') as keyof Validators['events'];
        expect(outcome(standalone.validators.events[type], event)).toEqual(outcome(runtime.events[type], event));
      }),
      { numRuns: 1000 },
    );
  });

  it('check contexts and error objects alike, defaults included', () => {
    fc.assert(
      fc.property(damaged(CONTEXT), damaged(ERROR), (context, error) => {
        expect(outcome(standalone.validators.context, context)).toEqual(outcome(runtime.context, context));
        expect(outcome(standalone.validators.error, error)).toEqual(outcome(runtime.error, error));
      }),
      { numRuns: 500 },
    );
    // A default the schema fills in reaches the copy in both.
    expect(outcome(standalone.validators.context, CONTEXT).data).toEqual(outcome(runtime.context, CONTEXT).data);
  });

  it('refuse to compile new schemas in the browser, saying why', () => {
    expect(() => standalone.compile()).toThrow(/compiled ahead of time/);
  });
});
