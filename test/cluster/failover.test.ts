/**
 * Three `opencti serve` nodes on real NATS and PostgreSQL: agents on different nodes, a call placed
 * through a third, the leader killed with SIGKILL during the established call, then the node of an
 * agent killed: calls, states and numbered events carry on.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ReferenceConnector, type SocketLike } from '../../src/connectors/reference/connector.js';
import { Session } from '../../src/framework/session/session.js';
import type { SessionState } from '../../src/framework/session/types.js';
import { openStore, type Store } from '../../src/server/store/index.js';
import { killAll } from '../cli/serve-process.js';
import { contextFor } from '../helpers/agents.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';

let cluster: TestCluster;
let store: Store;
const agents: Desk[] = [];

beforeAll(async () => {
  cluster = await startCluster(['c', 'a', 'b']);
  store = await openStore(cluster.database);
}, 60_000);

afterAll(async () => {
  for (const agent of agents) agent.close();
  await store?.close();
  await cluster?.destroy();
  killAll();
}, 60_000);

/** A desktop whose connector records the seq of every event frame it receives. */
interface Desk {
  readonly session: Session;
  readonly connector: ReferenceConnector;
  readonly seqs: number[];
  until(test: (state: SessionState) => boolean, what: string, ms?: number): Promise<SessionState>;
  close(): void;
}

function desk(urls: string[]): Desk {
  const seqs: number[] = [];
  const connector = new ReferenceConnector({
    reconnectInitialMs: 50,
    reconnectMaxMs: 200,
    socketFactory: (url) => {
      const socket = new WebSocket(url);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; seq?: number };
        if (frame.type === 'event' && frame.seq !== undefined) seqs.push(frame.seq);
      });
      return socket as unknown as SocketLike;
    },
  });
  const session = new Session({ context: contextFor('full', urls), implementation: connector });
  const made: Desk = {
    session,
    connector,
    seqs,
    async until(test, what, ms = 10_000) {
      const until = Date.now() + ms;
      while (!test(session.state)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(session.state)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return session.state;
    },
    close() {
      session.dispose();
      connector.close();
    },
  };
  agents.push(made);
  return made;
}

const callState = (state: SessionState, callId: string) => state.calls.find((c) => c.callId === callId)?.state;

it('a call placed on node C rings agent1 on A, is transferred to agent2 on B, and survives the loss of the leader and of agent2 node', async () => {
  const [a, b, c] = [cluster.node('a'), cluster.node('b'), cluster.node('c')];
  expect(await cluster.leader()).toBe('c');
  const view = await cluster.api<{ nodes: { id: string; role: string }[] }>('a', 'GET', '/api/cluster');
  expect(view.nodes.map((n) => [n.id, n.role])).toEqual([['a', 'follower'], ['b', 'follower'], ['c', 'leader']]);

  const agent1 = desk([a.ctiUrl, b.ctiUrl, c.ctiUrl]);
  const agent2 = desk([b.ctiUrl, a.ctiUrl, c.ctiUrl]);
  await agent1.session.login({ agentId: 'agent1', agentPwd: 'demo', extension: '' });
  await agent2.session.login({ agentId: 'agent2', agentPwd: 'demo', extension: '' });
  expect(agent1.connector.serverUrl).toBe(a.ctiUrl);
  expect(agent2.connector.serverUrl).toBe(b.ctiUrl);
  await agent1.session.agentReady({});
  await agent1.until((s) => s.agent.state === 'Ready', 'agent1 Ready');

  // The call is placed through node C's REST API and rings agent1, logged in on node A.
  const { callId } = await cluster.api<{ callId: string }>('c', 'POST', '/api/calls', { from: '+15550001', to: '8000' });
  await agent1.until((s) => callState(s, callId) === 'Alerting', 'the call ringing agent1');
  await agent1.session.answerCall(callId);
  await agent1.until((s) => callState(s, callId) === 'Established', 'agent1 talking');

  // Blind transfer to agent2 (on node B), who answers.
  await agent1.session.blindTransfer(callId, '5002');
  await agent2.until((s) => callState(s, callId) === 'Alerting', 'the transfer ringing agent2');
  await agent2.session.answerCall(callId);
  await agent2.until((s) => callState(s, callId) === 'Established', 'agent2 talking');
  await agent1.until((s) => callState(s, callId) === undefined, 'the call gone from agent1');
  await agent1.session.agentReady({}); // out of after-call work, for the next caller
  await agent1.until((s) => s.agent.state === 'Ready', 'agent1 Ready again');

  // The leader (C) is killed during the established call; a caller dials through A meanwhile.
  await cluster.kill('c');
  const dialled = cluster.api<{ callId: string }>('a', 'POST', '/api/calls', { from: '+15550002', to: '8000' });
  const next = await cluster.waitLeader('c');
  expect(['a', 'b']).toContain(next);
  expect(await cluster.leader(next)).toBe(next);

  // agent2's view: a fresh Snapshot (resume on B) still shows the call Established; they hold and hang up.
  await agent2.session.holdCall(callId);
  await agent2.until((s) => callState(s, callId) === 'Held', 'the call held');
  await agent2.session.hangUpCall(callId);
  await agent2.until((s) => callState(s, callId) === undefined, 'the call ended for agent2');

  // The caller who dialled during the failover is delivered to agent1 afterwards.
  const late = await dialled;
  await agent1.until((s) => callState(s, late.callId) === 'Alerting', 'the call dialled during the failover ringing agent1');

  // The interaction is complete in PostgreSQL: ended, with the transfer on its timeline.
  await expect
    .poll(async () => (await store.getInteractionByCallId(callId))?.endedAt, { timeout: 10_000 })
    .toBeGreaterThan(0);
  const interaction = (await store.getInteractionByCallId(callId))!;
  expect(interaction.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['queued', 'offered', 'answered', 'transferred', 'held', 'ended']));

  // agent2's node (B) is killed. While agent2 has no desktop, a call rings them; the connector
  // resumes on another node and receives every event it missed, in order, with no gap in seq.
  await agent1.session.answerCall(late.callId);
  await agent1.until((s) => callState(s, late.callId) === 'Established', 'agent1 on the late call');
  await agent2.session.agentReady({});
  await agent2.until((s) => s.agent.state === 'Ready', 'agent2 Ready');
  const before = agent2.seqs.length;
  await cluster.kill('b');
  const third = await cluster.api<{ callId: string }>('a', 'POST', '/api/calls', { from: '+15550003', to: '8000' });
  await agent2.until((s) => callState(s, third.callId) === 'Alerting', 'agent2 seeing the call that rang while its node was gone', 15_000);
  expect(agent2.connector.serverUrl).not.toBe(b.ctiUrl);
  expect(agent2.seqs.length).toBeGreaterThan(before);
  const seqs = agent2.seqs;
  for (let i = 1; i < seqs.length; i++) expect(seqs[i], `seq ${seqs[i]} after ${seqs[i - 1]}`).toBe(seqs[i - 1]! + 1);
}, 120_000);
