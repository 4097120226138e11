/**
 * The desktop bundle's validation, with the schemas interpreted (src/framework/schema/interpret.ts
 * on the data scripts/generate-validators.ts writes), against the same module with validators Ajv
 * compiles at run time: same verdicts, same problems (paths, messages, values), same defaults
 * filled in — over valid events and random damage done to them, at the top and deeper down.
 * validate.ts is bundled for the browser exactly as scripts/build-desktop.mjs does (its plugin,
 * minified, same targets), and must carry neither Ajv nor TypeBox.
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
const CALL_DATA = {
  pyCallData: { account: 'A-1' },
  pyUserData: { crm: { tier: 'gold', deep: { a: { b: { c: { d: { e: 'f' } } } } } } },
  pyCallVariables: ['a', 'b'],
  pyApplicationData: { ivr: 'menu' },
};
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

/** Every place in a document, as the keys leading to it (the document itself is []). */
const places = (value: unknown, at: (string | number)[] = []): (string | number)[][] =>
  typeof value === 'object' && value !== null
    ? [at, ...Object.entries(value).flatMap(([key, inner]) => places(inner, [...at, Array.isArray(value) ? Number(key) : key]))]
    : [at];

/** Values near the limits the schemas set: lengths, ranges, formats, patterns, types. */
const edgy = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', 'x', 'ws://a', 'http://a', '2024-01-02T03:04:05Z', '2024-13-02T03:04:05Z', '65535', '65536', 'A_B', 'a-b', '😀', 'MODE_NONE', 'INBOUND'),
  fc.integer({ min: -2, max: 700_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 300 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 20 }),
);

/** Damage anywhere in a document: a value set, removed or added at any depth. */
const damagedDeep = (seed: Record<string, unknown>) => {
  const all = places(seed).filter((path) => path.length > 0);
  return fc
    .array(fc.record({ path: fc.constantFrom(...all), value: edgy, how: fc.constantFrom('set', 'remove', 'add') }), { minLength: 1, maxLength: 3 })
    .map((changes) => {
      const copy = structuredClone(seed);
      for (const { path, value, how } of changes) {
        let node: unknown = copy;
        for (const key of path.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[key] : undefined;
        if (typeof node !== 'object' || node === null) continue;
        const parent = node as Record<string | number, unknown>;
        const last = path.at(-1)!;
        if (how === 'remove') delete parent[last];
        else if (how === 'set') parent[last] = value;
        else if (typeof parent[last] === 'object' && parent[last] !== null && !Array.isArray(parent[last])) (parent[last] as Record<string, unknown>).extra = value;
        else parent[last] = value;
      }
      return copy;
    });
};

/** A context with every part filled in, so that damage reaches each nested schema. */
const FULL_CONTEXT = {
  application: 'crm',
  telephonyMode: 'full',
  implementation: { vendor: 'acme', module: './acme.js' },
  ctiLink: {
    name: 'main',
    url: 'ws://127.0.0.1:8080',
    urls: ['ws://127.0.0.1:8081', 'wss://b.example'],
    pyPrimaryHost: 'cti',
    pyPrimaryPort: 5060,
    CustomProperties: [{ pyPropertyName: 'tenant', pyPropertyValue: 'x' }],
    contactCenterInstanceURL: 'https://cc.example/x',
  },
  callTreatment: { INBOUND: { enabled: true, answering: 'manual', launch: 'screenPopThenAccept', popData: ['pyANI'] }, CONSULT: { answering: 'auto', launch: 'autoWithScreenPop', popData: [] } },
  reasonCodes: { notReady: [{ code: 'L', label: 'Lunch' }], logout: [] },
  wrapUp: { dispositions: [{ code: 'S', label: 'Sold' }], dispositionRequired: true, timeLimitSeconds: 60 },
  locale: 'fr',
  errorMessages: { OPENCTI_DEST_BUSY: 'Occupé' },
  events: 'lenient',
  requestTimeoutMs: 5000,
};

/** Both sides get their own copy: validation may fill in defaults. */
const same = <K extends 'validateEvent' | 'validateContext' | 'validateErrorObject'>(name: K, input: unknown): void =>
  expect(bundled[name](structuredClone(input))).toEqual(runtime[name](structuredClone(input)));

describe('validators compiled ahead of time for the browser', () => {
  it('leave Ajv, its formats, fast-uri and TypeBox out of the bundle', () => {
    expect(inputs.filter((file) => /node_modules[\\/](fast-uri|ajv|ajv-formats|@sinclair)[\\/]/.test(file))).toEqual([]);
    expect(inputs.some((file) => file.endsWith('interpret.ts'))).toBe(true);
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

  it('report the same problems for damage deep inside events and contexts', () => {
    expect(bundled.validateContext(FULL_CONTEXT)).toMatchObject({ ok: true });
    same('validateContext', FULL_CONTEXT);
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS).chain(damagedDeep), (event) => {
        same('validateEvent', event);
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(damagedDeep(FULL_CONTEXT), (context) => {
        same('validateContext', context);
      }),
      { numRuns: 1500 },
    );
  });

  it('compile the framework’s own run-time schemas from the ahead-of-time list, with the same problems', () => {
    const inBrowser = bundled.compileValidator(RequestCallData);
    const inNode = runtime.compileValidator(RequestCallData);
    fc.assert(
      fc.property(fc.oneof(damaged(CALL_DATA), damagedDeep(CALL_DATA)), (callData) => {
        expect(inBrowser(structuredClone(callData))).toEqual(inNode(structuredClone(callData)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse to compile other schemas in the browser, saying where to add them', () => {
    expect(() => bundled.compileValidator({ title: 'Mystery', type: 'object' } as never)).toThrow(/Mystery is not compiled ahead of time .*AHEAD_OF_TIME_SCHEMAS/);
  });
});
