import { describe, expect, it } from 'vitest';
import { SwitchError } from '../../../src/server/switch/index.js';
import { harness } from './harness.js';

/** A small seeded generator, so that a failure replays exactly. */
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const AGENT_IDS = ['alice', 'bob', 'carol', 'dave'];
const NUMBERS = ['1001', '1002', '1003', '1004', '8000', '8001', '+33799999999', '+33611111111', '99', ''];

describe('random sequences of requests', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`keep the model consistent (seed ${seed})`, () => {
      const h = harness({ wrapUpMs: 3000, ringTimeoutMs: 5000, farEndAnswerMs: 1000, farEnds: { '+33799999999': 'answer', '+33611111111': 'busy' } });
      const random = lcg(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const callIds = () => [...h.sw.calls().map((c) => c.callId), 'nope'];
      /** Mostly a call the agent really has, sometimes any call, so that both paths get exercised. */
      const mine = (agentId: string, index = 0): string => {
        const calls = h.sw.snapshot(agentId).pyCalls ?? [];
        const own = calls[index] ?? calls[0];
        return own && random() < 0.9 ? own.pyCallId : pick(callIds());
      };
      const onCall = (fn: (agentId: string, callId: string) => unknown) => () => {
        const agentId = pick(AGENT_IDS);
        return fn(agentId, mine(agentId));
      };
      const onPair = (fn: (agentId: string, held: string, active: string) => unknown) => () => {
        const agentId = pick(AGENT_IDS);
        const calls = (h.sw.snapshot(agentId).pyCalls ?? []).map((c) => ({ id: c.pyCallId, held: c.pyEventName === 'Held' }));
        const held = calls.find((c) => c.held)?.id ?? pick(callIds());
        const active = calls.find((c) => !c.held)?.id ?? pick(callIds());
        return fn(agentId, held, active);
      };
      const ops: (() => unknown)[] = [
        () => h.sw.login(pick(AGENT_IDS), ''),
        () => h.sw.logout(pick(AGENT_IDS), 'X'),
        () => h.sw.ready(pick(AGENT_IDS)),
        () => h.sw.ready(pick(AGENT_IDS)),
        () => h.sw.notReady(pick(AGENT_IDS), pick(['', 'BREAK']), pick(['AUX_WORK', 'ACW'])),
        () => h.sw.inboundCall(pick(['+33612345678', '+33700000000']), pick(['8000', '8001', '1001', '1003'])),
        onCall((a, c) => h.sw.answer(a, c)),
        onCall((a, c) => h.sw.answer(a, c)),
        onCall((a, c) => h.sw.answer(a, c)),
        onCall((a, c) => h.sw.hangUp(a, c)),
        onCall((a, c) => h.sw.hold(a, c)),
        onCall((a, c) => h.sw.retrieve(a, c)),
        () => h.sw.makeCall(pick(AGENT_IDS), pick(NUMBERS)),
        onCall((a, c) => h.sw.sendDtmf(a, c, '12')),
        onCall((a, c) => h.sw.setCallData(a, c, { step: String(random()) })),
        onCall((a, c) => h.sw.blindTransfer(a, c, pick(NUMBERS))),
        onCall((a, c) => h.sw.consult(a, c, pick(NUMBERS), { k: 'v' })),
        onCall((a, c) => h.sw.consult(a, c, pick(NUMBERS))),
        onPair((a, held, active) => h.sw.transferComplete(a, held, active)),
        onPair((a, held, active) => h.sw.conferenceComplete(a, held, active)),
        onPair((a, held, active) => h.sw.alternate(a, held, active)),
        onCall((a, c) => h.sw.dropParty(a, c, pick(NUMBERS))),
        () => h.sw.supervise(pick(AGENT_IDS), pick(AGENT_IDS), pick(['monitor', 'whisper', 'barge', 'leave'] as const)),
        () => h.sw.supervise(pick(AGENT_IDS), pick(AGENT_IDS), pick(['monitor', 'whisper', 'barge', 'leave'] as const)),
        () => h.sw.callerHangUp(pick(callIds())),
        () => h.sw.farEndAnswer(pick(callIds())),
        () => h.clock.advance(Math.floor(random() * 6000)),
      ];
      for (let step = 0; step < 1500; step++) {
        try {
          pick(ops)();
        } catch (error) {
          if (!(error instanceof SwitchError)) throw new Error(`step ${step}: ${String(error)}`, { cause: error });
        }
        for (const call of h.sw.calls()) {
          expect(call.parties.length, `call ${call.callId} at step ${step}`).toBeGreaterThan(0);
          if (call.state !== 'queued') expect(call.parties.length, `call ${call.callId} at step ${step}`).toBeGreaterThan(1);
        }
        if (step % 10 !== 0) continue;
        for (const agent of h.sw.agents()) {
          const snap = h.snapshot(agent.agentId);
          for (const c of snap.pyCalls ?? []) expect(h.sw.calls().some((x) => x.callId === c.pyCallId)).toBe(true);
          if (agent.state === 'Logout') expect(snap.pyCalls).toEqual([]);
          // Busy exactly while a call is more than ringing
          const active = (snap.pyCalls ?? []).some((c) => c.pyEventName !== 'Alerting');
          if (agent.state !== 'Logout') expect(snap.pyAgentState === 'Busy', `${agent.agentId} at step ${step}`).toBe(active);
        }
      }
      // everybody hangs up: nothing is left behind
      for (const call of h.sw.calls()) {
        for (const dn of call.parties) {
          const agent = h.sw.agents().find((a) => a.extension === dn);
          try {
            if (agent && h.sw.calls().some((c) => c.callId === call.callId)) h.sw.hangUp(agent.agentId, call.callId);
          } catch (error) {
            if (!(error instanceof SwitchError)) throw error;
          }
        }
        if (h.sw.calls().some((c) => c.callId === call.callId)) h.sw.callerHangUp(call.callId);
      }
      h.clock.advance(10_000);
      expect(h.sw.calls()).toEqual([]);
      expect(h.sw.agents().every((a) => a.state !== 'Busy')).toBe(true);
      expect(h.events.length).toBeGreaterThan(100);
      h.done();
    });
  }
});
