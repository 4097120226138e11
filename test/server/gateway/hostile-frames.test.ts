/**
 * Frames built to hurt: nested thousands of levels deep, strings far too long, values that no
 * error message can print whole. A real server and real sockets; each frame must be answered with
 * a short OPENCTI_BAD_FRAME naming the limit, counted, and leave the server serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { WsClient } from '../../helpers/ws-client.js';
import { metric } from './metrics.js';

let server: TestServer;
const clients: WsClient[] = [];

async function connect(): Promise<WsClient> {
  const client = await WsClient.connect(server.ctiUrl);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.dispose();
});

/** `[[[…]]]` nested `levels` deep: about 2 bytes a level, so 4,500 levels fit in 9 KB. */
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const DEEP = nested(4500);

describe('frames nested far too deep', () => {
  const cases: [string, string][] = [
    ['id', `{"type":"request","id":${DEEP},"op":"login","args":{}}`],
    ['type', `{"type":${DEEP},"id":1,"op":"login","args":{}}`],
    ['op', `{"type":"request","id":2,"op":${DEEP},"args":{}}`],
    ['args', `{"type":"request","id":3,"op":"login","args":${DEEP}}`],
    ['an extra property', `{"type":"request","id":4,"op":"login","args":{},"extra":${DEEP}}`],
    ['an argument', `{"type":"request","id":5,"op":"makeCall","args":{"destination":${DEEP}}}`],
    ['the options argument', `{"type":"request","id":6,"op":"agentReady","args":{"options":{"x":${DEEP}}}}`],
    ['the document itself', DEEP],
  ];

  it.each(cases)('in %s: answered OPENCTI_BAD_FRAME naming the depth limit, counted, and the server keeps serving', async (_field, frame) => {
    expect(frame.length).toBeLessThan(10_000);
    const client = await connect();
    const before = await metric(server, 'opencti_bad_frames_total', 'reason="too_deep"');
    const response = await client.raw(frame);
    expect(response.ok).toBe(false);
    expect(response.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(response.error?.errMessage).toMatch(/nested deeper than the 32-level limit \(at \//);
    expect(response.error!.errMessage.length).toBeLessThan(300);
    expect(await metric(server, 'opencti_bad_frames_total', 'reason="too_deep"')).toBe(before + 1);
    // The same connection still serves requests, and so does the server.
    expect((await client.request('logout', {})).error?.errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('echoes the request id of a frame refused for depth', async () => {
    const client = await connect();
    const response = await client.raw(`{"type":"request","id":"deep-1","op":"login","args":${DEEP}}`);
    expect(response.id).toBe('deep-1');
  });

  it('a heartbeat frame is checked too', async () => {
    const client = await connect();
    const response = await client.raw(`{"type":"heartbeat","x":${DEEP}}`);
    expect(response.error?.errMessage).toMatch(/32-level limit/);
  });

  it('a frame just within the depth limit reaches the schema check, whose message stays short', async () => {
    const client = await connect();
    // 32 levels in all: the frame object, then 31 arrays.
    const response = await client.raw(`{"type":"request","id":7,"op":"login","args":{},"extra":${nested(31)}}`);
    expect(response.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(response.error?.errMessage).toMatch(/\/extra is not an allowed property \(got \[\[\[…\]\]\]\)/);
  });

  it('300 frames just within the limit, each wrong in every field, are all answered with short messages', async () => {
    const near = nested(30);
    const frame = `{"type":${near},"id":${near},"op":${near},"args":${near},${Array.from({ length: 20 }, (_, i) => `"x${i}":${near}`).join(',')}}`;
    // Three logged-in sockets, each within its budgets of frames and bytes per second (sockets not
    // logged in also share their address's budget, which 450 KB at once would be over).
    const sockets = [await connect(), await connect(), await connect()];
    for (const [i, client] of sockets.entries()) await client.ok('login', { agentId: `agent${i + 1}`, agentPwd: 'demo' });
    const answers = await Promise.all(
      sockets.map(async (client) => {
        for (let i = 0; i < 100; i++) client.sendRaw(frame);
        await client.waitFor(() => client.responses.length >= 101, '100 answers', 20_000);
        return client.responses.slice(1);
      }),
    );
    const all = answers.flat();
    expect(all).toHaveLength(300);
    expect(all.every((r) => r.error?.errCode === 'OPENCTI_BAD_FRAME')).toBe(true);
    // Twenty-odd problems, listed up to ten and counted beyond: a bounded message.
    expect(all[0]!.error!.errMessage).toMatch(/and \d+ more problem\(s\)$/);
    expect(Math.max(...all.map((r) => r.error!.errMessage.length))).toBeLessThan(3000);
  });
});

describe('strings and property names far too long', () => {
  it('a long string value is refused before the schema, naming where and the limit', async () => {
    const client = await connect();
    const before = await metric(server, 'opencti_bad_frames_total', 'reason="string_too_long"');
    const response = await client.raw(JSON.stringify({ type: 'request', id: 8, op: 'agentReady', args: { options: { note: 'n'.repeat(9000) } } }));
    expect(response.id).toBe(8);
    expect(response.error?.errCode).toBe('OPENCTI_BAD_FRAME');
    expect(response.error?.errMessage).toBe('a string at /args/options/note is 9000 characters long, over the 8192-character limit');
    expect(await metric(server, 'opencti_bad_frames_total', 'reason="string_too_long"')).toBe(before + 1);
  });

  it('a long property name is refused the same way, its path cut short', async () => {
    const client = await connect();
    const response = await client.raw(`{"type":"request","id":9,"op":"login","args":{"${'k'.repeat(10_000)}":1}}`);
    expect(response.error?.errMessage).toMatch(/^a property name at \/args\/k+… is 10000 characters long, over the 8192-character limit$/);
    expect(response.error!.errMessage.length).toBeLessThan(250);
  });

  it('a wrong value of any size is shown cut short in the message', async () => {
    const client = await connect();
    const response = await client.raw(JSON.stringify({ type: 'request', id: 10, op: 'holdCall', args: { callId: 'c', bulk: ['v'.repeat(5000), 2, 3, 4, 5, 6, 7] } }));
    expect(response.error?.errMessage).toMatch(/\/bulk is not an allowed property \(got \["v+…/);
    expect(response.error!.errMessage.length).toBeLessThan(250);
  });
});
