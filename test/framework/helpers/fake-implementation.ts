/**
 * A small in-memory implementation for framework tests: every function records its call and
 * settles as the test says; events reach the session through the forwardEvent it got at login.
 */
import { REQUEST_NAMES, type ForwardEvent, type Implementation, type RequestFunctions, type RequestName } from '../../../src/framework/index.js';

export interface RecordedCall {
  readonly name: RequestName;
  readonly args: readonly unknown[];
}

/** What a function does when called: return a value, a promise, or throw. */
export type Behaviour = (...args: unknown[]) => unknown;

/** Every request of the table, in table order. */
export const ALL_REQUESTS: readonly RequestName[] = REQUEST_NAMES;

export interface FakeImplementation {
  readonly implementation: Implementation;
  /** Every call the implementation received, oldest first. */
  readonly calls: RecordedCall[];
  /** The names of the functions called, oldest first. */
  names(): RequestName[];
  /** Makes `name` behave like this from now on. */
  respond(name: RequestName, behaviour: Behaviour): void;
  /** Makes `name` reject with this value from now on. */
  reject(name: RequestName, error: unknown): void;
  /** Makes `name` never settle; the returned functions settle the latest call. */
  hang(name: RequestName): { resolve: (value?: unknown) => void; reject: (error: unknown) => void };
  /** Sends an event as the connector would, through the forwardEvent of the latest login. */
  emit(event: unknown): void;
  /** The forwardEvent of the latest login. */
  readonly forwardEvent: ForwardEvent;
}

export function fakeImplementation(options: { omit?: readonly RequestName[]; name?: string } = {}): FakeImplementation {
  const calls: RecordedCall[] = [];
  const behaviours = new Map<RequestName, Behaviour>();
  let forward: ForwardEvent | undefined;
  const functions: Partial<Record<RequestName, (...args: unknown[]) => unknown>> = {};
  for (const name of ALL_REQUESTS) {
    if (options.omit?.includes(name)) continue;
    functions[name] = (...args: unknown[]) => {
      calls.push({ name, args });
      if (name === 'login') forward = args[5] as ForwardEvent;
      const behaviour = behaviours.get(name);
      if (behaviour) return behaviour(...args);
      return Promise.resolve(name === 'login' ? { extension: (args[2] as string) || '1001' } : { ok: true });
    };
  }
  const implementation = {
    name: options.name ?? 'fake',
    implementationVersion: '1.0.0',
    frameworkApi: '^1.0.0',
    ...functions,
  } as unknown as Implementation & Partial<RequestFunctions>;
  return {
    implementation,
    calls,
    names: () => calls.map((c) => c.name),
    respond: (name, behaviour) => behaviours.set(name, behaviour),
    reject: (name, error) => behaviours.set(name, () => Promise.reject(error)),
    hang(name) {
      const handle = { resolve: (_value?: unknown) => {}, reject: (_error: unknown) => {} };
      behaviours.set(
        name,
        () =>
          new Promise((resolve, reject) => {
            handle.resolve = resolve;
            handle.reject = reject;
          }),
      );
      return {
        resolve: (value?: unknown) => handle.resolve(value),
        reject: (error: unknown) => handle.reject(error),
      };
    },
    emit(event) {
      if (!forward) throw new Error('no login yet: no forwardEvent to emit through');
      forward(event);
    },
    get forwardEvent() {
      if (!forward) throw new Error('no login yet');
      return forward;
    },
  };
}
