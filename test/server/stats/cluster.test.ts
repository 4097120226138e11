/**
 * Supervisors on a cluster of two `opencti serve` nodes (real NATS and PostgreSQL): a supervisor
 * on the follower forces an agent on the leader Not Ready, and both nodes show the same figures.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Stats } from '../../../src/server/stats/index.js';
import { killAll } from '../../cli/serve-process.js';
import { startCluster, type TestCluster } from '../../helpers/cluster.js';
import { WsClient } from '../../helpers/ws-client.js';

let cluster: TestCluster;
const clients: WsClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(['a', 'b']);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cluster?.destroy();
  killAll();
}, 60_000);

const sales = (stats: Stats) => stats.queues.find((q) => q.name === 'sales')!;

it('a force from one node reaches an agent on another, and every node has the same statistics', { timeout: 60_000 }, async () => {
  await cluster.api('a', 'PATCH', '/api/agents/agent2', { role: 'supervisor' });
  const agent = await WsClient.connect(cluster.node('a').ctiUrl);
  const supervisor = await WsClient.connect(cluster.node('b').ctiUrl);
  clients.push(agent, supervisor);
  const frames: Stats[] = [];
  supervisor.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; stats?: Stats };
    if (frame.type === 'stats') frames.push(frame.stats!);
  });
  await agent.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
  const { token } = await supervisor.ok<{ token: string }>('login', { agentId: 'agent2', agentPwd: 'demo' });
  await supervisor.waitFor(() => frames.length > 0, 'the first stats frame', 10_000);

  await cluster.api('b', 'POST', '/api/calls', { from: '+15550100', to: '8000' });
  await supervisor.waitFor(() => frames.some((s) => sales(s).waiting === 1), 'the call waiting on the wallboard', 10_000);

  const forced = await fetch(`${cluster.node('b').url}/api/agents/agent1/force`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'NotReady', reason: 'Team meeting' }),
  });
  expect(forced.status).toBe(200);
  await agent.waitForEvent('AgentStateEvent', 'NotReady', (e) => e.pyReasonCode === 'Team meeting');

  const onA = await cluster.api<Stats>('a', 'GET', '/api/stats');
  await expect.poll(async () => (await cluster.api<Stats>('b', 'GET', '/api/stats')).agents.find((x) => x.agentId === 'agent1')?.reasonCode).toBe('Team meeting');
  const onB = await cluster.api<Stats>('b', 'GET', '/api/stats');
  expect(sales(onA)).toMatchObject({ offered: 1, waiting: 1 });
  expect(onB.queues.map(({ longestWaitMs: _l, ...q }) => q)).toEqual(onA.queues.map(({ longestWaitMs: _l, ...q }) => q));
  expect(onB.agents.find((x) => x.agentId === 'agent1')).toMatchObject({ state: 'NotReady', reasonCode: 'Team meeting', stateSince: onA.agents.find((x) => x.agentId === 'agent1')?.stateSince });
});
