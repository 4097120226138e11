/**
 * The book's running figures against the whole day folded at once (computeStats): after every
 * step of a day on the simulated switch, with records arriving late or twice, a threshold changed
 * during the day, a fact from a clock ahead of ours, and midnight, both give the same figures.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, SwitchError, createSwitch, type CallRecord } from '../../../src/server/switch/index.js';
import { StatsBook, agentStateChange, computeStats, type AgentStateChange } from '../../../src/server/stats/index.js';

const NINE = Date.UTC(2025, 0, 1, 9, 0, 0);
const dayStart = (at: number) => at - (at % 86_400_000);
const AGENTS = ['alice', 'bob', 'carol'];

function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function day(seed: number) {
  const clock = new ManualClock(NINE);
  const sw = createSwitch({
    clock,
    callIdPrefix: 'c',
    agents: [
      { agentId: 'alice', extension: '1001', skills: ['sales'] },
      { agentId: 'bob', extension: '1002', skills: ['sales', 'support'] },
      { agentId: 'carol', extension: '1003', skills: ['support'] },
    ],
    queues: [
      { name: 'sales', dnis: '8000' },
      { name: 'support', dnis: '8001' },
    ],
    wrapUpMs: 10_000,
    ringTimeoutMs: 30_000,
  });
  const book = new StatsBook({ now: () => clock.now(), dayStart });
  const records: CallRecord[] = [];
  const changes: AgentStateChange[] = [];
  sw.onCallRecord((r) => {
    records.push(r);
    book.addRecord(r);
  });
  sw.onDeviceEvent((e) => {
    const change = agentStateChange(e);
    if (!change) return;
    changes.push(change);
    book.addAgentState(change);
  });
  let thresholds: Record<string, number> = { support: 30 };
  const live = () => ({ queues: sw.queues(), agents: sw.agents(), serviceLevelSeconds: thresholds });
  const whole = () =>
    computeStats({ now: clock.now(), dayStart: dayStart(clock.now()), records, agentStates: changes, ...live() });

  const random = lcg(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const ownCall = (agentId: string) => sw.snapshot(agentId).pyCalls?.[0]?.pyCallId ?? 'none';
  const steps: (() => unknown)[] = [
    () => sw.login(pick(AGENTS), ''),
    () => sw.ready(pick(AGENTS)),
    () => sw.ready(pick(AGENTS)),
    () => sw.notReady(pick(AGENTS), 'Break'),
    () => sw.inboundCall('+33612345678', pick(['8000', '8001'])),
    () => sw.inboundCall('+33612345678', pick(['8000', '8001'])),
    ...AGENTS.map((agentId) => () => sw.answer(agentId, ownCall(agentId))),
    () => {
      const agentId = pick(AGENTS);
      return sw.hangUp(agentId, ownCall(agentId));
    },
    () => {
      const agentId = pick(AGENTS);
      return sw.blindTransfer(agentId, ownCall(agentId), pick(['8000', '8001']));
    },
    () => sw.callerHangUp(pick(sw.calls())?.callId ?? 'none'),
    () => clock.advance(Math.floor(random() * 40_000)),
    () => clock.advance(Math.floor(random() * 3_000)),
    () => clock.advance(0),
  ];
  const step = () => {
    try {
      pick(steps)();
    } catch (error) {
      if (!(error instanceof SwitchError)) throw error;
    }
  };
  return { clock, sw, book, records, changes, live, whole, step, setThresholds: (t: Record<string, number>) => (thresholds = t) };
}

describe('the running figures', () => {
  for (const seed of [1, 2, 3]) {
    it(`equal the whole day folded at once, step by step (seed ${seed})`, () => {
      const d = day(seed);
      for (let i = 0; i < 400; i++) {
        d.step();
        // Not read at every step: several facts are then folded between two readings.
        if (i % 3 !== 0) continue;
        expect(d.book.figures(d.live()), `step ${i}`).toEqual(d.whole());
        if (i === 200) d.setThresholds({ sales: 5, support: 60 });
      }
      const figures = d.book.figures(d.live());
      expect(figures.queues.some((q) => q.answered > 0 && q.answeredWithinThreshold > 0)).toBe(true);
      expect(figures.agents.some((a) => a.callsHandled > 0 && a.busyMs > 0)).toBe(true);
    });
  }

  it('equal it when stored records arrive after the live ones, or twice', () => {
    const d = day(7);
    for (let i = 0; i < 150; i++) d.step();
    const expected = d.book.figures(d.live());
    // A restart: the live records of the last minutes come first, then the store's whole day.
    const restarted = new StatsBook({ now: () => d.clock.now(), dayStart });
    for (const change of d.changes) restarted.addAgentState(change);
    const recent = d.records.slice(-10);
    for (const r of recent) restarted.addRecord(r);
    restarted.figures(d.live());
    for (const r of d.records) restarted.addRecord(r);
    expect(restarted.figures(d.live())).toEqual(expected);
    expect(restarted.figures(d.live())).toEqual(d.whole());
  });

  it('leave out a fact from a clock ahead of this one until its time comes', () => {
    const d = day(8);
    for (let i = 0; i < 100; i++) d.step();
    const ahead: CallRecord = { kind: 'queued', callId: 'elsewhere-1', at: d.clock.now() + 500, ani: '+33600000000', dnis: '8000', queue: 'sales' };
    d.records.push(ahead);
    d.book.addRecord(ahead);
    const before = d.book.figures(d.live());
    expect(before).toEqual(d.whole());
    d.clock.advance(1000);
    const after = d.book.figures(d.live());
    expect(after).toEqual(d.whole());
    expect(after.queues.find((q) => q.name === 'sales')?.offered).toBe((before.queues.find((q) => q.name === 'sales')?.offered ?? 0) + 1);
  });

  it('start again at midnight as the whole new day does', () => {
    const d = day(9);
    for (let i = 0; i < 150; i++) d.step();
    d.clock.advance(dayStart(d.clock.now()) + 86_400_000 + 60_000 - d.clock.now());
    const midnight = dayStart(d.clock.now());
    // The whole-day fold of the new day: its records, and each agent's last change before it.
    const last = new Map<string, AgentStateChange>();
    for (const c of d.changes) if (c.at < midnight) last.set(c.agentId, c);
    const today = () => [...last.values(), ...d.changes.filter((c) => c.at >= midnight)];
    const whole = () => computeStats({ now: d.clock.now(), dayStart: midnight, records: d.records, agentStates: today(), ...d.live() });
    expect(d.book.figures(d.live())).toEqual(whole());
    for (let i = 0; i < 60; i++) {
      d.step();
      if (dayStart(d.clock.now()) !== midnight) break;
      expect(d.book.figures(d.live()), `step ${i}`).toEqual(whole());
    }
  });
});
