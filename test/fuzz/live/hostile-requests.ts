/**
 * Bad REST requests: broken JSON, wrong types, absurd numbers, wrong methods, bad tokens, bodies
 * over the limit, path traversal, odd headers and malformed HTTP. Each must get an HTTP answer
 * that is not a 5xx, and no file outside the served ones may leak.
 */
import { connect } from 'node:net';
import type { Random } from './random.js';

export const REQUEST_KINDS = ['badJson', 'wrongTypes', 'hugeNumbers', 'wrongMethod', 'badToken', 'oversized', 'traversal', 'oddHeaders', 'rawHttp'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
const WEIGHTS: Record<RequestKind, number> = { badJson: 15, wrongTypes: 15, hugeNumbers: 15, wrongMethod: 10, badToken: 15, oversized: 1, traversal: 10, oddHeaders: 10, rawHttp: 9 };

export interface RequestOutcome {
  readonly kind: RequestKind;
  /** A one-line description of the request, for the report. */
  readonly request: string;
  /** The HTTP status, or undefined when none came. */
  readonly status?: number | undefined;
  readonly body?: string | undefined;
  /** No answer: the reason (reset, timeout). */
  readonly error?: string | undefined;
  /** A response that shows a file it must not (package.json, /etc/passwd). */
  readonly leak?: boolean | undefined;
}

interface Target {
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
}

interface Plan {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | undefined;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const BODY_ROUTES: readonly [string, string][] = [
  ['POST', '/api/calls'],
  ['POST', '/api/agents'],
  ['PATCH', '/api/agents/nobody-here'],
  ['POST', '/api/queues'],
  ['PATCH', '/api/queues/no-such-queue'],
  ['POST', '/api/customers'],
  ['PATCH', '/api/customers/no-such-customer'],
  ['PATCH', '/api/interactions/999999999'],
  ['PUT', '/api/far-ends/+15559990000'],
];
const NUMBERS = ['1e308', '-1e308', '1e-308', 'NaN', 'Infinity', '-1', '0', '99999999999999999999999', '9007199254740993', '0x10', '1.5', '', '%20', '1%20OR%201=1', '[]', '{}'];
const LEAKS = [/"name":\s*"opencti-ts"/, /root:x?:0:0/, /BEGIN [A-Z ]*PRIVATE KEY/];

function jsonish(r: Random): unknown {
  return r.pick<unknown>([null, true, 0, -1, 1e308, 'x', '', [], {}, [1, 2], { a: { b: [null] } }, 'a'.repeat(r.int(1, 5_000)), { __proto__: { admin: true } }]);
}

function plan(kind: RequestKind, r: Random, t: Target): Plan {
  const admin = { authorization: `Bearer ${t.adminToken}` };
  switch (kind) {
    case 'badJson': {
      const [method, path] = r.pick(BODY_ROUTES);
      const body = r.pick(['{', '{"from":', 'nul', '{"a":1,}', "{'a':1}", '\u0000', '[', '"', r.text(r.int(1, 200)), `{"from":"${'\\'.repeat(3)}"}`]);
      return { method, path, headers: { ...admin, ...JSON_TYPE }, body };
    }
    case 'wrongTypes': {
      const [method, path] = r.pick(BODY_ROUTES);
      const keys = ['from', 'to', 'data', 'agentId', 'displayName', 'extension', 'skills', 'password', 'name', 'dnis', 'skill', 'phones', 'email', 'notes', 'disposition', 'behaviour', 'id'];
      const body: Record<string, unknown> = {};
      for (let i = r.int(0, 6); i > 0; i--) body[r.pick(keys)] = jsonish(r);
      return { method, path, headers: { ...admin, ...JSON_TYPE }, body: JSON.stringify(r.chance(0.2) ? jsonish(r) : body) };
    }
    case 'hugeNumbers': {
      const route = r.pick(['/api/customers', '/api/interactions', '/api/customers/%31e308', '/api/interactions/1e308', '/api/interactions/-1', '/api/interactions/99999999999999999999', '/api/calls/1e308']);
      const query = Array.from({ length: r.int(1, 3) }, () => `${r.pick(['limit', 'offset', 'agentId', 'since', 'until', 'phone', 'search', 'status'])}=${r.pick(NUMBERS)}`).join('&');
      return { method: 'GET', path: `${route}?${query}`, headers: admin };
    }
    case 'wrongMethod': {
      const method = r.pick(['PUT', 'DELETE', 'PATCH', 'POST', 'OPTIONS', 'HEAD', 'PROPFIND']);
      const path = r.pick(['/healthz', '/metrics', '/', '/simulator', '/api/calls', '/api/agents/sessions', '/cti', '/api/customers/nobody', '/api/queues/none', '/api/agents/nobody-here', '/assets/none.js']);
      return { method, path, headers: r.chance(0.5) ? admin : {}, body: method === 'GET' || method === 'HEAD' ? undefined : r.chance(0.5) ? '{}' : undefined };
    }
    case 'badToken': {
      const token = r.pick(['Bearer', 'Bearer ', 'Bearer x', `Bearer ${t.adminToken}x`, `Bearer ${t.adminToken.slice(0, -1)}`, 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(8_000)}`, 'bearer', `Token ${t.adminToken}`, 'Bearer null', `Bearer ${r.text(20).replace(/[^\x20-\x7e]/g, 'x')}`]);
      const path = r.pick(['/api/agents', '/api/calls', '/api/interactions', '/api/customers', '/api/queues', '/api/agents/sessions']);
      return { method: r.pick(['GET', 'POST']), path, headers: r.chance(0.1) ? {} : { authorization: token, ...JSON_TYPE }, body: undefined };
    }
    case 'oversized': {
      const size = r.int(1_100_000, 3_000_000);
      return { method: 'POST', path: r.pick(['/api/customers', '/api/calls', '/api/agents']), headers: { ...admin, ...JSON_TYPE }, body: `{"name":"${'x'.repeat(size)}"}` };
    }
    case 'traversal': {
      const path = r.pick([
        '/assets/..%2f..%2fpackage.json',
        '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
        '/assets/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
        '/assets/%2e%2e/%2e%2e/package.json',
        '/assets/....%2f....%2fpackage.json',
        '/assets/%252e%252e%252fpackage.json',
        '/assets/..%5c..%5cpackage.json',
        '/assets/%00index.html',
        '/assets/index.html%00.js',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/api/customers/..%2f..%2fagents',
      ]);
      return { method: 'GET', path, headers: r.chance(0.5) ? admin : {} };
    }
    case 'oddHeaders': {
      const headers: Record<string, string> = { ...admin };
      switch (r.int(0, 6)) {
        case 0: headers['content-type'] = r.pick(['application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '*/*', 'application/json, text/plain']); break;
        case 1: Object.assign(headers, JSON_TYPE, { 'content-encoding': r.pick(['gzip', 'br', 'deflate', 'identity, gzip']) }); break;
        case 2: for (let i = 0; i < r.int(50, 150); i++) headers[`x-fuzz-${i}`] = r.text(10).replace(/[^\x20-\x7e]/g, 'x'); break;
        case 3: headers['x-large'] = 'y'.repeat(r.int(10_000, 40_000)); break;
        case 4: Object.assign(headers, { accept: r.pick(['application/xml', '*/*;q=abc', '', 'text/html;level=1e308']), 'accept-language': 'x'.repeat(500) }); break;
        case 5: Object.assign(headers, { 'x-forwarded-for': r.pick(['1.2.3.4', 'not-an-ip', '999.999.999.999', '::1, 10.0.0.1']), forwarded: 'for=evil' }); break;
        default: Object.assign(headers, { origin: r.pick(['https://evil.example', 'null', '']), 'sec-websocket-key': 'x', 'sec-websocket-version': '13' });
      }
      const [method, path] = r.chance(0.5) ? r.pick(BODY_ROUTES) : ['GET', r.pick(['/api/calls', '/healthz', '/'])];
      return { method, path, headers, body: method === 'GET' ? undefined : JSON.stringify(jsonish(r)) };
    }
    case 'rawHttp':
      throw new Error('raw HTTP is sent by rawRequest');
  }
}

const rawPayloads = (r: Random, t: Target): string | Buffer =>
  r.pick<() => string | Buffer>([
    () => r.bytes(r.int(1, 2_000)),
    () => `GET /assets/../../package.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    () => `GET /../../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    () => `TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    () => `GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n`,
    () => `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n`,
    () => `POST /api/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.adminToken}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    () => `POST /api/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    () => `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\r\n b\r\n\r\n`,
    () => `GET /${'a'.repeat(r.int(10_000, 70_000))} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    () => `\r\n\r\nNOT HTTP AT ALL\r\n\r\n`,
    () => `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-A: b\r\n'.repeat(3_000)}\r\n`,
    () => `GET /cti HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n\r\n`,
    () => `GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  ])();

/** Writes the bytes and waits for an answer: any byte back, or the server closing the connection. */
function rawRequest(kind: RequestKind, payload: string | Buffer, request: string, t: Target, timeoutMs: number): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: t.port });
    let data = '';
    const finish = (outcome: Omit<RequestOutcome, 'kind' | 'request'>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ kind, request, ...outcome });
    };
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    // The server may drop a connection that sends garbage while we are still writing: that reset is its answer.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      data ? undefined : finish(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? { status: undefined, body: `(connection reset: ${error.code})` } : { error: error.message }),
    );
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (!data.includes('\r\n\r\n')) return;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1]) || undefined;
      // Wait for the body of a 200 to check it for a leak; other answers are known by their status.
      if (status === 200 && !socket.readableEnded) return void setTimeout(() => finish({ status, body: data.slice(0, 300), leak: LEAKS.some((re) => re.test(data)) }), 200);
      finish({ status, body: data.slice(0, 300), leak: LEAKS.some((re) => re.test(data)) });
    });
    // Closed without a word: the answer to bytes that are not HTTP.
    socket.on('end', () => finish(data ? { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1]) || undefined, body: data.slice(0, 300) } : { status: undefined, body: '(closed by the server)' }));
  });
}

export function pickRequestKind(r: Random): RequestKind {
  const total = REQUEST_KINDS.reduce((n, k) => n + WEIGHTS[k], 0);
  let x = r.next() * total;
  for (const kind of REQUEST_KINDS) if ((x -= WEIGHTS[kind]) < 0) return kind;
  return 'badJson';
}

export async function hostileRequest(kind: RequestKind, r: Random, t: Target, timeoutMs: number): Promise<RequestOutcome> {
  if (kind === 'rawHttp') {
    const payload = rawPayloads(r, t);
    const request = typeof payload === 'string' ? `raw ${JSON.stringify(payload.length > 120 ? `${payload.slice(0, 120)}…` : payload)}` : `raw ${payload.length} random bytes`;
    return rawRequest(kind, payload, request, t, timeoutMs);
  }
  const p = plan(kind, r, t);
  const size = p.body === undefined ? '' : ` (${p.body.length} bytes)`;
  const request = `${p.method} ${p.path.length > 160 ? `${p.path.slice(0, 160)}…` : p.path}${size}`;
  if (kind === 'oversized') {
    // Over a raw socket: the server may answer 413 and close before the body is all written; the
    // answer is read as it comes, where an HTTP client would report only the broken pipe.
    const head = `${p.method} ${p.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(p.body ?? '')}\r\n${Object.entries(p.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    return rawRequest(kind, head + (p.body ?? ''), request, t, timeoutMs);
  }
  try {
    const response = await fetch(`${t.url}${p.path}`, { method: p.method, headers: p.headers, body: p.body, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return { kind, request, status: response.status, body: body.slice(0, 300), leak: LEAKS.some((re) => re.test(body)) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind, request, error: [(error as Error).message, cause?.code, cause?.message].filter(Boolean).join(': ') };
  }
}
