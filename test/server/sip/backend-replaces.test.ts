/**
 * The default consult transfer (`consultTransfer: "replaces"`) with phones that honour Replaces:
 * linphone on every end (the customer, the transferring agent, the consulted agent). Kamailio's
 * events show the REFER with Replaces, the customer's INVITE with a Replaces header answered by
 * the consulted agent's phone, and the consult dialog ended; the switch shows the customer and
 * agent2 on the original call, and agent2 hangs it up from the desktop.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KamailioEvapi, type EvapiEvent } from '../../../src/server/sip/kamailio-evapi.js';
import { callIn, type TestAgent } from '../../helpers/agents.js';
import { alive, desktopLoggedIn, startSipStack, type SipStack } from './sip-stack.js';

const CUSTOMER = '+12025550177';

describe('sip back end: consult transfer with Replaces (the default) between linphone phones', () => {
  let stack: SipStack;
  let evapi: KamailioEvapi;
  let agents: TestAgent[] = [];

  beforeAll(async () => {
    stack = await startSipStack({
      agents: [
        { agentId: 'agent3', extension: '5003', kind: 'linphone' },
        { agentId: 'agent2', extension: '5002', kind: 'linphone' },
      ],
      others: [{ user: CUSTOMER, kind: 'linphone' }],
      consultTransfer: 'default',
    });
    evapi = await KamailioEvapi.connect({ port: stack.bed.kamailio.evapiPort });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(agents.map((a) => a.close()));
    agents = [];
  });
  afterAll(async () => {
    await evapi?.close();
    await stack?.stop();
    expect(stack.pids.filter(alive)).toEqual([]);
  });

  const loggedIn = (agentId: string, ready: boolean): Promise<TestAgent> => desktopLoggedIn(stack, agents, agentId, ready);

  it('the server runs the default: transferComplete sends a REFER with Replaces, the customer replaces the consult dialog at agent2', async () => {
    const agent3 = await loggedIn('agent3', true);
    const agent2 = await loggedIn('agent2', false);
    const customer = stack.bed.linphone(CUSTOMER).control;

    const mark = evapi.log.mark();
    const customerCall = await customer.call('sip:8001@127.0.0.1');
    const { calls } = await agent3.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'Alerting at agent3');
    const callId = calls[0]!.callId;
    await agent3.session.answerCall(callId);
    await customer.waitForCallState('LinphoneCallStreamsRunning', customerCall);

    const queued = await evapi.log.waitFor((e) => e.ev === 'queued' && String(e.from).includes(`sip:${CUSTOMER}@`), 'the customer call queued', 5000, mark);
    const consult = (await agent3.session.consultationCall(callId, '5002')) as { callId?: string } | undefined;
    const ringing = await agent2.until((s) => s.calls.some((c) => c.state === 'Alerting'), 'the consult call Alerting at agent2');
    const consultId = consult?.callId ?? ringing.calls[0]!.callId;
    await agent2.session.answerCall(consultId);
    await agent3.until((s) => callIn(s, consultId)?.state === 'Established', 'the consult call Established at agent3');
    const consultInvite = await evapi.log.waitFor((e) => e.ev === 'invite' && String(e.from).includes('sip:5003@') && String(e.to).includes('sip:5002@'), 'the consult INVITE', 5000, mark);
    const consultDialog = String(consultInvite.callid);

    const customerMark = customer.log.mark();
    await agent3.session.transferComplete(callId, consultId);
    await agent3.until((s) => s.calls.length === 0, 'agent3 released');
    await agent2.until((s) => callIn(s, callId)?.state === 'Established', 'agent2 on the customer call');
    expect([...(callIn(agent2.session.state, callId)?.parties ?? [])].sort()).toEqual([CUSTOMER, '5002'].sort());

    // the signalling: REFER with Replaces from agent3, the customer's INVITE replacing the consult dialog, answered by agent2
    // agent3 answered a queue call: its requests in that dialog carry the queue number as From
    const refer = await evapi.log.waitFor((e) => e.ev === 'refer' && e.callid === queued.callid, 'the REFER from agent3 to the customer', 5000, mark);
    expect(String(refer.referTo)).toMatch(new RegExp(`^<sip:5002@[^?]+\\?Replaces=${consultDialog.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const replacing = await evapi.log.waitFor(
      (e) => e.ev === 'invite' && String(e.from).includes(`sip:${CUSTOMER}@`) && String(e.to).includes('sip:5002@'),
      'the customer INVITE to agent2',
      5000,
      mark,
    );
    expect(String(replacing.replaces).startsWith(`${consultDialog};`)).toBe(true);
    const answered = await evapi.log.waitFor((e: EvapiEvent) => e.ev === 'answered' && e.callid === replacing.callid, 'the replacing INVITE answered', 5000, mark);
    expect(String(answered.contact)).toContain('sip:5002@');
    await evapi.log.waitFor((e) => e.ev === 'bye' && e.callid === consultDialog, 'the replaced consult dialog ended', 5000, mark);
    // one INVITE only from the customer to agent2, and it carried Replaces (no plain REFER fallback)
    expect(evapi.log.all().filter((e) => e.ev === 'invite' && String(e.from).includes(`sip:${CUSTOMER}@`) && String(e.to).includes('sip:5002@'))).toHaveLength(1);
    const talking = await customer.waitForCallState('LinphoneCallStreamsRunning', undefined, 8000, customerMark);
    expect(talking.callId).not.toBe(customerCall);

    await agent2.session.hangUpCall(callId);
    await agent2.until((s) => s.calls.length === 0, 'the call gone at agent2');
    await customer.waitForCallState('LinphoneCallEnd', talking.callId, 5000);
    await evapi.log.waitFor((e) => e.ev === 'bye' && e.callid === replacing.callid && String(e.by).includes('sip:5002@'), 'agent2 hanging up the replacing dialog', 5000, mark);
  });
});
