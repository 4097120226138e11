/**
 * The Pega-style example (examples/pega-connector), loaded as a page loads it — the pega
 * namespace, then the vendor SDK, then the implementation file — registered as it registers
 * itself, and driven through whole full-mode calls; then the conformance kit in every mode.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoPbx } from '../../examples/callback-connector/index.js';
import { runConformance } from '../../src/conformance/run.js';
import { ImplementationRegistry, TELEPHONY_MODES, type ApplicationContext, type Registration } from '../../src/framework/index.js';
import { PegaLogger } from '../../src/pega/logger.js';
import { createDemoPbxDriver } from '../conformance/helpers/demo-pbx-driver.js';
import { scriptPage, type ScriptPage } from '../pega/helpers/script-page.js';
import { CALLER, failures, logIn, openSession, settle, SUPERVISOR, type DeskSession } from './helpers/desk.js';

const EXAMPLE = (file: string) => fileURLToPath(new URL(`../../examples/pega-connector/${file}`, import.meta.url));

const context: ApplicationContext = {
  application: 'pega-desk',
  telephonyMode: 'full',
  implementation: { vendor: 'Acme' },
  ctiLink: { name: 'acme-demo' },
  locale: 'en',
  reasonCodes: { notReady: [{ code: 'BRK', label: 'Break' }], logout: [] },
  callTreatment: { INBOUND: { enabled: true, answering: 'manual', launch: 'autoWithScreenPop', popData: ['pyANI', 'account'] } },
};

function loadExample(): { page: ScriptPage; pbx: DemoPbx } {
  const page = scriptPage(EXAMPLE('demo-pbx.js'), EXAMPLE('connector.js'));
  const pbx = (page.global.AcmeDemoPbx as { shared(): DemoPbx }).shared();
  return { page, pbx };
}

interface Desk extends DeskSession {
  page: ScriptPage;
  pbx: DemoPbx;
  registration: Registration;
}

function openDesk(): Desk {
  const { page, pbx } = loadExample();
  const registry = new ImplementationRegistry();
  const registration = registry.register('Acme', page.pega.cti.desktopApi.Acme as object);
  return { page, pbx, registration, ...openSession({ context, registry }) };
}

let desk: Desk;

beforeEach(async () => {
  PegaLogger.clear();
  desk = openDesk();
  await logIn(desk);
});

afterEach(() => {
  expect(desk.session.counters.eventsRejected).toBe(0);
  desk.session.dispose();
});

describe('the vendor SDK file', () => {
  it('is what the build makes of demo-pbx.module.js and the callback example\'s PBX', async () => {
    const script = fileURLToPath(new URL('../../scripts/build-examples.mjs', import.meta.url));
    await expect(promisify(execFile)(process.execPath, [script, '--check'])).resolves.toMatchObject({ stderr: '' });
  });
});

describe('the implementation file, loaded by script', () => {
  it('registers itself as pega.cti.desktopApi.Acme and is adopted as written', () => {
    expect(typeof desk.page.pega.cti.desktopApi.Acme).toBe('function');
    expect(desk.registration).toMatchObject({ vendor: 'Acme', style: 'callback' });
    expect(desk.registration.warnings).toEqual([expect.stringContaining('declares no frameworkApi')]);
    // The Pega spellings are offered under the contract's names.
    expect(typeof desk.registration.implementation.consultationCall).toBe('function');
    expect(typeof desk.registration.implementation.dropParty).toBe('function');
    expect(desk.session.state).toMatchObject({ loggedIn: true, agent: { agentId: 'agent7', extension: '1001' } });
    // The missing frameworkApi warning went to the connector's own pega.cti.Logger.
    expect(PegaLogger.text()).toMatch(/WARN implementation "Acme" declares no frameworkApi/);
    expect(PegaLogger.text()).toMatch(/INFO Acme login agent7 extension 1001/);
  });
});

describe('whole calls in full mode', () => {
  it('rings as "Ringing", answer, hold, retrieve, consult, transfer; bare Disconnected events end both calls', async () => {
    const { pbx, session } = desk;
    await session.agentReady({});
    const c1 = pbx.ringAgent('1001', { from: CALLER, queue: 'billing', data: { account: 'A-42' } });
    await settle();
    // Sent as "Ringing", taken in as Alerting.
    expect(PegaLogger.text()).toContain(`Acme event Ringing ${c1}`);
    expect(desk.events).toContainEqual(expect.objectContaining({ pyCallId: c1, pyEventName: 'Alerting' }));
    expect(desk.call(c1)).toMatchObject({ state: 'Alerting', type: 'INBOUND', ani: CALLER, queue: 'billing', callData: { account: 'A-42' } });

    await session.answerCall(c1);
    await settle();
    expect(desk.call(c1)).toMatchObject({ state: 'Established', parties: [CALLER, '1001'] });
    await session.holdCall(c1);
    await settle();
    expect(desk.call(c1)?.state).toBe('Held');
    await session.retrieveCall(c1);
    await settle();
    expect(desk.call(c1)?.state).toBe('Retrieved');

    // consultationCall reaches the file's consulationCall.
    const { callId: c2 } = (await session.consultationCall(c1, SUPERVISOR)) as { callId: string };
    await settle();
    expect(desk.call(c1)?.state).toBe('Held');
    expect(desk.call(c2)).toMatchObject({ state: 'Initiated', type: 'CONSULT', otherDN: SUPERVISOR });
    pbx.farEndAnswers(c2);
    await settle();
    expect(desk.call(c2)?.state).toBe('Established');

    await session.transferComplete(c1, c2);
    await settle();
    expect(session.state.calls).toEqual([]);
    expect(pbx.callView(c1, SUPERVISOR)).toMatchObject({ myState: 'connected', parties: [CALLER, SUPERVISOR] });
    // The ends were bare events, filled from the calls the session knew.
    const ends = desk.events.filter((e) => (e as { pyEventName: string }).pyEventName === 'Disconnected');
    expect(ends).toMatchObject([
      { pyCallId: c2, pyCallType: 'CONSULT', pyOtherDN: SUPERVISOR },
      { pyCallId: c1, pyCallType: 'INBOUND', pyANI: CALLER },
    ]);
  });

  it('a colleague\'s call rings as "Delivered"; conference, dropparty, then the caller hangs up', async () => {
    const { pbx, session } = desk;
    // Another monitored extension (a colleague's desk) calls this agent.
    const colleague = pbx.monitor('1005', () => {});
    const internal = pbx.dial('1005', '1001');
    await settle();
    expect(PegaLogger.text()).toContain(`Acme event Delivered ${internal}`);
    expect(desk.call(internal)).toMatchObject({ state: 'Alerting', type: 'INTERNAL', otherDN: '1005' });
    await session.answerCall(internal);
    await settle();
    await session.hangUpCall(internal);
    await settle();
    expect(session.state.calls).toEqual([]);
    colleague();

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
    expect(desk.call(c1)).toMatchObject({ parties: [CALLER, '1001', SUPERVISOR] });

    // dropParty reaches the file's dropparty.
    await session.dropParty(c1, SUPERVISOR);
    await settle();
    expect(desk.call(c1)?.parties).toEqual([CALLER, '1001']);

    pbx.farEndHangsUp(c1);
    await settle();
    expect(session.state.calls).toEqual([]);
    expect(desk.events.at(-1)).toMatchObject({ pyCallId: c1, pyEventName: 'Disconnected', pyCallType: 'INBOUND' });
  });

  it('blind transfer and an abandoned call; a PBX refusal comes back as the OpenCTI error', async () => {
    const { pbx, session } = desk;
    const c1 = pbx.ringAgent('1001', { from: CALLER });
    await settle();
    await session.answerCall(c1);
    await settle();
    await session.blindTransfer(c1, SUPERVISOR);
    await settle();
    expect(session.state.calls).toEqual([]);

    const c2 = pbx.ringAgent('1001', { from: '+15559999' });
    await settle();
    pbx.farEndHangsUp(c2);
    await settle();
    expect(session.state.calls).toEqual([]);
    expect(desk.events.at(-1)).toMatchObject({ pyCallId: c2, pyEventName: 'Abandoned' });

    await expect(session.makeCall('not a number')).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_DESTINATION' });
    expect(PegaLogger.text()).toMatch(/WARN Acme OPENCTI_CF_INVALID_DESTINATION "not a number" is not a number/);
  });
});

describe.each(TELEPHONY_MODES)('the conformance kit in %s mode', (mode) => {
  it('passes every check against the file as loaded by script, taking events in as a session does', async () => {
    const { page, pbx } = loadExample();
    const report = await runConformance({
      implementation: page.pega.cti.desktopApi.Acme as object,
      mode,
      events: 'lenient',
      driver: createDemoPbxDriver(pbx, { agentId: 'agent9', extension: '1009' }),
    });
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(report.checks.length);
    expect(report).toMatchObject({ implementation: { name: 'Acme', version: '1' }, style: 'callback' });
    if (mode === 'full') expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['call.consult', 'call.dropParty', 'call.blindTransfer']));
  });
});

describe('the conformance kit with strict intake', () => {
  it('names the vendor spellings the contract does not have', async () => {
    const { page, pbx } = loadExample();
    const report = await runConformance({
      implementation: page.pega.cti.desktopApi.Acme as object,
      mode: 'simple',
      driver: createDemoPbxDriver(pbx, { agentId: 'agent9', extension: '1009' }),
      eventTimeoutMs: 500,
    });
    const valid = report.checks.find((c) => c.id === 'events.valid');
    expect(valid).toMatchObject({ passed: false, detail: expect.stringContaining('(got "Ringing")') });
  });
});
