/** Mute per party, rejecting an offer, recording control: the switch's side. */
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, errorOf, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.done());

/** alice answers a sales call from the customer. */
function talking(): string {
  h = harness();
  h.ready('alice');
  const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
  h.sw.answer('alice', callId);
  h.take();
  return callId;
}

describe('mute', () => {
  it('is kept per party and told to that device only, with pyMuted', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', '1002');
    h.sw.answer('bob', callId);
    h.take();
    h.sw.mute('alice', callId);
    expect(h.take()).toEqual({ '1001': [`Established ${callId} INTERNAL other=1002`] });
    expect(h.last('1001', 'CallStateEvent').pyMuted).toBe(true);
    expect(h.last('1002', 'CallStateEvent').pyMuted).toBeUndefined();
    // the mute outlives hold and retrieve, and shows in the Snapshot
    h.sw.hold('alice', callId);
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyEventName: 'Held', pyMuted: true });
    h.sw.retrieve('alice', callId);
    expect(h.snapshot('alice').pyCalls?.[0]).toMatchObject({ pyCallId: callId, pyMuted: true });
    expect(h.snapshot('bob').pyCalls?.[0]?.pyMuted).toBeUndefined();
    h.take();
    // muting twice says nothing new
    h.sw.mute('alice', callId);
    expect(h.take()).toEqual({});
    h.sw.unmute('alice', callId);
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyEventName: 'Established', pyMuted: false });
  });

  it('is refused on a ringing call, naming the call and its state', () => {
    h = harness();
    h.ready('alice');
    const { callId } = h.sw.inboundCall(CUSTOMER, '8000');
    const error = errorOf(() => h.sw.mute('alice', callId));
    expect(error.errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
    expect(error.errMessage).toBe(`call ${callId} on extension 1001 cannot be muted: it is Alerting`);
    expect(errorOf(() => h.sw.unmute('alice', 'nope')).errMessage).toBe('no such call "nope" on extension 1001');
  });
});

describe('reject', () => {
  it('puts an ACD offer back at the front of its queue, the agent Not Ready (REJECTED), and the next Ready agent gets it', () => {
    h = harness();
    h.ready('alice');
    h.clock.advance(1);
    const first = h.sw.inboundCall(CUSTOMER, '8000').callId;
    const second = h.sw.inboundCall('+33700000000', '8000').callId;
    h.take();
    h.sw.reject('alice', first);
    expect(h.take()).toEqual({
      '1001': [`Disconnected ${first} INBOUND other=${CUSTOMER}`, 'agent NotReady AUX_WORK REJECTED'],
    });
    expect(h.sw.queues().find((q) => q.name === 'sales')?.waiting.map((w) => w.callId)).toEqual([first, second]);
    h.ready('dave');
    expect(h.last('1004', 'CallStateEvent')).toMatchObject({ pyEventName: 'Alerting', pyCallId: first });
    expect(h.kinds(first)).toEqual(['queued', 'offered:alice', 'queued', 'offered:dave']);
    expect(h.records.filter((r) => r.callId === first && r.kind === 'queued').at(-1)?.detail).toBe('REJECTED');
  });

  it('ends a call rung straight to the extension for its caller, and refuses an answered call', () => {
    h = harness();
    h.ready('alice', 'bob');
    const { callId } = h.sw.makeCall('alice', '1002');
    h.take();
    h.sw.reject('bob', callId);
    const seen = h.take();
    expect(seen['1002']).toEqual([`Disconnected ${callId} INTERNAL other=1001`]);
    expect(seen['1001']?.[0]).toBe(`Disconnected ${callId} INTERNAL other=1002`);
    expect(h.last('1001', 'CallStateEvent')).toMatchObject({ pyCause: 'Busy' });
    expect(h.sw.calls()).toEqual([]);
    const answered = talking();
    const error = errorOf(() => h.sw.reject('alice', answered));
    expect(error.errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
    expect(error.errMessage).toBe(`call ${answered} is not ringing on extension 1001 (it is Established): only an offer can be rejected`);
  });
});

describe('recording', () => {
  it('start, pause, resume, stop: every party hears a CallInfoEvent "Recording"; the records keep the pauses', () => {
    const callId = talking();
    const at = () => h.last('1001', 'CallInfoEvent');
    h.sw.startRecording('alice', callId);
    expect(at()).toMatchObject({ pyEventName: 'Recording', pyRecordingState: 'Recording', pyCallId: callId });
    h.clock.advance(5000);
    h.sw.pauseRecording('alice', callId);
    expect(at().pyRecordingState).toBe('Paused');
    expect(h.snapshot('alice').pyCalls?.[0]?.pyRecordingState).toBe('Paused');
    h.clock.advance(3000);
    h.sw.resumeRecording('alice', callId);
    expect(at().pyRecordingState).toBe('Recording');
    h.sw.stopRecording('alice', callId);
    expect(at().pyRecordingState).toBe('Stopped');
    const recording = h.records.filter((r) => r.kind === 'recording');
    expect(recording.map((r) => [r.detail, r.agentId])).toEqual([
      ['started', 'alice'],
      ['paused', 'alice'],
      ['resumed', 'alice'],
      ['stopped', 'alice'],
    ]);
    expect((recording[2]?.at ?? 0) - (recording[1]?.at ?? 0)).toBe(3000);
  });

  it('refuses steps out of order, naming where the recording stands', () => {
    const callId = talking();
    expect(errorOf(() => h.sw.pauseRecording('alice', callId)).errMessage).toBe(`the recording of call ${callId} cannot be paused: it is not recording`);
    h.sw.startRecording('alice', callId);
    expect(errorOf(() => h.sw.startRecording('alice', callId)).errMessage).toBe(`the recording of call ${callId} cannot be started: it is recording`);
    expect(errorOf(() => h.sw.resumeRecording('alice', callId)).errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
    h.sw.stopRecording('alice', callId);
    expect(errorOf(() => h.sw.stopRecording('alice', callId)).errMessage).toBe(`the recording of call ${callId} cannot be stopped: it is stopped`);
  });
});
