/**
 * The conformance kit against the sip back end: real Kamailio, a real phone for the agent,
 * baresip callers and answering far ends. Full mode runs with a linphone agent (consult transfer
 * and conference); simple and agentState modes with a baresip agent as well.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/run.js';
import { createTarget, type SipTarget } from '../../src/conformance/targets/sip.js';
import type { ConformanceReport } from '../../src/conformance/types.js';
import type { TelephonyMode } from '../../src/framework/schema/context.js';

const failures = (report: ConformanceReport) => report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.detail}`);
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const pids: number[] = [];
afterAll(() => {
  expect(pids.filter(alive)).toEqual([]);
});

async function run(mode: TelephonyMode, phone: 'baresip' | 'linphone'): Promise<ConformanceReport> {
  const target: SipTarget = await createTarget({ phone });
  pids.push(target.bed.kamailio.pid, ...[...target.bed.phones.values()].map((p) => p.pid));
  // runConformance closes the driver (the bed and the server) also when a check fails
  return runConformance({ implementation: target.implementation, mode, driver: target.driver, eventTimeoutMs: 8000 });
}

describe.each([
  ['simple', 'baresip'],
  ['agentState', 'baresip'],
  ['simple', 'linphone'],
  ['agentState', 'linphone'],
  ['full', 'linphone'],
] as const)('sip back end, %s mode, %s agent phone', (mode, phone) => {
  it('passes every check', async () => {
    const report = await run(mode, phone);
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(report.checks.length);
  }, 120_000);
});
