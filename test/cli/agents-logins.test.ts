/** `opencti agents logout|unlock|update` against a real server, with a desktop on a real socket. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/config.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { WsClient } from '../helpers/ws-client.js';
import { runCli } from '../server/http/run-cli.js';

let server: TestServer;
let env: Record<string, string>;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ login: { ...resolveConfig({}).login, failuresBeforeLockout: 1, lockoutMs: 0 } });
  env = { OPENCTI_ADMIN_TOKEN: server.adminToken, OPENCTI_SERVER: server.url };
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.dispose();
});

async function connect(): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

/** Every case starts node with tsx: allow for a busy machine. */
describe('opencti agents (logins)', { timeout: 120_000 }, () => {
  it('logout ends the agent session: the desktop is told OPENCTI_SESSION_ENDED and the switch logs the agent out', async () => {
    const desktop = await connect();
    await desktop.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
    const logout = await runCli(['agents', 'logout', 'agent1', '--reason', 'EOD'], env);
    expect(logout).toMatchObject({ code: 0, stderr: '', stdout: 'agent agent1 logged out\n' });
    await desktop.waitFor(() => desktop.responses.some((r) => r.error?.errCode === 'OPENCTI_SESSION_ENDED'), 'OPENCTI_SESSION_ENDED');
    expect((await desktop.waitForEvent('AgentStateEvent', 'Logout')).pyReasonCode).toBe('EOD');
    expect(server.switch.agents().find((a) => a.agentId === 'agent1')?.state).toBe('Logout');

    const again = await runCli(['agents', 'logout', 'agent1'], env);
    expect(again).toMatchObject({ code: 1, stderr: 'OPENCTI_HTTP_ERROR_409: agent "agent1" is not logged in\n' });
  });

  it('unlock lifts a lockout; list --json shows it', async () => {
    const desktop = await connect();
    expect((await desktop.request('login', { agentId: 'agent2', agentPwd: 'wrong' })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    expect((await desktop.request('login', { agentId: 'agent2', agentPwd: 'demo' })).error?.errCode).toBe('OPENCTI_AGENT_LOCKED');
    const listed = JSON.parse((await runCli(['agents', 'list', '--json'], env)).stdout) as { agentId: string; locked: boolean; failedLogins: number }[];
    expect(listed.find((a) => a.agentId === 'agent2')).toMatchObject({ locked: true, failedLogins: 1 });
    expect((await runCli(['agents', 'list'], env)).stdout).toMatch(/^agent2\s.*\sLogout \(locked\)\s+-$/m);

    expect(await runCli(['agents', 'unlock', 'agent2'], env)).toMatchObject({ code: 0, stdout: 'agent agent2 unlocked\n' });
    await desktop.ok('login', { agentId: 'agent2', agentPwd: 'demo' });
    await desktop.ok('logout', {});
  });

  it('update and add set the extensions an agent may use; bad values exit 2', async () => {
    const allow = await runCli(['agents', 'update', 'agent3', '--allow-extensions', '5004,5001'], env);
    expect(allow).toMatchObject({ code: 0, stdout: 'agent agent3 updated (extension 5003; may log in on extensions 5003,5004,5001)\n' });
    expect((await server.store.getAgent('agent3'))).toMatchObject({ allowedExtensions: ['5004', '5001'], anyExtension: false });

    const any = await runCli(['agents', 'update', 'agent3', '--any-extension'], env);
    expect(any.stdout).toContain('may log in on any extension');
    const own = await runCli(['agents', 'update', 'agent3', '--own-extension-only'], env);
    expect(own.stdout).toContain('may log in on extensions 5003)');
    expect((await server.store.getAgent('agent3'))).toMatchObject({ allowedExtensions: [], anyExtension: false });

    const added = await runCli(['agents', 'add', 'agent8', '--extension', '5008', '--password', 'pw8', '--any-extension'], env);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(await api(server, 'GET', '/api/agents/agent8')).toMatchObject({ anyExtension: true, allowedExtensions: [] });

    // One at a time: each starts node with tsx, and a busy machine is slow enough already.
    const badList = await runCli(['agents', 'update', 'agent3', '--allow-extensions', '50a1'], env);
    const nothing = await runCli(['agents', 'update', 'agent3'], env);
    const clash = await runCli(['agents', 'update', 'agent3', '--own-extension-only', '--any-extension'], env);
    expect(badList.code).toBe(2);
    expect(badList.stderr).toContain('give extensions as digits');
    expect(nothing).toMatchObject({ code: 2, stderr: 'nothing to change: give at least one option (see opencti agents update --help)\n' });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('--own-extension-only does not go with --any-extension or --allow-extensions');
  });
});
