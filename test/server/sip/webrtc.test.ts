/**
 * The webrtc test bed and the browser phone's control link, with real parts: the bed runs in a
 * network namespace of its own (Kamailio with a WebSocket listener, rtpengine in userspace, a
 * baresip phone), Kamailio registers a SIP client over WebSocket, and the server on the sip back
 * end takes the `phone` reports of an agent's /cti connection (hello → setup, registered → the
 * phone link is up, unregistered or the connection gone → down), refusing malformed ones.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveConfig } from '../../../src/server/config.js';
import { bedPids, sipConfigFor, startTestbed, waitUntil, type Testbed } from '../../../src/server/sip/testbed/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';
import { alive } from './sip-stack.js';

const PHONE = 'browser phone of agent1 (sip:5001@127.0.0.1)';
let bed: Testbed;
let server: TestServer;

beforeAll(async () => {
  bed = await startTestbed({ phones: [{ user: '+12025550101', kind: 'baresip' }], queueNumbers: ['8000'], webrtc: true });
  server = await startTestServer({ backend: 'sip', sip: sipConfigFor(bed, [{ agentId: 'agent1', extension: '5001', webrtc: true }]) });
  await server.sip?.connected(10_000);
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  const pids = bed ? bedPids(bed) : [];
  await bed?.stop();
  expect(pids.filter(alive)).toEqual([]);
});

const netOf = (pid: number): string => readlinkSync(`/proc/${pid}/ns/net`);

/** One SIP request over a WebSocket (subprotocol "sip"); resolves with the first reply's status line. */
function sipOverWs(url: string, message: string): Promise<{ status: string; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'sip');
    socket.once('error', reject);
    socket.once('open', () => socket.send(message));
    socket.on('message', (data) => {
      const status = data.toString().split('\r\n')[0] ?? '';
      if (!/^SIP\/2\.0 1\d\d/.test(status)) resolve({ status, socket });
    });
  });
}

describe('the webrtc test bed', () => {
  it('runs Kamailio, rtpengine and the phones in its own network namespace, which has 127.0.0.2', () => {
    const inside = netOf(bed.netns!.pid);
    expect(inside).not.toBe(netOf(process.pid));
    for (const pid of [bed.kamailio.pid, bed.rtpengine!.pid, bed.baresip('+12025550101').pid]) expect(netOf(pid)).toBe(inside);
    const addresses = execFileSync('nsenter', ['-t', String(bed.netns!.pid), '-n', '--', 'ip', '-4', '-o', 'addr'], { encoding: 'utf8' });
    expect(addresses).toMatch(/lo\s+inet 127\.0\.0\.1\/8/);
    expect(addresses).toMatch(/wv0\s+inet 127\.0\.0\.2\/32/);
  });

  it('Kamailio registers a SIP client over WebSocket (transport=ws contact)', async () => {
    const ws = bed.kamailio.wsPort!;
    await bed.netns!.exposeToHost([ws]);
    const register = [
      `REGISTER sip:127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/WS abc.invalid;branch=z9hG4bK-${Date.now()}`,
      'Max-Forwards: 70',
      'To: <sip:wsuser@127.0.0.1>',
      'From: <sip:wsuser@127.0.0.1>;tag=t1',
      `Call-ID: ws-register-${Date.now()}`,
      'CSeq: 1 REGISTER',
      'Contact: <sip:wsuser@abc.invalid;transport=ws>',
      'Expires: 60',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const { status, socket } = await sipOverWs(`ws://127.0.0.1:${ws}`, register);
    expect(status).toBe('SIP/2.0 200 OK');
    const contacts = (await bed.rpc.ulDump()).filter((c) => c.aor === 'wsuser');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.address).toMatch(/transport=ws/);
    // the client goes away: its registration goes with its WebSocket
    socket.close();
    await waitUntil(async () => (await bed.rpc.ulDump()).every((c) => c.aor !== 'wsuser'), 'the WebSocket client unregistered', 8000);
  });
});

describe('the browser phone control link (phone reports on /cti)', () => {
  it('answers hello with the setup, is up while the page says it registered, and down when it unregisters or leaves', async () => {
    const page = await WsClient.connect(server.ctiUrl);
    const refused = await page.raw(JSON.stringify({ type: 'phone', report: 'hello' }));
    expect(refused.error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');

    await page.ok('login', { agentId: 'agent1', agentPwd: 'demo' });
    const setups: unknown[] = [];
    page.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; cmd?: string; setup?: unknown };
      if (frame.type === 'phone' && frame.cmd === 'setup') setups.push(frame.setup);
    });
    page.sendRaw(JSON.stringify({ type: 'phone', report: 'hello' }));
    await page.waitFor(() => setups.length === 1, 'the phone setup');
    expect(setups[0]).toEqual({ wsUri: `ws://127.0.0.1:${bed.kamailio.wsPort}`, sipUri: 'sip:5001@127.0.0.1' });
    expect(server.sip?.links()[PHONE]).toBe(false);

    page.sendRaw(JSON.stringify({ type: 'phone', report: 'registered' }));
    await waitUntil(() => server.sip?.links()[PHONE] === true, 'the browser phone link up', 5000);
    page.sendRaw(JSON.stringify({ type: 'phone', report: 'unregistered' }));
    await waitUntil(() => server.sip?.links()[PHONE] === false, 'the browser phone link down', 5000);

    // a request that needs the phone while no page holds it is refused naming the phone
    const made = await page.request('makeCall', { destination: '+15557770000' });
    expect(made.error?.errCode).toBe('OPENCTI_LINK_DOWN');
    expect(made.error?.errMessage).toContain(PHONE);

    page.sendRaw(JSON.stringify({ type: 'phone', report: 'registered' }));
    await waitUntil(() => server.sip?.links()[PHONE] === true, 'the browser phone link up again', 5000);
    // audio readings: refused with the reason when they cannot be kept
    const stats = (leg: string, packets: number) => JSON.stringify({ type: 'phone', report: 'stats', stats: { leg, packetsReceived: packets, packetsLost: 0, jitterMs: 1.5, packetsSent: packets } });
    const noCall = await page.raw(stats('no-such-leg', 50));
    expect(noCall.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(noCall.error?.errMessage).toBe(`phone stats refused, not stored: leg "no-such-leg" is no call of the ${PHONE}`);
    const shapeless = await page.raw(JSON.stringify({ type: 'phone', report: 'stats', stats: { leg: 'x', packetsReceived: -3, jitterMs: 'high' } }));
    expect(shapeless.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(shapeless.error?.errMessage).toMatch(/frame is not a valid phone report: .*packetsReceived/);
    const missing = await page.raw(JSON.stringify({ type: 'phone', report: 'stats' }));
    expect(missing.error?.errMessage).toMatch(/"stats" report needs its "stats" object/);
    page.sendRaw(JSON.stringify({ type: 'phone', report: 'event', event: { kind: 'outgoing', leg: 'leg-1' } }));
    page.sendRaw(stats('leg-1', 100));
    const backwards = await page.raw(stats('leg-1', 40));
    expect(backwards.error?.errMessage).toBe('phone stats refused, not stored: leg "leg-1": packetsReceived went down from 100 to 40: the figures count from the start of the call');
    page.sendRaw(JSON.stringify({ type: 'phone', report: 'event', event: { kind: 'closed', leg: 'leg-1' } }));

    // no conference from the browser phone: refused naming why, whatever the calls
    const conference = await page.request('conferenceComplete', { heldCallId: 'c-1', activeCallId: 'c-2' });
    expect(conference.error?.errCode).toBe('OPENCTI_NOT_SUPPORTED_IN_MODE');
    expect(conference.error?.errMessage).toBe('conferenceComplete on call c-1: the webrtc phone of agent1 has no three-way conference (docs/sip.md)');

    const bad = await page.raw(JSON.stringify({ type: 'phone', report: 'ringing' }));
    expect(bad.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(bad.error?.errMessage).toMatch(/phone report/);
    await page.close();
    await waitUntil(() => server.sip?.links()[PHONE] === false, 'the browser phone link down with its connection', 5000);
  });

  it('refuses a webrtc phone whose wsUri is not a WebSocket address, naming the field', () => {
    const sip = sipConfigFor(bed, [{ agentId: 'agent1', extension: '5001', webrtc: true }]);
    const agent = { ...sip.agents[0]!, phone: { kind: 'webrtc' as const, wsUri: 'http://127.0.0.1:8080' } };
    expect(() => resolveConfig({ backend: 'sip', sip: { ...sip, agents: [agent] } })).toThrow(/wsUri/);
  });
});
