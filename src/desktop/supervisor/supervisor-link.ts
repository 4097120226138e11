/**
 * The supervisor page's link to the server: logs in on /cti like a desktop (a supervisor is an
 * agent with the supervisor role), keeps the link alive with heartbeats, hands over every `stats`
 * frame, and calls the REST API with the session token.
 */
import type { Stats } from '../../server/stats/figures.js';
import type { ForceResult, ForcedState } from '../../server/center/inputs.js';

export type { Stats };

export interface SupervisorLogin {
  readonly agentId: string;
  readonly password: string;
  /** '' = the agent's own extension. */
  readonly extension: string;
}

export interface SupervisorLinkEvents {
  stats(stats: Stats): void;
  /** The link ended: logged out here or by the server, or lost. */
  closed(why: string): void;
}

interface Frame {
  type: string;
  id?: number | string | null;
  ok?: boolean;
  result?: unknown;
  error?: { errCode: string; errMessage: string };
  stats?: Stats;
  intervalMs?: number;
}

/** A refusal of the server, with its errCode and errMessage. */
export class SupervisorError extends Error {
  constructor(
    readonly errCode: string,
    readonly errMessage: string,
  ) {
    super(errMessage);
  }
}

export class SupervisorLink {
  readonly #base: string;
  readonly #events: SupervisorLinkEvents;
  #socket: WebSocket | undefined;
  #token = '';
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  /** `base`: the server's http(s) origin, e.g. location.origin. */
  constructor(base: string, events: SupervisorLinkEvents) {
    this.#base = base;
    this.#events = events;
  }

  async login(login: SupervisorLogin): Promise<{ agentId: string; extension: string }> {
    const socket = new WebSocket(`${this.#base.replace(/^http/, 'ws')}/cti`);
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new SupervisorError('OPENCTI_LINK_DOWN', 'cannot reach the server'));
    });
    socket.onmessage = (message) => this.#onFrame(String(message.data));
    socket.onclose = (event) => this.#ended(event.reason || 'the link to the server closed');
    try {
      const args = { agentId: login.agentId, agentPwd: login.password, ...(login.extension ? { extension: login.extension } : {}) };
      const session = (await this.#request('login', args)) as { token: string; agentId: string; extension: string };
      this.#token = session.token;
      return { agentId: session.agentId, extension: session.extension };
    } catch (error) {
      socket.close();
      throw error;
    }
  }

  async logout(): Promise<void> {
    await this.#request('logout', {});
    this.#socket?.close();
  }

  /** Forces an agent Not Ready or logs them out (POST /api/agents/:agentId/force). */
  async force(agentId: string, state: ForcedState, reason: string): Promise<ForceResult> {
    const response = await fetch(`${this.#base}/api/agents/${encodeURIComponent(agentId)}/force`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state, reason }),
    });
    const body = (await response.json()) as ForceResult & { errCode?: string; errMessage?: string };
    if (!response.ok) throw new SupervisorError(body.errCode ?? `HTTP ${response.status}`, body.errMessage ?? response.statusText);
    return body;
  }

  #request(op: string, args: Record<string, unknown>): Promise<unknown> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new SupervisorError('OPENCTI_LINK_DOWN', 'not connected'));
    const id = this.#nextId++;
    socket.send(JSON.stringify({ type: 'request', id, op, args }));
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  #onFrame(data: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(data) as Frame;
    } catch {
      return;
    }
    if (frame.type === 'stats' && frame.stats) this.#events.stats(frame.stats);
    else if (frame.type === 'heartbeat' && frame.intervalMs && this.#heartbeat === undefined) {
      // The server closes a link that says nothing: answer its heartbeats in kind.
      this.#heartbeat = setInterval(() => this.#socket?.send('{"type":"heartbeat"}'), frame.intervalMs);
    } else if (frame.type === 'response') {
      if (frame.id === null && frame.error) return this.#ended(frame.error.errMessage);
      const pending = typeof frame.id === 'number' ? this.#pending.get(frame.id) : undefined;
      if (!pending || typeof frame.id !== 'number') return;
      this.#pending.delete(frame.id);
      if (frame.ok) pending.resolve(frame.result);
      else pending.reject(new SupervisorError(frame.error?.errCode ?? 'OPENCTI_CF_GENERIC_OPERATION', frame.error?.errMessage ?? 'refused'));
    }
  }

  #ended(why: string): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const pending of this.#pending.values()) pending.reject(new SupervisorError('OPENCTI_LINK_DOWN', why));
    this.#pending.clear();
    if (this.#socket) {
      this.#socket.onclose = this.#socket.onmessage = null;
      this.#socket = undefined;
      this.#events.closed(why);
    }
  }
}
