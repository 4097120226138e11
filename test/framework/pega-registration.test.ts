/**
 * A connector copied from a Pega OpenCTI project registers as it is: a constructor with its
 * functions on the prototype, callback style, implementationVersion "1", no frameworkApi, the
 * spellings consulationCall and dropparty, and its own logger. Then it works through a session
 * against the demo PBX of examples/callback-connector.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCallbackConnector, DemoPbx } from '../../examples/callback-connector/index.js';
import {
  createSession,
  CtiError,
  FRAMEWORK_API_VERSION,
  fromCallbackImplementation,
  ImplementationRegistry,
  loadImplementation,
  Session,
  type Implementation,
  validateEvent,
  type ApplicationContext,
  type FailureCallback,
  type SuccessCallback,
} from '../../src/framework/index.js';
import { definePegaConnector } from './helpers/pega-style-connector.js';

const AGENT = { agentId: 'agent7', agentPwd: 'secret', extension: '1001' };
const CALLER = '+15551234';
const SUPERVISOR = '2002';

const context: ApplicationContext = {
  application: 'pega-desk',
  telephonyMode: 'full',
  implementation: { vendor: 'acme' },
  ctiLink: { name: 'acme-link' },
  locale: 'en',
};

/** Lets the PBX deliver what it queued and the session react (all of it is microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const quiet = () => ({ warn: vi.fn<(message: string) => void>() });

function thrown(action: () => unknown): CtiError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CtiError);
    return error as CtiError;
  }
  throw new Error('expected a CtiError');
}

describe('a Pega-style connector registers with no adapter call', () => {
  it('is instantiated, recognised as callback style and wrapped; its spellings answer to the request names', () => {
    const registry = new ImplementationRegistry({ logger: quiet() });
    const registration = registry.register('acme', definePegaConnector(new DemoPbx(), quiet()));
    expect(registration.style).toBe('callback');
    expect(registration.implementation).toMatchObject({ name: 'Acme', implementationVersion: '1' });
    expect(typeof registration.implementation.consultationCall).toBe('function');
    expect(typeof registration.implementation.dropParty).toBe('function');
    expect(registry.resolve(context)).toBe(registration.implementation);
  });

  it('a missing frameworkApi means the current API: accepted, with a warning written to the connector\'s own logger', () => {
    const registryLogger = quiet();
    const connectorLogger = quiet();
    const registry = new ImplementationRegistry({ logger: registryLogger });
    const { warnings } = registry.register('acme', definePegaConnector(new DemoPbx(), connectorLogger));
    expect(warnings).toEqual([`implementation "Acme" declares no frameworkApi; it is taken as written for the current framework API ${FRAMEWORK_API_VERSION}`]);
    expect(connectorLogger.warn.mock.calls).toEqual([[warnings[0]]]);
    expect(registryLogger.warn).not.toHaveBeenCalled();
  });

  it('without a logger of its own (getLogger() gives nothing), the warning goes to the registry\'s logger', () => {
    const registryLogger = quiet();
    const registry = new ImplementationRegistry({ logger: registryLogger });
    const { warnings } = registry.register('acme', definePegaConnector(new DemoPbx()));
    expect(registryLogger.warn.mock.calls).toEqual([[warnings[0]]]);
  });

  it('a Logger with only info() or log() still receives the lines', () => {
    const info = vi.fn();
    new ImplementationRegistry({ logger: quiet() }).register('acme', definePegaConnector(new DemoPbx(), { info }));
    expect(info).toHaveBeenCalledWith(expect.stringContaining('declares no frameworkApi'));
  });
});

describe('through a full-mode session against the demo PBX', () => {
  it('logs in, takes a call, consults with consulationCall, conferences, drops a party with dropparty, logs out', async () => {
    const pbx = new DemoPbx({ passwords: { agent7: 'secret' } });
    const registry = new ImplementationRegistry({ logger: quiet() });
    registry.register('acme', definePegaConnector(pbx, quiet()));
    const session = createSession({ context, registry });
    const forwarded: unknown[] = [];
    session.on('event', (event) => forwarded.push(event));

    await session.login(AGENT);
    await session.agentReady({});
    await settle();
    expect(session.state).toMatchObject({ loggedIn: true, agent: { agentId: 'agent7', extension: '1001', state: 'Ready' } });

    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    await settle();
    expect(session.state.calls.find((c) => c.callId === c1)).toMatchObject({ state: 'Established', parties: [CALLER, '1001'] });

    // consultationCall reaches the connector's consulationCall.
    const { callId: c2 } = (await session.consultationCall(c1, SUPERVISOR)) as { callId: string };
    await settle();
    expect(session.state.calls.find((c) => c.callId === c2)).toMatchObject({ type: 'CONSULT', otherDN: SUPERVISOR });
    await session.hangUpCall(c2);
    await settle();
    await session.retrieveCall(c1);
    await settle();

    const { callId: c3 } = (await session.conferenceInitiate(c1, SUPERVISOR)) as { callId: string };
    await settle();
    pbx.farEndAnswers(c3);
    await settle();
    await session.conferenceComplete(c1, c3);
    await settle();
    expect(session.state.calls.find((c) => c.callId === c1)?.parties).toEqual([CALLER, '1001', SUPERVISOR]);

    // dropParty reaches the connector's dropparty.
    await session.dropParty(c1, SUPERVISOR);
    await settle();
    expect(session.state.calls.find((c) => c.callId === c1)?.parties).toEqual([CALLER, '1001']);
    await session.hangUpCall(c1);
    await settle();
    expect(session.state.calls).toEqual([]);

    await session.logout();
    await settle();
    expect(session.state).toMatchObject({ loggedIn: false, device: 'CLOSED', agent: { state: 'Logout' } });
    expect(pbx.agentStatus('agent7')).toBeUndefined();
    for (const event of forwarded) expect(validateEvent(event), JSON.stringify(event)).toMatchObject({ ok: true });
    expect(session.counters.eventsRejected).toBe(0);
    session.dispose();
  });

  it('given straight to a Session (no registry), a Pega-style instance is adapted the same way', async () => {
    const pbx = new DemoPbx({ passwords: { agent7: 'secret' } });
    const Acme = definePegaConnector(pbx, quiet()) as unknown as new () => Implementation;
    const session = new Session({ context, implementation: new Acme() });
    await session.login(AGENT);
    await session.agentReady({});
    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    const { callId: c2 } = (await session.consultationCall(c1, SUPERVISOR)) as { callId: string };
    await settle();
    expect(session.state.calls.find((c) => c.callId === c2)).toMatchObject({ type: 'CONSULT', otherDN: SUPERVISOR });
    await session.hangUpCall(c2);
    await settle();
    await session.hangUpCall(c1);
    await settle();
    expect(session.state.calls).toEqual([]);
    await session.logout();
    expect(session.state.loggedIn).toBe(false);
    session.dispose();
  });

  it('a PBX refusal reaches the host as a CtiError with the OpenCTI code', async () => {
    const pbx = new DemoPbx({ busyNumbers: ['5550000'] });
    const registry = new ImplementationRegistry({ logger: quiet() });
    registry.register('acme', definePegaConnector(pbx, quiet()));
    const session = createSession({ context, registry });
    await session.login(AGENT);
    await expect(session.makeCall('5550000')).rejects.toMatchObject({ errCode: 'OPENCTI_DEST_BUSY' });
    session.dispose();
  });

  it('a connector calling back twice is logged through its own logger', async () => {
    const logger = quiet();
    const Twice = function (this: Record<string, unknown>) {
      this.name = 'Twice';
      this.implementationVersion = '1';
    } as unknown as { new (): object; prototype: Record<string, unknown> };
    Twice.prototype.getLogger = () => logger;
    Twice.prototype.login = (_a: string, _p: string, _e: string, _l: unknown, _o: unknown, success: SuccessCallback, _f: FailureCallback, _fw: unknown) => {
      success();
      success();
    };
    Twice.prototype.logout = (_a: string, _r: string, _o: unknown, success: SuccessCallback, _f: FailureCallback) => success();
    const registry = new ImplementationRegistry({ logger: quiet() });
    registry.register('twice', Twice);
    const session = createSession({ context: { ...context, telephonyMode: 'simple', implementation: { vendor: 'twice' } }, registry });
    await session.login(AGENT);
    expect(logger.warn).toHaveBeenLastCalledWith('implementation "Twice" called success for login after the request had settled; ignored');
    session.dispose();
  });
});

describe('other shapes that register as they are', () => {
  it('a promise-style object spelling consulationCall and dropparty binds to full mode and is called under those names', async () => {
    const calls: string[] = [];
    const fn = (name: string) => (...args: unknown[]) => {
      calls.push(`${name}(${args.slice(0, 2).join(',')})`);
      return Promise.resolve(name === 'login' ? { extension: '1001' } : { callId: 'k2' });
    };
    const implementation: Record<string, unknown> = { name: 'promised', implementationVersion: '1', frameworkApi: '^1.0.0' };
    for (const name of ['login', 'logout', 'agentReady', 'agentNotReady', 'answerCall', 'hangUpCall', 'holdCall', 'retrieveCall', 'makeCall', 'sendDTMF', 'blindTransfer', 'transferInitiate', 'transferComplete', 'consulationCall', 'conferenceInitiate', 'conferenceComplete', 'dropparty']) {
      implementation[name] = fn(name);
    }
    const registry = new ImplementationRegistry({ logger: quiet() });
    const registration = registry.register('promised', implementation);
    expect(registration).toMatchObject({ style: 'promise', warnings: [] });
    const session = createSession({ context: { ...context, implementation: { vendor: 'promised' } }, registry });
    await session.login(AGENT);
    // What the session calls for these requests: the connector's functions under their other spelling.
    expect(session.implementation).toBe(registration.implementation);
    await expect(registration.implementation.consultationCall?.('k1', '2002', {})).resolves.toEqual({ callId: 'k2' });
    await expect(registration.implementation.dropParty?.('k1', '2002', {})).resolves.toEqual({ callId: 'k2' });
    expect(calls.slice(1)).toEqual(['consulationCall(k1,2002)', 'dropparty(k1,2002)']);
    session.dispose();
  });

  it('a promise-style object with neither spelling is still refused for full mode, naming the requests', () => {
    const registry = new ImplementationRegistry({ logger: quiet() });
    const noop = () => Promise.resolve();
    registry.register('partial', { name: 'partial', implementationVersion: '1', frameworkApi: '^1.0.0', login: noop, logout: noop, agentReady: noop, agentNotReady: noop });
    const error = thrown(() => registry.resolve({ telephonyMode: 'full', implementation: { vendor: 'partial' } }));
    expect(error.errCode).toBe('OPENCTI_NOT_IMPLEMENTED');
    expect(error.errMessage).toContain('consultationCall');
    expect(error.errMessage).toContain('dropParty');
  });

  it('the example callback connector registers as it is, and an adapter-wrapped one still passes as promise style', () => {
    const registry = new ImplementationRegistry({ logger: quiet() });
    expect(registry.register('demo-pbx', createCallbackConnector())).toMatchObject({ style: 'callback', warnings: [] });
    expect(registry.resolve({ telephonyMode: 'full', implementation: { vendor: 'demo-pbx' } }).name).toBe('demo-pbx');
    const wrapped = fromCallbackImplementation(createCallbackConnector());
    expect(registry.register('wrapped', wrapped)).toMatchObject({ style: 'promise', implementation: wrapped });
  });

  it('an ES class works like a Pega constructor', () => {
    class Globex {
      name = 'Globex';
      implementationVersion = '7';
      frameworkApi = '^1.0.0';
      login(_a: string, _p: string, _e: string, _l: unknown, _o: unknown, success: SuccessCallback, _f: FailureCallback, _fw: unknown) {
        success();
      }
      logout(_a: string, _r: string, _o: unknown, success: SuccessCallback, _f: FailureCallback) {
        success();
      }
    }
    const registry = new ImplementationRegistry({ logger: quiet() });
    expect(registry.register('globex', Globex)).toMatchObject({ style: 'callback', warnings: [] });
    expect(registry.resolve({ telephonyMode: 'simple', implementation: { vendor: 'globex' } }).name).toBe('Globex');
  });
});

describe('refusals still name what is wrong', () => {
  const registry = () => new ImplementationRegistry({ logger: quiet() });
  const pega = (identity: Record<string, unknown>) => {
    const Connector = function (this: Record<string, unknown>) {
      Object.assign(this, identity);
    } as unknown as { new (): object; prototype: Record<string, unknown> };
    Connector.prototype.login = (_a: string, _p: string, _e: string, _l: unknown, _o: unknown, success: SuccessCallback, _f: FailureCallback, _fw: unknown) => success();
    Connector.prototype.logout = (_a: string, _r: string, _o: unknown, success: SuccessCallback, _f: FailureCallback) => success();
    return Connector;
  };

  it('an empty or missing implementationVersion, or an empty name', () => {
    for (const identity of [{ name: 'Acme', implementationVersion: '' }, { name: 'Acme' }, { name: '', implementationVersion: '1' }]) {
      const error = thrown(() => registry().register('acme', pega(identity)));
      expect(error.errCode).toBe('OPENCTI_NOT_IMPLEMENTED');
      expect(error.errMessage).toContain(identity.name === '' ? '"name"' : '"implementationVersion"');
    }
  });

  it('a frameworkApi that is given but empty, not semver, or for another major version', () => {
    expect(thrown(() => registry().register('acme', pega({ name: 'Acme', implementationVersion: '1', frameworkApi: '' }))).errMessage).toContain('"frameworkApi"');
    expect(thrown(() => registry().register('acme', pega({ name: 'Acme', implementationVersion: '1', frameworkApi: 'latest' }))).errMessage).toContain('"latest"');
    const error = thrown(() => registry().register('acme', pega({ name: 'Acme', implementationVersion: '1', frameworkApi: '^2.0.0' })));
    expect(error.errCode).toBe('OPENCTI_VERSION_MISMATCH');
    expect(error.errMessage).toBe(`implementation "Acme" 1 targets framework API "^2.0.0", but this framework is API ${FRAMEWORK_API_VERSION}`);
  });

  it('something that is neither an object nor a constructor, or a constructor that throws', () => {
    expect(thrown(() => registry().register('acme', 42 as unknown as object)).errMessage).toBe('the implementation for vendor "acme" must be an object or a constructor, not number');
    const Failing = function () {
      throw new Error('Acme SDK not loaded');
    } as unknown as new () => object;
    const error = thrown(() => registry().register('acme', Failing));
    expect(error.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect(error.errMessage).toBe('the implementation constructor for vendor "acme" failed: Acme SDK not loaded');
    expect(thrown(() => registry().register('acme', () => ({}))).errMessage).toContain('is not a constructor');
  });

  it('a request that is not a function counts as missing, by its table name', () => {
    const Connector = pega({ name: 'Acme', implementationVersion: '1' });
    Connector.prototype.agentReady = (_a: string, _w: string, _o: unknown, success: SuccessCallback, _f: FailureCallback) => success();
    Connector.prototype.agentNotReady = 'not yet';
    const r = registry();
    r.register('acme', Connector);
    const error = thrown(() => r.resolve({ telephonyMode: 'agentState', implementation: { vendor: 'acme' } }));
    expect(error.errMessage).toBe('implementation "Acme" lacks what telephony mode "agentState" needs: agentNotReady');
  });
});

describe('loadImplementation of a module exporting a Pega constructor', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opencti-pega-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('instantiates it, ready to register', async () => {
    const path = join(dir, 'acme.mjs');
    await writeFile(
      path,
      `const Acme = function () { this.name = 'Acme'; this.implementationVersion = '1'; };
       Acme.prototype.login = function (agentId, agentPwd, extension, link, options, success, failure, forwardEvent) { success(); };
       Acme.prototype.logout = function (agentId, reasonCode, options, success, failure) { success(); };
       export default Acme;`,
    );
    const loaded = await loadImplementation(pathToFileURL(path).href);
    expect(loaded).toMatchObject({ name: 'Acme', implementationVersion: '1' });
    const registration = new ImplementationRegistry({ logger: quiet() }).register('acme', loaded);
    expect(registration.style).toBe('callback');
  });
});
