/**
 * The ACD's index of Ready agents against a brute-force scan: over random sequences of requests,
 * the agents the switch lists as ready for a queue, and the agent it offers a call to, are the
 * ones a scan of every agent picks — longest Ready first, ties in configuration order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, SwitchError, createSwitch, type AgentConfig, type CallRecord } from '../../../src/server/switch/index.js';

const IDS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
const SKILLS = ['sales', 'support'];
const QUEUES = [
  { name: 'sales', dnis: '8000' },
  { name: 'support', dnis: '8001' },
];
const extensionOf = (id: string) => `10${id.slice(1).padStart(2, '0')}`;

type Op =
  | { kind: 'login' | 'logout' | 'ready' | 'answer' | 'hangUp'; agent: number }
  | { kind: 'notReady'; agent: number; acw: boolean }
  | { kind: 'inbound'; queue: number }
  | { kind: 'callerHangUp'; call: number }
  | { kind: 'health'; agent: number; open: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'skills'; agent: number; skills: string[]; readd: boolean };

const agentIndex = fc.nat({ max: IDS.length - 1 });
const on = (kind: 'login' | 'logout' | 'ready' | 'answer' | 'hangUp') => fc.record({ kind: fc.constant(kind), agent: agentIndex });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: on('login'), weight: 3 },
  { arbitrary: on('logout'), weight: 1 },
  { arbitrary: on('ready'), weight: 5 },
  { arbitrary: on('answer'), weight: 2 },
  { arbitrary: on('hangUp'), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('notReady' as const), agent: agentIndex, acw: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('inbound' as const), queue: fc.nat({ max: QUEUES.length - 1 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('callerHangUp' as const), call: fc.nat({ max: 5 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('health' as const), agent: agentIndex, open: fc.boolean() }), weight: 1 },
  // 0 ms keeps several agents Ready at the same instant: ties go to configuration order.
  { arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(0, 0, 1, 700, 3000, 5000) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('skills' as const), agent: agentIndex, skills: fc.subarray(SKILLS), readd: fc.boolean() }), weight: 1 },
);

function run(ops: readonly Op[]): void {
  const clock = new ManualClock();
  const configs = new Map<string, AgentConfig>(IDS.map((id, i) => [id, { agentId: id, extension: extensionOf(id), skills: i % 3 === 2 ? ['support'] : i % 3 === 1 ? ['sales', 'support'] : ['sales'] }]));
  const sw = createSwitch({ clock, callIdPrefix: 'c', agents: [...configs.values()], queues: QUEUES, wrapUpMs: 3000, ringTimeoutMs: 5000 });
  /** When each agent last became Ready, from the switch's own AgentState events. */
  const readySince = new Map<string, number>();
  const closed = new Set<string>();
  const records: CallRecord[] = [];
  sw.onDeviceEvent(({ event }) => {
    if (event.pyEventType === 'AgentStateEvent' && event.pyEventName === 'Ready') readySince.set(event.pyAgentId ?? '', Date.parse(event.pyTimestamp ?? ''));
  });
  sw.onCallRecord((r) => records.push(r));

  /** The brute-force scan: every agent, filtered, sorted by when they became Ready. */
  const scan = (skill: string): string[] => {
    const busyDns = new Set(sw.calls().flatMap((c) => c.parties));
    const order = [...configs.keys()];
    return sw
      .agents()
      .filter((a) => a.state === 'Ready' && a.extension !== undefined && !closed.has(a.extension) && !busyDns.has(a.extension))
      .filter((a) => configs.get(a.agentId)?.skills.includes(skill))
      .sort((a, b) => (readySince.get(a.agentId) ?? 0) - (readySince.get(b.agentId) ?? 0) || order.indexOf(a.agentId) - order.indexOf(b.agentId))
      .map((a) => a.agentId);
  };
  const callsOfAgent = (id: string) => sw.snapshot(id).pyCalls ?? [];

  const apply = (step: Op): void => {
    switch (step.kind) {
      case 'login':
      case 'logout':
      case 'ready': {
        const id = IDS[step.agent] as string;
        if (step.kind === 'login') sw.login(id, '');
        else if (step.kind === 'logout') sw.logout(id, '');
        else sw.ready(id);
        return;
      }
      case 'answer':
      case 'hangUp': {
        const id = IDS[step.agent] as string;
        const call = callsOfAgent(id)[0];
        if (call) (step.kind === 'answer' ? sw.answer : sw.hangUp)(id, call.pyCallId);
        return;
      }
      case 'notReady':
        sw.notReady(IDS[step.agent] as string, 'BREAK', step.acw ? 'ACW' : 'AUX_WORK');
        return;
      case 'inbound': {
        const queue = QUEUES[step.queue] as (typeof QUEUES)[number];
        const nobodyWaiting = sw.queues().every((q) => q.waiting.length === 0);
        const expected = scan(queue.name)[0];
        const seen = records.length;
        const { callId } = sw.inboundCall('+33612345678', queue.dnis);
        const offered = records.slice(seen).find((r) => r.callId === callId && r.kind === 'offered');
        if (nobodyWaiting) expect(offered?.agentId, `offer for ${queue.name}`).toBe(expected);
        return;
      }
      case 'callerHangUp': {
        const call = sw.calls()[step.call];
        if (call) sw.callerHangUp(call.callId, call.ani);
        return;
      }
      case 'health': {
        const dn = extensionOf(IDS[step.agent] as string);
        sw.setDeviceHealth(dn, { link: 'CONNECTED', device: step.open ? 'OPENED' : 'CLOSED' });
        if (step.open) closed.delete(dn);
        else closed.add(dn);
        return;
      }
      case 'advance':
        clock.advance(step.ms);
        return;
      case 'skills': {
        const id = IDS[step.agent] as string;
        const config = { agentId: id, extension: extensionOf(id), skills: step.skills };
        if (step.readd) {
          // Forgotten and configured again: the agent moves to the end of the configuration order.
          sw.configure({ removeAgents: [id] });
          configs.delete(id);
          readySince.delete(id);
        }
        sw.configure({ agents: [config] });
        configs.set(id, config);
      }
    }
  };

  for (const step of ops) {
    try {
      apply(step);
    } catch (error) {
      if (!(error instanceof SwitchError)) throw error;
    }
    for (const queue of sw.queues()) {
      const ready = scan(queue.name);
      expect(queue.readyAgents, `ready for ${queue.name} after ${JSON.stringify(step)}`).toEqual(ready);
      // Nobody who could take a waiting call is left idle.
      if (queue.waiting.length > 0) expect(ready, `idle agents while ${queue.name} has calls waiting`).toEqual([]);
    }
  }
}

describe('ACD index of Ready agents', () => {
  it('picks the agent a scan of every agent picks, over random sequences of requests', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 150, size: 'large' }), (ops) => run(ops)),
      { numRuns: 200 },
    );
  });

  it('breaks ties in idle time by configuration order, and a re-added agent comes last', () => {
    const clock = new ManualClock();
    const sw = createSwitch({
      clock,
      agents: [
        { agentId: 'x', extension: '2001', skills: ['sales'] },
        { agentId: 'y', extension: '2002', skills: ['sales'] },
      ],
      queues: [{ name: 'sales', dnis: '8000' }],
    });
    sw.login('y', '');
    sw.ready('y');
    sw.login('x', '');
    sw.ready('x');
    expect(sw.queues()[0]?.readyAgents).toEqual(['x', 'y']);
    sw.logout('x', '');
    sw.configure({ removeAgents: ['x'] });
    sw.configure({ agents: [{ agentId: 'x', extension: '2001', skills: ['sales'] }] });
    sw.login('x', '');
    sw.ready('x');
    expect(sw.queues()[0]?.readyAgents).toEqual(['y', 'x']);
  });
});
