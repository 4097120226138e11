/** `opencti agents add|update --role`: the supervisor role from the command line. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startHarness, type Harness } from '../http/harness.js';
import { runCli } from '../http/run-cli.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('opencti agents --role', { timeout: 120_000 }, () => {
  it('adds a supervisor, changes the role back, and refuses a role that does not exist', async () => {
    const env = { OPENCTI_ADMIN_TOKEN: ADMIN_TOKEN, OPENCTI_SERVER: h.url };
    const added = await runCli(['agents', 'add', 'sup1', '--extension', '5009', '--password', 'pw9', '--role', 'supervisor'], env);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('agent sup1 created (extension 5009, skills none, supervisor;');
    expect((await h.store.getAgent('sup1'))?.role).toBe('supervisor');

    const [updated, wrong] = await Promise.all([
      runCli(['agents', 'update', 'sup1', '--role', 'agent'], env),
      runCli(['agents', 'add', 'sup2', '--extension', '5010', '--password', 'x', '--role', 'boss'], env),
    ]);
    expect(updated.code).toBe(0);
    expect((await h.store.getAgent('sup1'))?.role).toBe('agent');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('give the role as agent or supervisor');
  });
});
