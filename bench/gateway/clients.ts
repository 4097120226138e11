/**
 * The agents' side of the gateway benchmark, run in a worker thread so that the server's heap and
 * event loop are its own: N real WebSocket clients speaking the gateway protocol (login, Snapshot,
 * agentReady, answerCall), plus N plain clients of the raw `ws` baseline server and N socket.io
 * clients of the relay peer (bench/gateway/relay.ts).
 *
 * The main thread drives it with commands (see ClientCommand) and gets one reply per command.
 * Timestamps are `performance.timeOrigin + performance.now()`, comparable across threads.
 */
import { parentPort } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

export type Group = 'gateway' | 'raw' | 'relay';

export type ClientCommand =
  /** relay: `agentIds` name the room each socket joins (one per socket). */
  | { readonly id: number; readonly cmd: 'open'; readonly group: Group; readonly url: string; readonly count: number; readonly agentIds?: readonly string[] }
  | { readonly id: number; readonly cmd: 'login'; readonly agentIds: readonly string[] }
  /** idle: frames only settle responses; latency: events are parsed, timed, and Alerting is answered. */
  | { readonly id: number; readonly cmd: 'mode'; readonly mode: 'idle' | 'latency' }
  /**
   * Counts event frames on every socket until `count` have arrived, then posts a ClientDone.
   * parse: the frames are parsed as a desktop would (a socket.io client always parses);
   * record: each frame's arrival time is kept per socket (collected by `arrivals`).
   */
  | { readonly id: number; readonly cmd: 'expect'; readonly count: number; readonly parse?: boolean; readonly record?: boolean }
  /** Arrival times recorded by `expect`, per socket of the group, in order; then forgotten. */
  | { readonly id: number; readonly cmd: 'arrivals'; readonly group: Group }
  | { readonly id: number; readonly cmd: 'collect' }
  | { readonly id: number; readonly cmd: 'close' };

/** One event received in latency mode: agent index, call id ('' for none), "Type:Name", time. */
export type Receipt = readonly [agent: number, callId: string, name: string, at: number];

export interface LatencyReport {
  readonly receipts: readonly Receipt[];
  readonly answersSent: number;
  readonly answersFailed: number;
  readonly firstAnswerError?: string | undefined;
}

export type ClientReply = { readonly id: number; readonly ok: true; readonly value?: unknown } | { readonly id: number; readonly ok: false; readonly error: string };
export interface ClientDone {
  readonly done: true;
  readonly count: number;
  readonly at: number;
}

interface ResponseFrame {
  type: 'response';
  id: string | number | null;
  ok: boolean;
  error?: { errCode: string; errMessage: string };
}
interface EventFrame {
  type: 'event';
  seq: number;
  event: { pyEventType: string; pyEventName: string; pyCallId?: string; pyCallType?: string };
}

interface Client {
  readonly socket: WebSocket;
  readonly index: number;
  readonly group: Group;
  nextId: number;
  readonly pending: Map<string, (frame: ResponseFrame) => void>;
  onEvent: ((frame: EventFrame) => void) | undefined;
}

const now = () => performance.timeOrigin + performance.now();
const port = parentPort;
if (!port) throw new Error('bench/gateway/clients.ts runs in a worker thread');

const clients: Record<Exclude<Group, 'relay'>, Client[]> = { gateway: [], raw: [] };
const relayClients: Socket[] = [];
let mode: 'idle' | 'latency' | 'count' = 'idle';
let counted = 0;
let target = 0;
let parseCounted = false;
let recordArrivals = false;
const arrivals: Record<Group, number[][]> = { gateway: [], raw: [], relay: [] };
let receipts: Receipt[] = [];
let answersSent = 0;
let answersFailed = 0;
let firstAnswerError: string | undefined;

/** `{"type":"event"` — byte 9 tells event frames from heartbeats and responses without parsing. */
const E = 'e'.charCodeAt(0);

function countOne(group: Group, index: number): void {
  if (recordArrivals) (arrivals[group][index] ??= []).push(now());
  if (++counted === target) port?.postMessage({ done: true, count: counted, at: now() } satisfies ClientDone);
}

function onMessage(client: Client, data: Buffer): void {
  if (mode === 'count') {
    if (data[9] !== E) return;
    if (parseCounted) JSON.parse(data.toString());
    countOne(client.group, client.index);
    return;
  }
  const at = now();
  const frame = JSON.parse(data.toString()) as ResponseFrame | EventFrame | { type: 'heartbeat' };
  if (frame.type === 'response') {
    const settle = client.pending.get(String(frame.id));
    client.pending.delete(String(frame.id));
    settle?.(frame);
    return;
  }
  if (frame.type !== 'event') return;
  client.onEvent?.(frame);
  if (mode !== 'latency') return;
  const { event } = frame;
  receipts.push([client.index, event.pyCallId ?? '', `${event.pyEventType}:${event.pyEventName}`, at]);
  if (event.pyEventType === 'CallStateEvent' && event.pyEventName === 'Alerting' && event.pyCallId) {
    answersSent++;
    void request(client, 'answerCall', { callId: event.pyCallId }).then((response) => {
      if (response.ok) return;
      answersFailed++;
      firstAnswerError ??= `${response.error?.errCode}: ${response.error?.errMessage}`;
    });
  }
}

function request(client: Client, op: string, args: Record<string, unknown>): Promise<ResponseFrame> {
  const id = `r${client.nextId++}`;
  return new Promise((resolve) => {
    client.pending.set(id, resolve);
    client.socket.send(JSON.stringify({ type: 'request', id, op, args }));
  });
}

function openRelay(url: string, index: number, agentId: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { agentId }, reconnection: false, forceNew: true });
  socket.on('event', () => {
    if (mode === 'count') countOne('relay', index);
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function open(group: Exclude<Group, 'relay'>, url: string, index: number): Promise<Client> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const client: Client = { socket, index, group, nextId: 1, pending: new Map(), onEvent: undefined };
  socket.on('message', (data: Buffer) => onMessage(client, data));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}

async function login(client: Client, agentId: string): Promise<void> {
  const snapshot = new Promise<void>((resolve) => {
    client.onEvent = (frame) => {
      if (frame.event.pyEventType !== 'SnapshotEvent') return;
      client.onEvent = undefined;
      resolve();
    };
  });
  const response = await request(client, 'login', { agentId, agentPwd: 'bench', extension: '' });
  if (!response.ok) throw new Error(`login of ${agentId} failed: ${response.error?.errCode} ${response.error?.errMessage}`);
  await snapshot;
  const ready = await request(client, 'agentReady', {});
  if (!ready.ok) throw new Error(`agentReady of ${agentId} failed: ${ready.error?.errCode} ${ready.error?.errMessage}`);
}

/** Runs `task` for 0…count-1, at most `width` at a time. */
async function pool(count: number, width: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

async function run(command: ClientCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'open': {
      const start = now();
      if (command.group === 'relay') {
        const agentIds = command.agentIds ?? [];
        if (agentIds.length !== command.count) throw new Error(`${agentIds.length} agent ids for ${command.count} relay sockets`);
        const base = relayClients.length;
        const opened: Socket[] = new Array<Socket>(command.count);
        await pool(command.count, 50, async (i) => {
          opened[i] = await openRelay(command.url, base + i, agentIds[i] as string);
        });
        relayClients.push(...opened);
        return { ms: now() - start };
      }
      const group = command.group;
      const list = clients[group];
      const opened: Client[] = new Array<Client>(command.count);
      await pool(command.count, 50, async (i) => {
        opened[i] = await open(group, command.url, list.length + i);
      });
      list.push(...opened);
      return { ms: now() - start };
    }
    case 'login': {
      const start = now();
      const list = clients.gateway;
      if (command.agentIds.length > list.length) throw new Error(`${command.agentIds.length} agents for ${list.length} sockets`);
      await pool(command.agentIds.length, 50, (i) => login(list[i] as Client, command.agentIds[i] as string));
      return { ms: now() - start };
    }
    case 'mode':
      mode = command.mode;
      return undefined;
    case 'expect':
      mode = 'count';
      counted = 0;
      target = command.count;
      parseCounted = command.parse === true;
      recordArrivals = command.record === true;
      return undefined;
    case 'arrivals': {
      const times = arrivals[command.group];
      arrivals[command.group] = [];
      return times;
    }
    case 'collect': {
      const report: LatencyReport = { receipts, answersSent, answersFailed, firstAnswerError };
      receipts = [];
      answersSent = answersFailed = 0;
      firstAnswerError = undefined;
      return report;
    }
    case 'close': {
      const all = [...clients.gateway, ...clients.raw];
      await Promise.all(
        all.map(
          (client) =>
            new Promise<void>((resolve) => {
              if (client.socket.readyState === WebSocket.CLOSED) return resolve();
              const timer = setTimeout(() => (client.socket.terminate(), resolve()), 2000);
              client.socket.once('close', () => (clearTimeout(timer), resolve()));
              client.socket.close();
            }),
        ),
      );
      for (const socket of relayClients) socket.disconnect();
      clients.gateway = [];
      clients.raw = [];
      relayClients.length = 0;
      return undefined;
    }
  }
}

port.on('message', (command: ClientCommand) => {
  run(command).then(
    (value) => port.postMessage({ id: command.id, ok: true, value } satisfies ClientReply),
    (error: unknown) => port.postMessage({ id: command.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies ClientReply),
  );
});
