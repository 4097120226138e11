/**
 * Desktop resume: an agent's desktop (the reference connector with ctiLink.urls listing the three
 * nodes, its own node first) is Ready when its node is killed (SIGKILL); meanwhile a call is placed
 * to the agent through another node. Measured: kill → the session's link CONNECTED again (resumed
 * on another node), and kill → the missed call seen ringing. Every event frame's seq is recorded to
 * check that none was lost or repeated across the move. Rounds alternate between killing a follower
 * and killing the leader (then the resume also waits for the failover).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ReferenceConnector, type SocketLike } from '../../src/connectors/reference/connector.js';
import type { LinkState } from '../../src/framework/schema/events.js';
import { Session } from '../../src/framework/session/session.js';
import type { SessionState } from '../../src/framework/session/types.js';
import { contextFor } from '../../test/helpers/agents.js';
import { waitWhole } from './failover.js';
import type { ClusterTarget } from './target.js';
import { AGENT_PASSWORD } from './fanout.js';

export interface ResumeSample {
  readonly killed: string;
  readonly role: 'leader' | 'follower';
  readonly from: string;
  readonly to: string;
  /** Kill → link CONNECTED again on another node. */
  readonly resumedMs: number;
  /** Kill → the call placed while the node was gone seen Alerting on the desktop. */
  readonly missedCallMs: number;
  readonly events: number;
  /** Places where seq did not go up by exactly one. */
  readonly seqGaps: number;
  /** The call rang while the node was frozen and its Alerting frame reached the desktop after the kill (follower rounds). */
  readonly replayed: boolean;
}

/** A desktop whose connector records the seq of every event frame it receives. */
function desk(urls: string[]) {
  const seqs: number[] = [];
  const frames: { seq: number; name?: string; callId?: string }[] = [];
  const links: { state: LinkState; at: number }[] = [];
  const connector = new ReferenceConnector({
    reconnectInitialMs: 50,
    reconnectMaxMs: 200,
    socketFactory: (url) => {
      const socket = new WebSocket(url);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; seq?: number; event?: { pyEventName?: string; pyCallId?: string } };
        if (frame.type !== 'event' || frame.seq === undefined) return;
        seqs.push(frame.seq);
        frames.push({ seq: frame.seq, name: frame.event?.pyEventName, callId: frame.event?.pyCallId });
      });
      return socket as unknown as SocketLike;
    },
  });
  const session = new Session({ context: contextFor('full', urls), implementation: connector });
  session.on('link', (state) => links.push({ state, at: performance.now() }));
  const until = async (test: (state: SessionState) => boolean, what: string, ms = 20_000): Promise<number> => {
    const end = Date.now() + ms;
    while (!test(session.state)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(session.state)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return performance.now();
  };
  return { session, connector, seqs, frames, links, until, close: () => (session.dispose(), connector.close()) };
}

const callState = (state: SessionState, callId: string) => state.calls.find((c) => c.callId === callId)?.state;

export async function killDesktopNode(target: ClusterTarget, round: number, agentId: string, extension: string): Promise<ResumeSample> {
  const { cluster } = target;
  const leader = await waitWhole(target);
  const role = round % 2 === 0 ? 'follower' : 'leader';
  const followers = cluster.nodes.filter((n) => n.id !== leader);
  const victim = role === 'leader' ? cluster.node(leader) : followers[round % followers.length]!;
  const others = cluster.nodes.filter((n) => n.id !== victim.id);
  const d = desk([victim.ctiUrl, ...others.map((n) => n.ctiUrl)]);
  try {
    await d.session.login({ agentId, agentPwd: AGENT_PASSWORD, extension: '' });
    if (d.connector.serverUrl !== victim.ctiUrl) throw new Error(`${agentId} logged in on ${d.connector.serverUrl}, not on ${victim.ctiUrl}`);
    await d.session.agentReady({});
    await d.until((s) => s.agent.state === 'Ready', `${agentId} Ready`);

    // A follower is frozen (SIGSTOP) first and the call placed while it is: its events are then
    // surely missed by the desktop and must come from the replay buffer of the node it resumes on.
    // A frozen leader would hold the lead, so for the leader the call is placed after the kill.
    const placeCall = () => cluster.api<{ callId: string }>(others[0]!.id, 'POST', '/api/calls', { from: '+15550300', to: extension });
    let placedBefore: string | undefined;
    if (role === 'follower') {
      victim.process!.child.kill('SIGSTOP');
      placedBefore = (await placeCall()).callId;
    }
    const start = performance.now();
    const seenBefore = d.seqs.length;
    const gone = cluster.kill(victim.id);
    const callId = placedBefore ?? (await placeCall()).callId;
    await d.until(() => d.links.some((l) => l.state === 'CONNECTED' && l.at > start), `${agentId} link CONNECTED after the kill`);
    const resumedAt = d.links.find((l) => l.state === 'CONNECTED' && l.at > start)!.at;
    const alertingAt = await d.until((s) => callState(s, callId) === 'Alerting', `the missed call ringing ${agentId}`);
    await gone;
    const to = d.connector.serverUrl ?? '';
    if (to === victim.ctiUrl) throw new Error(`${agentId} is still on the killed node ${victim.id}`);

    // The desktop works on its new node: the call is answered, hung up, the agent Ready again.
    await d.session.answerCall(callId);
    await d.until((s) => callState(s, callId) === 'Established', `${agentId} talking`);
    await d.session.hangUpCall(callId);
    await d.until((s) => s.calls.length === 0 && s.agent.state === 'Ready', `${agentId} Ready after the call`);
    await d.session.logout({ reasonCode: 'EOD' });

    let seqGaps = 0;
    for (let i = 1; i < d.seqs.length; i++) if (d.seqs[i] !== d.seqs[i - 1]! + 1) seqGaps++;
    // Whether the desktop received the missed call's first events only after the kill: replayed.
    const replayed = placedBefore !== undefined && d.frames.slice(seenBefore).some((f) => f.callId === placedBefore && f.name === 'Alerting');
    const toNode = others.find((n) => n.ctiUrl === to)?.id ?? to;
    await cluster.start(victim.id);
    await waitWhole(target);
    return { killed: victim.id, role, from: victim.id, to: toNode, resumedMs: resumedAt - start, missedCallMs: alertingAt - start, events: d.seqs.length, seqGaps, replayed };
  } finally {
    d.close();
  }
}
