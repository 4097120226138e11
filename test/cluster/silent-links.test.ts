/**
 * The leader's links go silent rather than closed (a network partition: the proxy stops carrying
 * bytes, connections stay open, new ones are refused). The node must notice by itself: /healthz
 * answers 503 naming the link (it does not hang), the lead passes to another node, and the node
 * serves again once the network is back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAll } from '../cli/serve-process.js';
import { callIn, createAgent, type TestAgent } from '../helpers/agents.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { startProxy, type CuttableProxy } from '../helpers/proxy.js';

let cluster: TestCluster;
let natsProxy: CuttableProxy;
let pgProxy: CuttableProxy;
const agents: TestAgent[] = [];

beforeAll(async () => {
  natsProxy = await startProxy(4222);
  pgProxy = await startProxy(5432);
  // A is started first: it leads, with both its links through proxies.
  cluster = await startCluster(['a', 'b'], {
    links: { a: { nats: `nats://127.0.0.1:${natsProxy.port}`, database: (url) => url.replace(':5432/', `:${pgProxy.port}/`) } },
  });
}, 60_000);

afterAll(async () => {
  for (const agent of agents) await agent.close().catch(() => undefined);
  await cluster?.destroy();
  await natsProxy?.close();
  await pgProxy?.close();
  killAll();
}, 60_000);

/** /healthz of A; a probe that does not answer within 5 s counts as a failure of the test. */
async function healthOfA(): Promise<{ status: number; down?: string[] }> {
  const response = await fetch(`${cluster.node('a').url}/healthz`, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { down?: string[] };
  return { status: response.status, ...(body.down ? { down: body.down } : {}) };
}

const agent = (urls: string[]): TestAgent => {
  const made = createAgent(urls);
  agents.push(made);
  return made;
};

it('the leader whose PostgreSQL goes silent: /healthz names the store, another node leads, and it heals', async () => {
  expect(await cluster.leader()).toBe('a');
  pgProxy.refuse = true;
  pgProxy.freeze();

  await expect.poll(healthOfA, { timeout: 20_000 }).toMatchObject({ status: 503, down: expect.arrayContaining(['store']) });
  expect(await cluster.waitLeader('a', 30_000)).toBe('b');

  pgProxy.refuse = false;
  await expect.poll(healthOfA, { timeout: 20_000 }).toEqual({ status: 200 });
  const agent1 = agent([cluster.node('a').ctiUrl]);
  await agent1.session.login({ agentId: 'agent1', agentPwd: 'demo', extension: '' });
  await agent1.session.agentReady({});
  await agent1.until((s) => s.agent.state === 'Ready', 'agent1 Ready on A');
}, 120_000);

it('a node whose NATS goes silent: /healthz names NATS, its desktop moves on, and it heals', async () => {
  const [a, b] = [cluster.node('a'), cluster.node('b')];
  const agent2 = agent([a.ctiUrl, b.ctiUrl]);
  await agent2.session.login({ agentId: 'agent2', agentPwd: 'demo', extension: '' });
  expect(agent2.connector.serverUrl).toBe(a.ctiUrl);

  natsProxy.refuse = true;
  natsProxy.freeze();
  await expect.poll(healthOfA, { timeout: 20_000 }).toMatchObject({ status: 503, down: expect.arrayContaining([`link nats nats://127.0.0.1:${natsProxy.port}`]) });
  await agent2.until((s) => s.link === 'CONNECTED' && agent2.connector.serverUrl === b.ctiUrl, 'agent2 carried on on B', 20_000);

  natsProxy.refuse = false;
  await expect.poll(healthOfA, { timeout: 20_000 }).toEqual({ status: 200 });
  const agent3 = agent([a.ctiUrl]);
  await agent3.session.login({ agentId: 'agent3', agentPwd: 'demo', extension: '' });
  await agent3.session.agentReady({});
  await agent3.until((s) => s.agent.state === 'Ready', 'agent3 Ready on A');
  // A support call placed through A rings one of the agents Ready on A (agent1 since the first test, agent3).
  const call = await cluster.api<{ callId: string }>('a', 'POST', '/api/calls', { from: '+15550003', to: '8001' });
  const rung = (desk: TestAgent) => desk.until((s) => callIn(s, call.callId)?.state === 'Alerting', 'the call placed through A ringing', 10_000);
  await Promise.any([rung(agents[0]!), rung(agent3)]);
}, 120_000);
