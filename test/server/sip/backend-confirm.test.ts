/**
 * Hold, retrieve and DTMF resolve when the signalling confirms them, checked at the far end: a
 * SIPp far end sees the re-INVITE with a=sendonly/inactive, then a=sendrecv, and the DTMF digits
 * as SIP INFO; the desktop's request resolves only after the far end's 200, and a far end that
 * refuses (488, 491, 501) gets the request refused with the call left as it was. Ordering is
 * checked through Kamailio's events, read on a second evapi connection, and by stopping the far
 * end (SIGSTOP) so that it cannot answer until the test lets it (SIGCONT).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KamailioEvapi, type EvapiEvent } from '../../../src/server/sip/kamailio-evapi.js';
import { inDialogCalleeScenario, registerScenario, type InDialogCalleeOptions, type SippRun } from '../../../src/server/sip/testbed/index.js';
import type { CallRecord } from '../../../src/server/switch/types.js';
import { callIn, type TestAgent } from '../../helpers/agents.js';
import { alive, desktopLoggedIn, startSipStack, type SipStack } from './sip-stack.js';

describe('sip back end: hold, retrieve and DTMF confirmed by the far end', () => {
  let stack: SipStack;
  let evapi: KamailioEvapi;
  let agents: TestAgent[] = [];
  let farEnds = 0;

  beforeAll(async () => {
    stack = await startSipStack({
      agents: [
        { agentId: 'agent1', extension: '5001' },
        { agentId: 'agent3', extension: '5003', kind: 'linphone' },
      ],
      others: [],
      requestTimeoutMs: 3000,
    });
    evapi = await KamailioEvapi.connect({ port: stack.bed.kamailio.evapiPort });
  }, 60_000);
  afterEach(async () => {
    // a test that failed half-way leaves a call up: end it so that the agent can log out
    for (const a of agents) for (const c of a.session.state.calls) await a.session.hangUpCall(c.callId).catch(() => undefined);
    await Promise.all(agents.map((a) => a.close()));
    agents = [];
  });
  afterAll(async () => {
    await evapi?.close();
    await stack?.stop();
    expect(stack.pids.filter(alive)).toEqual([]);
  });

  const loggedIn = (agentId: string): Promise<TestAgent> => desktopLoggedIn(stack, agents, agentId);

  /** A SIPp far end registered under a new number, called from the desktop and answered. */
  async function callFarEnd(agent: TestAgent, options: InDialogCalleeOptions): Promise<{ callId: string; farEnd: SippRun }> {
    const number = `555000070${farEnds++}`;
    const farEnd = stack.bed.sipp({ name: `far-end-${number}`, scenarioXml: inDialogCalleeScenario(options) });
    await farEnd.listening();
    const register = stack.bed.sipp({ name: `register-${number}`, scenarioXml: registerScenario({ user: number, contactPort: farEnd.port, expires: 60 }) });
    expect(await register.done).toBe(0);
    await agent.session.makeCall(number);
    const { calls } = await agent.until((s) => s.calls.some((c) => c.state === 'Established'), `the call to ${number} Established`, 10_000);
    return { callId: calls[0]!.callId, farEnd };
  }

  /** Kamailio's view, in arrival order, next to the moment each request resolved. */
  function timeline(extension: string) {
    const steps: string[] = [];
    const mine = (e: EvapiEvent) => typeof e.by === 'string' && e.by.includes(`sip:${extension}@`);
    const listener = (e: EvapiEvent) => {
      if (!mine(e)) return;
      if (e.ev === 'hold' || e.ev === 'resume') steps.push(`${e.ev} re-INVITE`);
      if (e.ev === 'info') steps.push(`INFO ${String(e.signal)}`);
      if (e.ev === 'indialog-reply' && e.method !== 'REFER') steps.push(`${String(e.method)} answered ${String(e.code)}`);
    };
    evapi.on('event', listener);
    return {
      steps,
      /** Runs a request and notes when it resolved or failed. */
      async request<T>(name: string, run: () => Promise<T>): Promise<T> {
        try {
          const result = await run();
          steps.push(`${name} resolved`);
          return result;
        } catch (error) {
          steps.push(`${name} refused`);
          throw error;
        }
      },
      off: () => evapi.off('event', listener),
    };
  }

  const stateOf = (agentId: string, callId: string) => stack.server.switch.snapshot(agentId).pyCalls?.find((c) => c.pyCallId === callId)?.pyEventName;

  it('a far end that cannot answer yet (stopped): holdCall stays pending and the switch Established until its 200; retrieve resolves after the a=sendrecv re-INVITE', async () => {
    const agent = await loggedIn('agent1');
    const { callId, farEnd } = await callFarEnd(agent, { resume: true });
    const mark = evapi.log.mark();
    const t = timeline('5001');

    // the far end is frozen: the re-INVITE reaches it through Kamailio but nothing can answer it
    process.kill(farEnd.process.pid, 'SIGSTOP');
    let settled = false;
    const holding = t.request('holdCall', () => agent.session.holdCall(callId)).finally(() => {
      settled = true;
    });
    try {
      const reinvite = await evapi.log.waitFor((e) => e.ev === 'hold' && String(e.by).includes('sip:5001@'), 'the hold re-INVITE at Kamailio', 5000, mark);
      // a round trip through the server after the phone sent it (a request the server refuses): still open
      await expect(agent.session.answerCall('no-such-call')).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE' });
      expect(settled).toBe(false);
      expect(stateOf('agent1', callId)).toBe('Established');
      expect(callIn(agent.session.state, callId)?.state).toBe('Established');
      process.kill(farEnd.process.pid, 'SIGCONT');
      await holding;
      const answer = await evapi.log.waitFor((e) => e.ev === 'indialog-reply' && e.cseq === reinvite.cseq && e.callid === reinvite.callid, 'the 200 to the re-INVITE', 5000, mark);
      expect(answer.code).toBe(200);
    } finally {
      process.kill(farEnd.process.pid, 'SIGCONT');
    }
    expect(t.steps.filter((step) => !step.includes('answered'))).toEqual(['hold re-INVITE', 'holdCall resolved']);
    expect(callIn(agent.session.state, callId)?.state).toBe('Held');

    const retrieveMark = evapi.log.mark();
    await t.request('retrieveCall', () => agent.session.retrieveCall(callId));
    const resume = await evapi.log.waitFor((e) => e.ev === 'resume' && String(e.by).includes('sip:5001@'), 'the resume re-INVITE', 5000, retrieveMark);
    expect(await evapi.log.waitFor((e) => e.ev === 'indialog-reply' && e.cseq === resume.cseq && e.callid === resume.callid, 'its 200', 5000, retrieveMark)).toMatchObject({ code: 200 });
    expect(t.steps.filter((step) => !step.includes('answered')).slice(2)).toEqual(['resume re-INVITE', 'retrieveCall resolved']);
    await agent.until((s) => ['Retrieved', 'Established'].includes(callIn(s, callId)?.state ?? ''), 'Retrieved');
    t.off();

    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    // SIPp checked a=sendonly|inactive on the hold and a=sendrecv on the resume (a mismatch fails the run)
    expect(await farEnd.done).toBe(0);
  });

  it('a far end that refuses the hold re-INVITE with 488: holdCall is refused naming it, the call stays Established', async () => {
    const agent = await loggedIn('agent1');
    const { callId, farEnd } = await callFarEnd(agent, { holdReply: 488 });
    const t = timeline('5001');
    const mark = evapi.log.mark();
    await expect(t.request('holdCall', () => agent.session.holdCall(callId))).rejects.toMatchObject({
      errCode: 'OPENCTI_CF_GENERIC_OPERATION',
      errMessage: expect.stringMatching(/hold of call .* the far end answered the re-INVITE with a=sendonly\/inactive with 488/),
    });
    t.off();
    expect(t.steps.filter((step) => !step.includes('answered'))).toEqual(['hold re-INVITE', 'holdCall refused']);
    // The test's own evapi connection may deliver Kamailio's event after the server's did.
    await evapi.log.waitFor((e) => e.ev === 'indialog-reply' && e.method === 'INVITE' && Number(e.code) === 488, 'the 488 as Kamailio saw it', 5000, mark);
    expect(stateOf('agent1', callId)).toBe('Established');
    expect(callIn(agent.session.state, callId)?.state).toBe('Established');
    expect(agent.emitted.some((e) => e.name === 'call' && (e.payload as { state?: string }).state === 'Held')).toBe(false);

    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    expect(await farEnd.done).toBe(0);
  });

  it('a linphone agent: DTMF sent as SIP INFO reaches the far end, sendDTMF resolves after every digit is answered 200', async () => {
    const agent = await loggedIn('agent3');
    const { callId, farEnd } = await callFarEnd(agent, { hold: false, infoDigits: '1*#' });
    const records: CallRecord[] = [];
    const offRecord = stack.server.switch.onCallRecord((r) => records.push(r));
    const t = timeline('5003');
    const mark = evapi.log.mark();
    // the far end frozen: the first INFO reaches it, nothing answers until it runs again
    process.kill(farEnd.process.pid, 'SIGSTOP');
    let settled = false;
    const sending = t.request('sendDTMF', () => agent.session.sendDTMF(callId, '1*#')).finally(() => {
      settled = true;
    });
    try {
      await evapi.log.waitFor((e) => e.ev === 'info' && String(e.by).includes('sip:5003@'), 'the first INFO at Kamailio', 5000, mark);
      await expect(agent.session.answerCall('no-such-call')).rejects.toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE' });
      expect(settled).toBe(false);
      expect(records.filter((r) => r.kind === 'dtmf')).toEqual([]);
    } finally {
      process.kill(farEnd.process.pid, 'SIGCONT');
    }
    await sending;
    t.off();
    offRecord();
    // each INFO goes out once the previous one is answered; the request resolves after the last
    expect(t.steps.filter((step) => !step.includes('answered'))).toEqual(['INFO 1', 'INFO *', 'INFO #', 'sendDTMF resolved']);
    const last = await evapi.log.waitFor((e) => e.ev === 'info' && e.signal === '#', 'the INFO with #', 5000, mark);
    await evapi.log.waitFor((e) => e.ev === 'indialog-reply' && e.callid === last.callid && e.cseq === last.cseq, 'the answer to the INFO with #', 5000, mark);
    expect(t.steps.filter((step) => step === 'INFO answered 200')).toHaveLength(3);
    expect(records.filter((r) => r.kind === 'dtmf').map((r) => r.detail)).toEqual(['1*#']);

    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    // SIPp checked Signal=1, Signal=*, Signal=# in the three INFOs
    expect(await farEnd.done).toBe(0);
  });

  it('a linphone agent: a far end that answers DTMF with 501: sendDTMF is refused naming the digit, no DTMF recorded', async () => {
    const agent = await loggedIn('agent3');
    const { callId, farEnd } = await callFarEnd(agent, { hold: false, infoDigits: '5', infoReply: 501 });
    const records: CallRecord[] = [];
    const offRecord = stack.server.switch.onCallRecord((r) => records.push(r));
    const t = timeline('5003');
    const mark = evapi.log.mark();
    await expect(t.request('sendDTMF', () => agent.session.sendDTMF(callId, '5'))).rejects.toMatchObject({
      errCode: 'OPENCTI_CF_GENERIC_OPERATION',
      errMessage: expect.stringContaining('the far end answered the SIP INFO with the DTMF digit (digit "5") with 501'),
    });
    t.off();
    offRecord();
    expect(t.steps.filter((step) => !step.includes('answered'))).toEqual(['INFO 5', 'sendDTMF refused']);
    await evapi.log.waitFor((e) => e.ev === 'indialog-reply' && e.method === 'INFO' && Number(e.code) === 501, 'the 501 as Kamailio saw it', 5000, mark);
    expect(records.filter((r) => r.kind === 'dtmf')).toEqual([]);
    expect(callIn(agent.session.state, callId)?.state).toBe('Established');

    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    expect(await farEnd.done).toBe(0);
  });

  it('a linphone agent: a far end that answers the hold with 491: refused, the call stays Established; DTMF that never leaves the phone times out naming what is missing', async () => {
    const agent = await loggedIn('agent3');
    const { callId, farEnd } = await callFarEnd(agent, { holdReply: 491 });
    const records: CallRecord[] = [];
    const offRecord = stack.server.switch.onCallRecord((r) => records.push(r));
    await expect(agent.session.holdCall(callId)).rejects.toMatchObject({
      errCode: 'OPENCTI_CF_GENERIC_OPERATION',
      errMessage: expect.stringContaining('the far end answered the re-INVITE with a=sendonly/inactive with 491'),
    });
    expect(stateOf('agent3', callId)).toBe('Established');
    await agent.until((s) => callIn(s, callId)?.state === 'Established', 'still Established');
    // linphone-daemon leaves the call it failed to pause without being its current call: `dtmf`
    // plays the tone locally and sends nothing, which the server reports instead of resolving
    await expect(agent.session.sendDTMF(callId, '7')).rejects.toMatchObject({
      errCode: 'OPENCTI_TIMEOUT',
      errMessage: expect.stringContaining('Kamailio saw 0 of 1 SIP INFO with the DTMF digit from linphone-daemon agent3'),
    });
    offRecord();
    expect(records.filter((r) => r.kind === 'dtmf' || r.kind === 'held')).toEqual([]);

    await agent.session.hangUpCall(callId);
    await agent.until((s) => s.calls.length === 0, 'the call gone');
    expect(await farEnd.done).toBe(0);
  });
});
