/** The conformance kit against the reference server and connector, in every mode, and a kit that can fail. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeReferenceConnector } from '../../src/connectors/reference/node.js';
import { createReferenceDriver } from '../../src/conformance/reference-driver.js';
import { runConformance } from '../../src/conformance/run.js';
import type { ConformanceReport } from '../../src/conformance/types.js';
import type { Implementation } from '../../src/framework/implementation.js';
import { TELEPHONY_MODES } from '../../src/framework/schema/context.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

/** The connector's own functions, bound, with some replaced: a connector that misbehaves on purpose. */
function variant(connector: ReturnType<typeof createNodeReferenceConnector>, overrides: Record<string, unknown>): Implementation {
  const proto = Object.getPrototypeOf(connector) as object;
  const bound = Object.fromEntries(
    Object.getOwnPropertyNames(proto)
      .filter((name) => name !== 'constructor' && typeof (connector as unknown as Record<string, unknown>)[name] === 'function')
      .map((name) => [name, ((connector as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!).bind(connector)]),
  );
  const identity = { name: connector.name, implementationVersion: connector.implementationVersion, frameworkApi: connector.frameworkApi };
  return { ...identity, ...bound, ...overrides } as unknown as Implementation;
}

const failures = (report: ConformanceReport) => report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.detail}`);

async function driverFor(agentId: string, extension: string) {
  const driver = createReferenceDriver({ serverUrl: server.url, adminToken: server.adminToken, agent: { agentId, agentPwd: 'demo', extension } });
  await driver.prepare();
  return driver;
}

describe.each(TELEPHONY_MODES.map((mode, i) => [mode, `agent${i + 1}`, `500${i + 1}`] as const))('reference connector in %s mode', (mode, agentId, extension) => {
  it('passes every check', async () => {
    const connector = createNodeReferenceConnector();
    const report = await runConformance({ implementation: connector, mode, driver: await driverFor(agentId, extension) });
    connector.close();
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(report.checks.length);
    expect(report).toMatchObject({ style: 'promise', notes: [] });
    const ids = report.checks.map((c) => c.id);
    expect(ids).toContain('logout.silence');
    if (mode === 'full') {
      expect(ids).toEqual(expect.arrayContaining(['call.consult', 'call.transferComplete', 'call.conference', 'call.blindTransfer']));
      // the optional requests the reference connector provides are checked too
      expect(ids).toEqual(expect.arrayContaining(['call.mute', 'call.recording', 'call.reject']));
    }
    if (mode !== 'simple') expect(ids).toContain('agent.acw');
  });
});

describe('optional checks', () => {
  it('are left out for a connector without the optional requests; the rest still pass', async () => {
    const connector = createNodeReferenceConnector();
    const without = variant(connector, { muteCall: undefined, rejectCall: undefined });
    const report = await runConformance({ implementation: without, mode: 'full', driver: await driverFor('agent2', '5002') });
    connector.close();
    expect(failures(report)).toEqual([]);
    const ids = report.checks.map((c) => c.id);
    expect(ids).not.toContain('call.mute');
    expect(ids).not.toContain('call.reject');
    expect(ids).toContain('call.recording');
    expect(report.notes).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('are left out with a note when the target refuses them as not implemented, as the SIP back end does mute', async () => {
    const connector = createNodeReferenceConnector();
    const refusing = variant(connector, {
      muteCall: () => Promise.reject({ errCode: 'OPENCTI_NOT_IMPLEMENTED', errMessage: 'mute is not available with the SIP back end' }),
    });
    const report = await runConformance({ implementation: refusing, mode: 'full', driver: await driverFor('agent2', '5002') });
    connector.close();
    expect(failures(report)).toEqual([]);
    expect(report.checks.map((c) => c.id)).not.toContain('call.mute');
    expect(report.notes).toEqual([expect.stringMatching(/^call\.mute was not run: the target refused it as not implemented \(OPENCTI_NOT_IMPLEMENTED: mute is not available/)]);
  });
});

describe('a connector that breaks the contract', () => {
  it('fails the checks it breaks, naming what is wrong', async () => {
    const connector = createNodeReferenceConnector();
    // No agentReady although agentState mode needs it.
    const broken = variant(connector, { agentReady: undefined });
    const report = await runConformance({ implementation: broken, mode: 'agentState', driver: await driverFor('agent4', '5004') });
    connector.close();
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('declare.functions')?.passed).toBe(false);
    expect(byId.get('declare.functions')?.detail).toContain('agentReady');
    expect(report.failed).toBeGreaterThan(0);
  });

  it('reports invalid events with the property named', async () => {
    const connector = createNodeReferenceConnector();
    const noisy = variant(connector, {
      login: (...args: Parameters<typeof connector.login>) => {
        args[5]({ pyEventType: 'CallStateEvent', pyEventName: 'Ringing', pyCallId: 'x', pyCallType: 'INBOUND', pyANI: '1', pyOtherDN: '2' });
        return connector.login(...args);
      },
    });
    const report = await runConformance({ implementation: noisy, mode: 'simple', driver: await driverFor('agent4', '5004') });
    connector.close();
    const valid = report.checks.find((c) => c.id === 'events.valid');
    expect(valid?.passed).toBe(false);
    expect(valid?.detail).toContain('/pyEventName');
  });
});

describe('opencti conformance', () => {
  it('prints a pass line per check and exits 0 for the reference target', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'conformance', 'reference', '--mode', 'agentState'], { timeout: 60_000 });
    expect(stdout).toMatch(/^PASS login\.resolves/m);
    expect(stdout).toMatch(/^PASS agent\.acw/m);
    expect(stdout).toMatch(/conformance \(agentState, reference [\d.]+\): \d+ passed, 0 failed/);
  });

  it('exits 2 naming the problem when the module cannot be loaded', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'conformance', './no/such/module.js', '--mode', 'full']);
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('cannot load ./no/such/module.js') });
  });

  it('refuses an unknown mode', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'conformance', 'reference', '--mode', 'fancy']);
    await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining('fancy') });
  });
});
