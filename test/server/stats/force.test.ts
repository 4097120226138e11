/**
 * The `force` input of the call center: what a supervisor's force does to the agent and their
 * session, and that a second replica applying the same log ends in the same state (a cluster).
 */
import { describe, expect, it } from 'vitest';
import { createCallCenter, type Effect } from '../../../src/server/center/center.js';
import type { Input, SwitchSetup } from '../../../src/server/center/inputs.js';
import { SwitchError } from '../../../src/server/switch/index.js';

const SETUP: SwitchSetup = {
  agents: [
    { agentId: 'agent1', extension: '5001', skills: ['sales'] },
    { agentId: 'sup', extension: '5009', skills: [] },
  ],
  queues: [{ name: 'sales', dnis: '8000' }],
  wrapUpMs: 0,
  ringTimeoutMs: 20_000,
  farEndAnswerMs: 0,
};
const T0 = Date.UTC(2026, 0, 1, 9);

function replica() {
  const center = createCallCenter({ sessionGraceMs: 60_000 });
  const effects: Effect[] = [];
  center.onEffect = (e) => effects.push(e);
  return { center, effects };
}

/** Applies the inputs in order on a fresh replica, one ms apart; refusals are kept as their code. */
function run(inputs: readonly Input[]) {
  const r = replica();
  const results = inputs.map((input, i) => {
    try {
      return r.center.apply(input, T0 + i);
    } catch (error) {
      return error instanceof SwitchError ? error.errCode : error;
    }
  });
  return { ...r, results };
}

const login: Input = { k: 'login', agentId: 'agent1', extension: '', sessionId: 's1', tokenHash: 'h1', socket: 'n/1/1' };
const frames = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'frame' ? [JSON.parse(e.frame) as { event: Record<string, unknown> }] : []));

describe('the force input', () => {
  it('puts an agent Not Ready now, or after their call, with the reason as reason code', () => {
    const { results, effects, center } = run([
      { k: 'init', setup: SETUP },
      login,
      { k: 'switch', m: 'ready', a: ['agent1'] },
      { k: 'force', agentId: 'agent1', state: 'NotReady', reasonCode: 'Team meeting', by: 'sup' },
      { k: 'force', agentId: 'agent1', state: 'NotReady', reasonCode: 'Team meeting', by: 'sup' },
      { k: 'switch', m: 'ready', a: ['agent1'] },
      { k: 'switch', m: 'inboundCall', a: ['+331', '8000'] },
    ]);
    expect(results[3]).toEqual({ agentId: 'agent1', state: 'NotReady', reasonCode: 'Team meeting', when: 'now' });
    expect(results[4]).toBe('OPENCTI_IN_SAME_STATE');
    const notReady = frames(effects).filter((f) => f.event.pyEventType === 'AgentStateEvent' && f.event.pyEventName === 'NotReady');
    expect(notReady.at(-1)?.event.pyReasonCode).toBe('Team meeting');

    const callId = center.switch!.calls()[0]!.callId;
    center.apply({ k: 'switch', m: 'answer', a: ['agent1', callId] }, T0 + 10);
    expect(center.apply({ k: 'force', agentId: 'agent1', state: 'NotReady', reasonCode: 'Coaching', by: 'sup' }, T0 + 11)).toMatchObject({ when: 'afterCall' });
    expect(center.switch!.agents().find((a) => a.agentId === 'agent1')?.state).toBe('Busy');
    expect(() => center.apply({ k: 'force', agentId: 'agent1', state: 'Logout', reasonCode: 'Now', by: 'sup' }, T0 + 12)).toThrow(/cannot log out during call/);
    center.apply({ k: 'switch', m: 'callerHangUp', a: [callId] }, T0 + 13);
    expect(center.switch!.agents().find((a) => a.agentId === 'agent1')).toMatchObject({ state: 'NotReady', reasonCode: 'Coaching' });
  });

  it('logs an agent out and ends their session, telling the desktop who and why', () => {
    const { results, effects, center } = run([
      { k: 'init', setup: SETUP },
      login,
      { k: 'force', agentId: 'agent1', state: 'Logout', reasonCode: 'End of shift', by: 'sup' },
      { k: 'force', agentId: 'agent1', state: 'Logout', reasonCode: 'End of shift', by: 'sup' },
      { k: 'force', agentId: 'ghost', state: 'NotReady', reasonCode: 'x', by: 'admin' },
    ]);
    expect(results.slice(2)).toEqual([{ agentId: 'agent1', state: 'Logout', reasonCode: 'End of shift', when: 'now' }, 'OPENCTI_AGENT_NOT_LOGGED_IN', 'OPENCTI_INVALID_ACTION']);
    expect(center.sessions.size).toBe(0);
    expect(effects.find((e) => e.kind === 'closed')).toEqual({
      kind: 'closed',
      sessionId: 's1',
      error: { errCode: 'OPENCTI_SESSION_ENDED', errMessage: 'supervisor "sup" logged you out: End of shift' },
    });
    const logout = frames(effects).find((f) => f.event.pyEventName === 'Logout');
    expect(logout?.event.pyReasonCode).toBe('End of shift');
  });

  it('gives the same state on every replica that applies the same log', () => {
    const log: Input[] = [
      { k: 'init', setup: SETUP },
      login,
      { k: 'login', agentId: 'sup', extension: '', sessionId: 's2', tokenHash: 'h2', socket: 'n/1/2' },
      { k: 'switch', m: 'ready', a: ['agent1'] },
      { k: 'force', agentId: 'agent1', state: 'NotReady', reasonCode: 'Break', by: 'sup' },
      { k: 'force', agentId: 'agent1', state: 'Logout', reasonCode: 'Done', by: 'sup' },
    ];
    const a = run(log);
    const b = run(log);
    expect(a.center.digest()).toBe(b.center.digest());
    expect(a.effects).toEqual(b.effects);
    expect(a.center.switch!.agents().find((x) => x.agentId === 'agent1')?.state).toBe('Logout');
  });
});
