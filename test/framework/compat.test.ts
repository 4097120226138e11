/**
 * The callback adapter: an implementation written in the original OpenCTI callback style,
 * unchanged, behaves like a promise-style one to the registry and the session.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  checkImplementation,
  CtiError,
  fromCallbackImplementation,
  Session,
  type ApplicationContext,
  type CallbackImplementation,
  type FailureCallback,
  type ForwardEvent,
  type RequestName,
  type SuccessCallback,
} from '../../src/framework/index.js';

const info = { name: 'legacy', implementationVersion: '2.3.4', frameworkApi: '^1.0.0' } as const;

/** A callback-style login that succeeds and keeps forwardEvent, as an original connector does. */
function loginKeeping(into: { forward?: ForwardEvent }) {
  return (_a: string, _p: string, _e: string, _l: unknown, _o: unknown, success: SuccessCallback, _f: FailureCallback, forwardEvent: ForwardEvent) => {
    into.forward = forwardEvent;
    success({ extension: '1001' });
  };
}

const ok = (_o: unknown, success: SuccessCallback) => success();

describe('fromCallbackImplementation: the call shape', () => {
  it('passes the parameters, then options, success and failure; success(result) resolves with result', async () => {
    const answerCall = vi.fn((_callId: string, _options: unknown, success: SuccessCallback) => success({ accepted: true }));
    const wrapped = fromCallbackImplementation({ ...info, answerCall });
    await expect(wrapped.answerCall?.('c1', { priority: 1 })).resolves.toEqual({ accepted: true });
    const [callId, options, success, failure] = answerCall.mock.calls[0] as unknown[];
    expect([callId, options, typeof success, typeof failure]).toEqual(['c1', { priority: 1 }, 'function', 'function']);
  });

  it('login receives its five parameters, success, failure and forwardEvent last', async () => {
    const login = vi.fn(loginKeeping({}));
    const wrapped = fromCallbackImplementation({ ...info, login, logout: ok });
    const forward: ForwardEvent = () => {};
    await expect(wrapped.login('a1', 'pw', '1001', { name: 'lab' }, { x: 1 }, forward)).resolves.toEqual({ extension: '1001' });
    const args = login.mock.calls[0] as unknown[];
    expect(args).toHaveLength(8);
    expect(args.slice(0, 5)).toEqual(['a1', 'pw', '1001', { name: 'lab' }, { x: 1 }]);
    expect(args[7]).toBe(forward);
  });

  it('every request keeps its arity, so callbacks land in place even when trailing arguments are left out', async () => {
    const seen: Partial<Record<RequestName, unknown[]>> = {};
    const record =
      (name: RequestName) =>
      (...args: unknown[]) => {
        seen[name] = args;
        (args.at(-2) as SuccessCallback)(name);
      };
    const original: Record<string, unknown> = { ...info };
    const names: RequestName[] = ['logout', 'agentReady', 'agentNotReady', 'answerCall', 'sendDTMF', 'transferComplete', 'alternateCall'];
    for (const name of names) original[name] = record(name);
    const wrapped = fromCallbackImplementation(original as unknown as CallbackImplementation) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await expect(wrapped.agentNotReady!('a1', 'ACW')).resolves.toBe('agentNotReady');
    expect(seen.agentNotReady).toHaveLength(7);
    expect(seen.agentNotReady?.slice(0, 5)).toEqual(['a1', 'ACW', undefined, undefined, undefined]);
    await expect(wrapped.sendDTMF!('c1', '12#', {}, 'extra')).resolves.toBe('sendDTMF');
    expect(seen.sendDTMF?.slice(0, 3)).toEqual(['c1', '12#', {}]);
    expect(seen.sendDTMF).toHaveLength(5);
    for (const name of names) {
      await wrapped[name]!();
      expect(seen[name]?.length, name).toBeGreaterThanOrEqual(4);
    }
  });

  it('calls the original functions with the original object as `this`', async () => {
    const original = {
      ...info,
      prefix: 'ok:',
      holdCall(this: { prefix: string }, callId: string, _o: unknown, success: SuccessCallback) {
        success(this.prefix + callId);
      },
    };
    await expect(fromCallbackImplementation(original).holdCall?.('c7', {})).resolves.toBe('ok:c7');
  });

  it('settles on callbacks called later, not only synchronously', async () => {
    const wrapped = fromCallbackImplementation({
      ...info,
      makeCall: (_d: string, _o: unknown, success: SuccessCallback) => setTimeout(() => success({ callId: 'c9' }), 5),
    });
    await expect(wrapped.makeCall?.('5551234', {})).resolves.toEqual({ callId: 'c9' });
  });
});

describe('fromCallbackImplementation: failures', () => {
  it('failure(errorObject) rejects with that very object', async () => {
    const error = { errCode: 'OPENCTI_DEST_BUSY', errMessage: 'line busy (vendor 486)' };
    const wrapped = fromCallbackImplementation({ ...info, makeCall: (_d: string, _o: unknown, _s: SuccessCallback, failure: FailureCallback) => failure(error) });
    await expect(wrapped.makeCall?.('5551234', {})).rejects.toBe(error);
  });

  it('failure() with nothing rejects with a generic error object naming the request', async () => {
    const wrapped = fromCallbackImplementation({ ...info, holdCall: (_c: string, _o: unknown, _s: SuccessCallback, failure: FailureCallback) => failure() });
    await expect(wrapped.holdCall?.('c1', {})).rejects.toEqual({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'holdCall failed without an error object' });
  });

  it('a function that throws rejects with what it threw', async () => {
    const boom = new TypeError('cannot read properties of undefined');
    const wrapped = fromCallbackImplementation({
      ...info,
      retrieveCall: () => {
        throw boom;
      },
    });
    await expect(wrapped.retrieveCall?.('c1', {})).rejects.toBe(boom);
  });

  it('a second callback is ignored (and reported to onLateCallback)', async () => {
    const late = vi.fn();
    const wrapped = fromCallbackImplementation(
      {
        ...info,
        answerCall: (_c: string, _o: unknown, success: SuccessCallback, failure: FailureCallback) => {
          success('first');
          failure({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'second' });
          success('third');
        },
        hangUpCall: (_c: string, _o: unknown, success: SuccessCallback, failure: FailureCallback) => {
          failure({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'first' });
          success('second');
        },
        holdCall: (_c: string, _o: unknown, success: SuccessCallback) => {
          success('done');
          throw new Error('after success');
        },
      },
      { onLateCallback: late },
    );
    await expect(wrapped.answerCall?.('c1', {})).resolves.toBe('first');
    await expect(wrapped.hangUpCall?.('c1', {})).rejects.toEqual({ errCode: 'OPENCTI_INVALID_ACTION', errMessage: 'first' });
    await expect(wrapped.holdCall?.('c1', {})).resolves.toBe('done');
    expect(late.mock.calls.map(([request, callback]) => `${String(request)}:${String(callback)}`)).toEqual([
      'answerCall:failure',
      'answerCall:success',
      'hangUpCall:success',
      'holdCall:failure',
    ]);
  });
});

describe('fromCallbackImplementation: identity and missing functions', () => {
  it('copies name, implementationVersion and frameworkApi', () => {
    const wrapped = fromCallbackImplementation({ ...info, login: loginKeeping({}), logout: ok });
    expect({ name: wrapped.name, implementationVersion: wrapped.implementationVersion, frameworkApi: wrapped.frameworkApi }).toEqual(info);
  });

  it('has exactly the request functions of the original, so the registry names what the original lacks', () => {
    const original = { ...info, login: loginKeeping({}), logout: ok, agentReady: ok, notARequest: ok };
    const wrapped = fromCallbackImplementation(original);
    expect(Object.keys(wrapped).sort()).toEqual(['agentReady', 'frameworkApi', 'implementationVersion', 'login', 'logout', 'name']);
    expect(() => checkImplementation(wrapped, 'simple')).not.toThrow();
    let error: unknown;
    try {
      checkImplementation(wrapped, 'agentState');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CtiError);
    expect((error as CtiError).errCode).toBe('OPENCTI_NOT_IMPLEMENTED');
    expect((error as CtiError).errMessage).toContain('agentNotReady');
    expect((error as CtiError).errMessage).not.toContain('agentReady,');
  });
});

describe('through a session, a callback failure reaches the host as a CtiError', () => {
  const context: ApplicationContext = {
    application: 'compat',
    telephonyMode: 'full',
    implementation: { vendor: 'legacy' },
    ctiLink: { name: 'lab' },
    locale: 'fr',
  };

  function sessionWith(makeCall: (destination: string, options: unknown, success: SuccessCallback, failure: FailureCallback) => void) {
    const kept: { forward?: ForwardEvent } = {};
    const original: Record<string, unknown> = { ...info, login: loginKeeping(kept), makeCall };
    for (const name of ['logout', 'agentReady', 'agentNotReady', 'answerCall', 'hangUpCall', 'holdCall', 'retrieveCall', 'sendDTMF', 'blindTransfer', 'transferInitiate', 'transferComplete', 'consultationCall', 'conferenceInitiate', 'conferenceComplete', 'dropParty']) {
      original[name] = (...args: unknown[]) => (args.at(-2) as SuccessCallback)();
    }
    const session = new Session({ context, implementation: fromCallbackImplementation(original as unknown as CallbackImplementation) });
    return { session, kept };
  }

  const rejection = async (promise: Promise<unknown>): Promise<CtiError> => {
    try {
      await promise;
    } catch (error) {
      return error as CtiError;
    }
    throw new Error('expected a rejection');
  };

  it('keeps errCode and errMessage and localizes in the context locale', async () => {
    const { session } = sessionWith((_d, _o, _s, failure) => failure({ errCode: 'OPENCTI_DEST_BUSY', errMessage: 'vendor: 486 Busy Here' }));
    await session.login({ agentId: 'a1', agentPwd: 'pw', extension: '1001' });
    const error = await rejection(session.makeCall('5551234'));
    expect(error).toBeInstanceOf(CtiError);
    expect(error).toMatchObject({ errCode: 'OPENCTI_DEST_BUSY', errMessage: 'vendor: 486 Busy Here', localizedMessage: 'La destination est occupée.' });
  });

  it('OPENCTI_ERR_PASS shows the vendor message; an unknown code shows errMessage', async () => {
    const pass = sessionWith((_d, _o, _s, failure) => failure({ errCode: 'OPENCTI_ERR_PASS', errMessage: 'Trunk group 4 out of service' }));
    await pass.session.login({ agentId: 'a1', agentPwd: 'pw' });
    expect((await rejection(pass.session.makeCall('5551234'))).localizedMessage).toBe('Trunk group 4 out of service');
    const unknown = sessionWith((_d, _o, _s, failure) => failure({ errCode: 'ACME_E42', errMessage: 'Acme says no' }));
    await unknown.session.login({ agentId: 'a1', agentPwd: 'pw' });
    expect(await rejection(unknown.session.makeCall('5551234'))).toMatchObject({ errCode: 'ACME_E42', localizedMessage: 'Acme says no' });
  });

  it('a throwing function becomes a generic-operation CtiError carrying its message', async () => {
    const { session } = sessionWith(() => {
      throw new Error('socket closed');
    });
    await session.login({ agentId: 'a1', agentPwd: 'pw' });
    expect(await rejection(session.makeCall('5551234'))).toMatchObject({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'socket closed' });
  });

  it('forwardEvent reaches the session unchanged', async () => {
    const { session, kept } = sessionWith((_d, _o, success) => success());
    await session.login({ agentId: 'a1', agentPwd: 'pw', extension: '1001' });
    kept.forward?.({ pyEventType: 'AgentStateEvent', pyEventName: 'Ready', pyMedia: 'Phone', pyAgentId: 'a1' });
    expect(session.state.agent.state).toBe('Ready');
    expect(session.counters.eventsAccepted).toBe(1);
  });
});
