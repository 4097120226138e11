/**
 * An agent's desktop as a plain WebSocket client that roams between cluster nodes: logged in once,
 * it comes back after its node is killed by resuming its session (token + last seq seen) on a
 * node that is alive. Every request resolves with what happened to it (answered, refused, lost),
 * never throws: requests failing during a failover are expected and counted by the caller.
 */
import WebSocket from 'ws';
import { WsClient } from '../helpers/ws-client.js';

export type Outcome =
  | { readonly kind: 'ok'; readonly result: unknown }
  /** The server answered no: a refusal from the switch, or OPENCTI_LINK_DOWN during a failover. */
  | { readonly kind: 'refused'; readonly errCode: string; readonly errMessage: string }
  /** No answer: the socket closed (its node was killed), or no answer came in time. */
  | { readonly kind: 'lost'; readonly why: string }
  /** Not sent: the desktop had no socket (its node was gone and it had not resumed elsewhere yet). */
  | { readonly kind: 'unsent'; readonly why: string };

/** How long a request may wait for its answer: more than a command's deadline during a failover. */
const REQUEST_MS = 25_000;

/** One socket the agent had: the session it served and the event seqs it received, in order. */
interface SocketRecord {
  token: string | undefined;
  readonly seqs: number[];
}

export class RoamingAgent {
  /** Sockets opened after the first (resumes and logins on another node). */
  reconnects = 0;
  readonly #sockets: SocketRecord[] = [];
  #client: WsClient | undefined;
  #attached = false;
  #token: string | undefined;
  #nextId = 1;
  #stopped = false;
  #roaming: Promise<void> | undefined;
  #attaching: Promise<void> | undefined;

  constructor(
    readonly agentId: string,
    readonly extension: string,
    /** The URLs (ws://…/cti) of the nodes alive now, in the order to try them. */
    private readonly liveUrls: () => string[],
  ) {}

  get attached(): boolean {
    return this.#attached && this.#client?.socket.readyState === WebSocket.OPEN;
  }

  /** The event seqs received, per session (a new login starts a new list), across sockets. */
  get sessions(): number[][] {
    const out: { token: string | undefined; seqs: number[] }[] = [];
    for (const s of this.#sockets) {
      if (s.token === undefined) continue; // its login or resume failed: its frames belong to no session
      const last = out.at(-1);
      if (last && last.token === s.token) last.seqs.push(...s.seqs);
      else out.push({ token: s.token, seqs: [...s.seqs] });
    }
    return out.map((s) => s.seqs);
  }

  get #lastSeq(): number | undefined {
    for (let i = this.#sockets.length - 1; i >= 0; i--) {
      const s = this.#sockets[i]!;
      if (s.token === undefined) continue;
      if (s.token !== this.#token) return undefined;
      if (s.seqs.length > 0) return s.seqs.at(-1);
    }
    return undefined;
  }

  /** Logs in (the first time) or resumes on a live node; retries until attached. One attempt at a
   *  time: a second caller waits for the attempt in progress (two would attach two sockets). */
  attach(deadlineMs = 20_000): Promise<void> {
    this.#attaching ??= this.#attach(deadlineMs).finally(() => (this.#attaching = undefined));
    return this.#attaching;
  }

  async #attach(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    let last = 'not tried';
    while (!this.attached) {
      if (this.#stopped) throw new Error(`${this.agentId}: stopped before attaching`);
      if (Date.now() > until) throw new Error(`${this.agentId} could not attach to any node within ${deadlineMs} ms (last: ${last})`);
      for (const url of this.liveUrls()) {
        const outcome = await this.#attachTo(url);
        if (outcome.kind === 'ok') return;
        last = outcome.kind === 'refused' ? `${outcome.errCode} ${outcome.errMessage}` : outcome.why;
      }
      await new Promise((resolve) => setTimeout(resolve, 100)); // pacing between rounds, not an assertion
    }
  }

  /** Sends one request on the current socket; a request with no socket is lost at once. */
  async request(op: string, args: Record<string, unknown> = {}): Promise<Outcome> {
    const client = this.#client;
    if (!client || !this.attached) return { kind: 'unsent', why: 'no desktop attached (its node is gone)' };
    return this.#send(client, op, args);
  }

  /** Stops roaming and closes the socket. */
  async close(): Promise<void> {
    this.#stopped = true;
    await this.#roaming?.catch(() => undefined);
    await this.#client?.close();
  }

  async #attachTo(url: string): Promise<Outcome> {
    let client: WsClient;
    try {
      client = await WsClient.connect(url);
    } catch (error) {
      return { kind: 'lost', why: `cannot connect to ${url}: ${(error as Error).message}` };
    }
    const record: SocketRecord = { token: undefined, seqs: [] };
    this.#sockets.push(record);
    client.socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; seq?: number };
      if (frame.type === 'event' && frame.seq !== undefined) record.seqs.push(frame.seq);
    });
    const resuming = this.#token !== undefined;
    const lastSeq = this.#lastSeq;
    const login = () => this.#send(client, 'login', { agentId: this.agentId, agentPwd: 'demo', extension: this.extension });
    let outcome = resuming ? await this.#send(client, 'resume', lastSeq === undefined ? { token: this.#token } : { token: this.#token, lastSeq }) : await login();
    if (outcome.kind === 'refused' && outcome.errCode === 'OPENCTI_AGENT_NOT_LOGGED_IN' && resuming) {
      // The session ended (its grace period ran out): a new login opens a new one.
      record.seqs.length = 0;
      outcome = await login();
    }
    if (outcome.kind !== 'ok') {
      await client.close();
      return outcome;
    }
    if (this.#client !== undefined) this.reconnects++;
    this.#token = record.token = (outcome.result as { token: string }).token;
    this.#client = client;
    this.#attached = true;
    client.socket.once('close', () => {
      if (this.#client !== client) return;
      this.#attached = false;
      if (!this.#stopped) this.#roaming = this.attach(60_000).catch(() => undefined);
    });
    return outcome;
  }

  /** Resolves with the answer, or as lost when the socket closes first. */
  #send(client: WsClient, op: string, args: Record<string, unknown>): Promise<Outcome> {
    const id = `${this.agentId}-${this.#nextId++}`;
    return new Promise<Outcome>((resolve) => {
      let done = false;
      const finish = (outcome: Outcome) => {
        if (done) return;
        done = true;
        client.socket.off('close', onClose);
        resolve(outcome);
      };
      const onClose = () => finish({ kind: 'lost', why: `the socket closed before the answer to ${op}` });
      client.socket.once('close', onClose);
      if (client.socket.readyState !== WebSocket.OPEN) return onClose();
      client.waitFor(() => client.responses.some((r) => r.id === id), `the answer to ${op}`, REQUEST_MS).then(
        () => {
          const r = client.responses.find((x) => x.id === id)!;
          finish(r.ok ? { kind: 'ok', result: r.result } : { kind: 'refused', errCode: r.error!.errCode, errMessage: r.error!.errMessage });
        },
        (error: Error) => finish({ kind: 'lost', why: error.message }),
      );
      client.socket.send(JSON.stringify({ type: 'request', id, op, args }));
    });
  }
}
