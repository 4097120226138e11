/**
 * One connector per mistake run through the kit against a real reference server: the report
 * names the real problem, skips what depends on a failed check, and still ends.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS, checksFor, formatCheckList } from '../../src/conformance/checks.js';
import { createReferenceDriver } from '../../src/conformance/reference-driver.js';
import { runConformance } from '../../src/conformance/run.js';
import type { ConformanceDriver, ConformanceOptions, ConformanceReport } from '../../src/conformance/types.js';
import type { TelephonyMode } from '../../src/framework/schema/context.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  eventAfterLogout,
  faulty,
  neverSettles,
  noLoginSnapshot,
  plainRefusal,
  readyTwiceWrongCode,
  renamedCallIds,
  snapshotAfterLogout,
  snapshotWithoutLinkState,
  type Faulty,
} from './helpers/faults.js';

let server: TestServer;
let runs = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

/** A driver for the next of the four seeded agents, so one run's leftovers cannot touch the next. */
async function nextDriver(on: TestServer = server): Promise<ConformanceDriver> {
  const n = (runs++ % 4) + 1;
  const driver = createReferenceDriver({ serverUrl: on.url, adminToken: on.adminToken, agent: { agentId: `agent${n}`, agentPwd: 'demo', extension: `500${n}` } });
  await driver.prepare();
  return driver;
}

async function run(connector: Faulty, mode: TelephonyMode, options: Partial<ConformanceOptions> = {}, on: TestServer = server): Promise<ConformanceReport> {
  try {
    return await runConformance({ implementation: connector.implementation, mode, driver: await nextDriver(on), eventTimeoutMs: 1500, ...options });
  } finally {
    connector.close();
  }
}

const check = (report: ConformanceReport, id: string) => report.checks.find((c) => c.id === id);
const withStatus = (report: ConformanceReport, status: string) => report.checks.filter((c) => c.status === status).map((c) => c.id);
const CALL_REQUESTS = ['answerCall', 'hangUpCall', 'holdCall', 'retrieveCall', 'sendDTMF', 'blindTransfer', 'consultationCall', 'transferComplete', 'conferenceInitiate', 'conferenceComplete', 'dropParty'];

describe('a connector with one mistake', () => {
  it('a Snapshot without pyLinkState: the schema problem is named with its JSON path wherever a Snapshot was awaited', async () => {
    const report = await run(snapshotWithoutLinkState(), 'simple');
    expect(check(report, 'login.resolves')?.status).toBe('passed');
    expect(check(report, 'login.snapshot')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/rejected as breaking the schema: SnapshotEvent\/Snapshot: \/pyLinkState is required/) });
    const valid = check(report, 'events.valid')!;
    expect(valid.status).toBe('failed');
    // The Snapshot of login, the one rejected event before events.valid ran, is listed with its path.
    expect(valid.detail).toMatch(/^1 event\(s\) broke the schema:\nat \d+ ms, SnapshotEvent\/Snapshot: \/pyLinkState is required; the event: \{/);
    expect(check(report, 'logout.snapshot')?.detail).toContain('/pyLinkState is required');
    expect(check(report, 'call.alerting')?.status).toBe('passed');
  });

  it('a request that never settles fails its check naming the request; what needs it is skipped; the run ends with a report', async () => {
    const connector = neverSettles('holdCall');
    // Long enough for the first login on a fresh server, which takes a few seconds here.
    const report = await run(connector, 'full', { requestTimeoutMs: 4000 });
    expect(check(report, 'call.hold')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^holdCall\("[^"]+", \{\}\) did not settle within 4000 ms$/) });
    expect(check(report, 'call.retrieve')).toMatchObject({ status: 'skipped', detail: 'skipped: needs call.hold, which failed' });
    expect(check(report, 'call.consult')).toMatchObject({ status: 'skipped', detail: 'skipped: needs call.retrieve, which was skipped' });
    expect(check(report, 'call.transferComplete')?.status).toBe('skipped');
    expect(withStatus(report, 'failed')).toEqual(['call.hold']);
    // The call left established by the failed check was ended before logout.
    expect(check(report, 'logout.silence')?.status).toBe('passed');
    expect(report.ok).toBe(false);
  });

  it('a login that never settles: login.resolves says so and every later check is skipped', async () => {
    const report = await run(neverSettles('login'), 'agentState', { requestTimeoutMs: 300 });
    expect(check(report, 'login.resolves')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^login\("agent\d", "\*\*\*", "500\d", .*forwardEvent\) did not settle within 300 ms$/) });
    const later = report.checks.slice(report.checks.findIndex((c) => c.id === 'login.resolves') + 1);
    expect(later.length).toBeGreaterThan(5);
    expect(later.every((c) => c.status === 'skipped' && c.detail === 'skipped: needs login.resolves, which failed')).toBe(true);
  });

  it('a refusal given as a plain { errCode, errMessage } shows both', async () => {
    const report = await run(plainRefusal('holdCall', 'OPENCTI_CF_INVALID_OBJECT_STATE', 'the switch will not hold this call'), 'full');
    expect(check(report, 'call.hold')?.detail).toMatch(/^holdCall\("[^"]+", \{\}\) was refused: OPENCTI_CF_INVALID_OBJECT_STATE: the switch will not hold this call$/);
  });

  it('agentReady while Ready refused with another code than OPENCTI_IN_SAME_STATE fails agent.readyAgain only; the kit never asks quietly', async () => {
    const connector = readyTwiceWrongCode();
    const report = await run(connector, 'full');
    expect(withStatus(report, 'failed')).toEqual(['agent.readyAgain']);
    expect(check(report, 'agent.readyAgain')?.detail).toMatch(/agentReady\(.*\) was refused: OPENCTI_INVALID_ACTION: the agent is Ready already; .*OPENCTI_IN_SAME_STATE/);
    expect(check(report, 'call.makeCall')?.status).toBe('passed');
    const whileReady = connector.requests.filter((r) => r.name === 'agentReady' && r.agentState === 'Ready');
    expect(whileReady).toHaveLength(1);
  });

  it('agentReady refused when the kit makes the agent Ready for a call: the detail names agentReady, not the call', async () => {
    const report = await run(plainRefusal('agentReady', 'OPENCTI_CF_GENERIC_OPERATION', 'ACD offline'), 'agentState');
    expect(check(report, 'agent.ready')?.detail).toContain('OPENCTI_CF_GENERIC_OPERATION: ACD offline');
    expect(check(report, 'call.alerting')?.detail).toMatch(/^making the agent Ready before the call: agentReady\(.*\) was refused: OPENCTI_CF_GENERIC_OPERATION: ACD offline$/);
  });

  it('no Snapshot after login fails login.snapshot, not login.resolves', async () => {
    const report = await run(noLoginSnapshot(), 'simple');
    expect(check(report, 'login.resolves')?.status).toBe('passed');
    expect(check(report, 'login.snapshot')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^no SnapshotEvent after login within 1500 ms/) });
    // events.modeTypes runs before the logout Snapshot: by then no valid Snapshot had come.
    expect(withStatus(report, 'failed')).toEqual(['login.snapshot', 'events.modeTypes']);
  });

  it('call ids that differ from the back end\'s are reported as a mismatch naming both', async () => {
    // Its own server: the kit cannot end a call whose id it does not know, and that call would stay.
    const own = await startTestServer();
    const report = await run(renamedCallIds(), 'simple', {}, own).finally(() => own.dispose());
    const alerting = check(report, 'call.alerting')!;
    expect(alerting.status).toBe('failed');
    const [, placed, carried] = /^call-id mismatch: driver\.inboundCall placed call "([^"]+)", but the Alerting event carries pyCallId "([^"]+)"/.exec(alerting.detail ?? '') ?? [];
    expect(carried).toBe(`vendor-${placed}`);
    expect(check(report, 'call.disconnected')).toMatchObject({ status: 'skipped', detail: 'skipped: needs call.alerting, which failed' });
    expect(report.notes).toEqual([expect.stringMatching(/^call vendor-\S+ was still in progress before logout and could not be ended: driver\.callerHangUp/)]);
  });

  it('after a failed answer, what needs the answered call is skipped, no request gets an empty call id, and leftover calls do not fail logout', async () => {
    const connector = plainRefusal('answerCall', 'OPENCTI_CALL_REJECTED', 'no answer today');
    const report = await run(connector, 'full');
    expect(withStatus(report, 'failed')).toEqual(['call.answer', 'call.blindTransfer']);
    expect(withStatus(report, 'skipped')).toEqual(['call.hold', 'call.retrieve', 'call.dtmf', 'call.mute', 'call.recording', 'call.consult', 'call.transferComplete']);
    const callRequests = connector.requests.filter((r) => CALL_REQUESTS.includes(r.name));
    expect(callRequests.length).toBeGreaterThan(0);
    expect(callRequests.filter((r) => r.args[0] === '' || r.args[0] === undefined)).toEqual([]);
    expect(check(report, 'logout.snapshot')?.status).toBe('passed');
    expect(check(report, 'logout.silence')?.status).toBe('passed');
    expect(report.notes).toEqual([]);
  });

  it('an event 10 ms after logout resolved fails logout.silence', async () => {
    const report = await run(eventAfterLogout(), 'simple');
    expect(withStatus(report, 'failed')).toEqual(['logout.silence']);
    expect(check(report, 'logout.silence')?.detail).toMatch(/^received after logout resolved: AgentStateEvent\/Logout \d+ ms after;/);
  });

  it('a logout confirmed before its final Snapshot fails logout.snapshot, naming the order', async () => {
    const report = await run(snapshotAfterLogout(), 'simple');
    expect(withStatus(report, 'failed')).toEqual(['logout.snapshot']);
    expect(check(report, 'logout.snapshot')?.detail).toMatch(/^the logout Snapshot came \d+ ms after logout resolved: .*forward the final Snapshot before resolving logout$/);
  });
});

describe('a target the kit cannot use', () => {
  it('without a driver: target.driver says so and nothing else runs', async () => {
    const connector = faulty(() => ({}));
    const report = await runConformance({ implementation: connector.implementation, mode: 'full', driver: undefined as unknown as ConformanceDriver });
    connector.close();
    expect(report.checks[0]).toMatchObject({ id: 'target.driver', status: 'failed', detail: expect.stringContaining('the target gives no driver (got undefined)') });
    expect(report.checks.slice(1).every((c) => c.detail === 'skipped: needs target.driver, which failed')).toBe(true);
    expect(connector.requests).toEqual([]);
    expect(report).toMatchObject({ ok: false, failed: 1, passed: 0 });
  });

  it('without the answering number in full mode: the number is named, nothing is dialled', async () => {
    const connector = faulty(() => ({}));
    const dialled: unknown[] = [];
    const good = await nextDriver();
    const driver = { ...good, answeringNumber: undefined as unknown as string, inboundCall: async (...args: [string, string]) => (dialled.push(args), good.inboundCall(...args)) };
    const report = await runConformance({ implementation: connector.implementation, mode: 'full', driver });
    connector.close();
    expect(report.checks[0]).toMatchObject({ id: 'target.driver', status: 'failed', detail: expect.stringMatching(/^driver\.answeringNumber must be a non-empty string in full mode/) });
    expect(dialled).toEqual([]);
    expect(connector.requests).toEqual([]);
  });
});

describe('the catalogue of checks', () => {
  it('every check cites docs/spec.md (the driver check the conformance guide), none the old ../shared/SPEC.md', () => {
    for (const c of CHECKS) {
      expect(c.title).not.toMatch(/SPEC\.md|SPEC §/);
      expect(c.title).toMatch(c.id === 'target.driver' ? /docs\/conformance\.md/ : /docs\/spec\.md §\d/);
      expect(c.steps.length).toBeGreaterThan(0);
    }
  });

  it('docs/conformance.md describes every check with its title and steps, and the counts per mode', () => {
    const doc = readFileSync(new URL('../../docs/conformance.md', import.meta.url), 'utf8');
    for (const c of CHECKS) {
      expect(doc).toContain(`### \`${c.id}\`\n\n${c.title}.\n`);
      for (const [i, step] of c.steps.entries()) expect(doc).toContain(`${i + 1}. ${step}\n`);
    }
    const counts = (['simple', 'agentState', 'full'] as const).map((mode) => checksFor(mode).length);
    expect(doc).toContain(`Simple\nmode runs ${counts[0]} checks, agentState mode ${counts[1]}, full mode ${counts[2]}.`);
  });

  it('what runs is what the list says, in the same order, for every mode', async () => {
    const connector = plainRefusal('login', 'OPENCTI_AUTH_FAILED', 'bad password');
    const report = await run(connector, 'full');
    expect(report.checks.map((c) => c.id)).toEqual(checksFor('full').map((c) => c.id));
    expect(check(report, 'login.resolves')?.detail).toContain('OPENCTI_AUTH_FAILED: bad password');
    expect(formatCheckList('simple')).toMatch(/^simple mode: 11 checks\n\ntarget\.driver — /);
    expect(formatCheckList('full')).toContain('call.retrieve — retrieveCall leads to Retrieved or Established (docs/spec.md §5.3)\n  1. retrieveCall(callId, {})');
  });

  it('the reference connector passes and runs exactly the listed checks in every mode', async () => {
    for (const mode of ['simple', 'agentState'] as const) {
      const connector = faulty(() => ({}));
      const report = await run(connector, mode);
      expect(report.checks.filter((c) => !c.passed)).toEqual([]);
      expect(report.checks.map((c) => c.id)).toEqual(checksFor(mode).map((c) => c.id));
      expect(report.ok).toBe(true);
    }
  });
});
