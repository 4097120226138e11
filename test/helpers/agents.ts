/** Framework sessions over the reference connector against a real server: agents as a desktop runs them. */
import { createNodeReferenceConnector, type ReferenceConnector } from '../../src/connectors/reference/node.js';
import type { TelephonyMode } from '../../src/framework/schema/context.js';
import type { CallDataContainers } from '../../src/framework/schema/events.js';
import { Session } from '../../src/framework/session/session.js';
import type { SessionEventName, SessionEvents, SessionState } from '../../src/framework/session/types.js';

export interface TestAgent {
  readonly session: Session;
  readonly connector: ReferenceConnector;
  /** Every event the session emitted, in order. */
  readonly emitted: { name: SessionEventName; payload: unknown }[];
  /** Resolves when the state satisfies `test`; fails naming `what` after `ms`. */
  until(test: (state: SessionState) => boolean, what: string, ms?: number): Promise<SessionState>;
  close(): Promise<void>;
}

const WATCHED: SessionEventName[] = ['state', 'agentState', 'callAdded', 'call', 'callEnded', 'link', 'device', 'screenPop', 'interactionStart', 'error', 'loggedOut'];

/** `url` is the link's `url`; a list becomes its `urls`. */
export function contextFor(mode: TelephonyMode, url: string | readonly string[]) {
  return {
    application: 'integration',
    telephonyMode: mode,
    implementation: { vendor: 'reference' },
    ctiLink: typeof url === 'string' ? { name: 'reference', url } : { name: 'reference', urls: [...url] },
    reasonCodes: { notReady: [{ code: 'BREAK', label: 'Break' }], logout: [{ code: 'EOD', label: 'End of day' }] },
    requestTimeoutMs: 5000,
  };
}

export function createAgent(ctiUrl: string | readonly string[], mode: TelephonyMode = 'full', connectorOptions = {}): TestAgent {
  const connector = createNodeReferenceConnector({ reconnectInitialMs: 50, reconnectMaxMs: 200, ...connectorOptions });
  const session = new Session({ context: contextFor(mode, ctiUrl), implementation: connector });
  const emitted: TestAgent['emitted'] = [];
  const waiters = new Set<() => void>();
  for (const name of WATCHED) {
    session.on(name, ((payload: unknown) => {
      emitted.push({ name, payload });
      for (const wake of [...waiters]) wake();
    }) as (...args: SessionEvents[typeof name]) => void);
  }
  return {
    session,
    connector,
    emitted,
    until(test, what, ms = 5000) {
      if (test(session.state)) return Promise.resolve(session.state);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`timed out waiting for ${what}; state: ${JSON.stringify(session.state)}`));
        }, ms);
        const wake = () => {
          if (!test(session.state)) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(session.state);
        };
        waiters.add(wake);
      });
    },
    async close() {
      if (session.state.loggedIn) await session.logout({}).catch(() => undefined);
      session.dispose();
      connector.close();
    },
  };
}

export const callIn = (state: SessionState, callId: string) => state.calls.find((c) => c.callId === callId);

/** The id of the call ringing on the agent, once it rings (calls in `except` left aside). */
export async function ringingCall(agent: TestAgent, what: string, except: readonly string[] = []): Promise<string> {
  const state = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting' && !except.includes(c.callId)), what);
  return state.calls.find((c) => c.state === 'Alerting' && !except.includes(c.callId))!.callId;
}

/** `from` calls `extension` (with call data if given), `to` answers; resolves with the call id once `from` is talking. */
export async function talking(from: TestAgent, to: TestAgent, extension: string, callData?: CallDataContainers): Promise<string> {
  await from.session.makeCall(extension, callData ? { callData } : {});
  const callId = await ringingCall(to, `${extension} ringing`);
  await to.session.answerCall(callId);
  await from.until((s) => callIn(s, callId)?.state === 'Established', 'caller talking');
  return callId;
}
