/** muteCall, rejectCall and recording control against the real server, through the reference connector and Session. */
import { describe, expect, it } from 'vitest';
import { useAgentBed } from '../helpers/agent-bed.js';
import { callIn, ringingCall, talking } from '../helpers/agents.js';
import { api } from '../helpers/server.js';

const bed = useAgentBed();

describe('muteCall / unmuteCall', () => {
  it('the agent who mutes sees the call muted; the other party does not', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const callId = await talking(first, second, '5002');
    await first.session.muteCall(callId);
    await first.until((s) => callIn(s, callId)?.muted === true, 'agent1 muted');
    expect(callIn(second.session.state, callId)?.muted).toBeUndefined();
    await first.session.unmuteCall(callId);
    await first.until((s) => callIn(s, callId)?.muted === false, 'agent1 unmuted');
    await first.session.hangUpCall(callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
  });

  it('refuses a ringing call with the state it is in', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    await first.session.makeCall('5002');
    const callId = await ringingCall(second, 'agent2 ringing');
    await expect(second.session.muteCall(callId)).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE' });
    await first.session.hangUpCall(callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
  });
});

describe('rejectCall', () => {
  it('sends a queue call back to the front of its queue, the agent Not Ready REJECTED, and the next Ready agent gets it', async () => {
    const first = await bed.ready('agent1');
    const { callId } = await api<{ callId: string }>(bed.server, 'POST', '/api/calls', { from: '+15551230041', to: '8000' });
    await first.until((s) => callIn(s, callId)?.state === 'Alerting', 'agent1 offered the call');
    await first.session.rejectCall(callId);
    const after = await first.until((s) => s.calls.length === 0 && s.agent.state === 'NotReady', 'agent1 Not Ready');
    expect(after.agent.reasonCode).toBe('REJECTED');
    const queues = await api<{ name: string; waiting: { callId: string }[] }[]>(bed.server, 'GET', '/api/queues');
    expect(queues.find((q) => q.name === 'sales')?.waiting.map((w) => w.callId)).toEqual([callId]);

    const next = await bed.ready('agent4');
    await next.until((s) => callIn(s, callId)?.state === 'Alerting', 'agent4 offered the rejected call');
    await api(bed.server, 'POST', `/api/calls/${callId}/hangup`);
    await next.until((s) => s.calls.length === 0, 'agent4 free');
  });

  it('refuses an answered call without ending it', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const callId = await talking(first, second, '5002');
    await expect(second.session.rejectCall(callId)).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE' });
    expect(callIn(second.session.state, callId)?.state).toBe('Established');
    await first.session.hangUpCall(callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
  });
});

describe('recording control', () => {
  it('start, pause, resume, stop show on both desktops; the pause is stored on the interaction', async () => {
    const first = await bed.ready('agent1');
    const second = await bed.ready('agent2');
    const callId = await talking(first, second, '5002');
    const steps = [
      ['startRecording', 'Recording'],
      ['pauseRecording', 'Paused'],
      ['resumeRecording', 'Recording'],
      ['stopRecording', 'Stopped'],
    ] as const;
    for (const [request, shown] of steps) {
      await first.session[request](callId);
      for (const agent of [first, second]) await agent.until((s) => callIn(s, callId)?.recording === shown, `${request}: ${shown} shown`);
    }
    await expect(first.session.pauseRecording(callId)).rejects.toMatchObject({
      errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE',
      errMessage: expect.stringContaining('it is stopped'),
    });
    await first.session.hangUpCall(callId);
    await second.until((s) => s.calls.length === 0, 'agent2 free');
    const [interaction] = await api<{ recordingPauses?: { from: number; to?: number }[] }[]>(bed.server, 'GET', `/api/interactions?callId=${callId}`);
    expect(interaction?.recordingPauses).toHaveLength(1);
    const [pause] = interaction!.recordingPauses!;
    expect(pause!.to).toBeGreaterThanOrEqual(pause!.from);
  });
});
