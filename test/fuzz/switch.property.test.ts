/**
 * The switch (src/server/switch) under any sequence of commands — agents' requests, callers and
 * far ends of the simulated outside world, configuration changes, device health, time passing —
 * checked after every step: each command succeeds or throws a SwitchError (never a TypeError),
 * and the model stays consistent. test/server/switch/random.test.ts walks fixed seeds; this
 * shrinks a failure to its shortest sequence and checks more invariants after every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SwitchError } from '../../src/server/switch/index.js';
import { AGENTS, harness, type Harness } from '../server/switch/harness.js';
import { fuzzParameters } from './parameters.js';

const AGENT_IDS = [...AGENTS.map((a) => a.agentId), 'eve', 'nobody', '__proto__'];
const EXTENSIONS = ['', '1001', '1002', '1003', '1004', '1005', '1009'];
const DESTINATIONS = ['1001', '1002', '1003', '1004', '1005', '8000', '8001', '8002', '+33799999999', '+33611111111', '+33622222222', '99', '', 'x'];
const CALLERS = ['+33612345678', '+33700000000', '0', ''];
/** Numbers inside the switch: agents' extensions and queue numbers; a party on one is a monitored device. */
const INSIDE = new Set(['1001', '1002', '1003', '1004', '1005', '1009', '8000', '8001', '8002']);

/** A call named by its place in a list the switch shows at run time, so that shrinking keeps meaning. */
const callRef = fc.record({ mine: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.boolean()), index: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat(3)) });
type CallRef = { mine: boolean; index: number };
// Mostly the configured agents, sometimes one the switch does not know.
const agent = fc.oneof({ weight: 6, arbitrary: fc.nat(AGENTS.length - 1) }, fc.nat(AGENT_IDS.length - 1));
const destination = fc.oneof({ weight: 2, arbitrary: fc.constantFrom('8000', '8001', '1001', '1002', '+33799999999') }, fc.constantFrom(...DESTINATIONS));
const data = fc.dictionary(fc.constantFrom('step', '__proto__', 'constructor', 'k'), fc.string({ maxLength: 4 }), { maxKeys: 3 });

const often = <T>(arbitrary: fc.Arbitrary<T>) => ({ weight: 4, arbitrary });
const command = fc.oneof(
  fc.record({ op: fc.constant('login' as const), agent, extension: fc.constantFrom(...EXTENSIONS) }),
  fc.record({ op: fc.constant('logout' as const), agent, reason: fc.constantFrom('', 'EOD') }),
  often(fc.record({ op: fc.constant('ready' as const), agent, workMode: fc.constantFrom(undefined, 'MODE_NONE', 'MODE_AUTO_IN', 'ACW', 'bogus') })),
  fc.record({ op: fc.constant('notReady' as const), agent, reason: fc.constantFrom('', 'BREAK'), workMode: fc.constantFrom(undefined, 'AUX_WORK', 'ACW', 'MODE_NONE') }),
  often(fc.record({ op: fc.constant('inbound' as const), from: fc.constantFrom(...CALLERS), to: destination, data })),
  often(fc.record({ op: fc.constantFrom('answer' as const, 'hangUp' as const, 'hold' as const, 'retrieve' as const), agent, call: callRef })),
  fc.record({ op: fc.constant('makeCall' as const), agent, destination }),
  fc.record({ op: fc.constant('dtmf' as const), agent, call: callRef, digits: fc.constantFrom('12', '#', '', 'x') }),
  fc.record({ op: fc.constant('callData' as const), agent, call: callRef, data }),
  often(fc.record({ op: fc.constantFrom('blindTransfer' as const, 'consult' as const), agent, call: callRef, destination, data })),
  // Mostly the agent's own held and active calls, as a desktop would send; sometimes any two.
  often(fc.record({ op: fc.constantFrom('transferComplete' as const, 'conferenceComplete' as const, 'alternate' as const), agent, pair: fc.boolean(), held: callRef, active: callRef })),
  fc.record({ op: fc.constant('dropParty' as const), agent, call: callRef, party: fc.constantFrom(...DESTINATIONS) }),
  fc.record({ op: fc.constantFrom('callerHangUp' as const, 'farEndAnswer' as const, 'farEndBusy' as const), call: callRef }),
  fc.record({ op: fc.constant('setFarEnd' as const), number: fc.constantFrom('+33622222222', '+33799999999', '12'), behaviour: fc.constantFrom('answer' as const, 'ring' as const, 'busy' as const) }),
  fc.record({ op: fc.constant('health' as const), extension: fc.constantFrom('1001', '1002', '1003'), up: fc.boolean() }),
  fc.record({ op: fc.constant('configure' as const), change: fc.constantFrom('addEve', 'removeEve', 'removeAlice', 'addAlice', 'addQueue', 'removeQueue', 'removeSupport', 'addSupport') }),
  // Mostly short steps (a far end answering, wrap-up ending), sometimes past the ring timeout.
  // What a CSR at the desktop would do next, given the agent's calls: gets sequences past the first refusal.
  { weight: 8, arbitrary: fc.record({ op: fc.constant('act' as const), agent: fc.nat(AGENTS.length - 1), choice: fc.nat(5), destination }) },
  often(fc.record({ op: fc.constant('advance' as const), ms: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3_500 }) }, fc.integer({ min: 1, max: 25_000 })) })),
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

/** The call a reference points to now: one of the agent's own, or any call, or a call id that does not exist. */
function resolve(h: Harness, agentId: string | undefined, ref: CallRef): string {
  const own = agentId === undefined ? [] : (safeSnapshot(h, agentId)?.pyCalls ?? []).map((c) => c.pyCallId);
  const all = h.sw.calls().map((c) => c.callId);
  const list = ref.mine && own.length > 0 ? own : all;
  return list[ref.index] ?? 'c-none';
}

/** The agent's held and active calls when `pair` is set and it has them; else the references. */
function pair(h: Harness, agentId: string, c: { pair: boolean; held: CallRef; active: CallRef }): [string, string] {
  const own = safeSnapshot(h, agentId)?.pyCalls ?? [];
  const held = c.pair ? own.find((x) => x.pyEventName === 'Held')?.pyCallId : undefined;
  const active = c.pair ? own.find((x) => x.pyEventName !== 'Held')?.pyCallId : undefined;
  return [held ?? resolve(h, agentId, c.held), active ?? resolve(h, agentId, c.active)];
}

function safeSnapshot(h: Harness, agentId: string) {
  try {
    return h.sw.snapshot(agentId);
  } catch (error) {
    if (error instanceof SwitchError) return undefined;
    throw error;
  }
}

function run(h: Harness, c: Command): void {
  const { sw } = h;
  const id = 'agent' in c ? AGENT_IDS[c.agent] : undefined;
  const a = id as string;
  switch (c.op) {
    case 'login': return void sw.login(a, c.extension);
    case 'logout': return sw.logout(a, c.reason);
    case 'ready': return sw.ready(a, c.workMode);
    case 'notReady': return sw.notReady(a, c.reason, c.workMode);
    case 'inbound': return void sw.inboundCall(c.from, c.to, c.data);
    case 'answer': return sw.answer(a, resolve(h, id, c.call));
    case 'hangUp': return sw.hangUp(a, resolve(h, id, c.call));
    case 'hold': return sw.hold(a, resolve(h, id, c.call));
    case 'retrieve': return sw.retrieve(a, resolve(h, id, c.call));
    case 'makeCall': return void sw.makeCall(a, c.destination);
    case 'dtmf': return sw.sendDtmf(a, resolve(h, id, c.call), c.digits);
    case 'callData': return sw.setCallData(a, resolve(h, id, c.call), c.data);
    case 'blindTransfer': return sw.blindTransfer(a, resolve(h, id, c.call), c.destination, c.data);
    case 'consult': return void sw.consult(a, resolve(h, id, c.call), c.destination, c.data);
    case 'transferComplete': return sw.transferComplete(a, ...pair(h, a, c));
    case 'conferenceComplete': return sw.conferenceComplete(a, ...pair(h, a, c));
    case 'alternate': return sw.alternate(a, ...pair(h, a, c));
    case 'dropParty': return sw.dropParty(a, resolve(h, id, c.call), c.party);
    case 'callerHangUp': return sw.callerHangUp(resolve(h, undefined, c.call));
    case 'farEndAnswer': return sw.farEndAnswer(resolve(h, undefined, c.call));
    case 'farEndBusy': return sw.farEndBusy(resolve(h, undefined, c.call));
    case 'setFarEnd': return sw.setFarEnd(c.number, c.behaviour);
    case 'health': return sw.setDeviceHealth(c.extension, c.up ? { link: 'CONNECTED', device: 'OPENED' } : { link: 'DISCONNECTED', device: 'CLOSED' });
    case 'configure':
      switch (c.change) {
        case 'addEve': return sw.configure({ agents: [{ agentId: 'eve', extension: '1005', skills: ['sales', 'support'] }] });
        case 'removeEve': return sw.configure({ removeAgents: ['eve'] });
        case 'removeAlice': return sw.configure({ removeAgents: ['alice'] });
        case 'addAlice': return sw.configure({ agents: [{ agentId: 'alice', extension: '1001', skills: ['sales'] }] });
        case 'addQueue': return sw.configure({ queues: [{ name: 'extra', dnis: '8002', skill: 'sales' }] });
        case 'removeQueue': return sw.configure({ removeQueues: ['extra'] });
        case 'removeSupport': return sw.configure({ removeQueues: ['support'] });
        case 'addSupport': return sw.configure({ queues: [{ name: 'support', dnis: '8001', skill: 'support' }] });
      }
      return;
    case 'advance': return h.clock.advance(c.ms);
    case 'act': return act(h, a, c.choice, c.destination);
  }
}

/** The next sensible request for the agent's state: answer a ringing call, work an active one, complete a consult. */
function act(h: Harness, agentId: string, choice: number, destination: string): void {
  const { sw } = h;
  const snap = safeSnapshot(h, agentId);
  if (!snap || snap.pyAgentState === 'Logout') return void sw.login(agentId, '');
  const calls = snap.pyCalls ?? [];
  const ringing = calls.find((c) => c.pyEventName === 'Alerting');
  const held = calls.find((c) => c.pyEventName === 'Held');
  const active = calls.find((c) => c.pyEventName !== 'Held' && c.pyEventName !== 'Alerting');
  if (ringing && !active) return sw.answer(agentId, ringing.pyCallId);
  // A consult still ringing at an outside number: the next thing that happens is the far end answering.
  if (held && active?.pyEventName === 'Initiated') return h.clock.advance(1_500);
  if (held && active) {
    const steps = [
      () => sw.transferComplete(agentId, held.pyCallId, active.pyCallId),
      () => sw.conferenceComplete(agentId, held.pyCallId, active.pyCallId),
      () => sw.alternate(agentId, held.pyCallId, active.pyCallId),
      () => sw.hangUp(agentId, active.pyCallId),
      () => sw.transferComplete(agentId, held.pyCallId, active.pyCallId),
      () => sw.conferenceComplete(agentId, held.pyCallId, active.pyCallId),
    ];
    return steps[choice]!();
  }
  if (held) return choice < 4 ? sw.retrieve(agentId, held.pyCallId) : sw.hangUp(agentId, held.pyCallId);
  if (active) {
    // A consult to someone who can answer: a colleague or the outside number that answers.
    const consultTo = ['1002', '1003', '+33799999999'].includes(destination) ? destination : '+33799999999';
    const others = (sw.calls().find((c) => c.callId === active.pyCallId)?.parties ?? []).filter((p) => p !== snap.pyThisDN);
    const steps = [
      () => sw.hold(agentId, active.pyCallId),
      () => (others.length > 1 ? sw.dropParty(agentId, active.pyCallId, others[others.length - 1]!) : sw.hangUp(agentId, active.pyCallId)),
      () => void sw.consult(agentId, active.pyCallId, consultTo, { step: 'consult' }),
      () => sw.blindTransfer(agentId, active.pyCallId, destination),
      () => sw.sendDtmf(agentId, active.pyCallId, '1#'),
      () => void sw.consult(agentId, active.pyCallId, consultTo),
    ];
    return steps[choice]!();
  }
  if (snap.pyAgentState !== 'Ready') sw.ready(agentId);
}

/** What must hold between any two commands. */
function checkInvariants(h: Harness): void {
  const { sw } = h;
  const calls = sw.calls();
  const agents = sw.agents();
  const queues = sw.queues();
  const loggedInAt = new Map(agents.filter((a) => a.extension !== undefined && a.state !== 'Logout').map((a) => [a.extension as string, a.agentId]));

  expect(new Set(calls.map((c) => c.callId)).size, 'call ids are unique').toBe(calls.length);
  for (const call of calls) {
    expect(call.parties.length, `call ${call.callId} has parties`).toBeGreaterThan(0);
    if (call.state !== 'queued') expect(call.parties.length, `call ${call.callId} (${call.state}) has two parties or more`).toBeGreaterThan(1);
    expect(new Set(call.parties).size, `call ${call.callId} lists each party once: ${call.parties.join(',')}`).toBe(call.parties.length);
    for (const party of call.parties) {
      // A party on a number inside the switch is a monitored extension with an agent logged in on it.
      if (INSIDE.has(party)) expect(loggedInAt.has(party), `call ${call.callId}: party ${party} is a device with an agent logged in`).toBe(true);
    }
  }

  // Queues hold only waiting calls, each in one queue once; every waiting call is in a queue.
  const waiting = queues.flatMap((q) => q.waiting.map((w) => w.callId));
  expect(new Set(waiting).size, 'a call waits in one queue, once').toBe(waiting.length);
  for (const callId of waiting) expect(calls.find((c) => c.callId === callId)?.state, `queued call ${callId}`).toBe('queued');
  for (const call of calls.filter((c) => c.state === 'queued')) expect(waiting, `call ${call.callId} is queued somewhere`).toContain(call.callId);
  for (const queue of queues) {
    for (const agentId of queue.readyAgents) expect(agents.find((a) => a.agentId === agentId)?.state, `${agentId} listed Ready for ${queue.name}`).toBe('Ready');
  }

  for (const agent of agents) {
    const snap = sw.snapshot(agent.agentId);
    const own = snap.pyCalls ?? [];
    expect(snap.pyAgentState, `${agent.agentId}: snapshot and summary agree`).toBe(agent.state);
    for (const c of own) expect(calls.some((x) => x.callId === c.pyCallId), `${agent.agentId}'s call ${c.pyCallId} exists`).toBe(true);
    if (agent.state === 'Logout') {
      expect(own, `${agent.agentId} is logged out with no calls`).toEqual([]);
      continue;
    }
    // On at most one call that is neither ringing nor held; Busy exactly while on a call past ringing (so never Ready on one).
    const talking = own.filter((c) => c.pyEventName !== 'Alerting' && c.pyEventName !== 'Held');
    expect(talking.length, `${agent.agentId} is active on one call at most`).toBeLessThanOrEqual(1);
    const onCall = own.some((c) => c.pyEventName !== 'Alerting');
    expect(agent.state === 'Busy', `${agent.agentId} is ${agent.state} with calls ${own.map((c) => `${c.pyCallId}:${c.pyEventName}`).join(',')}`).toBe(onCall);
    // Its extension's calls are the ones its snapshot lists.
    const onExtension = calls.filter((c) => c.parties.includes(agent.extension as string)).map((c) => c.callId);
    expect(own.map((c) => c.pyCallId).sort(), `${agent.agentId}'s snapshot lists its extension's calls`).toEqual(onExtension.sort());
  }
  expect(h.problems, 'every event and snapshot matches the OpenCTI schemas').toEqual([]);
}

/** Everyone hangs up and time passes: nothing may be left behind. */
function drain(h: Harness): void {
  const { sw } = h;
  for (let round = 0; round < 10 && sw.calls().length > 0; round++) {
    for (const call of sw.calls()) {
      for (const party of call.parties) {
        const owner = sw.agents().find((a) => a.extension === party && a.state !== 'Logout');
        try {
          if (owner && sw.calls().some((c) => c.callId === call.callId)) sw.hangUp(owner.agentId, call.callId);
        } catch (error) {
          if (!(error instanceof SwitchError)) throw error;
        }
      }
      try {
        if (sw.calls().some((c) => c.callId === call.callId)) sw.callerHangUp(call.callId);
      } catch (error) {
        if (!(error instanceof SwitchError)) throw error;
      }
    }
    h.clock.advance(30_000);
  }
}

describe('switch invariants', () => {
  it('hold after every command of any sequence; every refusal is a SwitchError; nothing is left once everyone hangs up', () => {
    // Commands that succeeded, by op: the sequences must reach the interesting states, not only refusals.
    const succeeded = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 120, size: 'max' }), (commands) => {
        const h = harness({ wrapUpMs: 3000, ringTimeoutMs: 5000, farEndAnswerMs: 1000, farEnds: { '+33799999999': 'answer', '+33611111111': 'busy' } });
        // Start with some agents at work, so that short sequences reach calls.
        h.ready('alice', 'bob');
        for (const [step, c] of commands.entries()) {
          try {
            const before = h.records.length;
            run(h, c);
            succeeded.set(c.op, (succeeded.get(c.op) ?? 0) + 1);
            // Transfers and conferences completed, by whichever command.
            for (const record of h.records.slice(before)) {
              if (record.kind === 'transferred') succeeded.set('completed', (succeeded.get('completed') ?? 0) + 1);
              if (record.kind === 'conferenced') succeeded.set('conferenced', (succeeded.get('conferenced') ?? 0) + 1);
            }
          } catch (error) {
            if (!(error instanceof SwitchError)) throw new Error(`step ${step} ${JSON.stringify(c)} threw ${String(error)}`, { cause: error });
          }
          checkInvariants(h);
        }
        drain(h);
        expect(h.sw.calls()).toEqual([]);
        expect(h.sw.queues().every((q) => q.waiting.length === 0)).toBe(true);
        expect(h.sw.agents().filter((a) => a.state === 'Busy')).toEqual([]);
        checkInvariants(h);
      }),
      {
        ...fuzzParameters<[Command[]]>(100),
        // Found by this property, kept so that it is checked on every run: alice transfers her customer to bob
        // while bob, on her consult, has held it for a consult of his own to a queue.
        examples: [
          [
            [
              { op: 'inbound', from: '+33612345678', to: '8000', data: {} },
              { op: 'act', agent: 0, choice: 0, destination: '8000' },
              { op: 'act', agent: 0, choice: 2, destination: '1002' },
              { op: 'act', agent: 1, choice: 0, destination: '8000' },
              { op: 'consult', agent: 1, call: { mine: true, index: 0 }, destination: '8000', data: {} },
              { op: 'transferComplete', agent: 0, pair: false, held: { mine: true, index: 0 }, active: { mine: true, index: 1 } },
            ],
          ],
        ],
      },
    );
    for (const op of ['act', 'answer', 'hangUp', 'consult', 'blindTransfer', 'callerHangUp', 'configure', 'completed', 'conferenced']) {
      expect(succeeded.get(op) ?? 0, `${op} succeeded at least once: ${JSON.stringify(Object.fromEntries(succeeded))}`).toBeGreaterThan(0);
    }
  });
});
