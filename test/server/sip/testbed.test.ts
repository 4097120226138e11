/**
 * The SIP test bed against real processes on 127.0.0.1: Kamailio, baresip and linphone-daemon
 * phones and SIPp. One bed for the file; every process is stopped by PID in afterAll (also when
 * a test fails) and checked gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KamailioEvapi, type EvapiEvent } from '../../../src/server/sip/kamailio-evapi.js';
import { type Testbed, cancelCallerScenario, registerScenario, rejectingCalleeScenario, startTestbed, waitUntil } from '../../../src/server/sip/testbed/index.js';

const uri = (user: string): string => `sip:${user}@127.0.0.1`;
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('SIP test bed (real Kamailio, baresip, linphone-daemon, SIPp)', () => {
  let bed: Testbed;
  let evapi: KamailioEvapi;
  let pids: number[] = [];
  const timings: Record<string, number> = {};

  const ev = (name: string, callId: string, extra: (e: EvapiEvent) => boolean = () => true, timeoutMs = 5000): Promise<EvapiEvent> =>
    evapi.log.waitFor((e) => e.ev === name && e.callid === callId && extra(e), `evapi ${name} for ${callId}`, timeoutMs);

  beforeAll(async () => {
    const t0 = Date.now();
    bed = await startTestbed({
      phones: [
        { user: 'alice', kind: 'baresip' },
        { user: 'bob', kind: 'baresip' },
        { user: 'agent1', kind: 'baresip' },
        { user: 'caller', kind: 'baresip' },
        { user: 'lin1', kind: 'linphone' },
        { user: 'lin2', kind: 'linphone' },
        { user: 'lin3', kind: 'linphone' },
      ],
      queueNumbers: ['8000'],
    });
    timings.start = Date.now() - t0;
    pids = [bed.kamailio.pid, ...[...bed.phones.values()].map((p) => p.pid)];
    evapi = await KamailioEvapi.connect({ port: bed.kamailio.evapiPort });
  });

  afterAll(async () => {
    await evapi?.close();
    const t0 = Date.now();
    await bed?.stop();
    timings.stop = Date.now() - t0;
    console.info('SIP test bed timings (ms):', JSON.stringify(timings));
    expect(pids.filter(alive)).toEqual([]);
  });

  it('starts Kamailio and every phone, all registered', async () => {
    const registered = await bed.rpc.registeredUsers();
    expect([...registered].sort()).toEqual(['agent1', 'alice', 'bob', 'caller', 'lin1', 'lin2', 'lin3']);
    expect(bed.kamailio.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/RPC$/);
    for (const pid of pids) expect(alive(pid)).toBe(true);
  });

  it('baresip to baresip: ringing, answer, hold, resume, DTMF, hang-up', async () => {
    const alice = bed.baresip('alice').control;
    const bob = bed.baresip('bob').control;
    const t0 = Date.now();
    const callId = await alice.dial(uri('bob'));
    expect(await ev('invite', callId)).toMatchObject({ from: uri('alice'), to: uri('bob') });
    await bob.waitForCallEvent('CALL_INCOMING', callId);
    await ev('ringing', callId, (e) => e.code === 180);
    await alice.waitForCallEvent('CALL_RINGING', callId);
    timings.dialToRinging = Date.now() - t0;

    await bob.accept(callId);
    await alice.waitForCallEvent('CALL_ESTABLISHED', callId);
    await bob.waitForCallEvent('CALL_ESTABLISHED', callId);
    await ev('answered', callId, (e) => e.code === 200);
    await ev('dialog-start', callId);

    await alice.hold(callId);
    expect(await ev('hold', callId)).toMatchObject({ by: uri('alice') });
    await ev('indialog-reply', callId, (e) => e.method === 'INVITE' && e.code === 200);
    const resumeMark = evapi.log.mark();
    await alice.resume(callId);
    await ev('resume', callId);
    await evapi.log.waitFor((e) => e.ev === 'indialog-reply' && e.callid === callId && e.code === 200, 'resume answered', 5000, resumeMark);

    await alice.sendDtmf('5', callId);
    expect((await bob.waitForCallEvent('CALL_DTMF_START', callId)).param).toBe('5');

    await bob.hangup(callId);
    expect(await ev('bye', callId)).toMatchObject({ by: uri('bob') });
    await ev('dialog-end', callId);
    await alice.waitForCallEvent('CALL_CLOSED', callId);
    await bob.waitForCallEvent('CALL_CLOSED', callId);
    timings.fullCall = Date.now() - t0;
  });

  it('a queue call is held (182 Queued), routed by an evapi command to an agent, answered, hung up from the server', async () => {
    const caller = bed.baresip('caller').control;
    const agent = bed.baresip('agent1').control;
    const t0 = Date.now();
    const callId = await caller.dial(uri('8000'));
    const queued = await ev('queued', callId);
    timings.dialToQueued = Date.now() - t0;
    expect(queued).toMatchObject({ queue: '8000', from: uri('caller') });
    expect(queued.tindex).toMatch(/^\d+$/);
    // baresip reports the 182 Queued as ringing
    await caller.waitForCallEvent('CALL_RINGING', callId);

    const t1 = Date.now();
    evapi.route(queued.tindex as string, queued.tlabel as string, uri('agent1'));
    await ev('routed', callId);
    await agent.waitForCallEvent('CALL_INCOMING', callId);
    timings.routeToAgentRinging = Date.now() - t1;
    await ev('ringing', callId);
    await agent.accept(callId);
    await caller.waitForCallEvent('CALL_ESTABLISHED', callId);
    await ev('answered', callId);

    // server-side hang-up through Kamailio's dialog module
    await waitUntil(async () => (await bed.rpc.dlgList()).some((d) => d.callId === callId && d.state === 4), 'confirmed dialog in dlg.list', 15_000);
    await bed.rpc.terminateByCallId(callId);
    // Both phones get Kamailio's BYE, and the dialog leaves Kamailio's list. Kamailio 5.6 does not
    // always run event_route[dialog:end] for a dialog ended by dlg.terminate_dlg (seen in about
    // half the runs of this file), so its evapi event is not waited for here; the SIP back end
    // does not rely on it (it follows the phones and the BYE).
    // 15 s, not 5: while the whole suite ran, the agent's phone once reported no CALL_CLOSED within
    // 5 s of the server's hang-up (alone it takes milliseconds). A BYE that never comes still fails.
    await caller.waitForCallEvent('CALL_CLOSED', callId, 15_000);
    await agent.waitForCallEvent('CALL_CLOSED', callId, 15_000);
    await waitUntil(async () => !(await bed.rpc.dlgList()).some((d) => d.callId === callId && d.state < 5), 'the dialog gone from dlg.list', 15_000);
  });

  it('a caller who cancels while queued produces the cancel event', async () => {
    const caller = bed.baresip('caller').control;
    const callId = await caller.dial(uri('8000'));
    await ev('queued', callId);
    await caller.hangup(callId);
    await ev('cancel', callId);
    await caller.waitForCallEvent('CALL_CLOSED', callId);
    expect(evapi.log.find((e) => e.ev === 'routed' && e.callid === callId)).toBeUndefined();
  });

  it('SIPp: a callee that is busy, a caller that cancels while ringing, a caller that cancels in the queue', async () => {
    const alice = bed.baresip('alice').control;
    const bob = bed.baresip('bob').control;

    const busy = bed.sipp({ name: 'busy', scenarioXml: rejectingCalleeScenario({ code: 486, reason: 'Busy Here' }) });
    const register = bed.sipp({ name: 'register-busy', scenarioXml: registerScenario({ user: 'busy1', contactPort: busy.port, expires: 60 }) });
    expect(await register.done).toBe(0);
    const busyCall = await alice.dial(uri('busy1'));
    await ev('failed', busyCall, (e) => e.code === 486);
    expect((await alice.waitForCallEvent('CALL_CLOSED', busyCall)).param).toMatch(/486/);
    expect(await busy.done).toBe(0);

    const ringCancel = `sipp-cancel-ringing-${Date.now()}`;
    const canceller = bed.sipp({ name: 'cancel-ringing', callId: ringCancel, scenarioXml: cancelCallerScenario({ target: 'bob', waitFor: 180, cancelAfterMs: 100 }) });
    await bob.waitForCallEvent('CALL_INCOMING', ringCancel);
    await ev('cancel', ringCancel);
    await bob.waitForCallEvent('CALL_CLOSED', ringCancel);
    expect(await canceller.done).toBe(0);

    const queueCancel = `sipp-cancel-queued-${Date.now()}`;
    const queuedCanceller = bed.sipp({ name: 'cancel-queued', callId: queueCancel, scenarioXml: cancelCallerScenario({ target: '8000', waitFor: 182, cancelAfterMs: 100 }) });
    await ev('queued', queueCancel);
    await ev('cancel', queueCancel);
    expect(await queuedCanceller.done).toBe(0);
  });

  it('baresip blind transfer: the transferee calls the new party', async () => {
    const alice = bed.baresip('alice').control;
    const bob = bed.baresip('bob').control;
    const agent = bed.baresip('agent1').control;
    const callId = await alice.dial(uri('bob'));
    await bob.waitForCallEvent('CALL_INCOMING', callId);
    await bob.accept(callId);
    await alice.waitForCallEvent('CALL_ESTABLISHED', callId);
    const mark = agent.log.mark();
    await bob.transfer(uri('agent1'), callId);
    expect(await ev('refer', callId)).toMatchObject({ by: uri('bob') });
    const incoming = await agent.log.waitFor((e) => e.type === 'CALL_INCOMING' && e.peeruri === uri('alice'), 'transferred call at agent1', 5000, mark);
    const newCall = incoming.id as string;
    await agent.accept(newCall);
    await alice.waitForCallEvent('CALL_ESTABLISHED', newCall);
    await alice.waitForCallEvent('CALL_CLOSED', callId);
    await agent.hangup(newCall);
    await alice.waitForCallEvent('CALL_CLOSED', newCall);
  });

  it('linphone: pause, resume, DTMF, attended transfer and a three-way conference', async () => {
    const l1 = bed.linphone('lin1').control;
    const l2 = bed.linphone('lin2').control;
    const l3 = bed.linphone('lin3').control;

    // lin3 calls lin1; lin1 consults lin2, then transfers lin3 to lin2 (REFER with Replaces)
    const m3 = l3.log.mark();
    const first = await l3.call(uri('lin1'));
    const in1 = await l1.waitForCallState('LinphoneCallIncomingReceived');
    await l1.answer(in1.callId);
    await l3.waitForCallState('LinphoneCallStreamsRunning', first, 5000, m3);
    await l1.pause(in1.callId as number);
    await l1.waitForCallState('LinphoneCallPaused', in1.callId);
    const consult = await l1.call(uri('lin2'));
    const in2 = await l2.waitForCallState('LinphoneCallIncomingReceived');
    await l2.answer(in2.callId);
    await l1.waitForCallState('LinphoneCallStreamsRunning', consult);
    await l1.dtmf('1');

    const inviteMark = evapi.log.mark();
    await l1.transfer(in1.callId as number, consult);
    const replacing = await evapi.log.waitFor((e) => e.ev === 'invite' && e.from === uri('lin3') && e.replaces !== '', 'INVITE with Replaces from lin3', 8000, inviteMark);
    expect(replacing.to).toBe(uri('lin2'));
    await l1.waitForCallState('LinphoneCallEnd', consult, 8000);
    await l1.waitForCallState('LinphoneCallEnd', in1.callId, 8000);
    const m2 = l2.log.mark();
    // lin3's replacing call is only "current" once its media runs (under load that takes a while)
    const replaced = await l3.log.waitFor((e) => e.event === 'LinphoneCallStreamsRunning' && e.callId !== first, 'the replacing call running at lin3', 8000, m3);
    // Either end may hang up; lin3's daemon sometimes forgets the replacing call id it just
    // reported, so the transferred call is ended from lin2 when lin3 refuses.
    await l3.terminate(replaced.callId as number).catch(() => l2.terminate());
    await l2.waitForCallState('LinphoneCallEnd', undefined, 5000, m2);

    // conference: lin1 calls lin2 and lin3 and joins both calls
    const c2 = await l1.call(uri('lin2'));
    const i2 = await l2.waitForCallState('LinphoneCallIncomingReceived', undefined, 5000, m2);
    await l2.answer(i2.callId);
    await l1.waitForCallState('LinphoneCallStreamsRunning', c2);
    const mark3 = l3.log.mark();
    const c3 = await l1.call(uri('lin3'));
    const i3 = await l3.waitForCallState('LinphoneCallIncomingReceived', undefined, 5000, mark3);
    await l3.answer(i3.callId);
    await l1.waitForCallState('LinphoneCallStreamsRunning', c3);
    const confMark = l1.log.mark();
    await l1.conferenceAdd(c2);
    await l1.conferenceAdd(c3);
    // both calls run again (the paused one resumed into the conference)
    await l1.waitForCallState('LinphoneCallStreamsRunning', c2, 5000, confMark);
    await l1.waitForCallState('LinphoneCallStreamsRunning', c3, 5000, confMark);
    expect((await l1.callStatus(c2)).state).toBe('LinphoneCallStreamsRunning');
    expect((await l1.callStatus(c3)).state).toBe('LinphoneCallStreamsRunning');
    await l1.terminate(c2);
    await l1.terminate(c3);
    await l2.waitForCallState('LinphoneCallEnd', i2.callId, 5000, m2);
    await l3.waitForCallState('LinphoneCallEnd', i3.callId, 5000, mark3);
  });
});
