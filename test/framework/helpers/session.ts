/** Sessions ready for a test: a context per mode, a fake implementation, a fixed clock. */
import {
  Session,
  type ApplicationContext,
  type CtiError,
  type CustomerLookup,
  type SessionEventName,
  type SessionEvents,
  type TelephonyMode,
} from '../../../src/framework/index.js';
import { AGENT, snapshot } from './events.js';
import { fakeImplementation, type FakeImplementation } from './fake-implementation.js';
import type { RequestName } from '../../../src/framework/index.js';

export const NOW = new Date('2026-01-01T10:00:00.000Z');

export function contextFor(mode: TelephonyMode, extra: Partial<ApplicationContext> = {}): ApplicationContext {
  return {
    application: 'test-desk',
    telephonyMode: mode,
    implementation: { vendor: 'fake' },
    ctiLink: { name: 'lab', url: 'ws://localhost:0' },
    ...extra,
  };
}

export interface TestSession {
  readonly session: Session;
  readonly fake: FakeImplementation;
  /** Every event the session emitted, by name, in order. */
  readonly heard: { name: SessionEventName; args: unknown[] }[];
  /** The payloads heard for one event name. */
  of<K extends SessionEventName>(name: K): SessionEvents[K][0][];
  errors(): CtiError[];
  /** Lets pending promise callbacks (treatment, lookups) run. */
  flush(): Promise<void>;
}

const EVENT_NAMES: SessionEventName[] = [
  'state',
  'event',
  'agentState',
  'callAdded',
  'call',
  'callEnded',
  'link',
  'device',
  'screenPop',
  'interactionStart',
  'error',
  'loggedOut',
];

export function makeSession(
  mode: TelephonyMode,
  options: { context?: Partial<ApplicationContext>; omit?: readonly RequestName[]; customerLookup?: CustomerLookup } = {},
): TestSession {
  const fake = fakeImplementation({ omit: options.omit ?? [] });
  let clock = NOW.getTime();
  const session = new Session({
    context: contextFor(mode, options.context),
    implementation: fake.implementation,
    customerLookup: options.customerLookup,
    // Each reading advances a second, so state changes get distinct times.
    now: () => new Date((clock += 1000)),
  });
  const heard: { name: SessionEventName; args: unknown[] }[] = [];
  for (const name of EVENT_NAMES) session.on(name, (...args: unknown[]) => heard.push({ name, args }));
  return {
    session,
    fake,
    heard,
    of: <K extends SessionEventName>(name: K) => heard.filter((h) => h.name === name).map((h) => h.args[0] as SessionEvents[K][0]),
    errors: () => heard.filter((h) => h.name === 'error').map((h) => h.args[0] as CtiError),
    flush: async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    },
  };
}

/** A session logged in, with the server's Snapshot received. */
export async function loggedIn(mode: TelephonyMode, options: Parameters<typeof makeSession>[1] = {}, agent: Record<string, unknown> = {}): Promise<TestSession> {
  const t = makeSession(mode, options);
  await t.session.login({ agentId: AGENT, agentPwd: 'secret', extension: '1001' });
  t.fake.emit(snapshot(agent));
  t.heard.length = 0;
  return t;
}
