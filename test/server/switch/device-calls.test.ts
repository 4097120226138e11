/**
 * The switch keeps, per extension, the calls it is in, instead of scanning every call on each
 * event. Over random sequences of requests, what each agent is told stays what the whole list of
 * calls says: their Snapshot lists exactly the calls they take part in, in the order the calls
 * were made, and a call offers the held/talking pair requests exactly when another of their calls
 * is in the other state.
 */
import { describe, expect, it } from 'vitest';
import { SwitchError } from '../../../src/server/switch/index.js';
import { harness } from './harness.js';

function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const AGENT_IDS = ['alice', 'bob', 'carol', 'dave'];
const NUMBERS = ['1001', '1002', '1003', '1004', '8000', '8001', '+33799999999', '99'];
const PAIR = ['transferComplete', 'conferenceComplete', 'alternateCall'];

describe("an extension's calls", () => {
  for (const seed of [11, 12, 13]) {
    it(`agree with the list of every call over random requests (seed ${seed})`, () => {
      const h = harness({ wrapUpMs: 3000, ringTimeoutMs: 5000, farEndAnswerMs: 1000, farEnds: { '+33799999999': 'answer' } });
      const random = lcg(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const own = (agentId: string) => (h.sw.snapshot(agentId).pyCalls ?? []).map((c) => ({ id: c.pyCallId, held: c.pyEventName === 'Held' }));
      const anyCall = () => pick([...h.sw.calls().map((c) => c.callId), 'nope']);
      const onCall = (fn: (agentId: string, callId: string) => unknown) => () => {
        const agentId = pick(AGENT_IDS);
        return fn(agentId, pick(own(agentId))?.id ?? anyCall());
      };
      const onPair = (fn: (agentId: string, held: string, active: string) => unknown) => () => {
        const agentId = pick(AGENT_IDS);
        const calls = own(agentId);
        return fn(agentId, calls.find((c) => c.held)?.id ?? anyCall(), calls.find((c) => !c.held)?.id ?? anyCall());
      };
      const ops: (() => unknown)[] = [
        () => h.sw.login(pick(AGENT_IDS), ''),
        () => h.sw.ready(pick(AGENT_IDS)),
        () => h.sw.logout(pick(AGENT_IDS), ''),
        () => h.sw.inboundCall(pick(['+33612345678', '+33700000000']), pick(['8000', '8001', '1001', '1003'])),
        () => h.sw.makeCall(pick(AGENT_IDS), pick(NUMBERS)),
        () => h.sw.makeCall(pick(AGENT_IDS), pick(NUMBERS)),
        onCall((a, c) => h.sw.answer(a, c)),
        onCall((a, c) => h.sw.answer(a, c)),
        onCall((a, c) => h.sw.hangUp(a, c)),
        onCall((a, c) => h.sw.hold(a, c)),
        onCall((a, c) => h.sw.retrieve(a, c)),
        onCall((a, c) => h.sw.consult(a, c, pick(NUMBERS))),
        onCall((a, c) => h.sw.consult(a, c, pick(NUMBERS))),
        onCall((a, c) => h.sw.consult(a, c, pick(NUMBERS))),
        onCall((a, c) => h.sw.blindTransfer(a, c, pick(NUMBERS))),
        onCall((a, c) => h.sw.dropParty(a, c, pick(NUMBERS))),
        onPair((a, held, active) => h.sw.transferComplete(a, held, active)),
        onPair((a, held, active) => h.sw.conferenceComplete(a, held, active)),
        onPair((a, held, active) => h.sw.alternate(a, held, active)),
        () => h.sw.supervise(pick(AGENT_IDS), pick(AGENT_IDS), pick(['monitor', 'whisper', 'barge', 'leave'] as const)),
        () => h.sw.callerHangUp(anyCall()),
        () => h.clock.advance(Math.floor(random() * 6000)),
      ];
      let pairs = 0;
      for (let step = 0; step < 1200; step++) {
        try {
          pick(ops)();
        } catch (error) {
          if (!(error instanceof SwitchError)) throw new Error(`step ${step}: ${String(error)}`, { cause: error });
        }
        const calls = h.sw.calls();
        for (const agent of h.sw.agents()) {
          if (agent.extension === undefined) continue;
          const where = `${agent.agentId} at step ${step}`;
          const listed = h.sw.snapshot(agent.agentId).pyCalls ?? [];
          const expected = calls.filter((c) => c.parties.includes(agent.extension as string)).map((c) => c.callId);
          expect(listed.map((c) => c.pyCallId), where).toEqual(expected);
          for (const call of listed) {
            const want = call.pyEventName === 'Held' ? 'Established' : call.pyEventName === 'Established' ? 'Held' : undefined;
            const paired = want !== undefined && listed.some((other) => other !== call && other.pyEventName === want);
            // A supervisor's leg only ever hangs up; the phone limits are not used here.
            const capabilities = call.pyCapabilities ?? [];
            const supervising = capabilities.length <= 1;
            if (!supervising) expect(PAIR.every((r) => capabilities.includes(r)), `${where}, call ${call.pyCallId}`).toBe(paired);
            if (paired && !supervising) pairs++;
          }
        }
      }
      // The sequences do reach a held call next to a talking one.
      expect(pairs).toBeGreaterThan(0);
      h.done();
    });
  }
});
