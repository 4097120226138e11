/**
 * Supervision as an input of the call center: the supervisor's session gets the supervised call's
 * events, the agent's session none while monitored, and two replicas applying the same log agree.
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

const LOG: Input[] = [
  { k: 'init', setup: SETUP },
  { k: 'login', agentId: 'agent1', extension: '', sessionId: 's1', tokenHash: 'h1', socket: 'n/1/1' },
  { k: 'login', agentId: 'sup', extension: '', sessionId: 's2', tokenHash: 'h2', socket: 'n/1/2' },
  { k: 'switch', m: 'ready', a: ['agent1'] },
  { k: 'switch', m: 'inboundCall', a: ['+331', '8000'] },
];

function run(inputs: readonly Input[]) {
  const center = createCallCenter({ sessionGraceMs: 60_000 });
  const effects: Effect[] = [];
  center.onEffect = (e) => effects.push(e);
  const results = inputs.map((input, i) => {
    try {
      return center.apply(input, T0 + i);
    } catch (error) {
      return error instanceof SwitchError ? error.errCode : error;
    }
  });
  return { center, effects, results };
}

const events = (effects: Effect[], sessionId: string) =>
  effects.flatMap((e) => (e.kind === 'frame' && e.sessionId === sessionId ? [(JSON.parse(e.frame) as { event: Record<string, unknown> }).event] : []));

describe('supervise through the call center', () => {
  it('reaches the supervisor’s session, not the agent’s while monitoring, the same on every replica', () => {
    const first = run(LOG);
    const callId = first.center.switch!.calls()[0]!.callId;
    const log: Input[] = [
      ...LOG,
      { k: 'switch', m: 'answer', a: ['agent1', callId] },
      { k: 'switch', m: 'supervise', a: ['sup', 'agent1', 'monitor'] },
      { k: 'switch', m: 'supervise', a: ['sup', 'agent1', 'monitor'] },
      { k: 'switch', m: 'supervise', a: ['sup', 'agent1', 'barge'] },
      { k: 'switch', m: 'supervise', a: ['sup', 'agent1', 'leave'] },
    ];
    const a = run(log);
    const b = run(log);
    expect(a.results.slice(LOG.length + 1)).toEqual([
      { supervisorId: 'sup', agentId: 'agent1', callId, mode: 'monitor' },
      'OPENCTI_IN_SAME_STATE',
      { supervisorId: 'sup', agentId: 'agent1', callId, mode: 'barge' },
      { supervisorId: 'sup', agentId: 'agent1', callId, mode: 'leave' },
    ]);
    expect(a.center.digest()).toBe(b.center.digest());
    expect(a.effects).toEqual(b.effects);

    const sup = events(a.effects, 's2').filter((e) => e.pyCallId === callId);
    expect(sup.map((e) => e.pyEventName)).toEqual(['Established', 'PartyInfo', 'PartyInfo', 'Disconnected']);
    const agentParties = events(a.effects, 's1').filter((e) => e.pyEventType === 'PartyInfoEvent').map((e) => e.pyParties);
    // one PartyInfo when the supervisor barged in, one when they left; none for the monitor
    expect(agentParties).toEqual([
      [{ pyDN: '+331' }, { pyDN: '5001' }, { pyDN: '5009', role: 'barge' }],
      [{ pyDN: '+331' }, { pyDN: '5001' }],
    ]);
  });
});
