/**
 * The call center as a state machine: sessions, numbered frames, grace periods and node loss, and
 * the property a cluster rests on — a fresh replica that applies the same log holds the same state
 * and produces the same frames.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCallCenter, type CallCenter, type CenterOptions, type Effect } from '../../../src/server/center/center.js';
import type { Input, SwitchSetup } from '../../../src/server/center/inputs.js';
import { createLocalDriver } from '../../../src/server/center/local-driver.js';
import { fuzzParameters } from '../../fuzz/parameters.js';

const SETUP: SwitchSetup = {
  agents: [
    { agentId: 'agent1', extension: '5001', skills: ['sales'] },
    { agentId: 'agent2', extension: '5002', skills: ['sales'] },
  ],
  queues: [{ name: 'sales', dnis: '8000' }],
  wrapUpMs: 0,
  ringTimeoutMs: 20_000,
  farEndAnswerMs: 0,
};
const T0 = Date.UTC(2026, 0, 1, 9);

/** A center with its log: every applied input is kept, with its time, as a cluster log would. */
function logged(graceMs = 60_000, replay: Omit<CenterOptions, 'sessionGraceMs'> = {}) {
  const center = createCallCenter({ sessionGraceMs: graceMs, ...replay });
  const effects: Effect[] = [];
  center.onEffect = (e) => effects.push(e);
  const log: { input: Input; at: number }[] = [];
  let now = T0;
  const apply = (input: Input, advance = 1): unknown => {
    now += advance;
    log.push({ input, at: now });
    return center.apply(input, now);
  };
  apply({ k: 'init', setup: SETUP });
  return { center, effects, log, apply, now: () => now };
}

function replay(log: readonly { input: Input; at: number }[], graceMs = 60_000): { center: CallCenter; effects: Effect[] } {
  const center = createCallCenter({ sessionGraceMs: graceMs });
  const effects: Effect[] = [];
  center.onEffect = (e) => effects.push(e);
  for (const { input, at } of log) {
    try {
      center.apply(input, at);
    } catch {
      // a refusal is part of the log's history too
    }
  }
  return { center, effects };
}

const frames = (effects: Effect[], sessionId: string) =>
  effects.flatMap((e) => (e.kind === 'frame' && e.sessionId === sessionId ? [JSON.parse(e.frame) as { seq: number; event: { pyEventName: string } }] : []));

const login = (agentId: string, socket: string, sessionId = `s-${agentId}`): Extract<Input, { k: 'login' }> => ({ k: 'login', agentId, extension: '', sessionId, tokenHash: `h-${agentId}`, socket });

describe('sessions', () => {
  it('login opens a session, attaches the socket and numbers its Snapshot; a second desktop is refused while one is attached', () => {
    const c = logged();
    const result = c.apply(login('agent1', 'n1/b/1')) as { seq: number; extension: string };
    expect(result.extension).toBe('5001');
    const sent = frames(c.effects, 's-agent1');
    expect(sent.at(-1)).toMatchObject({ seq: result.seq + 1, event: { pyEventName: 'Snapshot' } });
    expect(c.effects).toContainEqual({ kind: 'attached', sessionId: 's-agent1', socket: 'n1/b/1' });
    expect(() => c.apply(login('agent1', 'n2/b/1', 's-other'))).toThrow(/already logged in on extension 5001 with a desktop open/);
  });

  it('resume replays what the socket missed, in order, then a Snapshot; a seq no longer kept gets only the Snapshot', () => {
    const c = logged();
    c.apply(login('agent1', 'n1/b/1'));
    const lastSeen = frames(c.effects, 's-agent1').at(-1)!.seq;
    c.apply({ k: 'switch', m: 'ready', a: ['agent1'] });
    c.apply({ k: 'switch', m: 'notReady', a: ['agent1', 'BREAK'] });
    c.effects.length = 0;
    c.apply({ k: 'resume', tokenHash: 'h-agent1', lastSeq: lastSeen, socket: 'n2/b/7' });
    const to = c.effects.flatMap((e) => (e.kind === 'frame' && e.to === 'n2/b/7' ? [JSON.parse(e.frame) as { seq: number; event: { pyEventName: string } }] : []));
    expect(to.map((f) => f.seq)).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3]);
    expect(to.at(-1)!.event.pyEventName).toBe('Snapshot');
    expect(() => c.apply({ k: 'resume', tokenHash: 'nope', socket: 'n2/b/8' })).toThrow(/session token is unknown/);
  });

  describe('the replay buffer', () => {
    /** Resumes agent1 from `lastSeq` on a new socket: the seqs it is sent. */
    const resumeSeqs = (c: ReturnType<typeof logged>, lastSeq: number, socket: string) => {
      c.effects.length = 0;
      c.apply({ k: 'resume', tokenHash: 'h-agent1', lastSeq, socket });
      return c.effects.flatMap((e) => (e.kind === 'frame' && e.to === socket ? [(JSON.parse(e.frame) as { seq: number }).seq] : []));
    };
    const busy = (c: ReturnType<typeof logged>, changes: number, everyMs = 1) => {
      for (let i = 0; i < changes; i++) c.apply({ k: 'switch', m: i % 2 === 0 ? 'ready' : 'notReady', a: i % 2 === 0 ? ['agent1'] : ['agent1', 'BREAK'] }, everyMs);
    };

    it('keeps at most replayMaxBytes of frame text: a resume from before what is kept gets the Snapshot alone', () => {
      const c = logged(60_000, { replayMaxBytes: 2_000 });
      c.apply(login('agent1', 'n1/b/1'));
      const start = c.center.sessions.get('agent1')!.seq;
      busy(c, 40);
      const session = c.center.sessions.get('agent1')!;
      expect(session.replayBytes).toBeLessThanOrEqual(2_000);
      expect(session.replayBytes).toBe(session.replay.reduce((n, r) => n + r.frame.length, 0));
      expect(session.replay.length).toBeLessThan(40);
      // Still kept: everything after it, then the Snapshot.
      const kept = session.replay[0]!.seq;
      const seq = session.seq;
      expect(resumeSeqs(c, kept - 1, 'n2/b/1')).toEqual([...Array.from({ length: seq - kept + 1 }, (_, i) => kept + i), seq + 1]);
      // Dropped: the Snapshot alone, as when the count limit dropped it.
      expect(resumeSeqs(c, start, 'n2/b/2')).toEqual([c.center.sessions.get('agent1')!.seq]);
    });

    it('keeps no frame older than replayMaxAgeMs of log time, even when the session went quiet', () => {
      const c = logged(60_000, { replayMaxAgeMs: 1_000 });
      c.apply(login('agent1', 'n1/b/1'));
      const before = c.center.sessions.get('agent1')!.seq;
      busy(c, 4);
      c.apply({ k: 'detach', sessionId: 'none', socket: 'n9/b/9' }, 1_500); // log time moves on; agent1 is quiet
      expect(resumeSeqs(c, before, 'n2/b/1')).toEqual([c.center.sessions.get('agent1')!.seq]);
      busy(c, 2, 400);
      const session = c.center.sessions.get('agent1')!;
      expect(session.replay.every((r) => r.at >= c.now() - 1_000)).toBe(true);
      const seq = session.seq;
      expect(resumeSeqs(c, seq - 1, 'n2/b/2')).toEqual([seq, seq + 1]);
    });

    it('refuses a bound that is not a whole number ≥ 0, naming it', () => {
      expect(() => createCallCenter({ sessionGraceMs: 0, replayMaxBytes: -1 })).toThrow(/replayMaxBytes must be a whole number ≥ 0, not -1/);
      expect(() => createCallCenter({ sessionGraceMs: 0, replayMaxAgeMs: 1.5 })).toThrow(/replayMaxAgeMs must be a whole number ≥ 0, not 1.5/);
      expect(() => createCallCenter({ sessionGraceMs: 0, replayLimit: Number.NaN })).toThrow(/replayLimit must be/);
    });
  });

  it('with no socket left, the agent is logged out when the grace timer fires, not before', () => {
    const c = logged(5000);
    c.apply(login('agent1', 'n1/b/1'));
    c.apply({ k: 'detach', sessionId: 's-agent1', socket: 'n1/b/1' });
    const [grace] = c.center.clock.pending();
    expect(grace!.due).toBe(c.now() + 5000);
    expect(c.center.sessions.has('agent1')).toBe(true);
    c.apply({ k: 'timer', id: grace!.id }, 5000);
    expect(c.center.sessions.has('agent1')).toBe(false);
    expect(c.center.switch!.agents().find((a) => a.agentId === 'agent1')?.state).toBe('Logout');
    expect(c.effects.at(-1)).toEqual({ kind: 'closed', sessionId: 's-agent1' });
  });

  it('a node that is gone takes its sockets along: only its agents start their grace period', () => {
    const c = logged();
    c.apply(login('agent1', 'nodeA/b1/1'));
    c.apply(login('agent2', 'nodeB/b1/1'));
    c.apply({ k: 'nodeGone', prefix: 'nodeA/b1/' });
    expect(c.center.sessions.get('agent1')!.sockets.size).toBe(0);
    expect(c.center.sessions.get('agent1')!.graceTimer).toBeDefined();
    expect(c.center.sessions.get('agent2')!.sockets.size).toBe(1);
    // resuming elsewhere ends the grace period
    c.apply({ k: 'resume', tokenHash: 'h-agent1', socket: 'nodeB/b1/2' });
    expect(c.center.sessions.get('agent1')!.graceTimer).toBeUndefined();
  });

  it('an administrator ends a session: the closing Snapshot, then closed with OPENCTI_SESSION_ENDED', () => {
    const c = logged();
    c.apply(login('agent1', 'n1/b/1'));
    expect(c.apply({ k: 'end', agentId: 'agent1', reasonCode: 'EOD', why: 'shift over' })).toBe(true);
    expect(c.effects.at(-1)).toEqual({ kind: 'closed', sessionId: 's-agent1', error: { errCode: 'OPENCTI_SESSION_ENDED', errMessage: 'shift over' } });
    expect(frames(c.effects, 's-agent1').at(-1)!.event.pyEventName).toBe('Snapshot');
    expect(c.apply({ k: 'end', agentId: 'agent1', reasonCode: '', why: '' })).toBe(false);
  });

  it('a switch command for a session that has ended is refused', () => {
    const c = logged();
    c.apply(login('agent1', 'n1/b/1'));
    c.apply({ k: 'logout', sessionId: 's-agent1', reasonCode: '' });
    expect(() => c.apply({ k: 'switch', m: 'ready', a: ['agent1'], session: 's-agent1' })).toThrow(/no logged-in agent/);
  });
});

describe('replicas', () => {
  const action = fc.oneof(
    fc.record({ k: fc.constant('login' as const), agent: fc.constantFrom('agent1', 'agent2'), node: fc.constantFrom('a', 'b') }),
    fc.record({ k: fc.constant('resume' as const), agent: fc.constantFrom('agent1', 'agent2'), node: fc.constantFrom('a', 'b'), back: fc.nat(6) }),
    fc.record({ k: fc.constant('detach' as const), agent: fc.constantFrom('agent1', 'agent2'), node: fc.constantFrom('a', 'b') }),
    fc.record({ k: fc.constant('nodeGone' as const), node: fc.constantFrom('a', 'b') }),
    fc.record({ k: fc.constant('call' as const), to: fc.constantFrom('8000', '5001', '5002') }),
    fc.record({ k: fc.constant('agent' as const), agent: fc.constantFrom('agent1', 'agent2'), m: fc.constantFrom('ready', 'notReady', 'answer', 'hangUp', 'hold', 'retrieve') }),
    fc.record({ k: fc.constant('callerHangUp' as const) }),
    fc.record({ k: fc.constant('timer' as const), advance: fc.integer({ min: 0, max: 70_000 }) }),
  );

  it('a fresh replica that applies the same log holds the same state and sends the same frames', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), (actions) => {
        const c = logged(30_000);
        let socketNo = 0;
        for (const act of actions) {
          const sessionId = (agent: string) => c.center.sessions.get(agent)?.sessionId ?? 'none';
          const firstCall = () => c.center.switch!.calls()[0]?.callId ?? 'none';
          let input: Input;
          switch (act.k) {
            case 'login':
              input = { ...login(act.agent, `${act.node}/1/${++socketNo}`), sessionId: `s${socketNo}`, tokenHash: `h${act.agent}${socketNo}` };
              break;
            case 'resume':
              input = { k: 'resume', tokenHash: c.center.sessions.get(act.agent)?.tokenHash ?? 'none', lastSeq: Math.max(0, (c.center.sessions.get(act.agent)?.seq ?? 0) - act.back), socket: `${act.node}/1/${++socketNo}` };
              break;
            case 'detach':
              input = { k: 'detach', sessionId: sessionId(act.agent), socket: [...(c.center.sessions.get(act.agent)?.sockets ?? [])].find((s) => s.startsWith(act.node)) ?? 'none' };
              break;
            case 'nodeGone':
              input = { k: 'nodeGone', prefix: `${act.node}/1/` };
              break;
            case 'call':
              input = { k: 'switch', m: 'inboundCall', a: ['+1555', act.to] };
              break;
            case 'agent':
              input = { k: 'switch', m: act.m, a: act.m === 'ready' ? [act.agent] : act.m === 'notReady' ? [act.agent, 'BREAK'] : [act.agent, firstCall()] };
              break;
            case 'callerHangUp':
              input = { k: 'switch', m: 'callerHangUp', a: [firstCall()] };
              break;
            case 'timer': {
              const due = c.center.clock.pending().sort((x, y) => x.due - y.due)[0];
              if (!due) continue;
              input = { k: 'timer', id: due.id };
              try {
                c.apply(input, Math.max(1, due.due - c.now()) + act.advance % 10);
              } catch {
                // refused: still in the log
              }
              continue;
            }
          }
          try {
            c.apply(input);
          } catch {
            // refused: still in the log
          }
        }
        const fresh = replay(c.log, 30_000);
        expect(fresh.center.digest()).toBe(c.center.digest());
        expect(fresh.effects).toEqual(c.effects);
      }),
      fuzzParameters(200),
    );
  });
});

describe('local driver', () => {
  it('a listener removed during a delivery, by itself or another, gets nothing more; the others miss nothing; one added meanwhile starts with the next effect', async () => {
    const driver = createLocalDriver(SETUP, { sessionGraceMs: 60_000 });
    try {
      const seen: Record<'a' | 'b' | 'c' | 'late', Effect[]> = { a: [], b: [], c: [], late: [] };
      let offB = (): void => undefined;
      const offA = driver.onEffect((e) => {
        seen.a.push(e);
        offA();
        offA(); // twice: harmless
        offB(); // B comes after A: it does not get this effect
        driver.onEffect((x) => seen.late.push(x));
      });
      offB = driver.onEffect((e) => seen.b.push(e));
      driver.onEffect((e) => seen.c.push(e));
      await driver.exec(login('agent1', 'local/x/1'));
      await driver.exec({ k: 'switch', m: 'ready', a: ['agent1'] });
      expect(seen.c.length).toBeGreaterThan(2);
      expect(seen.a).toEqual(seen.c.slice(0, 1));
      expect(seen.b).toEqual([]);
      expect(seen.late).toEqual(seen.c.slice(1));
    } finally {
      driver.close();
    }
  });

  it('arms real timers: a grace period of 50 ms logs the agent out by itself', async () => {
    const driver = createLocalDriver(SETUP, { sessionGraceMs: 50 });
    try {
      const closed = new Promise<Effect>((resolve) => driver.onEffect((e) => e.kind === 'closed' && resolve(e)));
      await driver.exec(login('agent1', 'local/x/1'));
      await driver.exec({ k: 'detach', sessionId: 's-agent1', socket: 'local/x/1' });
      expect(await closed).toEqual({ kind: 'closed', sessionId: 's-agent1' });
      expect(driver.center.switch!.agents().find((a) => a.agentId === 'agent1')?.state).toBe('Logout');
    } finally {
      driver.close();
    }
  });
});
