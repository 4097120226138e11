/**
 * Limits of the one port serving HTTP and /cti, against a real server and real sockets: bodies
 * that are too large or too slow, headers that never end, too many connections, too many requests.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer, type TestServerOverrides } from '../../helpers/server.js';

let server: TestServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.dispose();
  server = undefined;
});

async function start(overrides: TestServerOverrides): Promise<TestServer> {
  server = await startTestServer(overrides);
  return server;
}

/** Everything the server sends until it closes the connection. */
const answers = new WeakMap<Socket, Promise<string>>();

/** A raw TCP connection from `localAddress`; resolves once connected (it may be closed at once). */
function open(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    sockets.push(socket);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    answers.set(socket, new Promise((done) => socket.once('close', () => done(text))));
    socket.once('connect', () => {
      socket.on('error', () => undefined); // a refused socket may be reset while written to
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const received = (socket: Socket): Promise<string> => answers.get(socket) as Promise<string>;

/** GET over a connection from `localAddress`, so the per-address cap can be seen per address. */
function getFrom(url: string, localAddress: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

const bodyOf = (raw: string): unknown => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

describe('time and size of a request', () => {
  it('a body larger than bodyLimitBytes is 413 naming the limit', async () => {
    const s = await start({ http: { bodyLimitBytes: 2048 } });
    const response = await fetch(`${s.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Big', notes: 'x'.repeat(4096) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errCode: 'OPENCTI_HTTP_ERROR_413', errMessage: 'the request body is larger than the limit of 2048 bytes' });
  });

  it('a body that trickles in is cut with 408 once requestTimeoutMs has passed', async () => {
    const s = await start({ http: { requestTimeoutMs: 1000, headersTimeoutMs: 1000 } });
    const socket = await open(s.port);
    const answer = received(socket);
    socket.write(
      `POST /api/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.adminToken}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
    );
    // One byte every 100 ms: the connection is never idle, but the request never completes.
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    const raw = await answer.finally(() => clearInterval(drip));
    expect(raw).toMatch(/^HTTP\/1.1 408 /);
    expect(bodyOf(raw)).toEqual({ errCode: 'OPENCTI_HTTP_ERROR_408', errMessage: expect.stringContaining('not received in full within 1000 ms') });
  });

  it('headers that never end are cut with 408 once headersTimeoutMs has passed', async () => {
    const s = await start({ http: { requestTimeoutMs: 5000, headersTimeoutMs: 1000 } });
    const socket = await open(s.port);
    const answer = received(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const raw = await answer.finally(() => clearInterval(drip));
    expect(raw).toMatch(/^HTTP\/1.1 408 /);
    expect(bodyOf(raw)).toMatchObject({ errCode: 'OPENCTI_HTTP_ERROR_408' });
  });
});

describe('connection caps', () => {
  it('refuses connections over the per-address cap and over the total cap; others still get /healthz', async () => {
    const s = await start({ http: { maxConnectionsPerAddress: 4, maxConnections: 6 } });
    for (let i = 0; i < 4; i++) await open(s.port, '127.0.0.1');

    const refused = await open(s.port, '127.0.0.1');
    if (refused.writable) refused.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await received(refused)).toBe(''); // closed at once, nothing read or answered

    // Another address is not affected by 127.0.0.1's cap.
    expect(await getFrom(`${s.url}/healthz`, '127.0.0.2')).toMatchObject({ status: 200 });

    // 4 + 2 = 6 in all: the next one, from a third address, is over the total cap.
    await open(s.port, '127.0.0.2');
    await open(s.port, '127.0.0.2');
    const overTotal = await open(s.port, '127.0.0.3');
    expect(await received(overTotal)).toBe('');

    // Closing idle sockets frees room: /healthz and the refusal counts are there again.
    await Promise.all(sockets.splice(0).map((socket) => (socket.destroy(), received(socket))));
    let metrics = '';
    let refusedProbes = 0; // the server may not have seen the closes yet: such a probe is refused over the total cap, and counted
    for (let attempt = 0; attempt < 50 && !metrics; attempt++) {
      metrics = await getFrom(`${s.url}/metrics`, '127.0.0.4').then((r) => r.body, () => (refusedProbes++, ''));
    }
    expect(metrics).toMatch(/opencti_connections_refused_total\{reason="address"\} 1\b/);
    expect(metrics).toMatch(new RegExp(`opencti_connections_refused_total\\{reason="total"\\} ${1 + refusedProbes}\\b`));
  });
});

describe('REST rate limit', () => {
  it('past max requests in the window a client gets 429 OPENCTI_RATE_LIMITED with Retry-After; health and metrics stay open', async () => {
    const s = await start({ http: { rateLimit: { max: 5, windowMs: 60_000 } } });
    for (let i = 0; i < 5; i++) await api(s, 'GET', '/api/queues');
    const limited = await fetch(`${s.url}/api/queues`, { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({
      errCode: 'OPENCTI_RATE_LIMITED',
      errMessage: expect.stringMatching(/^too many requests: at most 5 per 60 s for one client; retry in \d+ s \(Retry-After header\)$/),
    });

    // Unauthenticated probes are never limited.
    for (let i = 0; i < 10; i++) expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
    // Requests without a valid token count per address, apart from the admin's bucket.
    expect((await fetch(`${s.url}/api/queues`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });
});
