/**
 * A CSR working through the fuzz run: logs in over the protocol, goes Ready and handles calls the
 * simulator places into a queue (answer, talk, hang up, back to Ready), one after another, until
 * told to stop. Every call it starts must complete.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { WsClient, type Response } from '../../helpers/ws-client.js';

export interface LegitOptions {
  readonly url: string;
  readonly ctiUrl: string;
  readonly adminToken: string;
  readonly agentId: string;
  readonly password: string;
  /** The DNIS of a queue whose calls reach this agent only. */
  readonly queueDnis: string;
  /** Time between the call being established and the agent hanging up. */
  readonly talkMs: number;
  /** How long one step (a response, an event) may take under the hostile load before the call counts as failed. */
  readonly stepTimeoutMs: number;
}

export interface LegitReport {
  /** Calls the agent set out to handle (placed or not). */
  readonly callsAttempted: number;
  readonly callsPlaced: number;
  readonly callsCompleted: number;
  /** What went wrong with each call that did not complete, first ones first. */
  readonly failures: string[];
}

export interface LegitAgent {
  /** Resolves once the agent is logged in and Ready. */
  readonly started: Promise<void>;
  /** Resolves when at least `count` calls have completed (or the agent gave up). */
  completed(count: number): Promise<void>;
  /** Finishes the call in hand, logs out and reports. */
  stop(): Promise<LegitReport>;
}

export function startLegitAgent(options: LegitOptions): LegitAgent {
  let stopping = false;
  let attempted = 0;
  let placed = 0;
  let completed = 0;
  const failures: string[] = [];
  const progress = new Set<() => void>();
  let client: WsClient | undefined;
  let nextId = 1;

  /** Waits for `test` after frames arrive; fails at once when the socket closes (nothing more will come). */
  let socketClosed: Promise<never> = new Promise(() => {});
  const until = (test: () => boolean, what: string) => Promise.race([client!.waitFor(test, what, options.stepTimeoutMs), socketClosed]);
  const request = async (op: string, args: Record<string, unknown> = {}): Promise<Response> => {
    const id = `legit-${nextId++}`;
    client!.socket.send(JSON.stringify({ type: 'request', id, op, args }));
    await until(() => client!.responses.some((r) => r.id === id), `the response to ${op}`);
    return client!.responses.find((r) => r.id === id)!;
  };
  const ok = async (op: string, args: Record<string, unknown> = {}) => {
    const response = await request(op, args);
    if (!response.ok) throw new Error(`${op} refused: ${response.error?.errCode} ${response.error?.errMessage}`);
    return response.result;
  };
  const event = (name: string, callId: string) => until(() => client!.eventsOf('CallStateEvent', name).some((e) => e.pyCallId === callId), `${name} of ${callId}`);

  /** The simulator places a call; a rate limit (429) is waited out as its Retry-After says, as a polite client does. */
  async function placeCall(n: number): Promise<string> {
    const deadline = Date.now() + options.stepTimeoutMs;
    for (;;) {
      const { status, retryAfter, text } = await post('/api/calls', { from: `+1555${String(7_000_000 + n)}`, to: options.queueDnis, data: { run: 'fuzz', n: String(n) } });
      if (status === 201) return (JSON.parse(text) as { callId: string }).callId;
      const retryMs = Math.min(5_000, 1000 * (Number(retryAfter) || 1));
      if (status !== 429 || Date.now() + retryMs > deadline) throw new Error(`placing a call answered ${status}: ${text.slice(0, 200)}`);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  /**
   * The agent's own HTTP connections (node:http with its own agent), so that a connection the
   * server drops after a hostile request is never the one the agent's next request goes out on.
   */
  const http = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  function post(path: string, body: unknown): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${options.url}${path}`,
        {
          method: 'POST',
          agent: http,
          timeout: options.stepTimeoutMs,
          headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer to POST ${path} within ${options.stepTimeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => reject(new Error(`POST ${path} failed: ${error.code ?? ''} ${error.message}`)));
      req.end(payload);
    });
  }

  async function oneCall(n: number): Promise<void> {
    attempted++;
    const callId = await placeCall(n);
    placed++;
    await event('Alerting', callId);
    await ok('answerCall', { callId });
    await event('Established', callId);
    // A short conversation: the agent's calls are a realistic load, not a second flood.
    await new Promise((resolve) => setTimeout(resolve, options.talkMs));
    await ok('hangUpCall', { callId });
    await event('Disconnected', callId);
    // An ACD call ends in after-call work: the CSR makes themselves Ready for the next one.
    await until(() => client!.eventsOf('AgentStateEvent').at(-1)?.pyEventName !== 'Busy', 'the end of Busy');
    await ok('agentReady');
    completed++;
    for (const wake of [...progress]) wake();
  }

  let startFailed = false;
  const started = (async () => {
    client = await WsClient.connect(options.ctiUrl);
    const socket = client.socket;
    socketClosed = new Promise<never>((_resolve, reject) => socket.once('close', (code, reason) => reject(new Error(`the server closed the agent's socket (${code} ${reason.toString()})`))));
    socketClosed.catch(() => undefined);
    await ok('login', { agentId: options.agentId, agentPwd: options.password });
    await ok('agentReady');
  })();
  started.catch(() => {
    startFailed = true;
    for (const wake of [...progress]) wake();
  });

  const loop = (async () => {
    await started;
    for (let n = 1; !stopping; n++) {
      try {
        await oneCall(n);
      } catch (error) {
        failures.push(`call ${n}: ${(error as Error).message}`);
        for (const wake of [...progress]) wake();
        // A broken socket ends the shift: nothing more can complete.
        if (client!.socket.readyState !== client!.socket.OPEN) return;
        // Leave the calls of a failed attempt behind and start clean.
        await ok('agentReady').catch(() => undefined);
      }
    }
  })();

  return {
    started,
    completed(count) {
      return new Promise((resolve) => {
        const check = () => {
          const gaveUp = startFailed || (failures.length > 0 && client?.socket.readyState !== client?.socket.OPEN);
          if (completed < count && !gaveUp) return;
          progress.delete(check);
          resolve();
        };
        progress.add(check);
        check();
      });
    },
    async stop() {
      stopping = true;
      await loop.catch((error: Error) => failures.push(`the agent could not start: ${error.message}`));
      if (client && client.socket.readyState === client.socket.OPEN) {
        await ok('logout', {}).catch((error: Error) => failures.push(`logout: ${error.message}`));
        await client.close();
      }
      http.destroy();
      return { callsAttempted: attempted, callsPlaced: placed, callsCompleted: completed, failures };
    },
  };
}
