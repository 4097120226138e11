/**
 * The leading node loses PostgreSQL (its --database goes through a TCP proxy that is cut): its
 * /healthz names the store, a login on it fails with a clear error, the leader lock goes with the
 * connection so another node leads, and the node serves again by itself once PostgreSQL is back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAll } from '../cli/serve-process.js';
import { callIn, createAgent, type TestAgent } from '../helpers/agents.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { startProxy, type CuttableProxy } from '../helpers/proxy.js';
import { WsClient } from '../helpers/ws-client.js';

let cluster: TestCluster;
let proxy: CuttableProxy;
const agents: TestAgent[] = [];

beforeAll(async () => {
  proxy = await startProxy(5432);
  // A is started first: it leads.
  cluster = await startCluster(['a', 'b'], { links: { a: { database: (url) => url.replace(':5432/', `:${proxy.port}/`) } } });
}, 60_000);

afterAll(async () => {
  for (const agent of agents) await agent.close().catch(() => undefined);
  await cluster?.destroy();
  await proxy?.close();
  killAll();
}, 60_000);

const health = (id: string) => cluster.health(id);

const agent = (urls: string[]): TestAgent => {
  const made = createAgent(urls);
  agents.push(made);
  return made;
};

it('the leader without PostgreSQL: 503 naming the store, logins on it refused clearly, another node leads, and it heals when PostgreSQL is back', async () => {
  const [a, b] = [cluster.node('a'), cluster.node('b')];
  expect(await cluster.leader()).toBe('a');
  expect((await health('a')).status).toBe(200);

  // agent1 works on B throughout.
  const agent1 = agent([b.ctiUrl]);
  await agent1.session.login({ agentId: 'agent1', agentPwd: 'demo', extension: '' });
  await agent1.session.agentReady({});
  await agent1.until((s) => s.agent.state === 'Ready', 'agent1 Ready on B');

  // PostgreSQL goes away for A only: open connections are cut (the leader lock with them), new ones refused.
  proxy.refuse = true;
  proxy.cut();

  await expect.poll(async () => (await health('a')).status, { timeout: 10_000 }).toBe(503);
  const down = (await health('a')).body;
  expect(down.down).toContain('store');
  expect(down.down!.filter((d) => d.startsWith('link nats'))).toEqual([]);
  expect(down.checks.store.error).toMatch(new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${proxy.port}/\\S+ is unreachable`));

  // The lock went with A's connection: B leads now, and A knows it no longer does.
  expect(await cluster.waitLeader('a')).toBe('b');
  await expect.poll(async () => (await cluster.api<{ leader: boolean }>('a', 'GET', '/api/cluster/state')).leader, { timeout: 10_000 }).toBe(false);

  // A login on A fails with an error that says why, and A is still running.
  const client = await WsClient.connect(a.ctiUrl);
  const refused = await client.request('login', { agentId: 'agent2', agentPwd: 'demo' });
  await client.close();
  expect(refused.ok).toBe(false);
  expect(refused.error?.errCode).toBe('OPENCTI_LINK_DOWN');
  expect(refused.error?.errMessage).toMatch(/PostgreSQL .* unreachable/);
  expect(a.alive()).toBe(true);

  // Meanwhile the cluster carries on: a call placed through B rings agent1.
  const during = await cluster.api<{ callId: string }>('b', 'POST', '/api/calls', { from: '+15550001', to: '8000' });
  await agent1.until((s) => callIn(s, during.callId)?.state === 'Alerting', 'the call ringing agent1 while A has no database');
  await agent1.session.answerCall(during.callId);
  await agent1.until((s) => callIn(s, during.callId)?.state === 'Established', 'agent1 talking');

  // PostgreSQL comes back: A is healthy by itself, B keeps the lead, and an agent works on A.
  proxy.refuse = false;
  await expect.poll(async () => (await health('a')).status, { timeout: 15_000 }).toBe(200);
  expect(await cluster.leader('a')).toBe('b');
  const agent2 = agent([a.ctiUrl]);
  await agent2.session.login({ agentId: 'agent2', agentPwd: 'demo', extension: '' });
  expect(agent2.connector.serverUrl).toBe(a.ctiUrl);
  await agent2.session.agentReady({});
  await agent2.until((s) => s.agent.state === 'Ready', 'agent2 Ready on A');
  const after = await cluster.api<{ callId: string }>('a', 'POST', '/api/calls', { from: '+15550002', to: '8000' });
  await agent2.until((s) => callIn(s, after.callId)?.state === 'Alerting', 'the call placed through A ringing agent2');
  await agent2.session.answerCall(after.callId);
  await agent2.until((s) => callIn(s, after.callId)?.state === 'Established', 'agent2 talking');
}, 120_000);
