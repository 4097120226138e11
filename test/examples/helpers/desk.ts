/**
 * What the example connectors' tests share: the demo agent and numbers, a session that keeps the
 * events it accepted, and the checks every test ends with.
 */
import { expect } from 'vitest';
import type { ConformanceReport } from '../../../src/conformance/types.js';
import { createSession, CtiError, type CallView, type OpenCtiEvent, type Session } from '../../../src/framework/index.js';

export const AGENT = { agentId: 'agent7', agentPwd: 'secret', extension: '1001' };
export const CALLER = '+15551234';
export const SUPERVISOR = '2002';

/** Lets the PBX deliver what it queued and the session react (all of it is microtasks). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The checks of a conformance report that failed, with what was wrong. */
export const failures = (report: ConformanceReport) => report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.detail ?? ''}`);

/** The CtiError the request was refused with; fails if it was not refused. */
export async function rejection(promise: Promise<unknown>): Promise<CtiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CtiError);
    return error as CtiError;
  }
  throw new Error('expected the request to be refused');
}

export interface DeskSession {
  session: Session;
  /** Every OpenCTI event the session accepted, in order. */
  events: OpenCtiEvent[];
  call(callId: string): CallView | undefined;
}

/** A session as a desktop opens it, keeping the events it accepts. */
export function openSession(options: Parameters<typeof createSession>[0]): DeskSession {
  const session = createSession(options);
  const events: OpenCtiEvent[] = [];
  session.on('event', (event) => events.push(event));
  return { session, events, call: (callId) => session.state.calls.find((c) => c.callId === callId) };
}

/** Logs the demo agent in and lets the Snapshot arrive. */
export async function logIn(desk: DeskSession): Promise<void> {
  await desk.session.login(AGENT);
  await settle();
}
