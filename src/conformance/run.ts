/**
 * The connector conformance kit: drives an implementation through every obligation docs/spec.md
 * puts on it for a telephony mode, against a live back end, and reports one result per check.
 * It talks to the implementation directly (not through a Session), so what it proves is the
 * contract itself, but it takes the implementation through the registry (adopt.ts), so any
 * connector the registry accepts — of either style, or a constructor — can be run as written.
 *
 * The checks, their steps and what each needs are listed in checks.ts. Every request and every
 * driver call has a time limit, so a run always ends with a report.
 */
import type { Implementation } from '../framework/implementation.js';
import { MODE_CAPABILITIES, missingFunctions } from '../framework/modes.js';
import { adoptImplementation, type Adopted } from './adopt.js';
import { checkInfo } from './checks.js';
import { describeError } from './describe-error.js';
import { driverProblems } from './driver-check.js';
import { describeRejected, EventRecorder, isAgentEvent, isCallEvent, isSnapshot, nameOf, type AnyEvent, type Arrival } from './recorder.js';
import type { CheckResult, ConformanceDriver, ConformanceOptions, ConformanceReport } from './types.js';

/** Thrown by a check body that cannot run; the detail says why. */
class Skip extends Error {}

/** A request the connector (or the driver) rejected; keeps what it rejected with. */
class Refusal extends Error {
  readonly error: unknown;
  /** The errCode it was refused with, if any. */
  readonly code: unknown;
  constructor(label: string, error: unknown) {
    super(`${label} was refused: ${describeError(error)}`, { cause: error });
    this.error = error;
    this.code = typeof error === 'object' && error !== null ? (error as { errCode?: unknown }).errCode : undefined;
  }
}

const CALLER = '+15550100';
const ENDED = ['Disconnected', 'Abandoned'];

/** Keys whose values a trace never shows: the trace may be pasted into an issue. */
const SECRET = /pwd|password|passwd|token|secret/i;
const preview = (value: unknown): string => {
  if (typeof value === 'function') return 'function';
  let text: string;
  try {
    text = JSON.stringify(value, (key, v: unknown) => (SECRET.test(key) && v !== undefined ? '***' : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
};
const stamp = (ms: number) => `[${String(ms).padStart(6)} ms]`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const { mode } = options;
  const driver = options.driver as ConformanceDriver; // checked by target.driver before any use
  const eventTimeout = options.eventTimeoutMs ?? 5000;
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const trace = options.onTrace;
  const recorder = new EventRecorder(
    trace &&
      ((a: Arrival) =>
        trace(`${stamp(a.at)} ${a.event ? `event ${nameOf(a.raw)} ${preview(a.raw)}` : `event REJECTED, ${describeRejected(a)}: ${preview(a.raw)}`}`)),
    options.events,
  );
  const log = (line: string) => trace?.(`${stamp(recorder.now())} ${line}`);
  const checks: CheckResult[] = [];
  const notes: string[] = [];
  const withAgentState = mode !== 'simple';
  const full = mode === 'full';
  let adopted: Adopted | undefined;
  /** Set by declare.version; every later check needs it and is skipped without it. */
  let impl = undefined as unknown as Implementation;
  /** The prerequisite that failed: every later check is skipped, naming it. */
  let blockedBy: string | undefined;

  async function check(id: string, body: () => Promise<void>): Promise<void> {
    const info = checkInfo(id);
    const statusOf = (needed: string) => checks.find((c) => c.id === needed)?.status;
    const unmet = blockedBy ?? info.needs?.find((needed) => statusOf(needed) !== 'passed');
    const lacking = blockedBy === undefined && impl ? info.optional?.filter((name) => typeof (impl as unknown as Record<string, unknown>)[name] !== 'function') : undefined;
    if (lacking && lacking.length > 0) {
      // leaving out an optional request is the connector's right: traced, not a note
      log(`not run ${id}: the connector does not provide ${lacking.join(', ')} (optional)`);
      return;
    }
    let result: CheckResult;
    if (unmet !== undefined) {
      const why = statusOf(unmet) === 'skipped' ? 'was skipped' : 'failed';
      result = { id, title: info.title, status: 'skipped', passed: false, detail: `skipped: needs ${unmet}, which ${why}` };
    } else {
      log(`check ${id}`);
      try {
        await body();
        result = { id, title: info.title, status: 'passed', passed: true };
      } catch (error) {
        if (info.optional && error instanceof Refusal && error.code === 'OPENCTI_NOT_IMPLEMENTED') {
          notes.push(`${id} was not run: the target refused it as not implemented (${describeError(error.error)})`);
          log(`not run ${id}: refused as not implemented`);
          return;
        }
        if (error instanceof Skip) {
          result = { id, title: info.title, status: 'skipped', passed: false, detail: error.message };
        } else {
          result = { id, title: info.title, status: 'failed', passed: false, detail: describeError(error) };
          if (info.prerequisite) blockedBy = id;
        }
      }
    }
    log(`${result.status} ${id}${result.detail ? `: ${result.detail}` : ''}`);
    checks.push(result);
    options.onCheck?.(result);
  }

  /** Waits for `promise` at most the request timeout; a late settlement is traced, never thrown. */
  function within<T>(promise: Promise<T>, label: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new Error(`${label} did not settle within ${requestTimeout} ms`));
      }, requestTimeout);
      promise.then(
        (value) => (late ? log(`${label} resolved late`) : (clearTimeout(timer), resolve(value))),
        (error: unknown) => (late ? log(`${label} rejected late: ${describeError(error)}`) : (clearTimeout(timer), reject(new Refusal(label, error)))),
      );
    });
  }

  /** Calls a connector function, traced and with a time limit; a rejection becomes a Refusal naming the request. */
  async function request(name: string, ...args: unknown[]): Promise<unknown> {
    const fn = (impl as unknown as Record<string, unknown>)[name];
    if (typeof fn !== 'function') throw new Error(`the connector has no ${name}`);
    // Not the agent's password; login's last argument is the kit's forwardEvent.
    const shown = name === 'login' ? args.map((a, i) => (i === 1 ? '"***"' : i === 5 ? 'forwardEvent' : preview(a))) : args.map(preview);
    const label = `${name}(${shown.join(', ')})`;
    log(`→ ${label}`);
    const started = recorder.now();
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve((fn as (...a: unknown[]) => unknown).apply(impl, args));
    } catch (error) {
      pending = Promise.reject(error as Error); // thrown instead of rejected: reported the same way
    }
    try {
      const value = await within(pending, label);
      log(`← ${name} resolved after ${recorder.now() - started} ms${value === undefined ? '' : `: ${preview(value)}`}`);
      return value;
    } catch (error) {
      log(`← ${error instanceof Refusal ? `${name} rejected after ${recorder.now() - started} ms: ${describeError(error.error)}` : (error as Error).message}`);
      throw error;
    }
  }

  /** Calls a driver function the same way, so a back end that never answers is named too. */
  async function drive<K extends 'inboundCall' | 'callerHangUp'>(name: K, ...args: Parameters<ConformanceDriver[K]>): Promise<Awaited<ReturnType<ConformanceDriver[K]>>> {
    const label = `driver.${name}(${args.map(preview).join(', ')})`;
    log(`→ ${label}`);
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve((driver[name] as (...a: unknown[]) => unknown).apply(driver, args));
    } catch (error) {
      pending = Promise.reject(error as Error);
    }
    const value = await within(pending, label);
    log(`← ${label} resolved${value === undefined ? '' : `: ${preview(value)}`}`);
    return value as Awaited<ReturnType<ConformanceDriver[K]>>;
  }

  const expectEvent = (since: number, match: (e: AnyEvent) => boolean, what: string) => recorder.waitFor(since, match, what, eventTimeout);

  /** The agent's state as the last AgentStateEvent or Snapshot said it. */
  function agentStateNow(): string | undefined {
    const last = recorder.events.findLast((e) => e.pyEventType === 'AgentStateEvent' || isSnapshot(e));
    if (!last) return undefined;
    return String(isSnapshot(last) ? last.pyAgentState : last.pyEventName);
  }

  /** Calls the agent's events say are still in progress. */
  function callsInProgress(): string[] {
    const last = new Map<string, string>();
    for (const e of recorder.events) if (e.pyEventType === 'CallStateEvent') last.set(String(e.pyCallId), e.pyEventName);
    return [...last].filter(([, state]) => !ENDED.includes(state)).map(([id]) => id);
  }

  /** A call can only reach a Ready agent: agentReady when the agent's last known state is not Ready. */
  async function makeReady(): Promise<void> {
    if (!withAgentState || agentStateNow() === 'Ready') return;
    const since = recorder.mark();
    try {
      await request('agentReady', driver.agent.agentId, '', {});
    } catch (error) {
      if (error instanceof Refusal && error.code === 'OPENCTI_IN_SAME_STATE') return;
      throw new Error(`making the agent Ready before the call: ${(error as Error).message}`, { cause: error });
    }
    await expectEvent(since, isAgentEvent('Ready'), 'AgentStateEvent Ready after agentReady (the agent is made Ready before the call)');
  }

  /** Rings the agent and returns the new call's id, from the event (the back end may not know it). */
  async function ring(from: string): Promise<string> {
    const known = new Set(recorder.events.filter((e) => e.pyEventType === 'CallStateEvent').map((e) => String(e.pyCallId)));
    const since = recorder.mark();
    const placed = await drive('inboundCall', from, driver.inboundNumber);
    const placedId = placed && typeof placed.callId === 'string' && placed.callId ? placed.callId : undefined;
    const alerting = await expectEvent(since, (e) => isCallEvent(['Alerting', 'Offering'])(e) && !known.has(String(e.pyCallId)), 'CallStateEvent Alerting or Offering for a new call');
    if (placedId !== undefined && alerting.pyCallId !== placedId) {
      throw new Error(
        `call-id mismatch: driver.inboundCall placed call "${placedId}", but the ${alerting.pyEventName} event carries pyCallId "${String(alerting.pyCallId)}"; both must name the call the same way (the driver hangs calls up by that id)`,
      );
    }
    if (alerting.pyANI !== from) throw new Error(`pyANI is "${String(alerting.pyANI)}", expected the caller "${from}"`);
    return String(alerting.pyCallId);
  }

  /** Ends every call still in progress, so calls left by a failed check do not fail the checks after it. */
  async function endLeftoverCalls(before: string): Promise<void> {
    for (const id of callsInProgress()) {
      log(`ending call ${id}, still in progress before ${before}`);
      const since = recorder.mark();
      try {
        if (full) {
          try {
            await request('hangUpCall', id, {});
          } catch {
            await drive('callerHangUp', id);
          }
        } else {
          await drive('callerHangUp', id);
        }
        await expectEvent(since, isCallEvent(ENDED, id), `Disconnected for call ${id}`);
      } catch (error) {
        notes.push(`call ${id} was still in progress before ${before} and could not be ended: ${describeError(error)}`);
      }
    }
  }

  try {
    await check('target.driver', async () => {
      const problems = driverProblems(options.driver, mode);
      if (problems.length) throw new Error(problems.join('; '));
    });
    await check('declare.version', async () => {
      adopted = adoptImplementation(options.implementation);
      impl = adopted.implementation;
    });
    await check('declare.functions', async () => {
      const missing = missingFunctions(mode, impl);
      if (missing.length) throw new Error(`missing: ${missing.join(', ')} (${mode} mode needs ${MODE_CAPABILITIES[mode].required.join(', ')})`);
    });

    const loginSince = recorder.mark();
    await check('login.resolves', async () => {
      const { agentId, agentPwd, extension = '' } = driver.agent;
      await request('login', agentId, agentPwd, extension, driver.link, {}, recorder.forward);
    });
    await check('login.snapshot', async () => {
      const snapshot = await expectEvent(loginSince, isSnapshot, 'SnapshotEvent after login');
      if (snapshot.pyDeviceState !== 'OPENED' || snapshot.pyLinkState !== 'CONNECTED') {
        throw new Error(`the Snapshot after login has pyDeviceState ${String(snapshot.pyDeviceState)} and pyLinkState ${String(snapshot.pyLinkState)}; expected OPENED and CONNECTED`);
      }
    });

    if (withAgentState) {
      await check('agent.ready', async () => {
        const since = recorder.mark();
        try {
          await request('agentReady', driver.agent.agentId, '', {});
        } catch (error) {
          if (error instanceof Refusal && error.code === 'OPENCTI_IN_SAME_STATE') return;
          throw error;
        }
        await expectEvent(since, isAgentEvent('Ready'), 'AgentStateEvent Ready');
      });
      await check('agent.readyAgain', async () => {
        try {
          await request('agentReady', driver.agent.agentId, '', {});
        } catch (error) {
          if (error instanceof Refusal && error.code === 'OPENCTI_IN_SAME_STATE') return;
          if (error instanceof Refusal) {
            throw new Error(`${error.message}; an agent already Ready is refused with OPENCTI_IN_SAME_STATE (or the request resolves)`, { cause: error });
          }
          throw error;
        }
      });
      await check('agent.notReady', async () => {
        const since = recorder.mark();
        await request('agentNotReady', driver.agent.agentId, '', 'BREAK', driver.link, {});
        const event = await expectEvent(since, isAgentEvent('NotReady'), 'AgentStateEvent NotReady');
        if (event.pyReasonCode !== 'BREAK') throw new Error(`pyReasonCode is "${String(event.pyReasonCode)}", expected "BREAK"`);
      });
      await check('agent.acw', async () => {
        const since = recorder.mark();
        await request('agentNotReady', driver.agent.agentId, 'ACW', '', driver.link, {});
        await expectEvent(since, (e) => isAgentEvent('NotReady')(e) && e.pyWorkMode === 'ACW', 'AgentStateEvent NotReady with pyWorkMode ACW');
      });
    }

    let callId = '';
    await check('call.alerting', async () => {
      await makeReady();
      callId = await ring(`${CALLER}01`);
    });

    if (full) {
      await check('call.answer', async () => {
        const since = recorder.mark();
        await request('answerCall', callId, {});
        await expectEvent(since, isCallEvent(['Established', 'Connected'], callId), 'CallStateEvent Established');
      });
      await check('call.hold', async () => {
        const since = recorder.mark();
        await request('holdCall', callId, {});
        await expectEvent(since, isCallEvent('Held', callId), 'CallStateEvent Held');
      });
      await check('call.retrieve', async () => {
        const since = recorder.mark();
        await request('retrieveCall', callId, {});
        await expectEvent(since, isCallEvent(['Retrieved', 'Established', 'Connected'], callId), 'CallStateEvent Retrieved');
      });
      await check('call.dtmf', async () => {
        await request('sendDTMF', callId, '12#', {});
      });
      await check('call.mute', async () => {
        for (const [name, muted] of [['muteCall', true], ['unmuteCall', false]] as const) {
          const since = recorder.mark();
          await request(name, callId, {});
          await expectEvent(since, (e) => e.pyEventType === 'CallStateEvent' && e.pyCallId === callId && e.pyMuted === muted, `a CallStateEvent with pyMuted ${muted}`);
        }
      });
      await check('call.recording', async () => {
        const steps = [
          ['startRecording', 'Recording'],
          ['pauseRecording', 'Paused'],
          ['resumeRecording', 'Recording'],
          ['stopRecording', 'Stopped'],
        ] as const;
        for (const [name, state] of steps) {
          const since = recorder.mark();
          await request(name, callId, {});
          await expectEvent(
            since,
            (e) => e.pyEventType === 'CallInfoEvent' && e.pyEventName === 'Recording' && e.pyCallId === callId && e.pyRecordingState === state,
            `CallInfoEvent Recording with pyRecordingState ${state}`,
          );
        }
      });
      await check('call.answerUnknown', async () => {
        try {
          await request('answerCall', 'no-such-call', {});
        } catch (error) {
          if (!(error instanceof Refusal)) throw error;
          if (typeof error.code !== 'string' || !error.code) throw new Error(`answerCall("no-such-call") rejected without an errCode: ${describeError(error.error)}`, { cause: error });
          return;
        }
        throw new Error('answerCall on an unknown call resolved');
      });
      let consultId = '';
      await check('call.consult', async () => {
        const since = recorder.mark();
        const result = (await request('consultationCall', callId, driver.answeringNumber, {})) as { callId?: string } | undefined;
        await expectEvent(since, isCallEvent('Held', callId), 'CallStateEvent Held for the original call');
        const consult = await expectEvent(since, (e) => isCallEvent(['Initiated', 'Alerting', 'Established', 'Connected'])(e) && e.pyCallId !== callId, 'a CallStateEvent for the consult call');
        consultId = result?.callId ?? String(consult.pyCallId);
        await expectEvent(since, isCallEvent(['Established', 'Connected'], consultId), 'the consult call Established');
      });
      await check('call.transferComplete', async () => {
        const since = recorder.mark();
        await request('transferComplete', callId, consultId, {});
        await expectEvent(since, isCallEvent('Disconnected', callId), 'Disconnected for the held call at the agent');
        await expectEvent(since, isCallEvent('Disconnected', consultId), 'Disconnected for the consult call at the agent');
      });

      let outboundId = '';
      await check('call.makeCall', async () => {
        await endLeftoverCalls('call.makeCall');
        await makeReady();
        const known = new Set(recorder.events.map((e) => e.pyCallId));
        const since = recorder.mark();
        await request('makeCall', driver.answeringNumber, {});
        const initiated = await expectEvent(since, (e) => isCallEvent(['Initiated', 'Alerting'])(e) && !known.has(e.pyCallId), 'CallStateEvent Initiated for a new call');
        outboundId = String(initiated.pyCallId);
        await expectEvent(since, isCallEvent(['Established', 'Connected'], outboundId), 'CallStateEvent Established');
      });
      let confParties: string[] = [];
      let confCallId = '';
      await check('call.conference', async () => {
        const since = recorder.mark();
        const result = (await request('conferenceInitiate', outboundId, driver.secondAnsweringNumber, {})) as { callId?: string } | undefined;
        const consult = await expectEvent(since, (e) => isCallEvent(['Established', 'Connected'])(e) && e.pyCallId !== outboundId, 'the conference consult call Established');
        const confConsultId = result?.callId ?? String(consult.pyCallId);
        const joined = recorder.mark();
        await request('conferenceComplete', outboundId, confConsultId, {});
        const info = await expectEvent(joined, (e) => e.pyEventType === 'PartyInfoEvent' && Array.isArray(e.pyParties) && e.pyParties.length >= 3, 'PartyInfoEvent with at least 3 parties');
        confParties = (info.pyParties as { pyDN: string }[]).map((p) => p.pyDN);
        confCallId = String(info.pyCallId);
      });
      await check('call.dropParty', async () => {
        const own = recorder.events.find(isSnapshot)?.pyThisDN;
        const party = confParties.find((p) => p !== own);
        if (!party) throw new Error(`no party other than the agent's own device in the conference (parties: ${confParties.join(', ')})`);
        const since = recorder.mark();
        await request('dropParty', confCallId, party, {});
        await expectEvent(since, (e) => e.pyEventType === 'PartyInfoEvent' && Array.isArray(e.pyParties) && !(e.pyParties as { pyDN: string }[]).some((p) => p.pyDN === party), `PartyInfoEvent without ${party}`);
      });
      await check('call.hangUp', async () => {
        const since = recorder.mark();
        await request('hangUpCall', confCallId, {});
        await expectEvent(since, isCallEvent('Disconnected', confCallId), 'CallStateEvent Disconnected');
      });

      await check('call.blindTransfer', async () => {
        await endLeftoverCalls('call.blindTransfer');
        await makeReady();
        const id = await ring(`${CALLER}02`);
        let since = recorder.mark();
        await request('answerCall', id, {});
        await expectEvent(since, isCallEvent(['Established', 'Connected'], id), 'CallStateEvent Established');
        since = recorder.mark();
        await request('blindTransfer', id, driver.answeringNumber, {});
        await expectEvent(since, isCallEvent('Disconnected', id), 'Disconnected at the agent');
      });
      await check('call.callerHangsUp', async () => {
        await endLeftoverCalls('call.callerHangsUp');
        await makeReady();
        const id = await ring(`${CALLER}03`);
        const since = recorder.mark();
        await drive('callerHangUp', id);
        await expectEvent(since, isCallEvent(ENDED, id), 'CallStateEvent Disconnected');
      });
      await check('call.reject', async () => {
        await endLeftoverCalls('call.reject');
        await makeReady();
        const id = await ring(`${CALLER}04`);
        const since = recorder.mark();
        try {
          await request('rejectCall', id, {});
          await expectEvent(since, isCallEvent(ENDED, id), 'CallStateEvent Disconnected at the agent');
        } finally {
          // the call went back to its queue (or ended): the caller gives up either way
          await drive('callerHangUp', id).catch(() => undefined);
        }
      });
    } else {
      await check('call.disconnected', async () => {
        const since = recorder.mark();
        await drive('callerHangUp', callId);
        await expectEvent(since, isCallEvent(ENDED, callId), 'CallStateEvent Disconnected');
      });
    }

    await check('events.valid', async () => {
      const rejected = recorder.rejected;
      if (rejected.length) {
        throw new Error(`${rejected.length} event(s) broke the schema:\n${rejected.map((a) => `at ${a.at} ms, ${describeRejected(a)}; the event: ${preview(a.raw)}`).join('\n')}`);
      }
    });
    await check('events.modeTypes', async () => {
      const types = new Set(recorder.events.map((e) => e.pyEventType));
      const required = MODE_CAPABILITIES[mode].events.filter((t) => t === 'SnapshotEvent' || t === 'CallStateEvent' || (t === 'AgentStateEvent' && withAgentState));
      const missing = required.filter((t) => !types.has(t));
      if (missing.length) throw new Error(`never sent: ${missing.join(', ')}`);
    });

    if (!blockedBy) await endLeftoverCalls('logout');
    /** Where the arrivals stood, and the time, when logout resolved. */
    let resolved: { mark: number; at: number } | undefined;
    let lateSnapshot: Arrival | undefined;
    await check('logout.snapshot', async () => {
      const since = recorder.mark();
      await request('logout', driver.agent.agentId, '', {});
      resolved = { mark: recorder.mark(), at: recorder.now() };
      const snapshot = await expectEvent(since, isSnapshot, 'SnapshotEvent after logout');
      const arrival = recorder.arrivals.find((a) => a.event === snapshot)!;
      if (recorder.arrivals.indexOf(arrival) >= resolved.mark) {
        lateSnapshot = arrival;
        throw new Error(
          `the logout Snapshot came ${arrival.at - resolved.at} ms after logout resolved: a session takes events only until logout resolves and drops this one (docs/architecture.md); forward the final Snapshot before resolving logout`,
        );
      }
    });
    await check('logout.silence', async () => {
      if (!resolved) throw new Skip('skipped: needs logout.snapshot, and logout did not resolve');
      const after = resolved;
      try {
        await drive('inboundCall', `${CALLER}04`, driver.inboundNumber);
      } catch (error) {
        // the back end may refuse a call to a logged-out extension; silence is what matters
        log(`the back end refused the call after logout: ${describeError(error)}`);
      }
      await sleep(options.quietMs ?? 500);
      const stray = recorder.arrivals.slice(after.mark).filter((a) => a !== lateSnapshot);
      if (stray.length) {
        throw new Error(`received after logout resolved: ${stray.map((a) => `${nameOf(a.raw)} ${a.at - after.at} ms after`).join(', ')}; a connector forwards nothing once logout has resolved`);
      }
    });
  } finally {
    const close = typeof options.driver === 'object' && options.driver !== null ? driver.close : undefined;
    if (typeof close === 'function') {
      await within(Promise.resolve().then(() => close.call(driver)), 'driver.close()').catch((error: unknown) => notes.push(`the driver did not close: ${describeError(error)}`));
    }
  }

  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  return {
    mode,
    implementation: adopted ? { name: impl.name, version: impl.implementationVersion } : identityOf(options.implementation),
    style: adopted?.style,
    checks,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    ok: count('failed') === 0 && count('skipped') === 0,
    notes: [...(adopted?.notes ?? []), ...notes],
  };
}

/** What a refused source says of itself, for the report's heading. */
function identityOf(source: unknown): { name: string; version: string } {
  const info = (typeof source === 'object' && source !== null ? source : {}) as { name?: unknown; implementationVersion?: unknown };
  return { name: typeof info.name === 'string' ? info.name : 'unknown', version: typeof info.implementationVersion === 'string' ? info.implementationVersion : 'unknown' };
}
