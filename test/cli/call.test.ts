import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startHarness, type Harness } from '../server/http/harness.js';
import { runCli } from '../server/http/run-cli.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Every case starts node with tsx: allow for a busy machine. */
describe('opencti call', { timeout: 120_000 }, () => {
  it('places a call with attached data and prints its id; --hangup ends it', async () => {
    const placed = await runCli(['call', '--from', '2025550101', '--to', '8000', '--data', 'account=42', '--data', 'note=a=b', '--server', h.url, '--token', ADMIN_TOKEN]);
    expect(placed.stderr).toBe('');
    expect(placed.code).toBe(0);
    const callId = placed.stdout.trim();
    expect(h.sw.calls()).toEqual([expect.objectContaining({ callId, ani: '2025550101', queue: 'sales', callData: { account: '42', note: 'a=b' } })]);

    // the token may come from the environment
    const hungUp = await runCli(['call', '--hangup', callId, '--server', h.url], { OPENCTI_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(hungUp.code).toBe(0);
    expect(hungUp.stdout).toContain(callId);
    expect(h.sw.calls()).toEqual([]);
  });

  it('server refusals print errCode: errMessage and exit 1', async () => {
    const [unknownCall, wrongToken, nowhere, unreachable] = await Promise.all([
      runCli(['call', '--hangup', 'no-such-call', '--server', h.url, '--token', ADMIN_TOKEN]),
      runCli(['call', '--from', '2025550101', '--to', '8000', '--server', h.url, '--token', 'wrong']),
      runCli(['call', '--from', '2025550101', '--to', '9999', '--server', h.url, '--token', ADMIN_TOKEN]),
      runCli(['call', '--from', '2025550101', '--to', '8000', '--server', 'http://127.0.0.1:1', '--token', ADMIN_TOKEN]),
    ]);
    expect(unknownCall).toMatchObject({ code: 1, stdout: '' });
    expect(unknownCall.stderr).toMatch(/^OPENCTI_CF_INVALID_OBJECT_STATE: no such call "no-such-call"/);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/^OPENCTI_HTTP_ERROR_401: the bearer token is not the admin token/);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^OPENCTI_CF_INVALID_DESTINATION: /);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^OPENCTI_LINK_DOWN: cannot reach the server at http:\/\/127.0.0.1:1/);
    expect(h.sw.calls()).toEqual([]);
  });

  it('bad arguments exit 2 with a message naming the problem', async () => {
    const server = ['--server', h.url];
    const cases: [string[], RegExp][] = [
      [['call', '--from', '2025550101', ...server, '--token', 'x'], /required option '--to <dnis>'/],
      [['call', '--to', '8000', ...server, '--token', 'x'], /required option '--from <ani>'/],
      [['call', '--from', '1', '--to', '8000', '--data', 'novalue', ...server, '--token', 'x'], /"novalue" is not key=value/],
      [['call', '--from', '1', '--to', '8000', ...server], /no admin token: pass --token <token> or set OPENCTI_ADMIN_TOKEN/],
      [['call', '--from', '1', '--to', '8000', '--server', 'ftp://x', '--token', 'x'], /must be an http:\/\/ or https:\/\/ URL/],
      [['call', '--hangup', 'c1', '--from', '1', '--token', 'x'], /--hangup cannot be combined/],
      [['call', '--frm', '1'], /unknown option '--frm'/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((result, i) => {
      const [args, message] = cases[i] as [string[], RegExp];
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    });
    expect(h.sw.calls()).toEqual([]);
  });
});
