/** A switch on a manual clock that checks every event against the OpenCTI schemas. */
import { expect } from 'vitest';
import { describeProblems, validateEvent } from '../../../src/framework/schema/validate.js';
import type { OpenCtiEvent } from '../../../src/framework/schema/events.js';
import { ManualClock, createSwitch, SwitchError, type CallRecord, type DeviceEvent, type SwitchOptions } from '../../../src/server/switch/index.js';

export const AGENTS = [
  { agentId: 'alice', extension: '1001', skills: ['sales'] },
  { agentId: 'bob', extension: '1002', skills: ['sales', 'support'] },
  { agentId: 'carol', extension: '1003', skills: ['support'] },
  { agentId: 'dave', extension: '1004', skills: ['sales'] },
] as const;

export const QUEUES = [
  { name: 'sales', dnis: '8000' },
  { name: 'support', dnis: '8001', skill: 'support' },
] as const;

export const CUSTOMER = '+33612345678';

export function harness(options: Partial<SwitchOptions> = {}) {
  const clock = new ManualClock();
  const sw = createSwitch({
    clock,
    callIdPrefix: 'c',
    agents: AGENTS.map((a) => ({ ...a, skills: [...a.skills] })),
    queues: QUEUES,
    ...options,
  });
  const events: DeviceEvent[] = [];
  const records: CallRecord[] = [];
  const problems: string[] = [];
  const check = (event: unknown, where: string) => {
    const result = validateEvent(event);
    if (!result.ok) problems.push(`${where}: ${describeProblems(result.problems)} in ${JSON.stringify(event)}`);
  };
  sw.onDeviceEvent((e) => {
    check(e.event, `event for ${e.extension}`);
    const thisDn = (e.event as { pyThisDN?: string }).pyThisDN;
    if (thisDn !== undefined && thisDn !== e.extension) problems.push(`event for ${e.extension} names pyThisDN ${thisDn}`);
    events.push(e);
  });
  sw.onCallRecord((r) => records.push(r));
  let cursor = 0;

  /** Every event so far for the extension, in a short form. */
  const seen = (extension: string): string[] => events.filter((e) => e.extension === extension).map((e) => short(e.event));

  return {
    clock,
    sw,
    events,
    records,
    problems,
    seen,
    /** The short form of the events raised since the last call of `take`, per extension. */
    take(): Record<string, string[]> {
      const out: Record<string, string[]> = {};
      for (const e of events.slice(cursor)) (out[e.extension] ??= []).push(short(e.event));
      cursor = events.length;
      return out;
    },
    /** The last event of a type for an extension, in full. */
    last<T extends OpenCtiEvent['pyEventType']>(extension: string, type: T): Extract<OpenCtiEvent, { pyEventType: T }> {
      const found = events.filter((e) => e.extension === extension && e.event.pyEventType === type).at(-1);
      if (!found) throw new Error(`no ${type} for ${extension}`);
      return found.event as Extract<OpenCtiEvent, { pyEventType: T }>;
    },
    snapshot(agentId: string) {
      const snap = sw.snapshot(agentId);
      check(snap, `snapshot of ${agentId}`);
      return snap;
    },
    /** Logs agents in and makes them Ready, then forgets those events. */
    ready(...agentIds: string[]) {
      for (const id of agentIds) {
        sw.login(id, '');
        sw.ready(id);
      }
      this.take();
    },
    kinds(callId: string): string[] {
      return records.filter((r) => r.callId === callId).map((r) => (r.agentId ? `${r.kind}:${r.agentId}` : r.kind));
    },
    done() {
      expect(problems).toEqual([]);
    },
  };
}

export type Harness = ReturnType<typeof harness>;

export function short(event: OpenCtiEvent): string {
  switch (event.pyEventType) {
    case 'CallStateEvent':
      return `${event.pyEventName} ${event.pyCallId} ${event.pyCallType} other=${event.pyOtherDN}`;
    case 'AgentStateEvent':
      return ['agent', event.pyEventName, event.pyWorkMode, event.pyReasonCode].filter(Boolean).join(' ');
    case 'PartyInfoEvent':
      return `PartyInfo ${event.pyCallId} [${event.pyParties.map((p) => p.pyDN).join(',')}]`;
    case 'CallInfoEvent':
      return `CallInfo ${event.pyCallId} ${JSON.stringify(event.pyCallData)}`;
    case 'SnapshotEvent':
      return `Snapshot ${event.pyAgentState}`;
  }
}

/** The SwitchError fn throws, for assertions on its code and message. */
export function errorOf(fn: () => unknown): SwitchError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SwitchError) return error;
    throw error;
  }
  throw new Error('expected a SwitchError, nothing was thrown');
}
