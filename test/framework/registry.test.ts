/**
 * Steps 3 and 4 of an integration: registering an implementation under a vendor name, binding it
 * to a context's mode, and refusing an incompatible one with an error that says everything wrong.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkImplementation,
  CtiError,
  FRAMEWORK_API_VERSION,
  fromCallbackImplementation,
  ImplementationRegistry,
  loadImplementation,
  MODE_CAPABILITIES,
  TELEPHONY_MODES,
  type CallbackImplementation,
  type Implementation,
  type RequestName,
  type TelephonyMode,
} from '../../src/framework/index.js';

const identity = { name: 'acme', implementationVersion: '3.1.0', frameworkApi: '^1.0.0' };
const noop = () => Promise.resolve();

/** An implementation with exactly these request functions. */
function implementationWith(functions: readonly RequestName[], info: Partial<typeof identity> = {}): Implementation {
  return { ...identity, ...info, ...Object.fromEntries(functions.map((name) => [name, noop])) } as unknown as Implementation;
}

function thrown(action: () => unknown): CtiError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CtiError);
    return error as CtiError;
  }
  throw new Error('expected a CtiError');
}

async function rejected(action: () => Promise<unknown>): Promise<CtiError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(CtiError);
    return error as CtiError;
  }
  throw new Error('expected a CtiError');
}

const context = (mode: TelephonyMode, vendor = 'acme') => ({ telephonyMode: mode, implementation: { vendor } });

describe.each(TELEPHONY_MODES)('mode %s: every missing function named in one error', (mode) => {
  const required = MODE_CAPABILITIES[mode].required;

  it('an implementation with none of them is refused, naming them all', () => {
    const error = thrown(() => checkImplementation(implementationWith([]), mode));
    expect(error.errCode).toBe('OPENCTI_NOT_IMPLEMENTED');
    expect(error.errMessage).toContain(`"${mode}"`);
    expect(error.errMessage).toContain('"acme"');
    for (const name of required) expect(error.errMessage).toContain(name);
    expect(error.details).toEqual({ missing: [...required], mode });
  });

  it('an implementation lacking some is refused, naming exactly those', () => {
    const lacking = required.filter((_, i) => i % 2 === 1);
    const error = thrown(() => checkImplementation(implementationWith(required.filter((n) => !lacking.includes(n))), mode));
    expect(error.details).toEqual({ missing: lacking, mode });
    expect(error.errMessage.endsWith(lacking.join(', '))).toBe(true);
  });

  it('an implementation with all of them is accepted, and the registry resolves it for the context', () => {
    const implementation = implementationWith(required);
    expect(() => checkImplementation(implementation, mode)).not.toThrow();
    const registry = new ImplementationRegistry();
    registry.register('acme', implementation);
    expect(registry.resolve(context(mode))).toBe(implementation);
  });

  it('a property that is not a function counts as missing', () => {
    const implementation = { ...implementationWith(required), [required[0] as string]: 'login' } as unknown as Implementation;
    expect(thrown(() => checkImplementation(implementation, mode)).details).toMatchObject({ missing: [required[0]] });
  });
});

describe('what each mode requires (SPEC §2)', () => {
  it('simple needs login and logout; agentState adds agent state; full adds all call control', () => {
    expect(MODE_CAPABILITIES.simple.required).toEqual(['login', 'logout']);
    expect(MODE_CAPABILITIES.agentState.required).toEqual(['login', 'logout', 'agentReady', 'agentNotReady']);
    expect([...MODE_CAPABILITIES.full.required].sort()).toEqual(
      ['login', 'logout', 'agentReady', 'agentNotReady', 'answerCall', 'hangUpCall', 'holdCall', 'retrieveCall', 'makeCall', 'sendDTMF', 'blindTransfer', 'transferInitiate', 'transferComplete', 'consultationCall', 'conferenceInitiate', 'conferenceComplete', 'dropParty'].sort(),
    );
  });

  it('alternateCall and setCallData are optional in full mode', () => {
    expect(() => checkImplementation(implementationWith(MODE_CAPABILITIES.full.required), 'full')).not.toThrow();
    expect(MODE_CAPABILITIES.full.allowed).toEqual(expect.arrayContaining(['alternateCall', 'setCallData']));
    expect(MODE_CAPABILITIES.full.required).not.toContain('setCallData');
  });
});

describe('identity and version (step 4)', () => {
  it.each(['name', 'implementationVersion', 'frameworkApi'] as const)('an implementation without "%s" is refused, naming it', (key) => {
    const implementation = { ...implementationWith(['login', 'logout']), [key]: '' } as Implementation;
    const error = thrown(() => checkImplementation(implementation, 'simple'));
    expect(error.errCode).toBe('OPENCTI_NOT_IMPLEMENTED');
    expect(error.errMessage).toContain(`"${key}"`);
  });

  it('an implementation for another major version of the framework API is refused, naming both versions', () => {
    const error = thrown(() => checkImplementation(implementationWith(['login', 'logout'], { frameworkApi: '^2.0.0' }), 'simple'));
    expect(error.errCode).toBe('OPENCTI_VERSION_MISMATCH');
    expect(error.errMessage).toContain('^2.0.0');
    expect(error.errMessage).toContain(FRAMEWORK_API_VERSION);
    expect(error.errMessage).toContain('3.1.0');
    expect(error.details).toEqual({ implementation: 'acme', implementationVersion: '3.1.0', frameworkApi: '^2.0.0', frameworkVersion: FRAMEWORK_API_VERSION });
    expect(error.localizedMessage).toBe('The CTI connector was written for another version of the framework.');
  });

  it('the version is checked before the functions, so an old connector hears about the real problem', () => {
    expect(thrown(() => checkImplementation(implementationWith([], { frameworkApi: '0.x' }), 'full')).errCode).toBe('OPENCTI_VERSION_MISMATCH');
  });

  it('a frameworkApi range that is not semver is a mismatch that quotes it', () => {
    const error = thrown(() => checkImplementation(implementationWith(['login', 'logout'], { frameworkApi: 'latest' }), 'simple'));
    expect(error.errCode).toBe('OPENCTI_VERSION_MISMATCH');
    expect(error.errMessage).toContain('"latest"');
  });

  it('implementationVersion is the connector\'s own label, never compared: any non-empty string is accepted', () => {
    for (const implementationVersion of ['1', 'v-next', '2024-R2', '3.1.0']) {
      expect(() => checkImplementation(implementationWith(['login', 'logout'], { implementationVersion }), 'simple'), implementationVersion).not.toThrow();
    }
  });

  it('compatible ranges are accepted', () => {
    for (const frameworkApi of ['^1.0.0', '1.x', '>=1.0.0 <2', FRAMEWORK_API_VERSION]) {
      expect(() => checkImplementation(implementationWith(['login', 'logout'], { frameworkApi }), 'simple'), frameworkApi).not.toThrow();
    }
  });
});

describe('ImplementationRegistry', () => {
  it('an unknown vendor is a configuration error naming it and the registered ones', () => {
    const registry = new ImplementationRegistry();
    expect(thrown(() => registry.resolve(context('simple', 'nobody'))).errMessage).toBe('no implementation is registered for vendor "nobody"');
    registry.register('acme', implementationWith(['login', 'logout']));
    registry.register('globex', implementationWith(['login', 'logout']));
    const error = thrown(() => registry.resolve(context('simple', 'initech')));
    expect(error.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect(error.errMessage).toContain('"initech"');
    expect(error.errMessage).toContain('acme, globex');
    expect(registry.vendors()).toEqual(['acme', 'globex']);
    expect(registry.has('acme')).toBe(true);
    expect(registry.has('initech')).toBe(false);
  });

  it('a vendor registered twice is refused', () => {
    const registry = new ImplementationRegistry();
    registry.register('acme', implementationWith(['login', 'logout']));
    expect(thrown(() => registry.register('acme', implementationWith(['login', 'logout']))).errCode).toBe('OPENCTI_INVALID_CONFIG');
  });

  it('the same implementation binds to a context whose mode it covers, and not to a richer one', () => {
    const registry = new ImplementationRegistry();
    registry.register('acme', implementationWith(MODE_CAPABILITIES.agentState.required));
    expect(() => registry.resolve(context('simple'))).not.toThrow();
    expect(() => registry.resolve(context('agentState'))).not.toThrow();
    const error = thrown(() => registry.resolve(context('full')));
    expect(error.details).toMatchObject({ mode: 'full', missing: [...MODE_CAPABILITIES.full.required.filter((n) => !MODE_CAPABILITIES.agentState.required.includes(n))] });
  });
});

describe('loadImplementation from a module path', () => {
  const example = pathToFileURL(resolve('examples/callback-connector/index.js')).href;
  let dir: string;
  const fixture = async (file: string, source: string) => {
    const path = join(dir, file);
    await writeFile(path, source);
    return pathToFileURL(path).href;
  };
  const login = '(a, p, e, l, o, success) => success()';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opencti-registry-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the example connector through its default export, ready to wrap and register for full mode', async () => {
    const loaded = await loadImplementation(example);
    expect(loaded).toMatchObject({ name: 'demo-pbx', implementationVersion: '1.0.0', frameworkApi: '^1.0.0' });
    const registry = new ImplementationRegistry();
    registry.register('demo-pbx', fromCallbackImplementation(loaded as unknown as CallbackImplementation));
    expect(registry.resolve(context('full', 'demo-pbx')).name).toBe('demo-pbx');
    // Each load creates its own connector.
    expect(await loadImplementation(example)).not.toBe(loaded);
  });

  it('also finds an `implementation` export or a `createImplementation()` export', async () => {
    const named = await fixture('named.mjs', `export const implementation = { name: 'n', implementationVersion: '1.0.0', frameworkApi: '^1.0.0', login: ${login}, logout: () => {} };`);
    expect((await loadImplementation(named)).name).toBe('n');
    const factory = await fixture('factory.mjs', `export async function createImplementation() { return { name: 'f', implementationVersion: '1.0.0', frameworkApi: '^1.0.0', login: ${login}, logout: () => {} }; }`);
    expect((await loadImplementation(factory)).name).toBe('f');
  });

  it('a module that cannot be loaded is a configuration error naming the path', async () => {
    const missing = pathToFileURL(join(dir, 'nowhere.mjs')).href;
    const error = await rejected(() => loadImplementation(missing));
    expect(error.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect(error.errMessage).toContain('nowhere.mjs');
  });

  it('a module without an implementation is a configuration error saying what was expected', async () => {
    const empty = await fixture('empty.mjs', 'export const answer = 42;');
    const error = await rejected(() => loadImplementation(empty));
    expect(error.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect(error.errMessage).toContain('exports no implementation');
  });
});
