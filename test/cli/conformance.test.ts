/**
 * `opencti conformance` as a user runs it: a real child process, a real reference server inside
 * it. The .ts targets are loaded by a bundled copy of the command run by plain node (no tsx
 * loader flag), from another directory than the checkout's root, as `npx opencti-ts` would be.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksFor } from '../../src/conformance/checks.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const HELPERS = join(ROOT, 'test/conformance/helpers');
let bundleDir: string;
let bundle: string;

/** Runs the command; resolves with { code, stdout, stderr } whatever the exit code. */
async function conformance(args: string[], options: { bundled?: boolean; cwd?: string } = {}) {
  const argv = options.bundled ? [bundle, 'conformance', ...args] : ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'conformance', ...args];
  try {
    const { stdout, stderr } = await run(process.execPath, argv, { cwd: options.cwd ?? ROOT, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string; killed?: boolean };
    if (failed.killed) throw new Error(`opencti conformance ${args.join(' ')} did not exit`, { cause: error });
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  // Inside the checkout, so the bundle finds the project's node_modules (tsx among them).
  bundleDir = mkdtempSync(join(ROOT, 'test/cli/.conformance-bundle-'));
  bundle = join(bundleDir, 'main.mjs');
  await build({ entryPoints: [join(ROOT, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', outfile: bundle, logLevel: 'warning' });
}, 60_000);
afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
});

describe('opencti conformance', () => {
  it('is installed as opencti-ts too, so `npx opencti-ts` finds it', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
    expect(pkg.bin['opencti-ts']).toBe(pkg.bin.opencti);
    expect(pkg.name).toBe('opencti-ts');
  });

  it('--list prints every check of the mode in run order, with its steps, and runs nothing', async () => {
    const { code, stdout } = await conformance(['--list', '--mode', 'full']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^full mode: 30 checks\n/); // 27 required in full mode, and the optional call.mute, call.recording, call.reject
    const ids = [...stdout.matchAll(/^(\S+) — /gm)].map((m) => m[1]);
    expect(ids).toEqual(checksFor('full').map((c) => c.id));
    expect(stdout).toContain('  1. holdCall(callId, {})\n  2. wait for CallStateEvent Held for that call\n  skipped when call.answer did not pass');
    const all = await conformance(['--list']);
    expect(all.stdout).toMatch(/^simple mode: 11 checks$/m);
    expect(all.stdout).toMatch(/^agentState mode: 15 checks$/m);
  });

  it('a .ts target given relative to the working directory, loaded without a loader flag: a missing driver is named and the exit code says fail', async () => {
    const { code, stdout } = await conformance(['./targets/no-driver.ts', '--mode', 'simple'], { bundled: true, cwd: HELPERS });
    expect(stdout).toMatch(/^FAIL target\.driver — .*\n {5}the target gives no driver \(got undefined\): createTarget\(\) must return \{ implementation, driver \}$/m);
    expect(stdout).toMatch(/^SKIP login\.resolves — .*\n {5}skipped: needs target\.driver, which failed$/m);
    expect(stdout).toMatch(/0 passed, 1 failed, 10 skipped — FAIL\n$/);
    expect(code).toBe(1);
  });

  it('a login that never settles, from a connector that keeps a timer running: the request is named, then a report and exit 1', async () => {
    const { code, stdout } = await conformance(['targets/hanging-login.ts', '--mode', 'agentState', '--request-timeout', '4000'], { bundled: true, cwd: HELPERS });
    expect(stdout).toMatch(/^FAIL login\.resolves — .*\n {5}login\("agent1", "\*\*\*", "5001", \{.*\}, \{\}, forwardEvent\) did not settle within 4000 ms$/m);
    expect(stdout).toMatch(/3 passed, 1 failed, 11 skipped — FAIL\n$/);
    expect(code).toBe(1);
  }, 60_000);

  it('an exception the connector throws outside any request is reported; the run goes on to the end and exits 1', async () => {
    const { code, stdout, stderr } = await conformance(['./targets/throws-outside-request.ts', '--mode', 'simple'], { bundled: true, cwd: HELPERS });
    expect(stderr).toContain('thrown outside any request (an uncaught exception or unhandled rejection): socket handler crashed');
    expect(stdout).toMatch(/^note: thrown outside any request .*: socket handler crashed$/m);
    expect(stdout).toMatch(/^PASS logout\.silence/m);
    expect(stdout).toMatch(/11 passed, 0 failed, 0 skipped — FAIL\n$/);
    expect(code).toBe(1);
  }, 60_000);

  it('--verbose prints requests, settlements and events with the time since the start, never the password', async () => {
    const { code, stdout } = await conformance(['reference', '--mode', 'simple', '--verbose']);
    expect(stdout).toMatch(/^\[\s*\d+ ms\] → login\("agent1", "\*\*\*", "5001", .*, \{\}, forwardEvent\)$/m);
    expect(stdout).toMatch(/^\[\s*\d+ ms\] event SnapshotEvent\/Snapshot \{"pyEventType":"SnapshotEvent"/m);
    expect(stdout).toMatch(/^\[\s*\d+ ms\] ← login resolved after \d+ ms/m);
    expect(stdout).toMatch(/^\[\s*\d+ ms\] → driver\.inboundCall\("\+1555010001", "5001"\)$/m);
    expect(stdout).not.toContain('"demo"');
    expect(stdout).not.toMatch(/"token":"(?!\*\*\*)/);
    expect(stdout).toMatch(/11 passed, 0 failed, 0 skipped — PASS\n$/);
    expect(code).toBe(0);
  }, 60_000);

  it('a bad option value or a missing target exits 2 naming it', async () => {
    const timeout = await conformance(['reference', '--mode', 'simple', '--event-timeout', 'soon']);
    expect(timeout).toMatchObject({ code: 2, stderr: expect.stringContaining('--event-timeout') });
    expect(timeout.stderr).toContain('"soon"');
    const target = await conformance(['--mode', 'simple']);
    expect(target).toMatchObject({ code: 2, stderr: expect.stringContaining('name the target') });
    const mode = await conformance(['reference']);
    expect(mode).toMatchObject({ code: 2, stderr: expect.stringContaining('--mode is required') });
    const missing = await conformance(['./targets/nowhere.ts', '--mode', 'simple'], { cwd: HELPERS });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining(`cannot load ./targets/nowhere.ts: no file at ${join(HELPERS, 'targets/nowhere.ts')}`) });
  }, 60_000);
});
