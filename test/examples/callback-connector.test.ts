/**
 * The callback-style example connector, unchanged, wrapped by the adapter and driven through a
 * full-mode session: what a CSR desktop sees through whole calls and an agent-state day.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createCallbackConnector,
  DemoPbx,
  type CallbackConnector,
} from '../../examples/callback-connector/index.js';
import {
  createSession,
  fromCallbackImplementation,
  ImplementationRegistry,
  validateEvent,
  type ApplicationContext,
  type CallView,
  type OpenCtiEvent,
  type SessionEventName,
} from '../../src/framework/index.js';
import { AGENT, CALLER, logIn, openSession, rejection, settle, SUPERVISOR, type DeskSession } from './helpers/desk.js';

const context: ApplicationContext = {
  application: 'demo-desk',
  telephonyMode: 'full',
  implementation: { vendor: 'demo-pbx' },
  ctiLink: { name: 'demo' },
  locale: 'en',
  reasonCodes: {
    notReady: [
      { code: 'BRK', label: 'Break' },
      { code: 'TRN', label: 'Training' },
    ],
    logout: [{ code: 'EOD', label: 'End of day' }],
  },
  callTreatment: {
    INBOUND: { enabled: true, answering: 'manual', launch: 'screenPopThenAccept', popData: ['pyANI', 'pyDNIS', 'account'] },
  },
};

const HOST_EVENTS: SessionEventName[] = ['agentState', 'callAdded', 'call', 'callEnded', 'link', 'device', 'screenPop', 'interactionStart', 'error', 'loggedOut'];

interface Desk extends DeskSession {
  pbx: DemoPbx;
  connector: CallbackConnector;
  /** Every raw event the connector forwarded (valid or not). */
  forwarded: unknown[];
  /** Host-facing session events, by name, in order. */
  heard: { name: SessionEventName; payload: unknown }[];
  names(): string[];
}

function openDesk(): Desk {
  const pbx = new DemoPbx({ passwords: { agent7: 'secret' }, busyNumbers: ['5550000'] });
  const connector = createCallbackConnector({ pbx, reasonCodes: { BRK: '11', TRN: '12', EOD: '90' } });
  const forwarded: unknown[] = [];
  // Spy on what the unchanged connector forwards, beneath the adapter.
  const spied = {
    ...connector,
    login: (...args: Parameters<CallbackConnector['login']>) => {
      const forward = args[7];
      args[7] = (event: unknown) => {
        forwarded.push(event);
        forward(event);
      };
      connector.login(...args);
    },
  };
  const registry = new ImplementationRegistry();
  registry.register('demo-pbx', fromCallbackImplementation(spied));
  const { session, events, call } = openSession({
    context,
    registry,
    customerLookup: (ani) => (ani === CALLER ? [{ id: 'cust-42', name: 'Ada Lovelace' }] : []),
  });
  const heard: Desk['heard'] = [];
  for (const name of HOST_EVENTS) session.on(name, (payload?: unknown) => heard.push({ name, payload }));
  return {
    pbx,
    connector,
    session,
    events,
    forwarded,
    heard,
    names: () => heard.map((h) => h.name),
    call,
  };
}

/** `CallStateEvent:Alerting:demo-1`, `PartyInfoEvent:PartyInfo:demo-1`, `AgentStateEvent:Ready`… */
const summary = (events: readonly OpenCtiEvent[]) =>
  events.map((e) => [e.pyEventType, e.pyEventName, 'pyCallId' in e ? e.pyCallId : undefined].filter(Boolean).join(':'));

let desk: Desk;

beforeEach(async () => {
  desk = openDesk();
  await logIn(desk);
});

afterEach(() => {
  // Every event the connector forwarded was a valid OpenCTI event (SPEC §4).
  for (const event of desk.forwarded) expect(validateEvent(event), JSON.stringify(event)).toMatchObject({ ok: true });
  expect(desk.session.counters.eventsRejected).toBe(0);
  expect(desk.heard.filter((h) => h.name === 'error')).toEqual([]);
  desk.session.dispose();
});

describe('login', () => {
  it('logs the agent in on the extension: link up, device monitored, agent in Login', () => {
    expect(desk.session.state).toMatchObject({
      loggedIn: true,
      link: 'CONNECTED',
      device: 'OPENED',
      agent: { agentId: 'agent7', extension: '1001', state: 'Login', afterCallWork: false },
      calls: [],
    });
    expect(summary(desk.events)).toEqual(['SnapshotEvent:Snapshot']);
    expect(desk.pbx.agentStatus('agent7')).toMatchObject({ extension: '1001', state: 'signedIn' });
  });

  it('with no extension given, the PBX chooses one and the desktop learns it', async () => {
    const other = openDesk();
    await other.session.login({ agentId: 'agent8', agentPwd: 'any' });
    await settle();
    expect(other.session.state.agent).toMatchObject({ agentId: 'agent8', extension: '1001', state: 'Login' });
    other.session.dispose();
  });

  it('a wrong password or an agent already logged in elsewhere is refused with the OpenCTI code', async () => {
    const other = openDesk();
    expect(await rejection(other.session.login({ ...AGENT, agentPwd: 'nope' }))).toMatchObject({ errCode: 'OPENCTI_AUTH_FAILED' });
    const second = createSession({
      context,
      registry: (() => {
        const registry = new ImplementationRegistry();
        registry.register('demo-pbx', fromCallbackImplementation(createCallbackConnector({ pbx: desk.pbx })));
        return registry;
      })(),
    });
    const error = await rejection(second.login({ ...AGENT, extension: '1002' }));
    expect(error).toMatchObject({ errCode: 'OPENCTI_AGENT_LOGGED_IN', localizedMessage: 'This agent is already logged in on another device.' });
    expect(error.errMessage).toContain('1001');
    expect(second.state.loggedIn).toBe(false);
    other.session.dispose();
    second.dispose();
  });
});

describe('a whole inbound call: alert, answer, hold, retrieve, consult, transfer', () => {
  it('shows the desktop every step, ending with both calls gone from the agent', async () => {
    const { pbx, session } = desk;
    await session.agentReady({ workMode: 'MODE_MANUAL_IN' });
    await settle();
    expect(session.state.agent).toMatchObject({ state: 'Ready', workMode: 'MODE_MANUAL_IN' });

    // The caller rings in through the billing queue with an account attached by the IVR.
    const c1 = pbx.ringAgent('1001', { from: CALLER, dnis: '8000', queue: 'billing', data: { account: 'A-42' } });
    await settle();
    expect(desk.call(c1)).toMatchObject({ state: 'Alerting', type: 'INBOUND', ani: CALLER, otherDN: CALLER, thisDN: '1001', dnis: '8000', queue: 'billing', callData: { account: 'A-42' } });
    const pop = desk.heard.find((h) => h.name === 'screenPop')?.payload;
    expect(pop).toMatchObject({
      call: { callId: c1 },
      needsAccept: true,
      data: { pyANI: CALLER, pyDNIS: '8000', account: 'A-42' },
      match: { kind: 'one', customer: { id: 'cust-42' } },
    });

    await session.answerCall(c1);
    await settle();
    expect(desk.call(c1)).toMatchObject({ state: 'Established', parties: [CALLER, '1001'] });
    expect(desk.call(c1)?.answeredAt).toBeDefined();
    await session.acceptScreenPop(c1);
    expect(desk.heard.find((h) => h.name === 'interactionStart')?.payload).toMatchObject({ call: { callId: c1 }, customer: { id: 'cust-42' } });

    await session.holdCall(c1);
    await settle();
    expect(desk.call(c1)?.state).toBe('Held');
    await session.retrieveCall(c1);
    await settle();
    expect(desk.call(c1)?.state).toBe('Retrieved');

    await session.sendDTMF(c1, '12#');
    expect(pbx.digitsSent(c1)).toEqual(['12#']);

    // Consult the supervisor: the customer is held, a consult call is placed.
    const { callId: c2 } = (await session.consultationCall(c1, SUPERVISOR)) as { callId: string };
    await settle();
    expect(desk.call(c1)?.state).toBe('Held');
    expect(desk.call(c2)).toMatchObject({ state: 'Initiated', type: 'CONSULT', otherDN: SUPERVISOR, callData: { account: 'A-42' } });
    pbx.farEndAnswers(c2);
    await settle();
    expect(desk.call(c2)).toMatchObject({ state: 'Established', parties: ['1001', SUPERVISOR] });
    expect(session.state.calls.map((c) => [c.callId, c.state])).toEqual([
      [c1, 'Held'],
      [c2, 'Established'],
    ]);

    // Complete the transfer: the agent drops out, the customer now talks to the supervisor.
    await session.transferComplete(c1, c2);
    await settle();
    expect(session.state.calls).toEqual([]);
    const ended = desk.heard.filter((h) => h.name === 'callEnded').map((h) => (h.payload as CallView).callId);
    expect(ended.sort()).toEqual([c1, c2].sort());
    expect(pbx.callView(c1, SUPERVISOR)).toMatchObject({ myState: 'connected', parties: [CALLER, SUPERVISOR] });
    expect(pbx.callsOf('1001')).toEqual([]);

    expect(summary(desk.events)).toEqual([
      'SnapshotEvent:Snapshot',
      'AgentStateEvent:Ready',
      `CallStateEvent:Alerting:${c1}`,
      `CallStateEvent:Established:${c1}`,
      `PartyInfoEvent:PartyInfo:${c1}`,
      `CallStateEvent:Held:${c1}`,
      `CallStateEvent:Retrieved:${c1}`,
      `CallStateEvent:Held:${c1}`,
      `CallStateEvent:Initiated:${c2}`,
      `CallStateEvent:Established:${c2}`,
      `PartyInfoEvent:PartyInfo:${c2}`,
      `CallStateEvent:Disconnected:${c2}`,
      `CallStateEvent:Disconnected:${c1}`,
    ]);
    // The host heard of the new call once, then of its changes, then of its end.
    expect(desk.names().filter((n) => n === 'callAdded')).toHaveLength(2);
    expect(desk.names().indexOf('callAdded')).toBeLessThan(desk.names().indexOf('screenPop'));
  });

  it('the caller hanging up disconnects the call; hanging up before the answer abandons it', async () => {
    const { pbx, session } = desk;
    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    await settle();
    pbx.farEndHangsUp(c1);
    await settle();
    expect(session.state.calls).toEqual([]);
    expect(desk.heard.filter((h) => h.name === 'callEnded').map((h) => h.payload)).toMatchObject([{ callId: c1, state: 'Disconnected' }]);

    const c2 = pbx.ringAgent('1001', { from: '+15559999' });
    await settle();
    expect(desk.call(c2)?.state).toBe('Alerting');
    pbx.farEndHangsUp(c2);
    await settle();
    expect(session.state.calls).toEqual([]);
    expect(desk.events.at(-1)).toMatchObject({ pyEventName: 'Abandoned', pyCallId: c2 });
    // A customer the lookup does not know gets the "unknown caller" pop.
    expect(desk.heard.filter((h) => h.name === 'screenPop').map((h) => h.payload)).toMatchObject([
      { call: { callId: c1 }, match: { kind: 'one' } },
      { call: { callId: c2 }, match: { kind: 'none' } },
    ]);
  });

  it('a conference joins the supervisor, drop party removes them, hang up ends the call', async () => {
    const { pbx, session } = desk;
    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    await settle();
    const { callId: c2 } = (await session.conferenceInitiate(c1, SUPERVISOR)) as { callId: string };
    await settle();
    pbx.farEndAnswers(c2);
    await settle();
    await session.conferenceComplete(c1, c2);
    await settle();
    expect(session.state.calls).toHaveLength(1);
    expect(desk.call(c1)).toMatchObject({ state: 'Retrieved', parties: [CALLER, '1001', SUPERVISOR] });

    await session.dropParty(c1, SUPERVISOR);
    await settle();
    expect(desk.call(c1)?.parties).toEqual([CALLER, '1001']);
    await session.hangUpCall(c1);
    await settle();
    expect(session.state.calls).toEqual([]);
    expect(pbx.callsOf(CALLER)).toEqual([]);
  });

  it('blind transfer hands the call on at once', async () => {
    const { pbx, session } = desk;
    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    await settle();
    await session.blindTransfer(c1, SUPERVISOR);
    await settle();
    expect(session.state.calls).toEqual([]);
    expect(pbx.callView(c1, SUPERVISOR)).toMatchObject({ myState: 'ringing', parties: [CALLER, SUPERVISOR] });
  });

  it('makeCall, a second inbound call, and alternate between them', async () => {
    const { pbx, session } = desk;
    const { callId: out } = (await session.makeCall('5557777')) as { callId: string };
    await settle();
    expect(desk.call(out)).toMatchObject({ state: 'Initiated', type: 'OUTBOUND', otherDN: '5557777' });
    pbx.farEndAnswers(out);
    await settle();
    expect(desk.call(out)?.state).toBe('Established');
    await session.holdCall(out);
    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    await settle();
    await session.alternateCall(out, c1);
    await settle();
    expect(session.state.calls.map((c) => [c.callId, c.state])).toEqual([
      [out, 'Retrieved'],
      [c1, 'Held'],
    ]);
    await session.hangUpCall(out);
    await session.retrieveCall(c1);
    await session.hangUpCall(c1);
    await settle();
    expect(session.state.calls).toEqual([]);
  });

  it('refusals from the PBX reach the host as OpenCTI errors in the context locale', async () => {
    const busy = await rejection(desk.session.makeCall('5550000'));
    expect(busy).toMatchObject({ errCode: 'OPENCTI_DEST_BUSY', errMessage: '5550000 is busy', localizedMessage: 'The destination is busy.' });
    const invalid = await rejection(desk.session.makeCall('not-a-number'));
    expect(invalid).toMatchObject({ errCode: 'OPENCTI_CF_INVALID_DESTINATION' });
    // The framework refuses what cannot work before the connector sees it.
    const noCall = await rejection(desk.session.answerCall('demo-999'));
    expect(noCall.errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
    expect(noCall.errMessage).toContain('demo-999');
  });
});

describe('agent state through a working day', () => {
  it('Ready, Not Ready with reason codes, after-call work, Ready again, logout with a reason', async () => {
    const { pbx, session } = desk;
    await session.agentReady();
    await settle();
    expect(session.state.agent).toMatchObject({ state: 'Ready', afterCallWork: false });
    expect((await rejection(session.agentReady())).errCode).toBe('OPENCTI_IN_SAME_STATE');

    await session.agentNotReady({ reasonCode: 'BRK' });
    await settle();
    expect(session.state.agent).toMatchObject({ state: 'NotReady', reasonCode: 'BRK', afterCallWork: false });
    // The connector translated the context's code into the PBX's own.
    expect(pbx.agentStatus('agent7')).toMatchObject({ state: 'unavailable', auxCode: '11' });

    await session.agentNotReady({ reasonCode: 'TRN' });
    await settle();
    expect(session.state.agent).toMatchObject({ state: 'NotReady', reasonCode: 'TRN' });

    const unlisted = await rejection(session.agentNotReady({ reasonCode: 'NAP' }));
    expect(unlisted.errCode).toBe('OPENCTI_INVALID_ACTION');
    expect(unlisted.errMessage).toContain('"BRK" (Break)');

    // A call, then wrap-up: Not Ready in work mode ACW.
    await session.agentReady();
    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    await settle();
    await session.hangUpCall(c1);
    await session.agentNotReady({ reasonCode: '', workMode: 'ACW' });
    await settle();
    expect(session.state.agent).toMatchObject({ state: 'NotReady', workMode: 'ACW', afterCallWork: true });
    expect(pbx.agentStatus('agent7')?.state).toBe('wrapup');

    await session.agentReady({ workMode: 'MODE_AUTO_IN' });
    await settle();
    expect(session.state.agent).toMatchObject({ state: 'Ready', workMode: 'MODE_AUTO_IN', afterCallWork: false, reasonCode: undefined });

    const agentStates = desk.heard.filter((h) => h.name === 'agentState').map((h) => h.payload);
    expect(agentStates).toMatchObject([
      { state: 'Login' },
      { state: 'Ready' },
      { state: 'NotReady', reasonCode: 'BRK' },
      { state: 'NotReady', reasonCode: 'TRN' },
      { state: 'Ready' },
      { state: 'NotReady', workMode: 'ACW', afterCallWork: true },
      { state: 'Ready', workMode: 'MODE_AUTO_IN' },
    ]);

    await session.logout({ reasonCode: 'EOD' });
    await settle();
    expect(session.state).toMatchObject({ loggedIn: false, device: 'CLOSED', agent: { state: 'Logout', reasonCode: 'EOD' }, calls: [] });
    expect(desk.names().at(-1)).toBe('loggedOut');
    expect(summary(desk.events).at(-1)).toBe('SnapshotEvent:Snapshot');
    expect(desk.events.at(-1)).toMatchObject({ pyAgentState: 'Logout', pyDeviceState: 'CLOSED', pyReasonCode: 'EOD' });
    expect(pbx.agentStatus('agent7')).toBeUndefined();
    expect(session.counters.eventsAfterLogout).toBe(0);
  });

  it('logout is refused while a call is in progress', async () => {
    desk.pbx.ringAgent('1001', { from: CALLER });
    await settle();
    const error = await rejection(desk.session.logout({ reasonCode: 'EOD' }));
    expect(error.errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
    expect(desk.session.state.loggedIn).toBe(true);
  });
});
