/** Link loss in the middle of a call: the desktop sees the link go down, keeps the call, and catches up. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAgent, callIn, type TestAgent } from '../helpers/agents.js';
import { startProxy, type CuttableProxy } from '../helpers/proxy.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let proxy: CuttableProxy;
const agents: TestAgent[] = [];

beforeAll(async () => {
  server = await startTestServer();
  proxy = await startProxy(server.port);
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await proxy.close();
  await server.dispose();
});

it('replays the events missed during the gap in order, then shows the link up again', async () => {
  const agent = createAgent(`ws://127.0.0.1:${proxy.port}/cti`);
  agents.push(agent);
  await agent.session.login({ agentId: 'agent1', agentPwd: 'demo' });
  await agent.session.agentReady({});
  const first = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+15551230021', to: '8000' });
  await agent.until((s) => callIn(s, first.callId)?.state === 'Alerting', 'ringing');
  await agent.session.answerCall(first.callId);
  await agent.until((s) => callIn(s, first.callId)?.state === 'Established', 'established');

  proxy.refuse = true;
  proxy.cut();
  const down = await agent.until((s) => s.link === 'DISCONNECTED', 'the link reported down');
  expect(callIn(down, first.callId)?.state).toBe('Established'); // still shown, not forgotten
  await expect(agent.session.holdCall(first.callId)).rejects.toMatchObject({ errCode: 'OPENCTI_LINK_DOWN' });

  // While the desktop is away, the caller hangs up.
  const mark = agent.emitted.length;
  await api(server, 'POST', `/api/calls/${first.callId}/hangup`);

  proxy.refuse = false;
  await agent.until((s) => s.link === 'CONNECTED' && !callIn(s, first.callId), 'the link back and the first call gone', 10_000);
  const names = agent.emitted.slice(mark).map((e) => e.name);
  const ended = names.indexOf('callEnded');
  const linkUp = names.lastIndexOf('link');
  expect(ended).toBeGreaterThanOrEqual(0);
  expect(linkUp).toBeGreaterThan(ended); // the missed hang-up comes first, in order, then the link is up
  // After-call work, which began while the link was down, is what the desktop shows now.
  expect(agent.session.state.agent).toMatchObject({ state: 'NotReady', afterCallWork: true });
  expect(agent.session.counters.eventsRejected).toBe(0);
});

it('a second desktop of the same agent attaches with the session token and stays in step', async () => {
  const tab1 = createAgent(server.ctiUrl);
  agents.push(tab1);
  await tab1.session.login({ agentId: 'agent3', agentPwd: 'demo' });
  const token = tab1.connector.session!.token;

  // A second tab: same connector kind, attached instead of logging in again.
  const tab2 = createAgent(server.ctiUrl);
  agents.push(tab2);
  const events: unknown[] = [];
  await tab2.connector.attach(token, { name: 'reference', url: server.ctiUrl }, (e) => events.push(e));
  await tab1.session.agentNotReady({ reasonCode: 'BREAK' });
  await tab1.until((s) => s.agent.state === 'NotReady', 'tab1 NotReady');
  await expect.poll(() => events.some((e) => (e as { pyEventName?: string }).pyEventName === 'NotReady')).toBe(true);
  tab2.connector.close();
});

it('declares a silent server down from its heartbeats alone, and the server drops the silent desktop', async () => {
  const quick = await startTestServer({ heartbeatMs: 300 });
  const silentProxy = await startProxy(quick.port);
  const agent = createAgent(`ws://127.0.0.1:${silentProxy.port}/cti`);
  try {
    await agent.session.login({ agentId: 'agent2', agentPwd: 'demo' });
    await agent.until((s) => s.link === 'CONNECTED', 'link up');
    const connections = () => quick.gateway.sessions().get('agent2')?.sockets.size ?? 0;
    expect(connections()).toBe(1);
    silentProxy.refuse = true;
    silentProxy.freeze();
    // Neither side sees a close: only heartbeats can tell.
    await agent.until((s) => s.link === 'DISCONNECTED', 'the connector declaring the link down', 5000);
    await expect.poll(connections, { timeout: 5000 }).toBe(0);
    expect(quick.gateway.sessions().has('agent2')).toBe(true); // still logged in, within the grace period
    silentProxy.refuse = false;
    await agent.until((s) => s.link === 'CONNECTED', 'the link back', 10_000);
    expect(connections()).toBe(1);
  } finally {
    await agent.close();
    await silentProxy.close();
    await quick.dispose();
  }
});

it('when the server ended the session during a long outage, the desktop sees Logout, can log out and log in again', async () => {
  const short = await startTestServer({ sessionGraceMs: 300 });
  const gap = await startProxy(short.port);
  const agent = createAgent(`ws://127.0.0.1:${gap.port}/cti`);
  try {
    await agent.session.login({ agentId: 'agent4', agentPwd: 'demo' });
    gap.refuse = true;
    gap.cut();
    await agent.until((s) => s.link === 'DISCONNECTED', 'the link down');
    await expect.poll(() => short.gateway.sessions().has('agent4'), { timeout: 5000 }).toBe(false); // grace period over
    gap.refuse = false;
    await agent.until((s) => s.agent.state === 'Logout', 'the desktop told the session is over', 10_000);
    await agent.session.logout({});
    expect(agent.session.state.loggedIn).toBe(false);
    await agent.session.login({ agentId: 'agent4', agentPwd: 'demo' });
    await agent.until((s) => s.link === 'CONNECTED' && s.loggedIn, 'logged in again');
  } finally {
    await agent.close();
    await gap.close();
    await short.dispose();
  }
});
