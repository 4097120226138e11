/**
 * The conformance kit takes a connector as the registry does: a Pega-style constructor with
 * callback functions on its prototype, no frameworkApi and the spellings `consulationCall` and
 * `dropparty` passes it as written, against the demo PBX, in every mode.
 */
import { describe, expect, it } from 'vitest';
import { createCallbackConnector, DemoPbx } from '../../examples/callback-connector/index.js';
import { runConformance } from '../../src/conformance/run.js';
import type { ConformanceReport } from '../../src/conformance/types.js';
import { TELEPHONY_MODES } from '../../src/framework/schema/context.js';
import { definePegaConnector } from '../framework/helpers/pega-style-connector.js';
import { createDemoPbxDriver } from './helpers/demo-pbx-driver.js';

const failures = (report: ConformanceReport) => report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.detail}`);

describe.each(TELEPHONY_MODES)('a Pega-style connector in %s mode', (mode) => {
  it('passes every check with no adapter call; the missing frameworkApi is a note, not a failure', async () => {
    const pbx = new DemoPbx();
    const logged: string[] = [];
    const Acme = definePegaConnector(pbx, { warn: (message) => logged.push(message) });
    const report = await runConformance({ implementation: Acme, mode, driver: createDemoPbxDriver(pbx, { agentId: 'agent7', extension: '1001' }) });

    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(report.checks.length);
    expect(report).toMatchObject({ implementation: { name: 'Acme', version: '1' }, style: 'callback' });
    expect(report.notes).toEqual([expect.stringContaining('declares no frameworkApi')]);
    // The connector's own Logger heard the same warning, as it would when registered for a session.
    expect(logged).toEqual(report.notes);
    const ids = report.checks.map((c) => c.id);
    if (mode === 'full') expect(ids).toEqual(expect.arrayContaining(['call.consult', 'call.dropParty', 'call.blindTransfer']));
    if (mode !== 'simple') expect(ids).toContain('agent.acw');
    expect(pbx.agentStatus('agent7')).toBeUndefined();
  });
});

describe('what the kit takes through the registry', () => {
  it('a callback-style object passes full mode unwrapped', async () => {
    const pbx = new DemoPbx();
    const connector = createCallbackConnector({ pbx });
    const report = await runConformance({ implementation: connector, mode: 'full', driver: createDemoPbxDriver(pbx, { agentId: 'agent7', extension: '1001' }) });
    expect(failures(report)).toEqual([]);
    expect(report.style).toBe('callback');
  });

  it('a constructor that throws fails declare.version with the registry\'s reason, and nothing else runs', async () => {
    const pbx = new DemoPbx();
    const Broken = function Broken() {
      throw new Error('no licence');
    };
    Broken.prototype.login = () => undefined;
    const report = await runConformance({ implementation: Broken, mode: 'simple', driver: createDemoPbxDriver(pbx, { agentId: 'agent7', extension: '1001' }) });
    expect(report.checks[1]).toMatchObject({ id: 'declare.version', status: 'failed', detail: expect.stringContaining('no licence') });
    expect(report.checks.slice(2).every((c) => c.status === 'skipped' && c.detail === 'skipped: needs declare.version, which failed')).toBe(true);
    expect(report).toMatchObject({ passed: 1, failed: 1, ok: false, style: undefined, notes: [] });
  });

  it('an incompatible frameworkApi is refused as the registry refuses it', async () => {
    const pbx = new DemoPbx();
    const connector = { ...createCallbackConnector({ pbx }), frameworkApi: '^99.0.0' };
    const report = await runConformance({ implementation: connector, mode: 'simple', driver: createDemoPbxDriver(pbx, { agentId: 'agent7', extension: '1001' }) });
    expect(report.checks[1]).toMatchObject({ id: 'declare.version', passed: false, detail: expect.stringContaining('99') });
    expect(report.implementation).toMatchObject({ name: connector.name });
  });
});
