/** The SIP back end's pieces without processes: the sip config, the call table, device health in the switch, waiters. */
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../src/server/config.js';
import { CallTable, sipUser } from '../../../src/server/sip/backend/state.js';
import { InDialogTracker, isSuccess } from '../../../src/server/sip/backend/in-dialog.js';
import { Waiters } from '../../../src/server/sip/backend/waiters.js';
import { createSipCallControl } from '../../../src/server/sip/backend/call-control.js';
import { SipRequestError } from '../../../src/server/sip/backend/errors.js';
import type { BackendCtx } from '../../../src/server/sip/backend/state.js';
import type { EvapiEvent } from '../../../src/server/sip/kamailio-evapi.js';
import { ManualClock, createSwitch } from '../../../src/server/switch/index.js';

const agent = (n: number) => ({ agentId: `agent${n}`, extension: `500${n}`, sipUri: `sip:500${n}@pbx`, phone: { kind: 'baresip', port: 4440 + n } });
const sip = (extra: Record<string, unknown> = {}) => ({ kamailio: { evapiPort: 8448, rpcUrl: 'http://127.0.0.1:5080/RPC' }, queueNumbers: ['8000'], agents: [agent(1)], ...extra });

describe('sip configuration', () => {
  it('fills defaults and accepts both phone kinds', () => {
    const config = resolveConfig({ backend: 'sip', sip: sip({ agents: [agent(1), { ...agent(2), phone: { kind: 'linphone', socketPath: '/tmp/l' } }] }) });
    expect(config.sip).toMatchObject({ kamailio: { host: '127.0.0.1' }, reconnectMs: 1000, requestTimeoutMs: 5000, consultTransfer: 'replaces' });
  });

  it('names the JSON path of each problem', () => {
    expect(() => resolveConfig({ backend: 'sip' })).toThrow(/\/sip: the sip back end needs a "sip" section/);
    expect(() => resolveConfig({ backend: 'sip', sip: sip({ agents: [{ ...agent(1), sipUri: 'alice' }] }) })).toThrow(/\/sip\/agents\/0\/sipUri must match pattern/);
    expect(() => resolveConfig({ backend: 'sip', sip: sip({ agents: [agent(1), { ...agent(2), extension: '5001' }] }) })).toThrow(
      /\/sip\/agents\/1\/extension "5001" is already used by \/sip\/agents\/0/,
    );
    expect(() => resolveConfig({ backend: 'sip', sip: sip({ queueNumbers: ['5001'] }) })).toThrow(/\/sip\/agents\/0\/extension "5001" is also a queue number/);
    expect(() => resolveConfig({ backend: 'sip', sip: sip({ consultTransfer: 'maybe' }) })).toThrow(ConfigError);
    // the simulator ignores a sip section
    expect(resolveConfig({ sip: sip() }).backend).toBe('simulated');
  });
});

describe('call table', () => {
  it('maps legs both ways, forgets retired legs, keeps offers raised before the call was known, ties early phone calls', () => {
    const table = new CallTable();
    table.earlyOffers.set('s1', 'agent1');
    const call = table.create('s1', true);
    expect(call.pendingRoute).toBe('agent1');
    table.holdUnbound('sip-b', 'agent2', 'leg-b');
    table.addSip(call, 'sip-a');
    table.addSip(call, 'sip-b');
    expect(table.bySip.get('sip-a')).toBe(call);
    expect(call.legs.get('agent2')).toBe('leg-b');
    table.retireSip(call, 'sip-a');
    expect(table.bySip.has('sip-a')).toBe(false);
    table.expect({ switchId: 's1', fromUser: '+1555', toUser: '5002' });
    expect(table.claim('+1555', '5003')).toBeUndefined();
    expect(table.claim('+1555', '5002')?.switchId).toBe('s1');
    expect(table.claim('+1555', '5002')).toBeUndefined();
    table.forget('s1');
    expect(table.bySip.size).toBe(0);
  });

  it('reads the user part of SIP URIs', () => {
    expect(sipUser('sip:+12025550101@127.0.0.1')).toBe('+12025550101');
    expect(sipUser('"Alice" <sip:5001@pbx;transport=udp>;tag=x')).toBe('5001');
    expect(sipUser('sips:8000@pbx:5061')).toBe('8000');
    expect(sipUser(undefined)).toBe('');
  });
});

describe('switch device health', () => {
  const make = () =>
    createSwitch({
      clock: new ManualClock(0),
      agents: [{ agentId: 'a1', extension: '5001', skills: ['sales'] }],
      queues: [{ name: 'sales', dnis: '8000' }],
    });

  it('shows in Snapshots, sends a fresh Snapshot on change, and keeps offers from a CLOSED device', () => {
    const sw = make();
    const seen: unknown[] = [];
    sw.onDeviceEvent((e) => seen.push(e.event));
    sw.login('a1', '');
    sw.ready('a1');
    sw.setDeviceHealth('5001', { link: 'DISCONNECTED', device: 'CLOSED' });
    expect(sw.snapshot('a1')).toMatchObject({ pyLinkState: 'DISCONNECTED', pyDeviceState: 'CLOSED' });
    expect(seen.at(-1)).toMatchObject({ pyEventType: 'SnapshotEvent', pyDeviceState: 'CLOSED' });
    const { callId } = sw.inboundCall('+15550001', '8000');
    expect(sw.queues()[0]?.waiting.map((w) => w.callId)).toEqual([callId]);
    const count = seen.length;
    sw.setDeviceHealth('5001', { link: 'DISCONNECTED', device: 'CLOSED' });
    expect(seen.length).toBe(count); // no change, no event
    sw.setDeviceHealth('5001', { link: 'CONNECTED', device: 'OPENED' });
    expect(sw.snapshot('a1')).toMatchObject({ pyLinkState: 'CONNECTED', pyDeviceState: 'OPENED' });
    expect(sw.calls().find((c) => c.callId === callId)?.state).toBe('Alerting');
    expect(() => sw.setDeviceHealth('9999', { link: 'CONNECTED', device: 'OPENED' })).toThrow(/unknown extension/);
    expect(() => sw.setDeviceHealth('5001', { link: 'UP' as never, device: 'OPENED' })).toThrow(/device health must be/);
  });
});

describe('waiters', () => {
  it('resolve when the test holds, time out naming what, and fail at once when a link drops', async () => {
    const waiters = new Waiters();
    let done = false;
    const waiting = waiters.until('a1', () => done, 'x', 1000);
    done = true;
    waiters.check();
    await expect(waiting).resolves.toBeUndefined();
    await expect(waiters.until('a1', () => false, 'the answer', 20)).rejects.toMatchObject({ errCode: 'OPENCTI_TIMEOUT' });
    const other = waiters.until('a2', () => false, 'y', 1000);
    const mine = waiters.until('a1', () => false, 'z', 1000);
    waiters.fail('baresip agent1 ctrl_tcp 127.0.0.1:1', 'connection closed', 'a1');
    await expect(mine).rejects.toMatchObject({ errCode: 'OPENCTI_LINK_DOWN', errMessage: 'baresip agent1 ctrl_tcp 127.0.0.1:1: connection closed' });
    waiters.fail('Kamailio evapi 127.0.0.1:2', 'gone');
    await expect(other).rejects.toMatchObject({ errMessage: expect.stringContaining('Kamailio evapi') });
  });
});

describe('waiters: refusals and named timeouts', () => {
  it('fail at once with the Error the test returns, and name what did not happen at the timeout', async () => {
    const waiters = new Waiters();
    let refusal: Error | false = false;
    const waiting = waiters.until('a1', () => refusal, 'x', 1000);
    refusal = new Error('the far end answered 488');
    waiters.check();
    await expect(waiting).rejects.toThrow('the far end answered 488');
    await expect(waiters.until('a1', () => new Error('at once'), 'y', 1000)).rejects.toThrow('at once');
    await expect(waiters.until('a1', () => false, () => 'hold of call c1: Kamailio saw 0 of 1 re-INVITE', 20)).rejects.toMatchObject({
      errCode: 'OPENCTI_TIMEOUT',
      errMessage: 'hold of call c1: Kamailio saw 0 of 1 re-INVITE within 20 ms',
    });
  });
});

describe('in-dialog requests and their answers', () => {
  const ev = (fields: Record<string, unknown>) => ({ receivedAt: 0, ...fields }) as EvapiEvent;

  it('match an answer to its request by Call-ID, From and CSeq; count a retransmission once; collect only the watched kind, call and sender', () => {
    const tracker = new InDialogTracker();
    const sipIds = new Set(['c1']);
    const watch = tracker.watch({ kind: 'info', sipIds, users: new Set(['5003', '8001']) });
    tracker.onEvent(ev({ ev: 'info', callid: 'c1', by: 'sip:5003@pbx', cseq: '21', signal: '1' }));
    tracker.onEvent(ev({ ev: 'info', callid: 'c1', by: 'sip:5003@pbx', cseq: '21', signal: '1' })); // retransmission
    tracker.onEvent(ev({ ev: 'info', callid: 'c1', by: 'sip:+1555@pbx', cseq: '21', signal: '9' })); // the far end's own INFO
    tracker.onEvent(ev({ ev: 'hold', callid: 'c1', by: 'sip:5003@pbx', cseq: '22' }));
    tracker.onEvent(ev({ ev: 'info', callid: 'c2', by: 'sip:5003@pbx', cseq: '5', signal: '2' }));
    expect(watch.sent.map((r) => r.signal)).toEqual(['1']);
    expect(tracker.onEvent(ev({ ev: 'indialog-reply', callid: 'c1', method: 'INFO', code: 200, by: 'sip:+1555@pbx', cseq: '21' }))).toMatchObject({ by: '+1555', code: 200 });
    expect(watch.answered).toEqual([]);
    expect(tracker.onEvent(ev({ ev: 'indialog-reply', callid: 'c1', method: 'INFO', code: 501, by: 'sip:5003@pbx', cseq: '21' }))).toMatchObject({ kind: 'info', signal: '1', code: 501 });
    expect(watch.answered.map((o) => o.code)).toEqual([501]);
    // a second final reply to the same request is not a new answer
    expect(tracker.onEvent(ev({ ev: 'indialog-reply', callid: 'c1', method: 'INFO', code: 200, by: 'sip:5003@pbx', cseq: '21' }))).toBeUndefined();
    expect(tracker.onEvent(ev({ ev: 'indialog-reply', callid: 'c1', method: 'INVITE', code: 200, by: 'sip:5003@pbx', cseq: '22' }))).toMatchObject({ kind: 'hold', code: 200 });
    expect(isSuccess(200) && !isSuccess(491) && !isSuccess(100)).toBe(true);
    watch.close();
    tracker.onEvent(ev({ ev: 'info', callid: 'c1', by: 'sip:5003@pbx', cseq: '23', signal: '3' }));
    expect(watch.sent).toHaveLength(1);
  });
});

describe('sip configuration: DTMF of linphone phones', () => {
  it('accepts info and rfc4733, refuses anything else naming the path', () => {
    const linphone = (dtmf: unknown) => ({ ...agent(2), phone: { kind: 'linphone', socketPath: '/tmp/l', dtmf } });
    expect(resolveConfig({ backend: 'sip', sip: sip({ agents: [agent(1), linphone('rfc4733')] }) }).sip?.agents[1]?.phone).toMatchObject({ dtmf: 'rfc4733' });
    expect(() => resolveConfig({ backend: 'sip', sip: sip({ agents: [agent(1), linphone('inband')] }) })).toThrow(/\/sip\/agents\/1\/phone/);
  });
});

describe('requests the phones cannot do', () => {
  const control = createSipCallControl({ ctx: { sw: {} } as unknown as BackendCtx, waiters: {} as Waiters, timeoutMs: 1000 });

  it.each(['mute', 'unmute', 'startRecording', 'pauseRecording', 'resumeRecording', 'stopRecording'] as const)('%s is refused as not implemented, naming why', async (method) => {
    const thrown = await Promise.resolve(control[method]('agent1', 'c1')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(SipRequestError);
    expect(thrown).toMatchObject({ errCode: 'OPENCTI_NOT_IMPLEMENTED' });
    expect((thrown as SipRequestError).errMessage).toMatch(/not available with the SIP back end: the phones' control links \(baresip ctrl_tcp, linphone-daemon\) offer no per-call (mute|recording)/);
  });
});
