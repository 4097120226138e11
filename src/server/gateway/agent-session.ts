/**
 * One logged-in agent on the server: the numbered event stream every attached socket receives,
 * a replay buffer for resume, and the grace period that keeps the agent logged in while the
 * desktop reconnects.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { OpenCtiEvent } from '../../framework/schema/events.js';
import type { ErrorObject } from '../../framework/schema/error.js';
import type { EventFrame, ResponseFrame, SessionInfo } from '../../framework/schema/protocol.js';
import { CLOSE_CODES } from './limits.js';

export interface SessionSocket {
  send(frame: string): void;
  close(code?: number, reason?: string): void;
}

/** WebSocket close code of a session ended by the server (4000–4999 are the application's). */
export const SESSION_ENDED_CLOSE = CLOSE_CODES.sessionEnded;

export class AgentSession {
  readonly sessionId = randomUUID();
  readonly token = randomBytes(24).toString('base64url');
  readonly sockets = new Set<SessionSocket>();
  #seq = 0;
  /** Serialized frames by seq, oldest first, at most `replayLimit`. */
  readonly #replay: { seq: number; frame: string }[] = [];
  graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly agentId: string,
    public extension: string,
    private readonly replayLimit: number,
    private readonly onSent: (count: number) => void,
  ) {}

  get seq(): number {
    return this.#seq;
  }

  info(heartbeatMs: number): SessionInfo {
    return { sessionId: this.sessionId, token: this.token, agentId: this.agentId, extension: this.extension, seq: this.#seq, heartbeatMs };
  }

  /** Numbers the event, keeps it for replay and sends it to every attached socket. */
  push(event: OpenCtiEvent, sendTo: Iterable<SessionSocket> = this.sockets): number {
    const seq = ++this.#seq;
    const frame = JSON.stringify({ type: 'event', seq, event } satisfies EventFrame);
    this.#replay.push({ seq, frame });
    if (this.#replay.length > this.replayLimit) this.#replay.shift();
    let sent = 0;
    for (const socket of sendTo) {
      socket.send(frame);
      sent++;
    }
    if (sent) this.onSent(sent);
    return seq;
  }

  /** Frames after `lastSeq`, or undefined when some of them are no longer kept. */
  framesAfter(lastSeq: number): string[] | undefined {
    if (lastSeq > this.#seq) return undefined;
    if (lastSeq === this.#seq) return [];
    const first = this.#replay[0];
    if (!first || first.seq > lastSeq + 1) return undefined;
    return this.#replay.filter((r) => r.seq > lastSeq).map((r) => r.frame);
  }

  /**
   * Tells every attached socket why the session ended (a response frame with no request id, as
   * for any error the server sends unasked) and closes it; the socket's code and reason say it too.
   */
  end(error: ErrorObject): void {
    const frame = JSON.stringify({ type: 'response', id: null, ok: false, error } satisfies ResponseFrame);
    for (const socket of this.sockets) {
      socket.send(frame);
      socket.close(SESSION_ENDED_CLOSE, error.errCode);
    }
    this.sockets.clear();
  }

  attach(socket: SessionSocket): void {
    this.sockets.add(socket);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }
}
