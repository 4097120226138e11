import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, SwitchError, createSwitch, isSwitchError } from '../../../src/server/switch/index.js';
import { CUSTOMER, errorOf, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

const FAR = '+33799999999';

/** Asserts the code, that the message names each of `names`, and that nothing was emitted. */
function refused(fn: () => unknown, errCode: string, ...names: string[]) {
  const before = h.events.length;
  const recordsBefore = h.records.length;
  const error = errorOf(fn);
  expect(error.errCode).toBe(errCode);
  for (const name of names) expect(error.errMessage).toContain(name);
  expect(h.events.length).toBe(before);
  expect(h.records.length).toBe(recordsBefore);
  return error;
}

describe('SwitchError', () => {
  it('is an Error with errCode and errMessage, and serialises to the OpenCTI error shape', () => {
    h = harness();
    const error = refused(() => h.sw.ready('alice'), 'OPENCTI_AGENT_NOT_LOGGED_IN', 'alice');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(SwitchError);
    expect(isSwitchError(error)).toBe(true);
    expect(error.name).toBe('SwitchError');
    expect(error.message).toBe(`OPENCTI_AGENT_NOT_LOGGED_IN: ${error.errMessage}`);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: error.errMessage });
  });
});

describe('agent errors', () => {
  it('OPENCTI_AGENT_NOT_LOGGED_IN for every request of an agent who is not logged in, or unknown', () => {
    h = harness();
    refused(() => h.sw.notReady('alice', 'BREAK'), 'OPENCTI_AGENT_NOT_LOGGED_IN', 'alice');
    refused(() => h.sw.logout('alice', ''), 'OPENCTI_AGENT_NOT_LOGGED_IN', 'alice');
    refused(() => h.sw.makeCall('alice', '1002'), 'OPENCTI_AGENT_NOT_LOGGED_IN', 'alice');
    refused(() => h.sw.answer('alice', 'c1'), 'OPENCTI_AGENT_NOT_LOGGED_IN', 'alice');
    refused(() => h.sw.snapshot('mallory'), 'OPENCTI_AGENT_NOT_LOGGED_IN', 'mallory');
    refused(() => h.sw.ready('mallory'), 'OPENCTI_AGENT_NOT_LOGGED_IN', 'mallory');
  });

  it('OPENCTI_AUTH_FAILED for an unknown agent at login', () => {
    h = harness();
    refused(() => h.sw.login('mallory', ''), 'OPENCTI_AUTH_FAILED', 'mallory');
  });

  it('OPENCTI_AGENT_LOGGED_IN when the agent is on another extension, or the extension is taken', () => {
    h = harness();
    h.sw.login('alice', '');
    refused(() => h.sw.login('alice', '1004'), 'OPENCTI_AGENT_LOGGED_IN', 'alice', '1001');
    refused(() => h.sw.login('bob', '1001'), 'OPENCTI_AGENT_LOGGED_IN', '1001', 'alice');
  });

  it('OPENCTI_CF_INVALID_DESTINATION for a login on an unknown extension or a queue number', () => {
    h = harness();
    refused(() => h.sw.login('alice', '1999'), 'OPENCTI_CF_INVALID_DESTINATION', '1999');
    refused(() => h.sw.login('alice', '8000'), 'OPENCTI_CF_INVALID_DESTINATION', '8000');
  });

  it('OPENCTI_IN_SAME_STATE for Ready when Ready and the same Not Ready twice', () => {
    h = harness();
    h.ready('alice');
    refused(() => h.sw.ready('alice', 'MODE_AUTO_IN'), 'OPENCTI_IN_SAME_STATE', 'alice', 'Ready');
    h.sw.notReady('alice', 'BREAK');
    refused(() => h.sw.notReady('alice', 'BREAK', 'AUX_WORK'), 'OPENCTI_IN_SAME_STATE', 'alice', 'BREAK');
  });

  it('OPENCTI_INVALID_ACTION for a logout during a call and for work modes that make no sense', () => {
    h = harness();
    h.ready('alice');
    refused(() => h.sw.ready('alice', 'BUSY'), 'OPENCTI_INVALID_ACTION', 'BUSY');
    refused(() => h.sw.notReady('alice', 'X', 'MODE_MANUAL_IN'), 'OPENCTI_INVALID_ACTION', 'MODE_MANUAL_IN');
    const { callId } = h.sw.makeCall('alice', FAR);
    refused(() => h.sw.logout('alice', ''), 'OPENCTI_INVALID_ACTION', 'alice', callId);
  });
});

describe('call errors', () => {
  function talking() {
    h = harness();
    h.ready('alice', 'bob', 'carol');
    const { callId } = h.sw.makeCall('alice', '1002');
    h.sw.answer('bob', callId);
    return callId;
  }

  it('OPENCTI_CF_INVALID_OBJECT_STATE for a call id the device does not have', () => {
    const callId = talking();
    refused(() => h.sw.answer('alice', 'nope'), 'OPENCTI_CF_INVALID_OBJECT_STATE', 'no such call', 'nope', '1001');
    refused(() => h.sw.hangUp('carol', callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId, '1003');
    refused(() => h.sw.callerHangUp('nope'), 'OPENCTI_CF_INVALID_OBJECT_STATE', 'nope');
  });

  it('OPENCTI_CF_INVALID_OBJECT_STATE for requests that do not fit the state of the call', () => {
    const callId = talking();
    refused(() => h.sw.answer('bob', callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId, 'not ringing', 'Established');
    refused(() => h.sw.retrieve('alice', callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId, 'not held');
    h.sw.hold('alice', callId);
    refused(() => h.sw.hold('alice', callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId, 'Held');
    refused(() => h.sw.sendDtmf('alice', callId, '1'), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId);
    refused(() => h.sw.farEndAnswer(callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId);
    refused(() => h.sw.farEndBusy(callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId);
  });

  it('OPENCTI_CF_INVALID_OBJECT_STATE for a second active call on one device', () => {
    const callId = talking();
    refused(() => h.sw.makeCall('alice', FAR), 'OPENCTI_CF_INVALID_OBJECT_STATE', '1001', callId);
    h.sw.hold('alice', callId);
    const other = h.sw.makeCall('alice', FAR).callId;
    refused(() => h.sw.retrieve('alice', callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', '1001', other);
    refused(() => h.sw.consult('alice', callId, '1003'), 'OPENCTI_CF_INVALID_OBJECT_STATE', '1001', other);
  });

  it('OPENCTI_CF_INVALID_OBJECT_STATE for completing a transfer or conference that is not ready', () => {
    const callId = talking();
    const consult = h.sw.consult('alice', callId, '1003').callId;
    refused(() => h.sw.transferComplete('alice', callId, consult), 'OPENCTI_CF_INVALID_OBJECT_STATE', consult, 'not been answered');
    refused(() => h.sw.conferenceComplete('alice', consult, callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', consult, 'not held');
    h.sw.answer('carol', consult);
    refused(() => h.sw.alternate('alice', consult, callId), 'OPENCTI_CF_INVALID_OBJECT_STATE', consult, 'not held');
    h.sw.hold('alice', consult);
    refused(() => h.sw.transferComplete('alice', callId, consult), 'OPENCTI_CF_INVALID_OBJECT_STATE', consult, 'not active');
  });

  it('OPENCTI_CF_INVALID_OBJECT_STATE for a blind transfer of a call that is not a two-party call', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', FAR);
    refused(() => h.sw.blindTransfer('alice', callId, '1002'), 'OPENCTI_CF_INVALID_OBJECT_STATE', callId);
  });

  it('OPENCTI_CF_INVALID_DESTINATION for empty, unknown and malformed destinations', () => {
    h = harness();
    h.ready('alice');
    refused(() => h.sw.makeCall('alice', ''), 'OPENCTI_CF_INVALID_DESTINATION', 'empty');
    refused(() => h.sw.makeCall('alice', '1999'), 'OPENCTI_CF_INVALID_DESTINATION', 'unknown extension 1999');
    refused(() => h.sw.makeCall('alice', '06 12 34'), 'OPENCTI_CF_INVALID_DESTINATION', '06 12 34');
    refused(() => h.sw.makeCall('alice', 'sip:bob'), 'OPENCTI_CF_INVALID_DESTINATION', 'sip:bob');
    refused(() => h.sw.makeCall('alice', '1001'), 'OPENCTI_CF_INVALID_DESTINATION', '1001');
    refused(() => h.sw.inboundCall(CUSTOMER, '9999'), 'OPENCTI_CF_INVALID_DESTINATION', '9999');
    refused(() => h.sw.setFarEnd('12', 'answer'), 'OPENCTI_CF_INVALID_DESTINATION', '12');
  });

  it('OPENCTI_CF_INVALID_DESTINATION for dropping a party that is not in the call', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.answer('alice', callId);
    refused(() => h.sw.dropParty('alice', callId, '1002'), 'OPENCTI_CF_INVALID_DESTINATION', '1002', callId);
  });

  it('OPENCTI_DEST_BUSY for an extension on a call or with nobody logged in', () => {
    const callId = talking();
    refused(() => h.sw.makeCall('carol', '1002'), 'OPENCTI_DEST_BUSY', '1002', callId);
    refused(() => h.sw.makeCall('carol', '1004'), 'OPENCTI_DEST_BUSY', '1004', 'nobody');
    refused(() => h.sw.inboundCall(CUSTOMER, '1001'), 'OPENCTI_DEST_BUSY', '1001');
    refused(() => h.sw.blindTransfer('alice', callId, '1004'), 'OPENCTI_DEST_BUSY', '1004');
  });

  it('OPENCTI_CONF_ALREADY_PRESENT for consulting or conferencing a party already in the call', () => {
    const callId = talking();
    refused(() => h.sw.consult('alice', callId, '1002'), 'OPENCTI_CONF_ALREADY_PRESENT', '1002', callId);
    refused(() => h.sw.blindTransfer('alice', callId, '1002'), 'OPENCTI_CONF_ALREADY_PRESENT', '1002', callId);
    // a conference with the customer, who is then dialled again on a second call
    h.sw.hangUp('alice', callId);
    const c1 = h.sw.inboundCall(CUSTOMER, '1003').callId;
    h.sw.answer('carol', c1);
    h.sw.hold('carol', c1);
    h.sw.setFarEnd(CUSTOMER, 'answer');
    const c2 = h.sw.makeCall('carol', CUSTOMER).callId;
    h.clock.tick();
    refused(() => h.sw.conferenceComplete('carol', c1, c2), 'OPENCTI_CONF_ALREADY_PRESENT', CUSTOMER, c1);
  });

  it('OPENCTI_INVALID_ACTION for bad digits, bad call data, the same call twice and callers that are not outside', () => {
    const callId = talking();
    refused(() => h.sw.sendDtmf('alice', callId, '12x'), 'OPENCTI_INVALID_ACTION', '12x');
    refused(() => h.sw.sendDtmf('alice', callId, ''), 'OPENCTI_INVALID_ACTION');
    refused(() => h.sw.alternate('alice', callId, callId), 'OPENCTI_INVALID_ACTION', callId);
    refused(() => h.sw.transferComplete('alice', callId, callId), 'OPENCTI_INVALID_ACTION', callId);
    refused(() => h.sw.conferenceComplete('alice', callId, callId), 'OPENCTI_INVALID_ACTION', callId);
    refused(() => h.sw.setCallData('alice', callId, { n: 1 } as unknown as Record<string, string>), 'OPENCTI_INVALID_ACTION', 'n');
    refused(() => h.sw.makeCall('carol', FAR, ['x'] as unknown as Record<string, string>), 'OPENCTI_INVALID_ACTION', 'call data');
    refused(() => h.sw.callerHangUp(callId), 'OPENCTI_INVALID_ACTION', callId, 'no outside party');
    refused(() => h.sw.inboundCall('1004', '8000'), 'OPENCTI_INVALID_ACTION', '1004');
    refused(() => h.sw.inboundCall('', '8000'), 'OPENCTI_INVALID_ACTION');
    refused(() => h.sw.setFarEnd(FAR, 'maybe' as 'ring'), 'OPENCTI_INVALID_ACTION', 'maybe');
  });
});

describe('configuration errors', () => {
  const clock = new ManualClock();
  const agent = { agentId: 'alice', extension: '1001', skills: ['sales'] };

  it('OPENCTI_INVALID_CONFIG names what is wrong, and a refused update changes nothing', () => {
    h = harness();
    const bad = (options: Record<string, unknown>, name: string) => {
      const error = errorOf(() => createSwitch({ clock, agents: [agent], queues: [], ...options }));
      expect(error.errCode).toBe('OPENCTI_INVALID_CONFIG');
      expect(error.errMessage).toContain(name);
    };
    bad({ agents: [agent, agent] }, 'alice');
    bad({ agents: [{ ...agent, extension: '' }] }, 'extension');
    bad({ agents: [{ ...agent, skills: 'sales' }] }, 'skills');
    bad({ queues: [{ name: 'q', dnis: '1001' }] }, '1001');
    bad({ queues: [{ name: 'q', dnis: '8000' }, { name: 'r', dnis: '8000' }] }, '8000');
    bad({ queues: [{ name: '', dnis: '8000' }] }, 'name');
    bad({ wrapUpMs: -1 }, 'wrapUpMs');
    bad({ ringTimeoutMs: 0 }, 'ringTimeoutMs');
    bad({ defaultFarEnd: 'hang' }, 'hang');
    bad({ farEnds: { [FAR]: 'later' } }, 'later');
    expect(errorOf(() => createSwitch({ agents: [], queues: [] } as never)).errCode).toBe('OPENCTI_INVALID_CONFIG');

    expect(errorOf(() => h.sw.configure({ queues: [{ name: 'billing', dnis: '1002' }] })).errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect(h.sw.queues().map((q) => q.name)).toEqual(['sales', 'support']);
  });
});

describe('configure: removing agents and queues', () => {
  it('forgets an idle agent and an empty queue, and refuses while they are in use', () => {
    const sw = createSwitch({
      clock: new ManualClock(),
      agents: [{ agentId: 'a1', extension: '5001', skills: ['sales'] }],
      queues: [{ name: 'sales', dnis: '8000' }],
    });
    sw.login('a1', '');
    expect(() => sw.configure({ removeAgents: ['a1'] })).toThrow(expect.objectContaining({ errCode: 'OPENCTI_INVALID_ACTION' }));
    sw.inboundCall('+15550001111', '8000');
    expect(() => sw.configure({ removeQueues: ['sales'] })).toThrow(/1 call\(s\) waiting/);
    for (const call of sw.calls()) sw.callerHangUp(call.callId);
    sw.logout('a1', '');
    sw.configure({ removeAgents: ['a1'], removeQueues: ['sales'] });
    expect(sw.agents()).toEqual([]);
    expect(sw.queues()).toEqual([]);
    expect(() => sw.inboundCall('+15550001111', '8000')).toThrow(expect.objectContaining({ errCode: 'OPENCTI_CF_INVALID_DESTINATION' }));
  });
});

describe('configure: the extensions the switch answers on', () => {
  it('follow agents added, removed and moved, also when two agents share one', () => {
    const sw = createSwitch({
      clock: new ManualClock(),
      agents: [
        { agentId: 'a1', extension: '5001', skills: ['sales'] },
        { agentId: 'a2', extension: '5001', skills: ['sales'] },
      ],
      queues: [{ name: 'sales', dnis: '8000' }],
    });
    const codeOf = (to: string) => errorOf(() => sw.inboundCall('+15550001111', to)).errCode;
    // Known but nobody there: busy. Unknown: not a destination.
    expect(codeOf('5001')).toBe('OPENCTI_DEST_BUSY');
    sw.configure({ removeAgents: ['a1'] });
    expect(codeOf('5001')).toBe('OPENCTI_DEST_BUSY');
    sw.configure({ agents: [{ agentId: 'a2', extension: '5003', skills: ['sales'] }] });
    expect(codeOf('5001')).toBe('OPENCTI_CF_INVALID_DESTINATION');
    expect(codeOf('5003')).toBe('OPENCTI_DEST_BUSY');
    sw.configure({ agents: [{ agentId: 'a3', extension: '5004', skills: ['sales'] }] });
    expect(codeOf('5004')).toBe('OPENCTI_DEST_BUSY');
    // An agent logged in elsewhere than their configured extension is reachable there.
    sw.login('a3', '5003');
    sw.configure({ agents: [{ agentId: 'a2', extension: '5005', skills: ['sales'] }] });
    expect(sw.inboundCall('+15550001111', '5003').callId).toBeDefined();
    expect(codeOf('5001')).toBe('OPENCTI_CF_INVALID_DESTINATION');
  });
});
