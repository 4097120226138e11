import { afterEach, describe, expect, it, vi } from 'vitest';
import { CtiError, MODE_CAPABILITIES, type CtiError as CtiErrorType, type RequestName, type Session, type TelephonyMode } from '../../src/framework/index.js';
import { AGENT, agentState, callState, partyInfo } from './helpers/events.js';
import { ALL_REQUESTS } from './helpers/fake-implementation.js';
import { loggedIn, makeSession, type TestSession } from './helpers/session.js';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as CtiErrorType,
  );

/** Calls a request with plausible arguments for the calls set up by `withCalls`. */
const REQUESTS: Record<Exclude<RequestName, 'login' | 'logout'>, (s: Session) => Promise<unknown>> = {
  agentReady: (s) => s.agentReady(),
  agentNotReady: (s) => s.agentNotReady({ reasonCode: 'BREAK' }),
  answerCall: (s) => s.answerCall('ringing'),
  hangUpCall: (s) => s.hangUpCall('active'),
  holdCall: (s) => s.holdCall('active'),
  retrieveCall: (s) => s.retrieveCall('held'),
  makeCall: (s) => s.makeCall('5559999'),
  sendDTMF: (s) => s.sendDTMF('active', '12#'),
  blindTransfer: (s) => s.blindTransfer('active', '2002'),
  transferInitiate: (s) => s.transferInitiate('active', '2002'),
  transferComplete: (s) => s.transferComplete('held', 'active'),
  consultationCall: (s) => s.consultationCall('active', '2002'),
  conferenceInitiate: (s) => s.conferenceInitiate('active', '2002'),
  conferenceComplete: (s) => s.conferenceComplete('held', 'active'),
  dropParty: (s) => s.dropParty('active', '2002'),
  alternateCall: (s) => s.alternateCall('held', 'active'),
  setCallData: (s) => s.setCallData('active', { case: '42' }),
  muteCall: (s) => s.muteCall('active'),
  unmuteCall: (s) => s.unmuteCall('active'),
  rejectCall: (s) => s.rejectCall('ringing'),
  startRecording: (s) => s.startRecording('active'),
  pauseRecording: (s) => s.pauseRecording('active'),
  resumeRecording: (s) => s.resumeRecording('held'),
  stopRecording: (s) => s.stopRecording('held'),
};

/** One ringing, one active and one held call on the extension. */
function withCalls(t: TestSession): TestSession {
  t.fake.emit(callState('Alerting', 'ringing'));
  t.fake.emit(callState('Established', 'active'));
  t.fake.emit(callState('Held', 'held'));
  t.heard.length = 0;
  return t;
}

describe.each(['simple', 'agentState', 'full'] as TelephonyMode[])('mode %s', (mode) => {
  const allowed = MODE_CAPABILITIES[mode].allowed;
  const requests = Object.keys(REQUESTS) as (keyof typeof REQUESTS)[];

  it.each(requests.filter((r) => !allowed.includes(r)))('refuses %s without reaching the implementation', async (name) => {
    const t = withCalls(await loggedIn(mode));
    const error = await failure(REQUESTS[name](t.session));
    expect(error).toBeInstanceOf(CtiError);
    expect(error.errCode).toBe('OPENCTI_NOT_SUPPORTED_IN_MODE');
    expect(error.errMessage).toContain(`${name} is not available in telephony mode "${mode}"`);
    expect(error.localizedMessage).toBe('This request is not available in the current telephony mode.');
    expect(t.fake.names()).toEqual(['login']);
  });

  it.each(requests.filter((r) => allowed.includes(r)))('passes %s to the implementation when logged in', async (name) => {
    const t = withCalls(await loggedIn(mode));
    await expect(REQUESTS[name](t.session)).resolves.toEqual({ ok: true });
    expect(t.fake.names()).toEqual(['login', name]);
  });

  it.each(requests.filter((r) => allowed.includes(r)))('refuses %s when no agent is logged in', async (name) => {
    const t = makeSession(mode);
    const error = await failure(REQUESTS[name](t.session));
    expect(error).toMatchObject({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: `${name}: no agent is logged in` });
    expect(t.fake.calls).toEqual([]);
  });
});

describe('requests: implementation gaps and login phases', () => {
  it('alternateCall is optional: refused as not implemented when absent', async () => {
    const t = withCalls(await loggedIn('full', { omit: ['alternateCall'] }));
    const error = await failure(t.session.alternateCall('held', 'active'));
    expect(error).toMatchObject({ errCode: 'OPENCTI_NOT_IMPLEMENTED', errMessage: 'implementation "fake" does not provide alternateCall' });
  });

  it('setCallData is optional: refused as not implemented when absent', async () => {
    const t = withCalls(await loggedIn('full', { omit: ['setCallData'] }));
    const error = await failure(t.session.setCallData('active', { case: '42' }));
    expect(error).toMatchObject({ errCode: 'OPENCTI_NOT_IMPLEMENTED', errMessage: 'implementation "fake" does not provide setCallData' });
  });

  it('requests wait for login to complete', async () => {
    const t = makeSession('full');
    const pending = t.fake.hang('login');
    const login = t.session.login({ agentId: AGENT, agentPwd: 'pw' });
    expect(await failure(t.session.makeCall('123'))).toMatchObject({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: 'makeCall: login has not completed yet' });
    pending.resolve({});
    await login;
    await t.session.makeCall('123');
  });

  it('requests are refused while logging out', async () => {
    const t = await loggedIn('full');
    t.fake.hang('logout');
    void t.session.logout().catch(() => undefined);
    expect(await failure(t.session.makeCall('123'))).toMatchObject({ errCode: 'OPENCTI_AGENT_NOT_LOGGED_IN', errMessage: 'makeCall: a logout is in progress' });
  });
});

describe('requests: agent state', () => {
  const reasonCodes = { notReady: [{ code: 'BREAK', label: 'Break' }, { code: 'TRAIN', label: 'Training' }], logout: [] };

  it('agentReady passes the agent and work mode; no work mode means the server default', async () => {
    const t = await loggedIn('agentState');
    await t.session.agentReady();
    await t.session.agentReady({ workMode: 'MODE_MANUAL_IN', options: { x: 1 } });
    expect(t.fake.calls.slice(1)).toEqual([
      { name: 'agentReady', args: [AGENT, '', {}] },
      { name: 'agentReady', args: [AGENT, 'MODE_MANUAL_IN', { x: 1 }] },
    ]);
  });

  it('agentNotReady passes agent, work mode, reason and the CTI link', async () => {
    const t = await loggedIn('agentState', { context: { reasonCodes } });
    await t.session.agentNotReady({ reasonCode: 'TRAIN' });
    expect(t.fake.calls[1]).toEqual({ name: 'agentNotReady', args: [AGENT, '', 'TRAIN', { name: 'lab', url: 'ws://localhost:0' }, {}] });
  });

  it('a Not Ready reason not listed in the context is refused with the list', async () => {
    const t = await loggedIn('agentState', { context: { reasonCodes } });
    const error = await failure(t.session.agentNotReady({ reasonCode: 'NAP' }));
    expect(error).toMatchObject({
      errCode: 'OPENCTI_INVALID_ACTION',
      errMessage: 'agentNotReady: "NAP" is not a Not Ready reason code of this application; use one of "BREAK" (Break), "TRAIN" (Training)',
    });
    expect(await failure(t.session.agentNotReady({ reasonCode: '' }))).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION' });
    expect(t.fake.names()).toEqual(['login']);
  });

  it('after-call work needs no reason code', async () => {
    const t = await loggedIn('agentState', { context: { reasonCodes } });
    await t.session.agentNotReady({ reasonCode: '', workMode: 'ACW' });
    expect(t.fake.calls[1]?.args.slice(0, 3)).toEqual([AGENT, 'ACW', '']);
  });

  it('any reason code goes when the context lists none', async () => {
    const t = await loggedIn('agentState');
    await t.session.agentNotReady({ reasonCode: 'whatever' });
    expect(t.fake.names()).toEqual(['login', 'agentNotReady']);
  });

  it('an unknown work mode is refused', async () => {
    const t = await loggedIn('agentState');
    const error = await failure(t.session.agentReady({ workMode: 'TURBO' as never }));
    expect(error.errCode).toBe('OPENCTI_INVALID_ACTION');
    expect(error.errMessage).toMatch(/^agentReady: workMode must be one of MODE_NONE, .*\(got "TURBO"\)$/);
  });
});

describe('requests: call state checks (full mode)', () => {
  const refused = async (t: TestSession, request: Promise<unknown>, message: string | RegExp) => {
    const error = await failure(request);
    expect(error.errCode).toBe('OPENCTI_CF_INVALID_OBJECT_STATE');
    expect(error.errMessage).toMatch(message);
    expect(t.fake.names()).toEqual(['login']);
  };

  it('answerCall needs a ringing call', async () => {
    const t = withCalls(await loggedIn('full'));
    await refused(t, t.session.answerCall('active'), 'answerCall: call "active" is Established, but the call must be ringing (Alerting or Offering)');
    await refused(t, t.session.answerCall('nope'), 'answerCall: no call "nope" on this extension (calls: "ringing", "active", "held")');
    t.fake.emit(callState('Offering', 'offered'));
    await t.session.answerCall('offered');
    await t.session.answerCall('ringing', { device: 'headset' });
    expect(t.fake.calls.slice(1)).toEqual([
      { name: 'answerCall', args: ['offered', {}] },
      { name: 'answerCall', args: ['ringing', { device: 'headset' }] },
    ]);
  });

  it('holdCall needs an active call; retrieveCall a held one', async () => {
    const t = withCalls(await loggedIn('full'));
    await refused(t, t.session.holdCall('held'), 'holdCall: call "held" is Held, but the call must be active (Established, Connected or Retrieved)');
    await refused(t, t.session.holdCall('ringing'), /call "ringing" is Alerting/);
    await refused(t, t.session.retrieveCall('active'), 'retrieveCall: call "active" is Established, but the call must be Held');
    t.fake.emit(callState('Retrieved', 'held'));
    await t.session.holdCall('held');
    expect(t.fake.names()).toEqual(['login', 'holdCall']);
  });

  it('hangUpCall needs a known call, in any state', async () => {
    const t = withCalls(await loggedIn('full'));
    await refused(t, t.session.hangUpCall('gone'), /no call "gone"/);
    await refused(t, t.session.hangUpCall(''), 'hangUpCall needs a call id (got "")');
    for (const id of ['ringing', 'active', 'held']) await t.session.hangUpCall(id);
    expect(t.fake.names()).toEqual(['login', 'hangUpCall', 'hangUpCall', 'hangUpCall']);
  });

  it('sendDTMF needs an active call and 1 to 64 digits 0-9 * # A-D (as the wire protocol allows)', async () => {
    const t = withCalls(await loggedIn('full'));
    await refused(t, t.session.sendDTMF('held', '1'), /sendDTMF: call "held" is Held/);
    for (const digits of ['', '12x', '1 2', 'e', '1'.repeat(65)]) {
      expect(await failure(t.session.sendDTMF('active', digits))).toMatchObject({
        errCode: 'OPENCTI_INVALID_ACTION',
        errMessage: `sendDTMF digits must be 1 to 64 of 0-9 * # A-D (got ${JSON.stringify(digits)})`,
      });
    }
    await t.session.sendDTMF('active', '0123456789*#ABCDabcd');
    expect(t.fake.calls.at(-1)).toEqual({ name: 'sendDTMF', args: ['active', '0123456789*#ABCDabcd', {}] });
  });

  it('makeCall needs a destination, trimmed, and passes the server result through', async () => {
    const t = await loggedIn('full');
    for (const destination of ['', '   ']) {
      expect(await failure(t.session.makeCall(destination))).toMatchObject({
        errCode: 'OPENCTI_CF_INVALID_DESTINATION',
        errMessage: `makeCall needs a destination (got ${JSON.stringify(destination)})`,
        localizedMessage: 'The destination is not valid.',
      });
    }
    t.fake.respond('makeCall', () => Promise.resolve({ callId: 'o1' }));
    await expect(t.session.makeCall(' 5559999 ', { callData: { pyCallData: { a: '1' } } })).resolves.toEqual({ callId: 'o1' });
    expect(t.fake.calls.at(-1)).toEqual({ name: 'makeCall', args: ['5559999', { callData: { pyCallData: { a: '1' } } }] });
  });

  it('blindTransfer needs a destination and an active or held call', async () => {
    const t = withCalls(await loggedIn('full'));
    expect(await failure(t.session.blindTransfer('active', ''))).toMatchObject({ errCode: 'OPENCTI_CF_INVALID_DESTINATION' });
    await refused(t, t.session.blindTransfer('ringing', '2002'), /call "ringing" is Alerting, but the call must be active or Held/);
    await t.session.blindTransfer('held', '2002');
    await t.session.blindTransfer('active', '2002');
    expect(t.fake.names()).toEqual(['login', 'blindTransfer', 'blindTransfer']);
  });

  it.each(['transferInitiate', 'consultationCall', 'conferenceInitiate'] as const)('%s needs an active call and a destination', async (name) => {
    const t = withCalls(await loggedIn('full'));
    expect(await failure(t.session[name]('active', ' '))).toMatchObject({ errCode: 'OPENCTI_CF_INVALID_DESTINATION' });
    await refused(t, t.session[name]('held', '2002'), new RegExp(`^${name}: call "held" is Held`));
    await refused(t, t.session[name]('nope', '2002'), /no call "nope"/);
    await t.session[name]('active', '2002');
    expect(t.fake.calls.at(-1)).toEqual({ name, args: ['active', '2002', {}] });
  });

  it.each(['transferComplete', 'conferenceComplete', 'alternateCall'] as const)('%s needs the held call Held and the active call active', async (name) => {
    const t = withCalls(await loggedIn('full'));
    await refused(t, t.session[name]('active', 'held'), new RegExp(`^${name}: call "active" is Established, but the held call must be Held`));
    await refused(t, t.session[name]('held', 'ringing'), /call "ringing" is Alerting, but the active call must be active/);
    await refused(t, t.session[name]('held', 'held'), `${name} needs two different calls (got "held" twice)`);
    await refused(t, t.session[name]('gone', 'active'), /no call "gone"/);
    await t.session[name]('held', 'active');
    expect(t.fake.calls.at(-1)).toEqual({ name, args: ['held', 'active', {}] });
  });

  it('setCallData needs a known call, in any state, and a flat object of string values', async () => {
    const t = withCalls(await loggedIn('full'));
    await refused(t, t.session.setCallData('gone', { case: '42' }), 'setCallData: no call "gone" on this extension (calls: "ringing", "active", "held")');
    const bad: [unknown, string][] = [
      [undefined, 'setCallData needs data as an object of string values (got undefined)'],
      [['a'], 'setCallData needs data as an object of string values (got ["a"])'],
      ['case=42', 'setCallData needs data as an object of string values (got "case=42")'],
      [{}, 'setCallData needs at least one key in data (got {})'],
      [{ '': 'x' }, 'setCallData: data keys must not be empty'],
      [{ case: 42 }, 'setCallData: data "case" must be a string (got 42)'],
      [{ a: '1', nested: { b: '2' } }, 'setCallData: data "nested" must be a string (got {"b":"2"})'],
    ];
    for (const [data, message] of bad) {
      expect(await failure(t.session.setCallData('active', data as Record<string, string>))).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: message });
    }
    expect(t.fake.names()).toEqual(['login']);
    for (const id of ['ringing', 'active', 'held']) await t.session.setCallData(id, { case: '42' });
    await t.session.setCallData('active', { case: '42', priority: 'high' }, { source: 'crm' });
    expect(t.fake.calls.at(-1)).toEqual({ name: 'setCallData', args: ['active', { case: '42', priority: 'high' }, { source: 'crm' }] });
    expect(t.fake.names()).toEqual(['login', 'setCallData', 'setCallData', 'setCallData', 'setCallData']);
  });

  it('dropParty needs a known call and, once parties are known, one of them', async () => {
    const t = withCalls(await loggedIn('full'));
    await refused(t, t.session.dropParty('gone', '2002'), /dropParty: no call "gone"/);
    expect(await failure(t.session.dropParty('active', ''))).toMatchObject({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'dropParty needs a party (got "")' });
    t.fake.emit(partyInfo('active', ['1001', '5551234', '2002']));
    await refused(t, t.session.dropParty('active', '3003'), 'dropParty: "3003" is not a party of call "active" (parties: 1001, 5551234, 2002)');
    await t.session.dropParty('active', '2002');
    expect(t.fake.calls.at(-1)).toEqual({ name: 'dropParty', args: ['active', '2002', {}] });
  });
});

describe('requests: errors from the implementation', () => {
  it('an error object becomes a CtiError with its code, message and the localized message', async () => {
    const t = withCalls(await loggedIn('full'));
    t.fake.reject('holdCall', { errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE', errMessage: 'switch says no' });
    const error = await failure(t.session.holdCall('active'));
    expect(error).toBeInstanceOf(CtiError);
    expect(error).toMatchObject({
      errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE',
      errMessage: 'switch says no',
      localizedMessage: 'The call or agent is not in a state that allows this request.',
    });
  });

  it('uses the context locale and its message overrides', async () => {
    const t = withCalls(
      await loggedIn('full', { context: { locale: 'fr-FR', errorMessages: { OPENCTI_DEST_BUSY: 'Le poste est occupé, réessayez.' } } }),
    );
    t.fake.reject('blindTransfer', { errCode: 'OPENCTI_DEST_BUSY', errMessage: 'busy' });
    expect((await failure(t.session.blindTransfer('active', '2002'))).localizedMessage).toBe('Le poste est occupé, réessayez.');
    t.fake.reject('holdCall', { errCode: 'OPENCTI_CALL_REJECTED', errMessage: 'no' });
    expect((await failure(t.session.holdCall('active'))).localizedMessage).not.toBe('The call request was rejected.');
    // Framework refusals speak the same language.
    expect((await failure(t.session.makeCall(''))).localizedMessage).not.toBe('The destination is not valid.');
  });

  it("OPENCTI_ERR_PASS shows the vendor's message as is; unknown codes fall back to it", async () => {
    const t = withCalls(await loggedIn('full'));
    t.fake.reject('holdCall', { errCode: 'OPENCTI_ERR_PASS', errMessage: 'Trunk 7 is in maintenance' });
    expect((await failure(t.session.holdCall('active'))).localizedMessage).toBe('Trunk 7 is in maintenance');
    t.fake.reject('holdCall', { errCode: 'ACME_42', errMessage: 'acme says 42' });
    expect(await failure(t.session.holdCall('active'))).toMatchObject({ errCode: 'ACME_42', localizedMessage: 'acme says 42' });
  });

  it('an Error, a string, or a synchronous throw becomes a generic operation failure', async () => {
    const t = withCalls(await loggedIn('full'));
    t.fake.reject('holdCall', new Error('socket closed'));
    expect(await failure(t.session.holdCall('active'))).toMatchObject({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'socket closed' });
    t.fake.reject('holdCall', 'nope');
    expect(await failure(t.session.holdCall('active'))).toMatchObject({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'nope' });
    t.fake.respond('holdCall', () => {
      throw new TypeError('cannot read property of undefined');
    });
    const thrown = await failure(t.session.holdCall('active'));
    expect(thrown).toBeInstanceOf(CtiError);
    expect(thrown).toMatchObject({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'cannot read property of undefined' });
  });

  it('a CtiError thrown by the implementation is shown in the context locale', async () => {
    const t = withCalls(await loggedIn('full', { context: { locale: 'fr' } }));
    t.fake.reject('holdCall', new CtiError('OPENCTI_LINK_DOWN', 'ws closed'));
    const error = await failure(t.session.holdCall('active'));
    expect(error.errCode).toBe('OPENCTI_LINK_DOWN');
    expect(error.localizedMessage).not.toBe('The link to the CTI server is down.');
  });

  it('a plain value returned instead of a promise still resolves', async () => {
    const t = withCalls(await loggedIn('full'));
    t.fake.respond('holdCall', () => 'done');
    await expect(t.session.holdCall('active')).resolves.toBe('done');
  });
});

describe('requests: timeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a request not settled within requestTimeoutMs fails with OPENCTI_TIMEOUT naming it; a late answer is ignored', async () => {
    vi.useFakeTimers();
    const t = withCalls(await loggedIn('full', { context: { requestTimeoutMs: 2000 } }));
    const late = t.fake.hang('holdCall');
    const outcome = failure(t.session.holdCall('active'));
    await vi.advanceTimersByTimeAsync(1999);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toMatchObject({
      errCode: 'OPENCTI_TIMEOUT',
      errMessage: 'holdCall was not answered by the CTI server within 2000 ms',
      localizedMessage: 'The CTI server did not answer in time.',
    });
    late.reject({ errCode: 'OPENCTI_DEST_BUSY', errMessage: 'too late' });
    await vi.advanceTimersByTimeAsync(10);
    expect(t.errors()).toEqual([]);
  });

  it('defaults to 10 seconds', async () => {
    vi.useFakeTimers();
    const t = await loggedIn('full');
    t.fake.hang('makeCall');
    const outcome = failure(t.session.makeCall('123'));
    await vi.advanceTimersByTimeAsync(9999);
    await vi.advanceTimersByTimeAsync(1);
    expect((await outcome).errMessage).toBe('makeCall was not answered by the CTI server within 10000 ms');
  });

  it('a timed-out login leaves the agent logged out', async () => {
    vi.useFakeTimers();
    const t = makeSession('simple', { context: { requestTimeoutMs: 500 } });
    t.fake.hang('login');
    const outcome = failure(t.session.login({ agentId: AGENT, agentPwd: 'pw' }));
    await vi.advanceTimersByTimeAsync(500);
    expect((await outcome).errCode).toBe('OPENCTI_TIMEOUT');
    expect(t.session.state.loggedIn).toBe(false);
    t.fake.emit(agentState('Ready'));
    expect(t.session.counters.eventsAfterLogout).toBe(1);
  });

  it('a settled request leaves no timer behind', async () => {
    vi.useFakeTimers();
    const t = withCalls(await loggedIn('full'));
    await t.session.holdCall('active');
    expect(vi.getTimerCount()).toBe(0);
  });
});

it('every request name of the contract is covered here', () => {
  expect([...Object.keys(REQUESTS), 'login', 'logout'].sort()).toEqual([...ALL_REQUESTS].sort());
});

describe('mute, reject and recording requests', () => {
  it('rejectCall needs a ringing call; mute and recording an active or held one', async () => {
    const t = withCalls(await loggedIn('full'));
    expect(await failure(t.session.rejectCall('active'))).toMatchObject({
      errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE',
      errMessage: 'rejectCall: call "active" is Established, but the call must be ringing (Alerting or Offering)',
    });
    expect(await failure(t.session.muteCall('ringing'))).toMatchObject({ errCode: 'OPENCTI_CF_INVALID_OBJECT_STATE', errMessage: expect.stringContaining('muteCall: call "ringing" is Alerting') });
    expect(await failure(t.session.startRecording('ringing'))).toMatchObject({ errMessage: expect.stringContaining('startRecording: call "ringing" is Alerting') });
    expect(t.fake.names()).toEqual(['login']);
    await t.session.rejectCall('ringing');
    await t.session.muteCall('held');
    await t.session.stopRecording('active', { why: 'card' });
    expect(t.fake.calls.slice(1)).toEqual([
      { name: 'rejectCall', args: ['ringing', {}] },
      { name: 'muteCall', args: ['held', {}] },
      { name: 'stopRecording', args: ['active', { why: 'card' }] },
    ]);
  });

  it('the optional requests are refused as not implemented when the connector lacks them', async () => {
    const t = withCalls(await loggedIn('full', { omit: ['muteCall', 'rejectCall', 'pauseRecording'] }));
    for (const run of [() => t.session.muteCall('active'), () => t.session.rejectCall('ringing'), () => t.session.pauseRecording('active')]) {
      expect(await failure(run())).toMatchObject({ errCode: 'OPENCTI_NOT_IMPLEMENTED' });
    }
  });

  it('pyMuted and pyRecordingState show on the call', async () => {
    const t = withCalls(await loggedIn('full'));
    const active = () => t.session.state.calls.find((c) => c.callId === 'active');
    expect(active()?.muted).toBeUndefined();
    t.fake.emit({ ...callState('Established', 'active'), pyMuted: true });
    expect(active()?.muted).toBe(true);
    t.fake.emit(callState('Held', 'active'));
    expect(active()).toMatchObject({ state: 'Held', muted: true });
    t.fake.emit({ pyEventType: 'CallInfoEvent', pyEventName: 'Recording', pyCallId: 'active', pyCallData: {}, pyRecordingState: 'Paused' });
    expect(active()?.recording).toBe('Paused');
  });
});
