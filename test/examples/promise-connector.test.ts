/**
 * The promise-style example connector: its conformance target passes the kit in every mode (as a
 * module and through the CLI, as docs/connector.md tells an author to run it), and a whole call
 * driven through a framework Session shows the desktop every step, with logout's Snapshot last.
 * Last, docs/spec.md — what the author of such a connector reads — names every event property
 * (required or not, as the schemas say), request, enum value and error code the framework has.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDemoPbxDriver, createPromiseConnector, createTarget, DemoPbx } from '../../examples/promise-connector/index.js';
import { runConformance } from '../../src/conformance/run.js';
import {
  AGENT_EVENT_NAMES,
  AGENT_STATES,
  CALL_STATES,
  CALL_TYPES,
  createSession,
  type CtiError,
  DEVICE_STATES,
  ERROR_CODES,
  EVENT_SCHEMAS,
  ImplementationRegistry,
  LINK_STATES,
  REQUESTS,
  WORK_MODES,
  validateEvent,
  type ApplicationContext,
  type EventType,
  type OpenCtiEvent,
  type Session,
  type SessionEventName,
  type SessionEvents,
} from '../../src/framework/index.js';
import { TELEPHONY_MODES } from '../../src/framework/schema/context.js';
import { AGENT, CALLER, failures, rejection } from './helpers/desk.js';

describe.each(TELEPHONY_MODES)('the conformance kit against the promise-style connector in %s mode', (mode) => {
  it('passes every check, registered as a promise-style connector with nothing to note', async () => {
    const target = await createTarget({ mode });
    const report = await runConformance({ implementation: target.implementation, driver: target.driver, mode });

    expect(failures(report)).toEqual([]);
    expect(report.checks.length).toBeGreaterThan(0);
    expect(report.passed).toBe(report.checks.length);
    expect(report).toMatchObject({ implementation: { name: 'promise-pbx', version: '1.0.0' }, style: 'promise', notes: [] });
    // The kit logged the agent out at the end: the PBX no longer has them.
    expect(target.implementation.pbx.agentStatus(target.driver.agent.agentId)).toBeUndefined();
  });
});

describe('opencti conformance with the example target module', () => {
  it('exits 0 in full mode, run the way the guide says', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'conformance', './examples/promise-connector/target.js', '--mode', 'full'],
        { cwd: process.cwd(), timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('promise-pbx');
  });
});

// ---- a whole call through a framework Session ----

const context: ApplicationContext = {
  application: 'promise-desk',
  telephonyMode: 'full',
  implementation: { vendor: 'promise-pbx' },
  ctiLink: { name: 'demo' },
  locale: 'en',
  events: 'strict',
  reasonCodes: { notReady: [{ code: 'BRK', label: 'Break' }], logout: [{ code: 'EOD', label: 'End of day' }] },
  callTreatment: { INBOUND: { enabled: true, answering: 'manual', launch: 'autoWithScreenPop', popData: ['pyANI', 'account'] } },
};

/**
 * The demo PBX as if across a network: each happening reaches its monitor a macrotask later, in
 * order, so a connector that resolves logout before the PBX confirmed it is caught out.
 */
class DistantPbx extends DemoPbx {
  override monitor(dn: string, listener: Parameters<DemoPbx['monitor']>[1]): () => void {
    return super.monitor(dn, (happening) => setImmediate(() => listener(happening)));
  }
}

/** What a session event hands its listeners: the one argument, when it has one. */
type Payload<K extends SessionEventName> = SessionEvents[K] extends [infer P, ...unknown[]] ? P : undefined;

/** Resolves with the first payload of `name` that matches; set up before the action that causes it. */
function next<K extends SessionEventName>(session: Session, name: K, match: (payload: Payload<K>) => boolean = () => true): Promise<Payload<K>> {
  return new Promise((resolve) => {
    const off = session.on(name, (...args: SessionEvents[K]) => {
      const payload = args[0] as Payload<K>;
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

describe('a whole call through a framework Session', () => {
  it('login, Ready, a call answered, held, consulted and transferred, wrap-up, logout with its Snapshot last', async () => {
    const pbx = new DistantPbx({ passwords: { agent7: 'secret' }, busyNumbers: ['5550000'] });
    const driver = createDemoPbxDriver(pbx, AGENT);
    const connector = createPromiseConnector({ pbx, reasonCodes: { BRK: '11', EOD: '90' } });
    const registry = new ImplementationRegistry({ logger: { warn: (message) => expect.fail(message) } });
    expect(registry.register('promise-pbx', connector).style).toBe('promise');
    const session = createSession({ context, registry, customerLookup: (ani) => (ani === CALLER ? [{ id: 'cust-42', name: 'Ada Lovelace' }] : []) });
    const events: OpenCtiEvent[] = [];
    const order: string[] = [];
    const errors: CtiError[] = [];
    session.on('event', (event) => {
      events.push(event);
      order.push(`event:${event.pyEventType}`);
    });
    session.on('loggedOut', () => order.push('loggedOut'));
    session.on('error', (error) => errors.push(error));

    // Login: the Snapshot opens the device and brings the link up.
    const opened = next(session, 'device', (device) => device === 'OPENED');
    await session.login(AGENT);
    await opened;
    expect(session.state).toMatchObject({ loggedIn: true, link: 'CONNECTED', device: 'OPENED', agent: { agentId: 'agent7', extension: '1001', state: 'Login' } });

    const ready = next(session, 'agentState', (agent) => agent.state === 'Ready');
    await session.agentReady({});
    await ready;

    // A customer rings in with an account attached: the desktop pops the customer.
    const popped = next(session, 'screenPop');
    const c1 = pbx.ringAgent('1001', { from: CALLER, dnis: '8000', data: { account: 'A-42' } });
    const pop = await popped;
    expect(pop).toMatchObject({ call: { callId: c1, state: 'Alerting', type: 'INBOUND', ani: CALLER }, data: { pyANI: CALLER, account: 'A-42' }, match: { kind: 'one' } });

    const answered = next(session, 'call', (call) => call.callId === c1 && call.state === 'Established');
    await session.answerCall(c1);
    expect((await answered).answeredAt).toBeDefined();

    const held = next(session, 'call', (call) => call.callId === c1 && call.state === 'Held');
    await session.holdCall(c1);
    await held;
    const retrieved = next(session, 'call', (call) => call.callId === c1 && call.state === 'Retrieved');
    await session.retrieveCall(c1);
    await retrieved;
    await session.sendDTMF(c1, '12#');
    expect(pbx.digitsSent(c1)).toEqual(['12#']);

    // Consult the answering number (it picks up at once), then complete the transfer.
    const consultAnswered = next(session, 'call', (call) => call.callId !== c1 && call.state === 'Established');
    const { callId: c2 } = (await session.consultationCall(c1, driver.answeringNumber)) as { callId: string };
    expect((await consultAnswered).callId).toBe(c2);
    expect(session.state.calls.map((c) => [c.callId, c.state, c.type])).toEqual([
      [c1, 'Held', 'INBOUND'],
      [c2, 'Established', 'CONSULT'],
    ]);
    const bothEnded = Promise.all([c1, c2].map((id) => next(session, 'callEnded', (call) => call.callId === id)));
    await session.transferComplete(c1, c2);
    await bothEnded;
    expect(session.state.calls).toEqual([]);
    expect(pbx.callView(c1, driver.answeringNumber)).toMatchObject({ myState: 'connected', parties: [CALLER, driver.answeringNumber] });

    // A refusal from the PBX reaches the host as an OpenCTI error in the context's locale.
    const busy = await rejection(session.makeCall('5550000'));
    expect(busy).toMatchObject({ errCode: 'OPENCTI_DEST_BUSY', errMessage: '5550000 is busy', localizedMessage: 'The destination is busy.' });

    // Wrap-up, then logout: the Logout Snapshot is the last event, before logout resolves.
    const wrapUp = next(session, 'agentState', (agent) => agent.afterCallWork);
    await session.agentNotReady({ reasonCode: '', workMode: 'ACW' });
    await wrapUp;
    await session.logout({ reasonCode: 'EOD' });
    expect(order.slice(-2)).toEqual(['event:SnapshotEvent', 'loggedOut']);
    expect(events.at(-1)).toMatchObject({ pyAgentState: 'Logout', pyDeviceState: 'CLOSED', pyReasonCode: 'EOD' });
    expect(session.state).toMatchObject({ loggedIn: false, device: 'CLOSED', agent: { state: 'Logout', reasonCode: 'EOD' }, calls: [] });
    expect(pbx.agentStatus('agent7')).toBeUndefined();

    // Strict intake took every event as the contract writes it; none came after logout.
    for (const event of events) expect(validateEvent(event), JSON.stringify(event)).toMatchObject({ ok: true });
    expect(errors).toEqual([]);
    expect(session.counters).toMatchObject({ eventsRejected: 0, eventsRepaired: 0, eventsAfterLogout: 0 });
    expect(events.map((e) => `${e.pyEventType}:${e.pyEventName}`)).toEqual([
      'SnapshotEvent:Snapshot',
      'AgentStateEvent:Ready',
      'CallStateEvent:Alerting',
      'CallStateEvent:Established',
      'PartyInfoEvent:PartyInfo',
      'CallStateEvent:Held',
      'CallStateEvent:Retrieved',
      'CallStateEvent:Held',
      'CallStateEvent:Initiated',
      'CallStateEvent:Established',
      'PartyInfoEvent:PartyInfo',
      'CallStateEvent:Disconnected',
      'CallStateEvent:Disconnected',
      'AgentStateEvent:NotReady',
      'SnapshotEvent:Snapshot',
    ]);
    await driver.close();
    session.dispose();
  });

  it('refuses what the PBX refuses with the OpenCTI code, and a second login on the same connector', async () => {
    const pbx = new DistantPbx({ passwords: { agent7: 'secret' } });
    const connector = createPromiseConnector({ pbx });
    const forwarded: unknown[] = [];
    await expect(connector.login('agent7', 'nope', '1001', { name: 'demo' }, {}, (e) => forwarded.push(e))).rejects.toMatchObject({ errCode: 'OPENCTI_AUTH_FAILED' });
    await expect(connector.answerCall('demo-1', {})).rejects.toMatchObject({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN' });
    await connector.login('agent7', 'secret', '1001', { name: 'demo' }, {}, (e) => forwarded.push(e));
    await expect(connector.login('agent7', 'secret', '1001', { name: 'demo' }, {}, () => undefined)).rejects.toMatchObject({ errCode: 'OPENCTI_AGENT_LOGGED_IN' });
    await expect(connector.answerCall('demo-99', {})).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE', errMessage: 'no call demo-99 on 1001' });
    await connector.agentReady('agent7', '', {});
    await expect(connector.agentReady('agent7', '', {})).rejects.toMatchObject({ errCode: 'OPENCTI_IN_SAME_STATE' });
    await connector.logout('agent7', '', {});
    // The final Snapshot was forwarded before logout resolved.
    expect(forwarded.at(-1)).toMatchObject({ pyEventType: 'SnapshotEvent', pyAgentState: 'Logout', pyDeviceState: 'CLOSED' });
  });
});

// ---- the contract this connector follows, as docs/spec.md writes it ----

describe('docs/spec.md, the contract a connector author reads', () => {
  const spec = readFileSync(new URL('../../docs/spec.md', import.meta.url), 'utf8');
  /** The text of §4 from `**Type**` to the next event heading. */
  const sectionOf = (type: EventType) => {
    const start = spec.indexOf(`**${type}**`);
    const next = spec.slice(start + 1).search(/\n\*\*[A-Za-z]+Event\*\*|\n### /);
    return spec.slice(start, next < 0 ? undefined : start + 1 + next);
  };
  /** `| \`prop\` | type | yes/no … |` rows of a table: property → required. */
  const documented = (text: string) =>
    new Map([...text.matchAll(/^\| `(\w+)` \| .*? \| (yes|no)[^|]* \|/gm)].map((m) => [m[1], m[2] === 'yes']));
  const common = documented(spec.slice(spec.indexOf('**Common to all events**'), spec.indexOf('**CallStateEvent**')));

  it.each(Object.keys(EVENT_SCHEMAS) as EventType[])('lists every property of %s, required exactly when the schema requires it', (type) => {
    const schema = EVENT_SCHEMAS[type] as unknown as { properties: Record<string, unknown>; required?: string[] };
    const rows = documented(sectionOf(type));
    const table = Object.keys(schema.properties).map((property) => [property, rows.get(property) ?? common.get(property)]);
    expect(table).toEqual(Object.keys(schema.properties).map((property) => [property, (schema.required ?? []).includes(property)]));
  });

  it('names every enum value, request with its parameters, and error code', () => {
    for (const value of [...CALL_STATES, ...CALL_TYPES, ...AGENT_EVENT_NAMES, ...AGENT_STATES, ...WORK_MODES, ...DEVICE_STATES, ...LINK_STATES]) {
      expect(spec, value).toContain(`\`${value}\``);
    }
    for (const request of REQUESTS) expect(spec).toContain(`\`${request.name}(${request.params.map((p) => p.name).join(', ')})\``);
    for (const code of ERROR_CODES) {
      const http = /^OPENCTI_HTTP_ERROR_(\d+)$/.exec(code);
      if (http) expect(spec, code).toMatch(new RegExp(`OPENCTI_HTTP_ERROR_401( / \\d+)* / ${http[1]}|OPENCTI_HTTP_ERROR_${http[1]}`));
      else expect(spec, code).toContain(code);
    }
  });
});
