/** pyCapabilities per call, phone limits, and ending after-call work by wrapping up. */
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, errorOf, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

const capabilities = (extension: string) => h.last(extension, 'CallStateEvent').pyCapabilities;

describe('capabilities per call', () => {
  it('follow the call state: ringing, talking, held, and a held call paired with a consult', () => {
    h = harness({ farEnds: { '+33799999999': 'answer' } });
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    expect(capabilities('1001')).toEqual(['answerCall', 'hangUpCall', 'rejectCall']);
    h.sw.answer('alice', callId);
    expect(capabilities('1001')).toEqual([
      'hangUpCall', 'holdCall', 'sendDTMF', 'blindTransfer', 'transferInitiate', 'consultationCall', 'conferenceInitiate', 'setCallData', 'muteCall',
    ]);
    h.sw.hold('alice', callId);
    expect(capabilities('1001')).toEqual(['hangUpCall', 'retrieveCall', 'blindTransfer', 'setCallData', 'muteCall']);
    h.sw.retrieve('alice', callId);
    const consult = h.sw.consult('alice', callId, '+33799999999').callId;
    expect(capabilities('1001')).toEqual(['hangUpCall']);
    h.clock.advance(0);
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyCallId: consult, pyEventName: 'Established' });
    expect(capabilities('1001')).toEqual(expect.arrayContaining(['transferComplete', 'conferenceComplete', 'alternateCall']));
    // The snapshot lists both calls with what each allows now.
    const listed = h.snapshot('alice').pyCalls ?? [];
    expect(listed.find((c) => c.pyCallId === callId)?.pyCapabilities).toEqual(
      ['hangUpCall', 'retrieveCall', 'blindTransfer', 'transferComplete', 'conferenceComplete', 'alternateCall', 'setCallData', 'muteCall'],
    );
    h.sw.conferenceComplete('alice', callId, consult);
    expect(h.snapshot('alice').pyCalls?.[0]?.pyCapabilities).toContain('dropParty');
  });

  it('a call that ended allows nothing', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.answer('alice', callId);
    h.sw.hangUp('alice', callId);
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyEventName: 'Disconnected', pyCapabilities: [] });
  });

  it('leave out what the phone cannot do, and the agent hears the change in a Snapshot', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.answer('alice', callId);
    h.take();
    h.sw.setPhoneLimits('1001', ['conferenceInitiate', 'conferenceComplete']);
    expect(h.take()).toEqual({ '1001': ['Snapshot Busy'] });
    const listed = h.last('1001', 'SnapshotEvent').pyCalls?.[0]?.pyCapabilities;
    expect(listed).toContain('transferInitiate');
    expect(listed).not.toContain('conferenceInitiate');
    h.sw.hold('alice', callId);
    h.sw.retrieve('alice', callId);
    expect(capabilities('1001')).not.toContain('conferenceInitiate');
    h.sw.setPhoneLimits('1001', []);
    expect(h.last('1001', 'SnapshotEvent').pyCalls?.[0]?.pyCapabilities).toContain('conferenceInitiate');
  });

  it('refuse limits on an unknown extension or naming an unknown request', () => {
    h = harness();
    expect(errorOf(() => h.sw.setPhoneLimits('9999', ['holdCall'])).errMessage).toMatch(/unknown extension "9999"/);
    expect(errorOf(() => h.sw.setPhoneLimits('1001', ['conference'])).errMessage).toMatch(/unknown requests "conference"/);
  });
});

describe('ending after-call work by wrapping up', () => {
  it('makes an agent in after-call work Ready again; anything else is left as it is', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    h.sw.answer('alice', callId);
    expect(h.sw.endWrapUp('alice')).toBe(false);
    h.sw.callerHangUp(callId);
    expect(h.sw.agents().find((a) => a.agentId === 'alice')).toMatchObject({ state: 'NotReady', workMode: 'ACW' });
    h.take();
    expect(h.sw.endWrapUp('alice')).toBe(true);
    expect(h.take()).toEqual({ '1001': ['agent Ready MODE_NONE'] });
    expect(h.sw.endWrapUp('alice')).toBe(false);
    expect(errorOf(() => h.sw.endWrapUp('bob')).errCode).toBe('OPENCTI_AGENT_NOT_LOGGED_IN');
  });
});
