/**
 * The desktop bundle's validation, with validators compiled ahead of time (Ajv standalone code),
 * against the same module with validators Ajv compiles at run time: same verdicts, same problems
 * (paths, messages, values), same defaults filled in — over valid events and random damage done
 * to them. validate.ts is bundled for the browser exactly as scripts/build-desktop.mjs does (its
 * plugin, minified, same targets), and must not carry Ajv's compiler, TypeBox's builders for the
 * validators, or fast-uri.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrames } from '../../bench/frames.js';
import { RequestCallData } from '../../src/framework/requests.js';
import * as runtime from '../../src/framework/schema/validate.js';
// @ts-expect-error a plain ES module of the build, without types
import { aheadOfTimeValidators } from '../../scripts/validators-plugin.mjs';

type Validate = typeof runtime;

let dir: string;
let bundled: Validate;
let inputs: string[];

beforeAll(async () => {
  const result = await esbuild.build({
    entryPoints: [join(import.meta.dirname, '../../src/framework/schema/validate.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
    plugins: [aheadOfTimeValidators as esbuild.Plugin],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  inputs = Object.keys(result.metafile.inputs);
  dir = await mkdtemp(join(tmpdir(), 'opencti-validators-'));
  const file = join(dir, 'validate.mjs');
  await writeFile(file, result.outputFiles[0]?.text ?? '');
  bundled = (await import(pathToFileURL(file).href)) as Validate;
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

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

/** Both sides get their own copy: validation may fill in defaults. */
const same = <K extends 'validateEvent' | 'validateContext' | 'validateErrorObject'>(name: K, input: unknown): void =>
  expect(bundled[name](structuredClone(input))).toEqual(runtime[name](structuredClone(input)));

describe('validators compiled ahead of time for the browser', () => {
  it('leave Ajv’s compiler and fast-uri out of the bundle', () => {
    expect(inputs.filter((file) => /node_modules[\\/]fast-uri|ajv[\\/]dist[\\/](core|compile|vocabularies)/.test(file))).toEqual([]);
    expect(inputs.some((file) => file.includes('ucs2length'))).toBe(true);
  });

  it('accept every event of a realistic stream', () => {
    for (const event of EVENTS) {
      expect(bundled.validateEvent(event)).toEqual({ ok: true, value: event });
      same('validateEvent', event);
    }
  });

  it('reject damaged events with the same problems', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS).chain(damaged), (event) => {
        same('validateEvent', event);
      }),
      { numRuns: 1000 },
    );
    // Strings are measured in code points in both (Ajv's ucs2length): an empty id is refused.
    const empty = { ...EVENTS[0], pyCallId: '' };
    expect(bundled.validateEvent(empty)).toMatchObject({ ok: false });
    same('validateEvent', empty);
  });

  it('check contexts and error objects alike, defaults included', () => {
    fc.assert(
      fc.property(damaged(CONTEXT), damaged(ERROR), (context, error) => {
        same('validateContext', context);
        same('validateErrorObject', error);
      }),
      { numRuns: 500 },
    );
    expect(bundled.validateContext(CONTEXT)).toMatchObject({ ok: true });
    same('validateContext', CONTEXT);
  });

  it('compile the framework’s own run-time schemas from the ahead-of-time list, with the same problems', () => {
    const inBrowser = bundled.compileValidator(RequestCallData);
    const inNode = runtime.compileValidator(RequestCallData);
    fc.assert(
      fc.property(damaged({ pyCallData: { account: 'A-1' }, pyUserData: { crm: { tier: 'gold' } } }), (callData) => {
        expect(inBrowser(structuredClone(callData))).toEqual(inNode(structuredClone(callData)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse to compile other schemas in the browser, saying where to add them', () => {
    expect(() => bundled.compileValidator({ title: 'Mystery', type: 'object' } as never)).toThrow(/Mystery is not compiled ahead of time .*AHEAD_OF_TIME_SCHEMAS/);
  });
});
