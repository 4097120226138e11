/**
 * The leader loses NATS (its connection goes through a TCP proxy that is cut) while it keeps its
 * PostgreSQL lock: it must give the lead up, or no node could log anything for as long as the
 * outage lasts. Another node leads, calls carry on, and the old leader rejoins as a follower.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAll } from '../cli/serve-process.js';
import { callIn, createAgent, type TestAgent } from '../helpers/agents.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { startProxy, type CuttableProxy } from '../helpers/proxy.js';

let cluster: TestCluster;
let proxy: CuttableProxy;
const agents: TestAgent[] = [];

beforeAll(async () => {
  proxy = await startProxy(4222);
  // A is started first: it leads, over NATS through the proxy.
  cluster = await startCluster(['a', 'b'], { links: { a: { nats: `nats://127.0.0.1:${proxy.port}` } } });
}, 60_000);

afterAll(async () => {
  for (const agent of agents) await agent.close().catch(() => undefined);
  await cluster?.destroy();
  await proxy?.close();
  killAll();
}, 60_000);

const agent = (urls: string[]): TestAgent => {
  const made = createAgent(urls);
  agents.push(made);
  return made;
};

it('a leader that loses NATS gives up the lead; the cluster carries on with another leader; it rejoins as a follower', async () => {
  const [a, b] = [cluster.node('a'), cluster.node('b')];
  expect(await cluster.leader()).toBe('a');
  const agent1 = agent([b.ctiUrl]);
  await agent1.session.login({ agentId: 'agent1', agentPwd: 'demo', extension: '' });
  await agent1.session.agentReady({});
  await agent1.until((s) => s.agent.state === 'Ready', 'agent1 Ready on B');

  proxy.refuse = true;
  proxy.cut();
  expect(await cluster.waitLeader('a')).toBe('b');
  await expect.poll(async () => (await cluster.api<{ leader: boolean }>('a', 'GET', '/api/cluster/state')).leader, { timeout: 10_000 }).toBe(false);

  // The cluster takes requests while A is cut off: a call placed through B rings agent1.
  const during = await cluster.api<{ callId: string }>('b', 'POST', '/api/calls', { from: '+15550001', to: '8000' });
  await agent1.until((s) => callIn(s, during.callId)?.state === 'Alerting', 'the call ringing agent1 while the old leader has no NATS');
  await agent1.session.answerCall(during.callId);
  await agent1.until((s) => callIn(s, during.callId)?.state === 'Established', 'agent1 talking');

  // NATS is back for A: it follows B and serves again.
  proxy.refuse = false;
  await expect.poll(async () => (await fetch(`${a.url}/healthz`)).status, { timeout: 15_000 }).toBe(200);
  expect(await cluster.leader('a')).toBe('b');
  const agent2 = agent([a.ctiUrl]);
  await agent2.session.login({ agentId: 'agent2', agentPwd: 'demo', extension: '' });
  await agent2.session.agentReady({});
  await agent2.until((s) => s.agent.state === 'Ready', 'agent2 Ready on A');
  const after = await cluster.api<{ callId: string }>('a', 'POST', '/api/calls', { from: '+15550002', to: '8000' });
  await agent2.until((s) => callIn(s, after.callId)?.state === 'Alerting', 'the call placed through A ringing agent2');
  const digests = async () => Promise.all(['a', 'b'].map(async (id) => (await cluster.api<{ digest: string }>(id, 'GET', '/api/cluster/state')).digest));
  await expect.poll(async () => new Set(await digests()).size, { timeout: 10_000 }).toBe(1);
}, 120_000);
