/**
 * Hostile WebSocket clients: each socket gets one kind of abuse, and the outcome of every frame
 * that deserves an answer is counted — answered, closed by the server (which answers for the
 * frames left), or unanswered.
 */
import WebSocket from 'ws';
import { OPS } from '../../../src/framework/schema/protocol.js';
import { closedWithin, encodeFrame, rawUpgrade } from './raw-socket.js';
import type { Random } from './random.js';

export const SOCKET_KINDS = ['mixed', 'deep', 'hugeStrings', 'flood', 'neverRead', 'partial', 'randomBytes', 'badUtf8', 'binary'] as const;
export type SocketKind = (typeof SOCKET_KINDS)[number];

/** How often each kind of socket is opened. */
const WEIGHTS: Record<SocketKind, number> = { mixed: 30, deep: 12, hugeStrings: 8, flood: 5, neverRead: 3, partial: 10, randomBytes: 10, badUtf8: 12, binary: 12 };

export interface SocketOutcome {
  readonly kind: SocketKind;
  /** WebSocket frames written, whole or partial. */
  readonly framesSent: number;
  /** Frames that deserve an answer: every complete request-like frame but heartbeats. */
  readonly expected: number;
  readonly answered: number;
  /** The server closed the socket: it answers for the frames still unanswered if it said why. */
  readonly closedByServer?: { readonly code: number; readonly reason: string } | undefined;
  /** The server refused the connection (an HTTP status instead of 101). */
  readonly refused?: number | undefined;
  readonly unanswered: number;
  /** The first frame left without an answer, cut for the report. */
  readonly firstUnanswered?: string | undefined;
  /** Errors of our side: a connection that failed to open while the server was up, etc. */
  readonly error?: string | undefined;
}

interface Frame {
  readonly data: string | Buffer;
  readonly binary?: boolean;
  /** Heartbeats and partial frames get no answer. */
  readonly expectsAnswer: boolean;
}

// ------------------------------------------------------------------ frame makers

function jsonValue(r: Random, depth = 0): unknown {
  const kind = r.int(0, depth > 3 ? 4 : 6);
  switch (kind) {
    case 0: return null;
    case 1: return r.pick([true, false]);
    case 2: return r.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 5e-324]);
    case 3: return r.text(r.int(0, 40));
    case 4: return r.pick(['', 'request', 'login', '__proto__', 'constructor']);
    case 5: return Array.from({ length: r.int(0, 5) }, () => jsonValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.int(0, 5) }, () => [r.pick(['type', 'id', 'op', 'args', '__proto__', r.text(6)]), jsonValue(r, depth + 1)]));
  }
}

const nested = (r: Random, depth: number): string =>
  r.pick([
    () => `${'['.repeat(depth)}1${']'.repeat(depth)}`,
    () => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    () => `${'[{"a":'.repeat(Math.ceil(depth / 2))}"x"${'}]'.repeat(Math.ceil(depth / 2))}`,
  ])();

/** A request frame with a deeply nested value in one of its fields (the crash of issue 8 was ~4,500 deep). */
function deepFrame(r: Random): string {
  const value = nested(r, r.pick([r.int(100, 1_000), r.int(1_000, 4_000), r.int(4_000, 12_000)]));
  const field = r.pick(['id', 'type', 'op', 'args', 'extra', 'argValue', 'document']);
  if (field === 'document') return value;
  if (field === 'argValue') return `{"type":"request","id":"d1","op":"login","args":{"agentId":${value}}}`;
  const parts: Record<string, string> = { type: '"request"', id: '"d1"', op: '"login"', args: '{}' };
  parts[field] = value;
  return `{${Object.entries(parts).map(([k, v]) => `"${k}":${v}`).join(',')}}`;
}

function hugeStringFrame(r: Random): string {
  const long = r.text(1).repeat(r.int(8_000, 60_000));
  const field = r.pick(['id', 'op', 'type', 'extra', 'agentId', 'agentPwd', 'callId']);
  const frame: Record<string, unknown> = { type: 'request', id: 'h1', op: 'login', args: { agentId: 'agent1', agentPwd: 'x' } };
  if (field === 'agentId' || field === 'agentPwd') (frame.args as Record<string, unknown>)[field] = long;
  else if (field === 'callId') Object.assign(frame, { op: 'answerCall', args: { callId: long } });
  else frame[field] = long;
  return JSON.stringify(frame);
}

/** Operations a stranger may try: every op with wrong or made-up arguments, wrong passwords, forged tokens. */
function opFrame(r: Random): string {
  const op = r.pick(OPS);
  const id = r.pick<string | number>([`o${r.int(0, 1e6)}`, r.int(-1e9, 1e9)]);
  let args: unknown;
  if (op === 'login') args = { agentId: r.pick(['agent1', 'agent4', 'nobody', '', r.text(10)]), agentPwd: r.pick(['', 'wrong', r.text(20)]), ...(r.chance(0.3) ? { extension: r.pick(['5001', '5003', '', r.text(5)]) } : {}) };
  else if (op === 'resume') args = { token: r.pick([r.text(32), 'x', '0'.repeat(256)]), ...(r.chance(0.5) ? { lastSeq: r.pick([0, -1, 1e308, 1.5]) } : {}) };
  else args = r.chance(0.5) ? { callId: r.text(r.int(0, 20)), destination: r.pick(['8000', '5003', '', r.text(8)]), digits: r.text(3) } : jsonValue(r);
  return JSON.stringify({ type: 'request', id, op, ...(args === undefined ? {} : { args }) });
}

function mixedFrame(r: Random): Frame {
  switch (r.int(0, 9)) {
    case 0: return { data: JSON.stringify(jsonValue(r)), expectsAnswer: true }; // any JSON value
    case 1: return { data: JSON.stringify({ type: jsonValue(r), id: jsonValue(r), op: jsonValue(r), args: jsonValue(r) }), expectsAnswer: true };
    case 2: return { data: JSON.stringify({ type: 'request', id: r.int(0, 1e6), op: r.text(r.int(1, 64)), args: { x: jsonValue(r) } }), expectsAnswer: true }; // unknown op
    case 3: return { data: r.text(r.int(1, 200)), expectsAnswer: true }; // not JSON
    case 4: return { data: '{"type":"heartbeat"}', expectsAnswer: false };
    case 5: return { data: JSON.stringify({ type: 'request', id: 'm', op: 'login', args: {}, ...Object.fromEntries(Array.from({ length: r.int(100, 3_000) }, (_, i) => [`p${i}`, i])) }), expectsAnswer: true };
    case 6: return { data: Buffer.alloc(r.int(65 * 1024, 300 * 1024), 0x20), expectsAnswer: true }; // over the frame limit
    default: return { data: opFrame(r), expectsAnswer: true };
  }
}

// ------------------------------------------------------------------ sockets

export function pickKind(r: Random): SocketKind {
  const total = SOCKET_KINDS.reduce((n, k) => n + WEIGHTS[k], 0);
  let x = r.next() * total;
  for (const kind of SOCKET_KINDS) if ((x -= WEIGHTS[kind]) < 0) return kind;
  return 'mixed';
}

const describe = (frame: Frame): string => {
  const text = typeof frame.data === 'string' ? frame.data : `<${frame.binary ? 'binary' : 'text'} ${frame.data.length} bytes>`;
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
};

/** The id a request frame carries, as the server would echo it; undefined when it has none usable. */
function idOf(frame: Frame): unknown {
  if (typeof frame.data !== 'string') return undefined;
  try {
    const id = (JSON.parse(frame.data) as { id?: unknown } | null)?.id;
    return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Answers come out of order (a login waits for its hash): find a frame whose id no answer carried. */
function firstWithoutAnswer(frames: readonly Frame[], answeredIds: Map<unknown, number>): Frame | undefined {
  const left = new Map(answeredIds);
  for (const frame of frames) {
    if (!frame.expectsAnswer) continue;
    const id = idOf(frame);
    if (id === undefined) continue;
    const n = left.get(id) ?? 0;
    if (n === 0) return frame;
    left.set(id, n - 1);
  }
  return frames.find((f) => f.expectsAnswer && idOf(f) === undefined);
}

/** A close the server chose, with a code that names the trouble (not an abnormal 1006 drop). */
const namedClose = (code: number) => code !== 1005 && code !== 1006;

interface LibraryPlan {
  readonly frames: Frame[];
  readonly neverRead?: boolean;
}

function libraryPlan(kind: SocketKind, r: Random): LibraryPlan {
  switch (kind) {
    case 'deep': return { frames: Array.from({ length: r.int(3, 20) }, () => ({ data: deepFrame(r), expectsAnswer: true })) };
    case 'hugeStrings': return { frames: Array.from({ length: r.int(5, 40) }, () => ({ data: hugeStringFrame(r), expectsAnswer: true })) };
    case 'flood': return { frames: Array.from({ length: r.int(1_000, 2_500) }, () => ({ data: r.chance(0.5) ? opFrame(r) : JSON.stringify(jsonValue(r)), expectsAnswer: true })) };
    // Requests whose answers are big (today the error names the bad value), to a socket that does not read them.
    case 'neverRead': return { neverRead: true, frames: Array.from({ length: r.int(100, 300) }, () => ({ data: hugeStringFrame(r), expectsAnswer: true })) };
    case 'binary': return { frames: Array.from({ length: r.int(5, 60) }, () => ({ data: r.bytes(r.int(1, 2_000)), binary: true, expectsAnswer: true })) };
    default: return { frames: Array.from({ length: r.int(20, 200) }, () => mixedFrame(r)) };
  }
}

/** Sends the plan's frames over a `ws` client and counts the answers. */
async function librarySocket(kind: SocketKind, ctiUrl: string, r: Random, answerTimeoutMs: number): Promise<SocketOutcome> {
  const plan = libraryPlan(kind, r);
  const expectedFrames = plan.frames.filter((f) => f.expectsAnswer);
  const base = { kind, framesSent: 0, expected: expectedFrames.length, answered: 0, unanswered: 0 };
  const socket = new WebSocket(ctiUrl, { handshakeTimeout: 10_000 });
  let answered = 0;
  const answeredIds = new Map<unknown, number>();
  let closed: { code: number; reason: string } | undefined;
  let wake = () => {};
  socket.on('message', (data) => {
    try {
      const frame = JSON.parse(data.toString()) as { type?: string; id?: unknown };
      if (frame.type === 'response') {
        answered++;
        answeredIds.set(frame.id, (answeredIds.get(frame.id) ?? 0) + 1);
      }
    } catch {
      // A frame that is not JSON is no answer.
    }
    wake();
  });
  socket.on('error', () => undefined);
  const opened = await new Promise<{ ok: true } | { ok: false; status?: number; error: string }>((resolve) => {
    socket.once('open', () => resolve({ ok: true }));
    socket.once('unexpected-response', (_request, response) => resolve({ ok: false, status: response.statusCode, error: `HTTP ${response.statusCode}` }));
    socket.once('error', (error) => resolve({ ok: false, error: error.message }));
  });
  if (!opened.ok) {
    socket.terminate();
    return opened.status ? { ...base, expected: 0, refused: opened.status } : { ...base, expected: 0, error: opened.error };
  }
  socket.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    wake();
  });
  if (plan.neverRead) socket.pause();
  let sent = 0;
  for (const frame of plan.frames) {
    if (socket.readyState !== WebSocket.OPEN) break;
    socket.send(frame.data, { binary: frame.binary ?? false });
    sent++;
    // Flood sockets push everything at once; the others let their frames drain now and then.
    if (kind !== 'flood' && socket.bufferedAmount > 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (plan.neverRead) {
    // Hold still while the server's answers pile up on its side, then read them.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    socket.resume();
  }
  const expected = plan.frames.slice(0, sent).filter((f) => f.expectsAnswer).length;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => resolve(), answerTimeoutMs);
    wake = () => {
      if (answered >= expected || closed) {
        clearTimeout(timer);
        resolve();
      }
    };
    wake();
  });
  const missing = Math.max(0, expected - answered);
  const excused = closed !== undefined && (namedClose(closed.code) || plan.neverRead === true);
  if (!closed) {
    socket.close(1000);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (socket.terminate(), resolve()), 2_000);
      socket.once('close', () => (clearTimeout(timer), resolve()));
    });
  }
  const unanswered = excused ? 0 : missing;
  return {
    ...base,
    framesSent: sent,
    expected,
    answered,
    closedByServer: closed,
    unanswered,
    firstUnanswered: unanswered > 0 ? describe(firstWithoutAnswer(plan.frames.slice(0, sent), answeredIds) ?? plan.frames[0]!) : undefined,
  };
}

/** Byte-level abuse: partial frames, random bytes after the handshake, text frames that are not UTF-8. */
async function rawSocket(kind: SocketKind, port: number, r: Random, answerTimeoutMs: number): Promise<SocketOutcome> {
  const base = { kind, framesSent: 0, expected: 0, answered: 0, unanswered: 0 };
  let socket;
  try {
    socket = await rawUpgrade(port);
  } catch (error) {
    const status = /refused: HTTP\/1\.1 (\d+)/.exec((error as Error).message)?.[1];
    return status ? { ...base, refused: Number(status) } : { ...base, error: (error as Error).message };
  }
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  try {
    if (kind === 'partial') {
      // Whole heartbeats, then a frame that declares more than it sends, held open a while.
      const whole = r.int(0, 5);
      for (let i = 0; i < whole; i++) socket.write(encodeFrame(0x1, Buffer.from('{"type":"heartbeat"}')));
      const declared = r.int(10, 60_000);
      socket.write(encodeFrame(0x1, Buffer.from('{"type":"request","id":1,"op":"lo').subarray(0, Math.min(declared - 1, 32)), { declaredLength: declared }).subarray(0, r.int(2, 30)));
      await closedWithin(socket, r.int(200, 1_500));
      return { ...base, framesSent: whole + 1 };
    }
    if (kind === 'randomBytes') {
      socket.write(r.bytes(r.int(1, 4_096)));
      await closedWithin(socket, r.int(200, 1_500));
      return { ...base, framesSent: 1 };
    }
    // badUtf8: a text frame whose bytes are not UTF-8: the server must close the connection (1007) or answer.
    const bad = Buffer.concat([Buffer.from('{"type":"request","id":"u","op":"'), r.pick([Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), r.bytes(8)]), Buffer.from('"}')]);
    socket.write(encodeFrame(0x1, bad));
    const closed = await closedWithin(socket, answerTimeoutMs);
    const answered = closed || received > 0;
    return { ...base, framesSent: 1, expected: 1, answered: answered ? 1 : 0, unanswered: answered ? 0 : 1, firstUnanswered: answered ? undefined : `text frame with bytes ${bad.toString('hex')}` };
  } finally {
    socket.destroy();
  }
}

export function hostileSocket(kind: SocketKind, target: { ctiUrl: string; port: number }, r: Random, answerTimeoutMs: number): Promise<SocketOutcome> {
  return kind === 'partial' || kind === 'randomBytes' || kind === 'badUtf8' ? rawSocket(kind, target.port, r, answerTimeoutMs) : librarySocket(kind, target.ctiUrl, r, answerTimeoutMs);
}
