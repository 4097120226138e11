/**
 * Commands to the cluster leader: NATS request/reply on `opencti.<cluster>.command`.
 *
 * Only the leader serves (in a queue group, so that during a handover two servers never both
 * handle one request). A sender retries "no responders" (no leader right now) and timeouts (a
 * leader that died with the request) with a short backoff until its deadline, which covers a
 * failover (about two seconds). A retried command may reach a new leader after the old one had
 * already handled it: commands must carry an id the leader can recognise, or be safe to repeat.
 * A handler that throws is answered with an error header and the sender gets a CommandError at
 * once, without retrying: the leader was there and said no.
 */
import { ErrorCode, NatsError, headers as natsHeaders } from 'nats';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { commandSubject } from './names.js';
import type { LogFn } from './leadership.js';

/** The leader received the command and its handler failed; the message is the handler's. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export interface CommandServer {
  /** Resolves once the NATS server has the subscription (commands sent after it reach this server). */
  readonly ready: Promise<void>;
  /** Stops taking commands; resolves once the commands in hand have been answered. */
  stop(): Promise<void>;
}

export interface SendOptions {
  /** How long one attempt waits for the answer; default 2000 ms. */
  timeoutMs?: number;
  /** How long, from the call, attempts go on before giving up; default 5000 ms. */
  deadlineMs?: number;
  /** Told of each failed attempt that will be retried (for logs). */
  onRetry?: (attempt: number, reason: string) => void;
}

const ERROR_HEADER = 'Opencti-Command-Error';
const QUEUE = 'opencti-leader';

export function serveCommands(
  nc: NatsConnection,
  cluster: string,
  handler: (data: Uint8Array) => Promise<Uint8Array>,
  o: { log?: LogFn } = {},
): CommandServer {
  const subject = commandSubject(cluster);
  const log = o.log ?? (() => undefined);
  const inFlight = new Set<Promise<void>>();
  const answer = async (msg: Msg): Promise<void> => {
    try {
      msg.respond(await handler(msg.data));
    } catch (err) {
      const h = natsHeaders();
      // Header values are one line: keep the message readable, not the stack.
      h.set(ERROR_HEADER, message(err).replace(/[\r\n]+/g, ' ').slice(0, 1000) || 'command failed');
      msg.respond(new Uint8Array(0), { headers: h });
    }
  };
  const sub: Subscription = nc.subscribe(subject, {
    queue: QUEUE,
    callback: (err, msg) => {
      if (err) {
        log('error', 'command subscription failed', { subject, error: err.message });
        return;
      }
      if (!msg.reply) return; // not a request: nobody to answer
      const p = answer(msg).catch((e: unknown) => log('error', 'answering a command failed', { subject, error: message(e) }));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  });
  let stopping: Promise<void> | null = null;
  const ready = nc.flush();
  ready.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
  return {
    ready,
    stop(): Promise<void> {
      stopping ??= (async () => {
        if (!nc.isClosed()) await sub.drain().catch(() => sub.unsubscribe());
        await Promise.all([...inFlight]);
      })();
      return stopping;
    },
  };
}

export async function sendCommand(nc: NatsConnection, cluster: string, data: Uint8Array, o: SendOptions = {}): Promise<Uint8Array> {
  const subject = commandSubject(cluster);
  const timeoutMs = o.timeoutMs ?? 2000;
  const deadlineMs = o.deadlineMs ?? 5000;
  if (!(timeoutMs > 0) || !(deadlineMs > 0)) throw new Error(`sendCommand: timeoutMs and deadlineMs must be positive, got ${timeoutMs} and ${deadlineMs}`);
  const giveUpAt = Date.now() + deadlineMs;
  let lastReason = 'not tried';
  for (let attempt = 1; ; attempt++) {
    const left = giveUpAt - Date.now();
    if (left <= 0) break;
    try {
      const reply = await nc.request(subject, data, { timeout: Math.min(timeoutMs, left) });
      const failure = reply.headers?.get(ERROR_HEADER);
      if (failure) throw new CommandError(failure);
      return reply.data;
    } catch (err) {
      if (err instanceof CommandError) throw err;
      const code = err instanceof NatsError ? err.code : undefined;
      if (code === ErrorCode.NoResponders) lastReason = 'no responders';
      else if (code === ErrorCode.Timeout) lastReason = `no answer within ${Math.min(timeoutMs, left)} ms`;
      else throw new Error(`sending a command to the cluster leader on ${subject} failed: ${message(err)}`, { cause: err });
      o.onRetry?.(attempt, lastReason);
    }
    const pause = Math.min(25 * 2 ** Math.min(attempt - 1, 4), 250, giveUpAt - Date.now());
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  throw new Error(`no cluster leader answered within ${deadlineMs} ms on ${subject} (last attempt: ${lastReason})`);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
