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
describe('opencti agents', { timeout: 120_000 }, () => {
  it('list shows agents with their state; add creates one that can log in; remove deletes it', async () => {
    const env = { OPENCTI_ADMIN_TOKEN: ADMIN_TOKEN, OPENCTI_SERVER: h.url };
    h.sw.login('agent1', '');
    h.sessions.set('agent1', { agentId: 'agent1', extension: '5001', sockets: new Set([1]) });

    const list = await runCli(['agents', 'list'], env);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^AGENT\s+NAME\s+EXTENSION\s+SKILLS\s+STATE\s+SESSION$/);
    expect(lines[1]).toMatch(/^agent1\s+Ada Lovelace\s+5001\s+sales\s+NotReady\s+1 socket\(s\) on 5001$/);
    expect(lines[2]).toMatch(/^agent2\s+Alan Turing\s+5002\s+sales,support\s+Logout\s+-$/);

    const added = await runCli(['agents', 'add', 'agent7', '--extension', '5007', '--password', 'pw7', '--name', 'Kay Nygaard', '--skills', 'support,sales'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('agent agent7 created');
    expect(await h.store.verifyAgentPassword('agent7', 'pw7')).toBe(true);
    expect(h.sw.login('agent7', '')).toEqual({ extension: '5007' });
    h.sw.logout('agent7', '');

    const json = await runCli(['agents', 'list', '--json'], env);
    expect((JSON.parse(json.stdout) as { agentId: string }[]).map((a) => a.agentId)).toEqual(['agent1', 'agent2', 'agent7']);

    const removed = await runCli(['agents', 'remove', 'agent7'], env);
    expect(removed.code).toBe(0);
    expect((await h.store.getAgent('agent7'))).toBeUndefined();
  });

  it('server refusals exit 1 with errCode: errMessage; bad arguments exit 2', async () => {
    const env = { OPENCTI_ADMIN_TOKEN: ADMIN_TOKEN, OPENCTI_SERVER: h.url };
    const [duplicate, loggedIn, ghost, missingOption, noSubcommand, badSkills] = await Promise.all([
      runCli(['agents', 'add', 'agent2', '--extension', '5008', '--password', 'x'], env),
      runCli(['agents', 'remove', 'agent1'], env),
      runCli(['agents', 'remove', 'ghost'], env),
      runCli(['agents', 'add', 'agent8', '--password', 'x'], env),
      runCli(['agents', 'frobnicate'], env),
      runCli(['agents', 'add', 'agent8', '--extension', '5008', '--password', 'x', '--skills', ','], env),
    ]);
    expect(duplicate).toMatchObject({ code: 1, stderr: 'OPENCTI_HTTP_ERROR_409: agent "agent2" already exists\n' });
    expect(loggedIn.code).toBe(1);
    expect(loggedIn.stderr).toContain('log the agent out first');
    expect(ghost).toMatchObject({ code: 1, stderr: 'OPENCTI_HTTP_ERROR_404: agent "ghost" does not exist\n' });
    expect(missingOption.code).toBe(2);
    expect(missingOption.stderr).toContain("required option '--extension <number>' not specified");
    expect(noSubcommand.code).toBe(2);
    expect(noSubcommand.stderr).toContain("unknown command 'frobnicate'");
    expect(badSkills.code).toBe(2);
    expect(badSkills.stderr).toContain('give at least one skill');
    expect((await h.store.getAgent('agent8'))).toBeUndefined();
  });
});
