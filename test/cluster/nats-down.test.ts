/**
 * A cluster node that loses NATS (its connection goes through a TCP proxy that is cut): its
 * /healthz names NATS, its desktops see the link go down and carry on on another node, requests
 * sent to it fail with OPENCTI_LINK_DOWN naming NATS, and it serves again by itself once NATS is back.
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
  proxy = await startProxy(4222);
  cluster = await startCluster(['c', 'a', 'b'], { links: { a: { nats: `nats://127.0.0.1:${proxy.port}` } } });
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

it('node A without NATS: 503 naming NATS, its desktop moves to B, requests fail with OPENCTI_LINK_DOWN, and A heals when NATS is back', async () => {
  const [a, b] = [cluster.node('a'), cluster.node('b')];
  expect((await health('a')).status).toBe(200);

  const agent1 = agent([a.ctiUrl, b.ctiUrl]);
  await agent1.session.login({ agentId: 'agent1', agentPwd: 'demo', extension: '' });
  expect(agent1.connector.serverUrl).toBe(a.ctiUrl);
  await agent1.until((s) => s.link === 'CONNECTED', 'agent1 link up');
  const linkEvents = () => agent1.emitted.filter((e) => e.name === 'link').map((e) => e.payload);
  const before = linkEvents().length;

  // NATS goes away for A only: open connections are cut and new ones refused.
  proxy.refuse = true;
  proxy.cut();

  await expect.poll(async () => (await health('a')).status, { timeout: 10_000 }).toBe(503);
  const down = (await health('a')).body;
  expect(down.status).toBe('down');
  // NATS is named (other checks that depend on NATS, such as a known leader, may be down with it).
  expect(down.down).toContain(`link nats nats://127.0.0.1:${proxy.port}`);
  expect(down.down).not.toContain('store');
  expect((await health('b')).status).toBe(200);

  // The desktop on A saw the link go down (a Snapshot with pyLinkState DISCONNECTED), then carried on on B.
  await agent1.until((s) => s.link === 'CONNECTED' && agent1.connector.serverUrl === b.ctiUrl, 'agent1 connected again, on B', 15_000);
  expect(linkEvents().slice(before)).toEqual(['DISCONNECTED', 'CONNECTED']);
  expect(agent1.session.state.loggedIn).toBe(true);
  await agent1.session.agentReady({});
  await agent1.until((s) => s.agent.state === 'Ready', 'agent1 Ready through B');

  // A request sent to A while it has no NATS fails with OPENCTI_LINK_DOWN naming NATS.
  const client = await WsClient.connect(a.ctiUrl);
  const refused = await client.request('login', { agentId: 'agent2', agentPwd: 'demo' });
  await client.close();
  expect(refused.ok).toBe(false);
  expect(refused.error?.errCode).toBe('OPENCTI_LINK_DOWN');
  expect(refused.error?.errMessage).toMatch(/NATS/);
  // So does a call placed through A's REST API: 503, the service is unavailable on this node.
  const placed = await fetch(`${a.url}/api/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: '+15550009', to: '8000' }),
  });
  expect(placed.status).toBe(503);
  expect(await placed.json()).toMatchObject({ errCode: 'OPENCTI_LINK_DOWN', errMessage: expect.stringMatching(/NATS/) });

  // The outage lasts until the others see A gone (its registry entry expired): then A must come back as a node.
  const listed = async () => (await cluster.api<{ nodes: { id: string }[] }>('b', 'GET', '/api/cluster')).nodes.map((n) => n.id);
  await expect.poll(listed, { timeout: 10_000 }).toEqual(['b', 'c']);

  // NATS comes back: A is healthy again by itself, and an agent logs in on A and takes a call.
  proxy.refuse = false;
  await expect.poll(async () => (await health('a')).status, { timeout: 15_000 }).toBe(200);
  await expect.poll(listed, { timeout: 10_000 }).toEqual(['a', 'b', 'c']);
  const agent2 = agent([a.ctiUrl]);
  await agent2.session.login({ agentId: 'agent2', agentPwd: 'demo', extension: '' });
  expect(agent2.connector.serverUrl).toBe(a.ctiUrl);
  await agent2.session.agentReady({});
  await agent2.until((s) => s.agent.state === 'Ready', 'agent2 Ready on A');

  // Calls placed through A reach both agents: A appends through the leader and follows the log again.
  const first = await cluster.api<{ callId: string }>('a', 'POST', '/api/calls', { from: '+15550001', to: '8000' });
  const second = await cluster.api<{ callId: string }>('a', 'POST', '/api/calls', { from: '+15550002', to: '8000' });
  const ringing = (s: TestAgent['session']['state']) => callIn(s, first.callId)?.state === 'Alerting' || callIn(s, second.callId)?.state === 'Alerting';
  await agent1.until(ringing, 'a call ringing agent1 (on B)', 10_000);
  await agent2.until(ringing, 'a call ringing agent2 (on A)', 10_000);
  const onA = callIn(agent2.session.state, first.callId) ?? callIn(agent2.session.state, second.callId);
  await agent2.session.answerCall(onA!.callId);
  await agent2.until((s) => callIn(s, onA!.callId)?.state === 'Established', 'agent2 talking');

  // A holds the same state as the leader (its log follower healed and applied everything).
  const digests = async () => Promise.all(['a', 'c'].map(async (id) => (await cluster.api<{ digest: string }>(id, 'GET', '/api/cluster/state')).digest));
  await expect.poll(async () => new Set(await digests()).size, { timeout: 10_000 }).toBe(1);
}, 120_000);
