/**
 * An agent on a SIP phone the server cannot control (`phone: {kind: "sip"}`): make call from the
 * desktop through Kamailio (dlg.bridge_dlg rings the phone, then refers it), hang-up from the
 * desktop through dlg.terminate_dlg, answering on the phone itself; requests that need the phone
 * are refused naming it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/server/config.js';
import { startServer, type RunningServer } from '../../../src/server/server.js';
import { type Testbed, sipConfigFor, startTestbed } from '../../../src/server/sip/testbed/index.js';
import { createAgent, type TestAgent } from '../../helpers/agents.js';
import { alive } from './sip-stack.js';

const CALLER = '+12025550123';
const FAR_END = '+15557770000';

describe('sip back end: an agent on a plain SIP phone (no control link)', () => {
  let bed: Testbed;
  let server: RunningServer;
  let agent: TestAgent;
  const dataDir = mkdtempSync(join(tmpdir(), 'opencti-sip-plain-'));

  beforeAll(async () => {
    bed = await startTestbed({
      phones: [
        { user: '5004', kind: 'baresip' },
        { user: CALLER, kind: 'baresip' },
        { user: FAR_END, kind: 'baresip', autoAnswer: true },
      ],
      queueNumbers: ['8000', '8001'],
    });
    const sip = sipConfigFor(bed, []);
    sip.agents.push({ agentId: 'agent4', extension: '5004', sipUri: bed.phones.get('5004')!.aor, phone: { kind: 'sip' } });
    server = await startServer(resolveConfig({ port: 0, dataDir, logLevel: 'silent', heartbeatMs: 1000, backend: 'sip', sip }));
    await server.sip?.connected(10_000);
    agent = createAgent(server.ctiUrl, 'full');
    await agent.session.login({ agentId: 'agent4', agentPwd: 'demo' });
  }, 60_000);
  afterAll(async () => {
    await agent?.close();
    await server?.close();
    const pids = bed ? [bed.kamailio.pid, ...[...bed.phones.values()].map((p) => p.pid)] : [];
    await bed?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    expect(pids.filter(alive)).toEqual([]);
  });

  it('makeCall rings the phone from Kamailio, which refers it to the destination; hang-up from the desktop ends the dialog', async () => {
    const phone = bed.baresip('5004').control;
    const mark = phone.log.mark();
    const placed = (await agent.session.makeCall(FAR_END)) as { callId?: string } | undefined;
    const ringing = await phone.log.waitFor((e) => e.type === 'CALL_INCOMING' && e.peeruri === 'sip:cti@127.0.0.1', 'the bridge ringing the phone', 5000, mark);
    await phone.accept(ringing.id);
    const talking = await agent.until((s) => s.calls.some((c) => c.state === 'Established'), 'the outbound call Established');
    const callId = placed?.callId ?? talking.calls[0]!.callId;
    expect(talking.calls[0]).toMatchObject({ callId, type: 'OUTBOUND' });
    const outgoing = await phone.log.waitFor((e) => e.type === 'CALL_ESTABLISHED' && e.peeruri === `sip:${FAR_END}@127.0.0.1`, 'the phone talking to the far end', 5000, mark);

    await expect(agent.session.holdCall(callId)).rejects.toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: expect.stringContaining('SIP phone sip:5004@127.0.0.1') });
    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    await phone.waitForCallEvent('CALL_CLOSED', outgoing.id);
  });

  it('a queue call answered on the phone shows Established at the desktop; the caller hangs up', async () => {
    await agent.session.agentReady({});
    const phone = bed.baresip('5004').control;
    const caller = bed.baresip(CALLER).control;
    const sipId = await caller.dial('sip:8000@127.0.0.1');
    const { calls } = await agent.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'the queue call Alerting');
    await expect(agent.session.answerCall(calls[0]!.callId)).rejects.toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION' });
    await phone.waitForCallEvent('CALL_INCOMING', sipId);
    await phone.accept(sipId);
    await agent.until((s) => s.calls.some((c) => c.state === 'Established'), 'answered on the phone');
    await caller.hangup(sipId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
  });
});
