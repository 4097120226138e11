/**
 * Connectors that make one mistake each: the reference connector with one behaviour altered,
 * for tests that the conformance kit names the real problem. Each fault keeps every other
 * function as the reference connector has it.
 */
import { createNodeReferenceConnector } from '../../../src/connectors/reference/node.js';
import type { Implementation } from '../../../src/framework/implementation.js';

export type ReferenceConnector = ReturnType<typeof createNodeReferenceConnector>;
type Forward = (event: unknown) => void;
type Fn = (...args: unknown[]) => Promise<unknown>;

/** A faulty connector, and what it was asked (to prove what the kit did and did not call). */
export interface Faulty {
  readonly implementation: Implementation;
  /** Every request the kit made, with its arguments, in order. */
  readonly requests: { name: string; args: unknown[]; agentState: string | undefined }[];
  /** Stops the underlying connector. */
  close(): void;
}

/** Hooks a fault may set: the functions replaced, and a filter on what reaches forwardEvent. */
export interface FaultHooks {
  readonly overrides?: Record<string, Fn>;
  /** Returns the events to forward in place of one (none to drop it). */
  readonly mapEvent?: (event: Record<string, unknown>) => Record<string, unknown>[];
}

/** The reference connector with `fault` applied; `fault` gets the connector and the kit's forwardEvent. */
export function faulty(fault: (base: ReferenceConnector, forward: () => Forward) => FaultHooks): Faulty {
  const base = createNodeReferenceConnector();
  const requests: Faulty['requests'] = [];
  let kitForward: Forward = () => undefined;
  let agentState: string | undefined;
  const hooks = fault(base, () => kitForward);
  const proto = Object.getPrototypeOf(base) as object;
  const functions: Record<string, Fn> = {};
  for (const name of Object.getOwnPropertyNames(proto)) {
    const fn = (base as unknown as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof fn !== 'function') continue;
    const own = hooks.overrides?.[name] ?? (fn as Fn).bind(base);
    // Declared with ...args so the registry takes it as promise style, as the reference connector is.
    functions[name] = (...args: unknown[]) => {
      requests.push({ name, args, agentState });
      return own(...args);
    };
  }
  const login = functions.login!;
  functions.login = (...args: unknown[]) => {
    kitForward = args[5] as Forward;
    const forward: Forward = (raw) => {
      const event = raw as Record<string, unknown>;
      if (event.pyEventType === 'AgentStateEvent') agentState = String(event.pyEventName);
      if (event.pyEventType === 'SnapshotEvent') agentState = String(event.pyAgentState);
      for (const out of hooks.mapEvent ? hooks.mapEvent(event) : [event]) kitForward(out);
    };
    return login(...args.slice(0, 5), forward);
  };
  const implementation = { name: base.name, implementationVersion: base.implementationVersion, frameworkApi: base.frameworkApi, ...functions } as unknown as Implementation;
  return { implementation, requests, close: () => base.close() };
}

const refuse = (errCode: string, errMessage: string) => () => Promise.reject({ errCode, errMessage });

/** Sends its Snapshots without pyLinkState: every one breaks the schema. */
export const snapshotWithoutLinkState = () =>
  faulty(() => ({
    mapEvent: (e) => {
      if (e.pyEventType !== 'SnapshotEvent') return [e];
      const { pyLinkState: _dropped, ...rest } = e;
      return [rest];
    },
  }));

/** `request` returns a promise that never settles. */
export const neverSettles = (request: string) => faulty(() => ({ overrides: { [request]: () => new Promise(() => undefined) } }));

/** `request` rejects with a plain { errCode, errMessage }, as a callback connector's failure() gives it. */
export const plainRefusal = (request: string, errCode: string, errMessage: string) => faulty(() => ({ overrides: { [request]: refuse(errCode, errMessage) } }));

/** Refuses agentReady while Ready with OPENCTI_INVALID_ACTION instead of OPENCTI_IN_SAME_STATE. */
export const readyTwiceWrongCode = () => {
  let ready = false;
  return faulty((base) => ({
    overrides: {
      agentReady: (...args: unknown[]) => (ready ? Promise.reject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'the agent is Ready already' }) : (base.agentReady as Fn)(...args)),
    },
    mapEvent: (e) => {
      if (e.pyEventType === 'AgentStateEvent') ready = e.pyEventName === 'Ready';
      if (e.pyEventType === 'SnapshotEvent') ready = e.pyAgentState === 'Ready';
      return [e];
    },
  }));
};

/** Never sends the Snapshot that follows login (the one after logout still comes). */
export const noLoginSnapshot = () => {
  let loggedIn = false;
  return faulty(() => ({
    mapEvent: (e) => {
      if (e.pyEventType !== 'SnapshotEvent' || loggedIn) return [e];
      loggedIn = true;
      return [];
    },
  }));
};

/** Reports its own call ids ("vendor-" + the server's), so they differ from the ones the back end placed. */
export const renamedCallIds = () =>
  faulty((base) => ({
    mapEvent: (e) => [typeof e.pyCallId === 'string' ? { ...e, pyCallId: `vendor-${e.pyCallId}` } : e],
    overrides: Object.fromEntries(
      ['answerCall', 'hangUpCall', 'holdCall', 'retrieveCall', 'sendDTMF', 'blindTransfer'].map((name) => [
        name,
        (callId: unknown, ...rest: unknown[]) => ((base as unknown as Record<string, Fn>)[name] as Fn).call(base, String(callId).replace(/^vendor-/, ''), ...rest),
      ]),
    ) as Record<string, Fn>,
  }));

/** Forwards an AgentStateEvent 10 ms after logout resolved. */
export const eventAfterLogout = () =>
  faulty((base, forward) => ({
    overrides: {
      logout: async (...args: unknown[]) => {
        const result = await (base.logout as Fn).call(base, ...args);
        const send = forward();
        setTimeout(() => send({ pyEventType: 'AgentStateEvent', pyEventName: 'Logout', pyMedia: 'Phone', pyReasonCode: '', pyWorkMode: 'MODE_NONE' }), 10);
        return result;
      },
    },
  }));

/** Confirms logout first and sends its final Snapshot 20 ms later. */
export const snapshotAfterLogout = () => {
  let held: Record<string, unknown>[] | undefined;
  return faulty((base, forward) => ({
    mapEvent: (e) => (held && e.pyEventType === 'SnapshotEvent' ? (held.push(e), []) : [e]),
    overrides: {
      logout: async (...args: unknown[]) => {
        held = [];
        const result = await (base.logout as Fn).call(base, ...args);
        const send = forward();
        const late = held;
        setTimeout(() => late.forEach(send), 20);
        return result;
      },
    },
  }));
};
