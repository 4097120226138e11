import { describe, expect, it } from 'vitest';
import { CtiError, ImplementationRegistry, Session, createSession, type CtiError as CtiErrorType } from '../../src/framework/index.js';
import { AGENT, agentState, callState, snapshot } from './helpers/events.js';
import { fakeImplementation } from './helpers/fake-implementation.js';
import { contextFor, loggedIn, makeSession } from './helpers/session.js';

const failure = (promise: Promise<unknown>) => promise.then(
  () => {
    throw new Error('expected a rejection');
  },
  (error: unknown) => error as CtiErrorType,
);

describe('login', () => {
  it('hands the implementation the agent, extension, CTI link, options and a forwardEvent', async () => {
    const t = makeSession('simple');
    const result = await t.session.login({ agentId: AGENT, agentPwd: 'pw', extension: '1001', options: { station: 'A' } });
    expect(result).toEqual({ extension: '1001' });
    const [call] = t.fake.calls;
    expect(call?.name).toBe('login');
    expect(call?.args.slice(0, 5)).toEqual([AGENT, 'pw', '1001', { name: 'lab', url: 'ws://localhost:0' }, { station: 'A' }]);
    expect(typeof call?.args[5]).toBe('function');
  });

  it('the agent is logged in once login resolves, even before the Snapshot', async () => {
    const t = makeSession('simple');
    await t.session.login({ agentId: AGENT, agentPwd: 'pw' });
    expect(t.fake.calls[0]?.args[2]).toBe('');
    expect(t.session.state).toMatchObject({ loggedIn: true, agent: { agentId: AGENT, extension: '1001', state: 'Login' } });
    expect(t.of('agentState')).toEqual([expect.objectContaining({ state: 'Login' })]);
  });

  it('accepts the Snapshot that arrives before login resolves', async () => {
    const t = makeSession('agentState');
    t.fake.respond('login', (...args) => {
      (args[5] as (e: unknown) => void)(snapshot({ pyAgentState: 'NotReady', pyReasonCode: 'START' }));
      return Promise.resolve({});
    });
    await t.session.login({ agentId: AGENT, agentPwd: 'pw' });
    expect(t.session.state).toMatchObject({ loggedIn: true, device: 'OPENED', link: 'CONNECTED', agent: { state: 'NotReady', reasonCode: 'START' } });
    expect(t.session.counters.eventsAccepted).toBe(1);
  });

  it('login twice, or while a login is in progress, is refused without reaching the implementation', async () => {
    const t = makeSession('simple');
    const pending = t.fake.hang('login');
    const first = t.session.login({ agentId: AGENT, agentPwd: 'pw' });
    const during = await failure(t.session.login({ agentId: AGENT, agentPwd: 'pw' }));
    expect(during).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'login: a login is already in progress' });
    pending.resolve({});
    await first;
    const again = await failure(t.session.login({ agentId: 'other', agentPwd: 'pw' }));
    expect(again).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: `login: agent "${AGENT}" is already logged in; log out first` });
    expect(t.fake.names()).toEqual(['login']);
  });

  it('login without an agent id is refused', async () => {
    const t = makeSession('simple');
    const error = await failure(t.session.login({ agentId: '', agentPwd: 'pw' }));
    expect(error).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'login needs an agentId (got "")' });
    expect(t.fake.calls).toEqual([]);
  });

  it('a refused login leaves the agent logged out, in the context locale, and kills its forwardEvent', async () => {
    const t = makeSession('simple', { context: { locale: 'fr' } });
    t.fake.respond('login', (...args) => {
      (args[5] as (e: unknown) => void)(snapshot());
      return Promise.reject({ errCode: 'OPENCTI_AUTH_FAILED', errMessage: 'bad password for agent1' });
    });
    const error = await failure(t.session.login({ agentId: AGENT, agentPwd: 'nope' }));
    expect(error).toBeInstanceOf(CtiError);
    expect(error).toMatchObject({ errCode: 'OPENCTI_AUTH_FAILED', errMessage: 'bad password for agent1' });
    expect(error.localizedMessage).toMatch(/mot de passe|identifiant/i);
    expect(t.session.state).toMatchObject({ loggedIn: false, device: 'CLOSED', agent: { state: 'Logout' } });
    t.fake.emit(callState('Alerting', 'late'));
    expect(t.session.state.calls).toEqual([]);
    expect(t.session.counters.eventsAfterLogout).toBe(1);
    // The agent may try again.
    t.fake.respond('login', () => Promise.resolve({}));
    await t.session.login({ agentId: AGENT, agentPwd: 'right' });
    expect(t.session.state.loggedIn).toBe(true);
  });
});

describe('logout', () => {
  it('passes the agent and reason, ends the session view and emits loggedOut', async () => {
    const t = await loggedIn('full');
    t.fake.emit(callState('Established', 'c1'));
    t.heard.length = 0;
    await t.session.logout({ reasonCode: 'EOD', options: { force: true } });
    expect(t.fake.calls.at(-1)).toEqual({ name: 'logout', args: [AGENT, 'EOD', { force: true }] });
    expect(t.session.state).toMatchObject({ loggedIn: false, device: 'CLOSED', calls: [], agent: { state: 'Logout', reasonCode: 'EOD' } });
    expect(t.heard.map((h) => h.name)).toEqual(['agentState', 'device', 'callEnded', 'state', 'loggedOut']);
  });

  it('accepts events until logout resolves (the Snapshot that follows it), and drops and counts them after', async () => {
    const t = await loggedIn('full');
    const pending = t.fake.hang('logout');
    const done = t.session.logout();
    t.fake.emit(snapshot({ pyAgentState: 'Logout', pyDeviceState: 'CLOSED' }));
    expect(t.session.state.device).toBe('CLOSED');
    pending.resolve({});
    await done;
    const after = t.session.state;
    t.fake.emit(callState('Alerting', 'c9'));
    t.fake.emit(agentState('Ready'));
    t.fake.emit('not even an event');
    expect(t.session.state).toBe(after);
    expect(t.session.counters).toEqual({ eventsAccepted: 2, eventsRejected: 0, eventsRepaired: 0, eventsAfterLogout: 3 });
    expect(t.errors()).toEqual([]);
  });

  it('a refused logout leaves the agent logged in, still hearing events', async () => {
    const t = await loggedIn('full');
    t.fake.reject('logout', { errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'calls in progress' });
    const error = await failure(t.session.logout());
    expect(error.errCode).toBe('OPENCTI_INVALID_ACTION');
    expect(t.session.state.loggedIn).toBe(true);
    t.fake.emit(callState('Alerting', 'c1'));
    expect(t.session.state.calls).toHaveLength(1);
    expect(t.of('loggedOut')).toEqual([]);
  });

  it('logout while not logged in, or while a logout is in progress, is refused', async () => {
    const t = makeSession('simple');
    expect(await failure(t.session.logout())).toMatchObject({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN' });
    await t.session.login({ agentId: AGENT, agentPwd: 'pw' });
    const pending = t.fake.hang('logout');
    const first = t.session.logout();
    expect(await failure(t.session.logout())).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'logout: a logout is already in progress' });
    pending.resolve();
    await first;
    expect(t.fake.names()).toEqual(['login', 'logout']);
  });

  it('the logout reason must be one the context lists, when it lists any', async () => {
    const t = await loggedIn('simple', { context: { reasonCodes: { notReady: [], logout: [{ code: 'EOD', label: 'End of day' }] } } });
    const error = await failure(t.session.logout({ reasonCode: 'LUNCH' }));
    expect(error).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION' });
    expect(error.errMessage).toBe('logout: "LUNCH" is not a Logout reason code of this application; use one of "EOD" (End of day)');
    expect(t.fake.names()).toEqual(['login']);
    await t.session.logout({ reasonCode: 'EOD' });
    expect(t.fake.names()).toEqual(['login', 'logout']);
  });

  it('another agent logging in after logout is shown as that agent, on the extension the server gives', async () => {
    const t = await loggedIn('simple');
    await t.session.logout();
    t.fake.respond('login', () => Promise.resolve({ extension: '3003' }));
    await t.session.login({ agentId: 'agent2', agentPwd: 'pw' });
    expect(t.session.state.agent).toMatchObject({ agentId: 'agent2', extension: '3003', state: 'Login' });
    t.fake.respond('login', () => Promise.resolve(undefined));
    await t.session.logout();
    await t.session.login({ agentId: 'agent3', agentPwd: 'pw' });
    expect(t.session.state.agent).toMatchObject({ agentId: 'agent3', extension: undefined });
  });

  it('logging in again after logout gives a fresh forwardEvent; the old one stays dead', async () => {
    const t = await loggedIn('simple');
    const old = t.fake.forwardEvent;
    await t.session.logout();
    await t.session.login({ agentId: AGENT, agentPwd: 'pw' });
    old(callState('Alerting', 'from-old'));
    t.fake.emit(callState('Alerting', 'from-new'));
    expect(t.session.state.calls.map((c) => c.callId)).toEqual(['from-new']);
    expect(t.session.counters.eventsAfterLogout).toBe(1);
  });
});

describe('agent logged out by the server', () => {
  it('requests other than logout are refused until the agent logs in again', async () => {
    const t = await loggedIn('agentState');
    t.fake.emit(agentState('Logout', { pyReasonCode: 'SUPERVISOR' }));
    const error = await failure(t.session.agentReady());
    expect(error).toMatchObject({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: `agentReady: the CTI server reports agent "${AGENT}" logged out` });
    await t.session.logout();
    expect(t.fake.names()).toEqual(['login', 'logout']);
  });
});

describe('dispose', () => {
  it('rejects requests in flight, drops later events and refuses new requests', async () => {
    const t = await loggedIn('full');
    t.fake.emit(callState('Alerting', 'c1'));
    t.fake.hang('answerCall');
    const inFlight = t.session.answerCall('c1');
    t.session.dispose();
    const error = await failure(inFlight);
    expect(error).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'answerCall: the session was disposed before the CTI server answered' });
    t.fake.emit(callState('Established', 'c1'));
    expect(t.session.state.calls[0]?.state).toBe('Alerting');
    expect(t.session.state.loggedIn).toBe(false);
    expect(t.session.counters.eventsAfterLogout).toBe(1);
    expect(await failure(t.session.hangUpCall('c1'))).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'hangUpCall: the session has been disposed' });
    expect(await failure(t.session.login({ agentId: AGENT, agentPwd: 'pw' }))).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION' });
    t.session.dispose();
  });
});

describe('createSession', () => {
  const registryWith = (omit: Parameters<typeof fakeImplementation>[0] = {}) => {
    const registry = new ImplementationRegistry();
    registry.register('fake', fakeImplementation(omit).implementation);
    return registry;
  };

  it('validates the context and names every problem with its JSON path', () => {
    let error: CtiErrorType | undefined;
    try {
      createSession({
        context: { application: '', telephonyMode: 'fancy', implementation: {}, ctiLink: { name: 'lab' }, requestTimeoutMs: -1 },
        registry: registryWith(),
      });
    } catch (e) {
      error = e as CtiErrorType;
    }
    expect(error).toBeInstanceOf(CtiError);
    expect(error?.errCode).toBe('OPENCTI_INVALID_CONFIG');
    for (const path of ['/application', '/telephonyMode', '/implementation/vendor', '/requestTimeoutMs']) {
      expect(error?.errMessage).toContain(path);
    }
    expect(error?.errMessage).toContain('(got "fancy")');
  });

  it('refuses a context that is not an object', () => {
    expect(() => createSession({ context: 'full', registry: registryWith() })).toThrow(/OPENCTI_INVALID_CONFIG: the application context is not valid: \(document\) must be a JSON object/);
  });

  it('refuses a vendor that is not registered', () => {
    expect(() => createSession({ context: { ...contextFor('full'), implementation: { vendor: 'acme' } }, registry: registryWith() })).toThrow(
      /no implementation is registered for vendor "acme" \(registered: fake\)/,
    );
  });

  it('names every function the mode needs and the implementation lacks', () => {
    expect(() => createSession({ context: contextFor('full'), registry: registryWith({ omit: ['holdCall', 'dropParty'] }) })).toThrow(
      /lacks what telephony mode "full" needs: holdCall, dropParty/,
    );
  });

  it('gives a working session, with defaults filled in', async () => {
    const session = createSession({ context: { ...contextFor('agentState'), reasonCodes: {} }, registry: registryWith() });
    expect(session).toBeInstanceOf(Session);
    expect(session.context.reasonCodes).toEqual({ notReady: [], logout: [] });
    await session.login({ agentId: AGENT, agentPwd: 'pw' });
    expect(session.state.loggedIn).toBe(true);
  });

  it('the constructor checks the implementation against the mode too', () => {
    const fake = fakeImplementation({ omit: ['agentReady'] });
    expect(() => new Session({ context: contextFor('agentState'), implementation: fake.implementation })).toThrow(/OPENCTI_NOT_IMPLEMENTED.*agentReady/);
    expect(() => new Session({ context: contextFor('simple'), implementation: fake.implementation })).not.toThrow();
  });
});
