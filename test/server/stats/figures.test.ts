/**
 * A scripted day on the simulated switch, folded into statistics; every expected figure is worked
 * out by hand in the comments from the script's times (seconds after 09:00).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, createSwitch, type CallRecord, type Switch } from '../../../src/server/switch/index.js';
import { StatsBook, agentStateChange, changeKey, computeStats, type AgentStats, type QueueStats } from '../../../src/server/stats/index.js';

const NINE = Date.UTC(2025, 0, 1, 9, 0, 0);
const MIDNIGHT = Date.UTC(2025, 0, 1);
const dayStart = (at: number) => at - (at % 86_400_000);
const CUSTOMER = '+33612345678';

function scriptedDay() {
  const clock = new ManualClock(NINE);
  const sw: Switch = createSwitch({
    clock,
    callIdPrefix: 'c',
    agents: [
      { agentId: 'alice', extension: '1001', skills: ['sales'] },
      { agentId: 'bob', extension: '1002', skills: ['sales', 'support'] },
    ],
    queues: [
      { name: 'sales', dnis: '8000' },
      { name: 'support', dnis: '8001' },
    ],
    wrapUpMs: 10_000,
    ringTimeoutMs: 60_000,
  });
  const book = new StatsBook({ now: () => clock.now(), dayStart });
  const records: CallRecord[] = [];
  sw.onCallRecord((r) => {
    records.push(r);
    book.addRecord(r);
  });
  sw.onDeviceEvent((e) => {
    const change = agentStateChange(e);
    if (change) book.addAgentState(change);
  });
  /** Moves the clock to `s` seconds after 09:00. */
  const at = (s: number) => clock.advance(NINE + s * 1000 - clock.now());
  const live = () => ({ queues: sw.queues(), agents: sw.agents(), serviceLevelSeconds: { support: 30 } });

  // 0: both log in, alice Ready; call 1 (sales) is offered to her at once.
  sw.login('alice', '');
  sw.login('bob', '');
  sw.ready('alice');
  const c1 = sw.inboundCall(CUSTOMER, '8000').callId;
  at(10);
  sw.answer('alice', c1); // waited 10 s: within 20 s
  at(70);
  sw.hangUp('alice', c1); // handled 60 s; after-call work 70–80, then Ready
  at(100);
  const c2 = sw.inboundCall(CUSTOMER, '8000').callId; // offered to alice at 100
  at(130);
  sw.answer('alice', c2); // waited 30 s: not within 20 s
  at(250);
  sw.callerHangUp(c2); // handled 120 s; after-call work 250–260
  at(265);
  sw.notReady('alice', 'Break');
  at(300);
  const c3 = sw.inboundCall(CUSTOMER, '8000').callId; // nobody Ready: waits
  at(315);
  sw.callerHangUp(c3); // abandoned after 15 s
  at(400);
  const c4 = sw.inboundCall(CUSTOMER, '8000').callId; // waits
  at(430);
  sw.ready('bob'); // offered to bob at 430
  at(435);
  sw.answer('bob', c4); // waited 35 s
  at(535);
  sw.hangUp('bob', c4); // handled 100 s; after-call work 535–545
  at(600);
  const c5 = sw.inboundCall(CUSTOMER, '8001').callId; // support: offered to bob at 600, never answered
  at(650);
  sw.inboundCall(CUSTOMER, '8001'); // call 6 waits behind it
  at(660); // RONA: call 5 back at the front, bob Not Ready (RONA) 660–670
  at(670);
  sw.ready('bob'); // call 5 offered again
  at(680);
  sw.answer('bob', c5); // waited 80 s (since 600): not within support's 30 s
  at(700);
  return { clock, sw, book, records, live };
}

const byName = <T extends { name: string }>(list: readonly T[], name: string): T => list.find((x) => x.name === name)!;
const byAgent = (list: readonly AgentStats[], id: string): AgentStats => list.find((x) => x.agentId === id)!;

describe('statistics of a scripted day', () => {
  it('per queue: offered, answered, abandoned, service level, ASA, AHT, abandon rate, waiting', () => {
    const { book, live } = scriptedDay();
    const stats = book.figures(live());
    expect(stats.asOf).toBe(NINE + 700_000);
    expect(stats.since).toBe(MIDNIGHT);

    expect(byName(stats.queues, 'sales')).toEqual<QueueStats>({
      name: 'sales',
      serviceLevelSeconds: 20,
      waiting: 0,
      oldestWaitingSince: null,
      longestWaitMs: 0,
      offered: 4,
      answered: 3,
      abandoned: 1,
      answeredWithinThreshold: 1, // call 1 only (10 s); calls 2 (30 s) and 4 (35 s) are over 20 s
      serviceLevel: 1 / (3 + 1), // within / (answered + abandoned)
      averageSpeedOfAnswerMs: ((10 + 30 + 35) / 3) * 1000,
      averageHandleTimeMs: ((60 + 120 + 100) / 3) * 1000,
      abandonRate: 1 / 4,
    });
    expect(byName(stats.queues, 'support')).toEqual<QueueStats>({
      name: 'support',
      serviceLevelSeconds: 30,
      waiting: 1, // call 6
      oldestWaitingSince: NINE + 650_000,
      longestWaitMs: 50_000,
      offered: 2,
      answered: 1,
      abandoned: 0,
      answeredWithinThreshold: 0, // 80 s: the wait counts from its first queueing, not from RONA
      serviceLevel: 0,
      averageSpeedOfAnswerMs: 80_000,
      averageHandleTimeMs: null, // call 5 is still going on
      abandonRate: 0,
    });
  });

  it('per agent: state and time in it, calls handled, AHT, occupancy', () => {
    const { book, live } = scriptedDay();
    const { agents } = book.figures(live());
    // alice: Ready 0–10, 80–130, 260–265 = 65 s; busy 10–70, 130–250 = 180 s; ACW 70–80, 250–260 = 20 s.
    expect(byAgent(agents, 'alice')).toEqual<AgentStats>({
      agentId: 'alice',
      extension: '1001',
      state: 'NotReady',
      reasonCode: 'Break',
      workMode: 'AUX_WORK',
      stateSince: NINE + 265_000,
      timeInStateMs: 435_000,
      callsHandled: 2,
      averageHandleTimeMs: 90_000, // (60 + 120) / 2
      occupancy: 200 / 265,
      readyMs: 65_000,
      busyMs: 180_000,
      afterCallWorkMs: 20_000,
    });
    // bob: Ready 430–435, 545–660, 670–680 = 130 s; busy 435–535, 680–700 = 120 s; ACW 535–545 = 10 s.
    expect(byAgent(agents, 'bob')).toEqual<AgentStats>({
      agentId: 'bob',
      extension: '1002',
      state: 'Busy',
      reasonCode: null,
      workMode: null,
      stateSince: NINE + 680_000,
      timeInStateMs: 20_000,
      callsHandled: 2, // calls 4 and 5
      averageHandleTimeMs: 100_000, // call 4 only: call 5 is not over
      occupancy: 0.5, // (120 + 10) / (120 + 10 + 130)
      readyMs: 130_000,
      busyMs: 120_000,
      afterCallWorkMs: 10_000,
    });
  });

  it('the same records again (stored ones after a restart) change nothing', () => {
    const { book, records, live, clock } = scriptedDay();
    const before = book.figures(live());
    const version = book.version;
    for (const r of records) expect(book.addRecord(r)).toBe(false);
    expect(book.version).toBe(version);
    expect(book.figures(live())).toEqual(before);

    // A fresh book fed only the stored records (no agent states seen) has the same call figures.
    const restarted = new StatsBook({ now: () => clock.now(), dayStart });
    for (const r of records) restarted.addRecord(r);
    const again = restarted.figures(live());
    expect(again.queues).toEqual(before.queues);
    expect(again.agents.map((a) => [a.agentId, a.callsHandled, a.averageHandleTimeMs, a.stateSince])).toEqual([
      ['alice', 2, 90_000, null],
      ['bob', 2, 100_000, null],
    ]);
  });

  it('starts again at midnight, keeping each agent in the state they were in', () => {
    const { book, live, clock } = scriptedDay();
    const tomorrow = MIDNIGHT + 86_400_000;
    clock.advance(tomorrow + 60_000 - clock.now()); // 00:01 the next day; bob is still on call 5
    const stats = book.figures(live());
    expect(stats.since).toBe(tomorrow);
    expect(byName(stats.queues, 'sales')).toMatchObject({ offered: 0, answered: 0, abandoned: 0, serviceLevel: null, averageSpeedOfAnswerMs: null, abandonRate: null });
    expect(byName(stats.queues, 'support')).toMatchObject({ offered: 0, waiting: 1 });
    expect(byAgent(stats.agents, 'bob')).toMatchObject({ state: 'Busy', stateSince: NINE + 680_000, busyMs: 60_000, readyMs: 0, occupancy: 1, callsHandled: 0 });
  });

  it('a call blind-transferred to another queue counts in both, each agent for their own leg', () => {
    const r = (kind: CallRecord['kind'], s: number, extra: Partial<CallRecord> = {}): CallRecord => ({ kind, callId: 'c1', at: NINE + s * 1000, ani: CUSTOMER, ...extra });
    const stats = computeStats({
      now: NINE + 200_000,
      dayStart: MIDNIGHT,
      records: [
        r('queued', 0, { queue: 'sales' }),
        r('offered', 0, { queue: 'sales', agentId: 'a1' }),
        r('answered', 5, { queue: 'sales', agentId: 'a1' }),
        r('transferred', 65, { queue: 'sales', agentId: 'a1', detail: 'to 8001' }),
        r('queued', 65, { queue: 'support' }),
        r('offered', 70, { queue: 'support', agentId: 'a2' }),
        r('answered', 75, { queue: 'support', agentId: 'a2' }),
        r('ended', 135, { queue: 'support' }),
      ],
      agentStates: [],
      queues: [],
      agents: [{ agentId: 'a1', state: 'Ready' }, { agentId: 'a2', state: 'Ready' }],
    });
    // sales: waited 5 s, handled from 5 to the end (135); support: waited 10 s (65–75), handled 75–135.
    expect(stats.queues.map((q) => [q.name, q.offered, q.answered, q.averageSpeedOfAnswerMs, q.averageHandleTimeMs])).toEqual([
      ['sales', 1, 1, 5000, 130_000],
      ['support', 1, 1, 10_000, 60_000],
    ]);
    // a1 from 5 to the transfer at 65, a2 from 75 to the end at 135.
    expect(stats.agents.map((a) => [a.agentId, a.callsHandled, a.averageHandleTimeMs])).toEqual([
      ['a1', 1, 60_000],
      ['a2', 1, 60_000],
    ]);
  });

  it('nothing happened: no figure is made up', () => {
    const stats = computeStats({ now: NINE, dayStart: MIDNIGHT, records: [], agentStates: [], queues: [{ name: 'sales', dnis: '8000', waiting: [], readyAgents: [] }], agents: [{ agentId: 'alice', state: 'Logout' }] });
    expect(stats.queues[0]).toMatchObject({ offered: 0, serviceLevel: null, averageSpeedOfAnswerMs: null, averageHandleTimeMs: null, abandonRate: null, serviceLevelSeconds: 20 });
    expect(stats.agents[0]).toMatchObject({ state: 'Logout', stateSince: null, timeInStateMs: null, occupancy: null, callsHandled: 0 });
  });

  it('the change key ignores what only time changes, and sees a new call', () => {
    const { book, live, clock, sw } = scriptedDay();
    const first = changeKey(book.figures(live()));
    clock.advance(5000);
    expect(changeKey(book.figures(live()))).toBe(first);
    sw.inboundCall(CUSTOMER, '8000');
    expect(changeKey(book.figures(live()))).not.toBe(first);
  });
});
