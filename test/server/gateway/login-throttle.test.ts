/**
 * Login throttling, lockout and the password-check gate, over real sockets against a real server:
 * an attacker guessing passwords or flooding login frames costs the server little and does not
 * keep a real agent out.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type ServerConfig } from '../../../src/server/config.js';
import { DEFAULT_LOGIN_LIMITS } from '../../../src/server/gateway/login-guard.js';
import { api, startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';
import { metric as metricWith } from './metrics.js';

const DEFAULTS = resolveConfig({}).login;
const servers: TestServer[] = [];
const clients: WsClient[] = [];

async function serve(login: Partial<ServerConfig['login']>, limits: Partial<ServerConfig['limits']> = {}): Promise<TestServer> {
  const server = await startTestServer({ login: { ...DEFAULTS, ...login }, limits: { ...resolveConfig({}).limits, ...limits } });
  servers.push(server);
  return server;
}

async function connect(server: TestServer): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

/** The sum of a metric over all its label sets, read from /metrics. */
async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Waits the time the server said to wait before retrying. */
const afterRetry = (ms: number | undefined) => new Promise((resolve) => setTimeout(resolve, (ms ?? 0) + 25));

const loginFrame = (id: number | string, agentId: string, agentPwd: string) => JSON.stringify({ type: 'request', id, op: 'login', args: { agentId, agentPwd } });

interface AgentLoginView {
  agentId: string;
  failedLogins: number;
  locked: boolean;
  lockedUntil: string | null;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.dispose()));
});

describe('the login configuration', () => {
  it('defaults to the gateway defaults and names a wrong value with its path', () => {
    expect(DEFAULTS).toEqual(DEFAULT_LOGIN_LIMITS);
    expect(resolveConfig({ login: { lockoutMs: 0 } }).login).toEqual({ ...DEFAULT_LOGIN_LIMITS, lockoutMs: 0 });
    expect(() => resolveConfig({ login: { maxConcurrentHashes: 0, lockout: 5 } })).toThrow(
      'configuration is not valid: /login/lockout is not an allowed property (got 5); /login/maxConcurrentHashes must be >= 1 (got 0)',
    );
  });
});

describe('wrong passwords for one agent', () => {
  it('are throttled with a growing delay (retry time in the message and the error), then lock the agent until an admin unlocks it', async () => {
    const server = await serve({ failuresBeforeBackoff: 1, backoffBaseMs: 1000, backoffMaxMs: 2000, failuresBeforeLockout: 4, lockoutMs: 0 });
    const client = await connect(server);

    expect((await client.request('login', { agentId: 'agent1', agentPwd: 'guess-1' })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    const second = await client.request('login', { agentId: 'agent1', agentPwd: 'guess-2' });
    expect(second.error?.errCode).toBe('OPENCTI_AUTH_FAILED');

    // The next attempt comes too early: refused at once, without a hash, saying when to retry.
    const hashesBefore = await metric(server, 'opencti_login_hashes_total');
    const early = await client.request('login', { agentId: 'agent1', agentPwd: 'demo' });
    expect(early.error?.errCode).toBe('OPENCTI_LOGIN_THROTTLED');
    expect(early.error?.errMessage).toMatch(/agent "agent1": retry in 1 s$/);
    const firstWait = (early.error as { retryAfterMs?: number }).retryAfterMs;
    expect(firstWait).toBeGreaterThan(0);
    expect(firstWait).toBeLessThanOrEqual(1000);
    expect(await metric(server, 'opencti_login_hashes_total')).toBe(hashesBefore);

    await afterRetry(firstWait);
    expect((await client.request('login', { agentId: 'agent1', agentPwd: 'guess-3' })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    const later = await client.request('login', { agentId: 'agent1', agentPwd: 'guess-4' });
    expect(later.error?.errCode).toBe('OPENCTI_LOGIN_THROTTLED');
    const secondWait = (later.error as { retryAfterMs?: number }).retryAfterMs;
    expect(secondWait).toBeGreaterThan(firstWait!);

    await afterRetry(secondWait);
    expect((await client.request('login', { agentId: 'agent1', agentPwd: 'guess-4' })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');

    // Four failures: locked, even with the right password, until an administrator unlocks.
    const locked = await client.request('login', { agentId: 'agent1', agentPwd: 'demo' });
    expect(locked.error?.errCode).toBe('OPENCTI_AGENT_LOCKED');
    expect(locked.error?.errMessage).toContain('until an administrator unlocks it');
    expect(await api<AgentLoginView>(server, 'GET', '/api/agents/agent1')).toMatchObject({ failedLogins: 4, locked: true, lockedUntil: null });
    const listed = await api<AgentLoginView[]>(server, 'GET', '/api/agents');
    expect(listed.find((a) => a.agentId === 'agent1')).toMatchObject({ failedLogins: 4, locked: true });
    expect(listed.find((a) => a.agentId === 'agent2')).toMatchObject({ failedLogins: 0, locked: false, lockedUntil: null });

    const unauthenticated = await fetch(`${server.url}/api/agents/agent1/unlock`, { method: 'POST' });
    expect(unauthenticated.status).toBe(401);
    expect(await api(server, 'POST', '/api/agents/agent1/unlock')).toMatchObject({ failedLogins: 0, locked: false });
    await client.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
    await client.ok('logout', {});
  });

  it('a lockout with a duration says until when, in the message, the error and the admin view; it ends by itself', async () => {
    const server = await serve({ failuresBeforeBackoff: 10, failuresBeforeLockout: 2, lockoutMs: 400 });
    const client = await connect(server);
    for (const guess of ['a', 'b']) expect((await client.request('login', { agentId: 'agent2', agentPwd: guess })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    const locked = await client.request('login', { agentId: 'agent2', agentPwd: 'demo' });
    expect(locked.error?.errCode).toBe('OPENCTI_AGENT_LOCKED');
    const view = await api<AgentLoginView>(server, 'GET', '/api/agents/agent2');
    expect(view).toMatchObject({ failedLogins: 2, locked: true });
    expect(locked.error?.errMessage).toMatch(new RegExp(`until ${view.lockedUntil} \\(retry in 1 s\\); an administrator can unlock it sooner$`));
    const wait = (locked.error as { retryAfterMs?: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    await afterRetry(wait);
    await client.ok('login', { agentId: 'agent2', agentPwd: 'demo' });
    // A success forgets the failures.
    expect(await api<AgentLoginView>(server, 'GET', '/api/agents/agent2')).toMatchObject({ failedLogins: 0, locked: false });
    await client.ok('logout', {});
  });

  it('an unknown agent id is throttled and locked like a real one (nothing tells them apart)', async () => {
    const server = await serve({ failuresBeforeBackoff: 10, failuresBeforeLockout: 2, lockoutMs: 0 });
    const client = await connect(server);
    for (const agentId of ['agent3', 'ghost']) {
      for (const guess of ['a', 'b']) expect((await client.request('login', { agentId, agentPwd: guess })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');
      const locked = await client.request('login', { agentId, agentPwd: 'x' });
      expect(locked.error?.errCode).toBe('OPENCTI_AGENT_LOCKED');
      expect(locked.error?.errMessage).toBe(`agent "${agentId}" is locked after 2 failed logins until an administrator unlocks it`);
    }
  });
});

describe('wrong passwords from one address', () => {
  it('across many agent ids are throttled too', async () => {
    const server = await serve({ failuresBeforeBackoff: 100, addressFailuresBeforeBackoff: 3, backoffBaseMs: 60_000 });
    const client = await connect(server);
    for (const agentId of ['ghost1', 'ghost2', 'ghost3', 'ghost4']) {
      expect((await client.request('login', { agentId, agentPwd: 'x' })).error?.errCode).toBe('OPENCTI_AUTH_FAILED');
    }
    const refused = await client.request('login', { agentId: 'agent1', agentPwd: 'demo' });
    expect(refused.error?.errCode).toBe('OPENCTI_LOGIN_THROTTLED');
    expect(refused.error?.errMessage).toMatch(/this address: retry in 60 s/);
  });
});

describe('the password check', () => {
  it('a flood of login frames on one socket runs one hash, refuses the rest at once, and a real login from another socket goes through', async () => {
    // The frame budget would cut this socket off first: raised here, to prove the login gate alone.
    const server = await serve({ maxConcurrentHashes: 1 }, { framesPerSecond: 10_000 });
    const attacker = await connect(server);
    const agent = await connect(server);
    const hashesBefore = await metric(server, 'opencti_login_hashes_total');

    for (let i = 0; i < 400; i++) attacker.sendRaw(loginFrame(i, 'agent2', `guess-${i}`));
    const login = await agent.request('login', { agentId: 'agent1', agentPwd: 'demo' });
    expect(login.ok).toBe(true);
    await attacker.waitFor(() => attacker.responses.length === 400, 'an answer to every login frame');

    const codes = attacker.responses.map((r) => r.error?.errCode);
    expect(codes.filter((c) => c === 'OPENCTI_AUTH_FAILED').length).toBeLessThanOrEqual(3);
    const inProgress = attacker.responses.filter((r) => r.error?.errCode === 'OPENCTI_LOGIN_THROTTLED');
    expect(inProgress.length).toBeGreaterThanOrEqual(390);
    expect(inProgress[0]?.error?.errMessage).toBe('a login is already in progress on this connection: wait for its answer');
    // The agent's hash and the attacker's first few: not 400.
    expect((await metric(server, 'opencti_login_hashes_total')) - hashesBefore).toBeLessThanOrEqual(4);
    await agent.ok('logout', {});
  });

  it('runs at most maxConcurrentHashes at once across the server', async () => {
    const server = await serve({ maxConcurrentHashes: 2 });
    const sockets = await Promise.all(Array.from({ length: 6 }, () => connect(server)));
    const hashesBefore = await metric(server, 'opencti_login_hashes_total');
    const answers = await Promise.all(sockets.map((s, i) => s.request('login', { agentId: `ghost${i}`, agentPwd: 'x' })));
    expect(answers.map((a) => a.error?.errCode)).toEqual(Array(6).fill('OPENCTI_AUTH_FAILED'));
    expect((await metric(server, 'opencti_login_hashes_total')) - hashesBefore).toBe(6);
    const peak = await metric(server, 'opencti_login_hashes_peak');
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('is dropped without hashing when its socket has gone while it waited', async () => {
    const server = await serve({ maxConcurrentHashes: 1 });
    const hashesBefore = await metric(server, 'opencti_login_hashes_total');
    const sockets = await Promise.all(Array.from({ length: 20 }, () => WsClient.connect(server.ctiUrl)));
    // Each sends a login and leaves at once: only the one whose hash started is checked.
    await Promise.all(
      sockets.map((s, i) => {
        s.sendRaw(loginFrame(i, `ghost${i}`, 'x'));
        return s.close();
      }),
    );
    const settled = async () =>
      (await metric(server, 'opencti_login_hashes_total')) - hashesBefore + (await metric(server, 'opencti_login_checks_dropped_total'));
    await expect.poll(settled, { timeout: 10_000 }).toBe(20);
    expect(await metric(server, 'opencti_login_checks_dropped_total')).toBeGreaterThanOrEqual(15);
    // Dropped checks are not failures: the address is not throttled for the next agent.
    const agent = await connect(server);
    await agent.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
    await agent.ok('logout', {});
  });
  it('waiting past the login deadline and then left by its client is no login timeout: nothing counted on a closed socket', async () => {
    const server = await serve({ maxConcurrentHashes: 1 }, { loginTimeoutMs: 100 });
    const hashesBefore = await metric(server, 'opencti_login_hashes_total');
    const sockets = await Promise.all(Array.from({ length: 20 }, () => WsClient.connect(server.ctiUrl)));
    sockets.forEach((s, i) => s.sendRaw(loginFrame(i, `ghost${i}`, 'x')));
    // The server armed each deadline before the client saw the socket open: this fires after all of them.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(sockets.map((s) => s.close()));
    const settled = async () =>
      (await metric(server, 'opencti_login_hashes_total')) - hashesBefore + (await metric(server, 'opencti_login_checks_dropped_total'));
    await expect.poll(settled, { timeout: 10_000 }).toBe(20);
    // Only a check answered while its socket was still open may end in a login timeout.
    const hashed = (await metric(server, 'opencti_login_hashes_total')) - hashesBefore;
    expect(await metric(server, 'opencti_login_checks_dropped_total')).toBeGreaterThan(hashed);
    expect(await metricWith(server, 'opencti_ws_closed_by_server_total', 'reason="login_timeout"')).toBeLessThanOrEqual(hashed);
  });
});
