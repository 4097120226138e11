/**
 * Pega's link definition fields in the application context's ctiLink: validated with errors that
 * name the field, then handed to the implementation's login (and agentNotReady) unchanged; the
 * host's options (Pega's pyJWTString) reach the implementation's functions as given.
 */
import { describe, expect, it } from 'vitest';
import { createSession, CtiError, ImplementationRegistry, validateContext, type ApplicationContext } from '../../src/framework/index.js';

const PEGA_LINK = {
  name: 'genesys-lyon',
  pyPrimaryHost: 'cti.example.test',
  pyPrimaryPort: '7020',
  pySiteID: 'LYON-1',
  pyLabel: 'Lyon contact center',
  pyExtension: '1001',
  pyAgentId: 'agent7',
  pyAgentPwd: 'link-secret',
  CustomProperties: [
    { pyPropertyName: 'tenant', pyPropertyValue: 'Resources' },
    { pyPropertyName: 'switchName', pyPropertyValue: 'SIP_Switch' },
  ],
  contactCenterInstanceURL: 'https://lyon.contact-center.example.test/instance/42',
};

const context = (ctiLink: Record<string, unknown> = PEGA_LINK): ApplicationContext =>
  ({
    application: 'pega-desk',
    telephonyMode: 'full',
    implementation: { vendor: 'acme' },
    ctiLink,
    reasonCodes: { notReady: [{ code: 'BREAK', label: 'Break' }], logout: [] },
  }) as unknown as ApplicationContext;

type Received = { name: string; args: unknown[] };

/**
 * A connector written as Pega's interface file writes one (a constructor, callback style) that
 * records what each function receives and answers at once; the calls land in `received`.
 */
function recordingConnector(received: Received[]) {
  const Recorder = function (this: Record<string, unknown>) {
    this.name = 'Acme';
    this.implementationVersion = '1';
    this.frameworkApi = '^1.0.0';
  } as unknown as { new (): object; prototype: Record<string, unknown> };
  const proto = Recorder.prototype;
  proto.login = function (agentId: string, agentPwd: string, extension: string, link: unknown, options: unknown, success: (r?: unknown) => void, _failure: unknown, forwardEvent: (e: unknown) => void) {
    received.push({ name: 'login', args: [agentId, agentPwd, extension, link, options] });
    success({ extension: '1001' });
    forwardEvent({ pyEventType: 'AgentStateEvent', pyEventName: 'Login' });
  };
  proto.logout = function (_agentId: string, _reason: string, options: unknown, success: () => void) {
    received.push({ name: 'logout', args: [options] });
    success();
  };
  proto.agentReady = function (_agentId: string, _workMode: string, options: unknown, success: () => void) {
    received.push({ name: 'agentReady', args: [options] });
    success();
  };
  proto.agentNotReady = function (_agentId: string, _workMode: string, _reason: string, link: unknown, options: unknown, success: () => void) {
    received.push({ name: 'agentNotReady', args: [link, options] });
    success();
  };
  for (const name of ['answerCall', 'hangUpCall', 'holdCall', 'retrieveCall']) proto[name] = function (_c: string, _o: unknown, success: () => void) { success(); };
  proto.makeCall = function (destination: string, options: unknown, success: () => void) {
    received.push({ name: 'makeCall', args: [destination, options] });
    success();
  };
  for (const name of ['sendDTMF', 'blindTransfer', 'transferInitiate', 'consultationCall', 'conferenceInitiate', 'transferComplete', 'conferenceComplete', 'dropParty']) {
    proto[name] = function (_a: string, _b: string, _o: unknown, success: () => void) { success(); };
  }
  return Recorder;
}

function sessionWith(received: Received[], ctiLink?: Record<string, unknown>) {
  const registry = new ImplementationRegistry({ logger: { warn: () => {} } });
  registry.register('acme', recordingConnector(received));
  return createSession({ context: context(ctiLink), registry });
}

describe('a Pega link definition in ctiLink', () => {
  it('reaches the implementation\'s login and agentNotReady unchanged, field by field', async () => {
    const received: Received[] = [];
    const session = sessionWith(received);
    await session.login({ agentId: 'agent7', agentPwd: 'pw', extension: '1001' });
    await session.agentNotReady({ reasonCode: 'BREAK' });
    const login = received.find((r) => r.name === 'login')!;
    expect(login.args[3]).toEqual(PEGA_LINK);
    expect(received.find((r) => r.name === 'agentNotReady')!.args[0]).toEqual(PEGA_LINK);
  });

  it('a port may be a number too; vendor fields beyond Pega\'s are kept', async () => {
    const received: Received[] = [];
    const link = { ...PEGA_LINK, pyPrimaryPort: 7020, vendorTimeoutMs: 3000 };
    await sessionWith(received, link).login({ agentId: 'agent7', agentPwd: 'pw' });
    expect(received[0]?.args[3]).toEqual(link);
  });

  it.each([
    [{ pyPrimaryPort: 70200 }, '/ctiLink/pyPrimaryPort must be <= 65535 (got 70200)'],
    [{ pyPrimaryPort: '7O20' }, '/ctiLink/pyPrimaryPort must match pattern "^[0-9]{1,5}$" (got "7O20")'],
    [{ pyPrimaryPort: true }, '/ctiLink/pyPrimaryPort must be integer or string (got true)'],
    [{ pySiteID: 42 }, '/ctiLink/pySiteID must be string (got 42)'],
    [{ CustomProperties: [{ pyPropertyValue: 'x' }] }, '/ctiLink/CustomProperties/0/pyPropertyName is required'],
    [{ CustomProperties: { tenant: 'x' } }, '/ctiLink/CustomProperties must be array (got {"tenant": "x"})'],
    [{ CustomProperties: [{ pyPropertyName: 'tenant', pyPropertyValue: 5 }] }, '/ctiLink/CustomProperties/0/pyPropertyValue must be string (got 5)'],
    [{ contactCenterInstanceURL: 'lyon.contact-center' }, '/ctiLink/contactCenterInstanceURL must match pattern'],
  ])('%j is refused with OPENCTI_INVALID_CONFIG naming the field', (bad, message) => {
    const checked = validateContext(context({ ...PEGA_LINK, ...bad }));
    expect(checked.ok).toBe(false);
    let error: unknown;
    try {
      sessionWith([], { ...PEGA_LINK, ...bad });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(CtiError);
    expect((error as CtiError).errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect((error as CtiError).errMessage).toContain(message);
  });
});

describe('options from the host', () => {
  it('login({ options: { pyJWTString } }) hands the implementation that options object, and later requests theirs', async () => {
    const received: Received[] = [];
    const session = sessionWith(received);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudDcifQ.c2lnbmF0dXJl';
    await session.login({ agentId: 'agent7', agentPwd: 'pw', options: { pyJWTString: jwt, locale: 'fr' } });
    await session.agentReady({ options: { pyJWTString: jwt } });
    await session.makeCall('5551234', { pyJWTString: jwt });
    await session.logout({ options: { pyJWTString: jwt } });
    expect(received.map((r) => r.name)).toEqual(['login', 'agentReady', 'makeCall', 'logout']);
    expect(received[0]?.args.slice(0, 3)).toEqual(['agent7', 'pw', '']);
    expect(received[0]?.args[4]).toEqual({ pyJWTString: jwt, locale: 'fr' });
    expect(received[1]?.args[0]).toEqual({ pyJWTString: jwt });
    expect(received[2]?.args).toEqual(['5551234', { pyJWTString: jwt }]);
    expect(received[3]?.args[0]).toEqual({ pyJWTString: jwt });
  });

  it('a callback-style makeCall(number, options, success, failure) finds the call data in options.callData, as the host gave it', async () => {
    const received: Received[] = [];
    const session = sessionWith(received);
    await session.login({ agentId: 'agent7', agentPwd: 'pw' });
    const callData = { pyUserData: { account: { id: 'ACC-9' } }, pyCallVariables: 'IVR-2|billing' };
    await session.makeCall('5551234', { callData, pyJWTString: 'jwt' });
    expect(received.at(-1)).toEqual({ name: 'makeCall', args: ['5551234', { callData, pyJWTString: 'jwt' }] });
    await expect(session.makeCall('5551234', { callData: { pyCallVariables: 7 } as never })).rejects.toMatchObject({
      errCode: 'OPENCTI_INVALID_ACTION',
      errMessage: 'makeCall: options.callData is not valid: /pyCallVariables must be string or array (got 7)',
    });
    expect(received.filter((r) => r.name === 'makeCall')).toHaveLength(1);
  });

  it('without options, each function still gets an (empty) options object', async () => {
    const received: Received[] = [];
    const session = sessionWith(received);
    await session.login({ agentId: 'agent7', agentPwd: 'pw' });
    expect(received[0]?.args[4]).toEqual({});
  });
});
