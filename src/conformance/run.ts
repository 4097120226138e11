/**
 * The connector conformance kit: drives an implementation through every obligation SPEC puts
 * on it for a telephony mode, against a live back end, and reports one result per check.
 * It talks to the implementation directly (not through a Session), so what it proves is the
 * contract itself, but it takes the implementation through the registry (adopt.ts), so any
 * connector the registry accepts — of either style, or a constructor — can be run as written.
 */
import { isCtiError } from '../framework/errors/cti-error.js';
import type { Implementation } from '../framework/implementation.js';
import { MODE_CAPABILITIES, missingFunctions } from '../framework/modes.js';
import { adoptImplementation, type Adopted } from './adopt.js';
import { EventRecorder, isAgentEvent, isCallEvent, isSnapshot, type AnyEvent } from './recorder.js';
import type { CheckResult, ConformanceOptions, ConformanceReport } from './types.js';

class Skip extends Error {}

const CALLER = '+15550100';

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const { mode, driver } = options;
  let adopted: Adopted | undefined;
  /** Set by the first check; every later check needs it and is blocked without it. */
  let impl = undefined as unknown as Implementation;
  const timeout = options.eventTimeoutMs ?? 5000;
  const recorder = new EventRecorder(options.events);
  const checks: CheckResult[] = [];
  const withAgentState = mode !== 'simple';
  const full = mode === 'full';
  let blockedBy: string | undefined;

  /** Runs one check; after a failed prerequisite the rest are reported as not run, with why. */
  async function check(id: string, title: string, body: () => Promise<void>, prerequisite = false): Promise<boolean> {
    let result: CheckResult;
    if (blockedBy) {
      result = { id, title, passed: false, detail: `not run: ${blockedBy} failed` };
    } else {
      try {
        await body();
        result = { id, title, passed: true };
      } catch (error) {
        const detail = error instanceof Skip ? error.message : isCtiError(error) ? `${error.errCode}: ${error.errMessage}` : (error as Error).message;
        result = { id, title, passed: false, detail };
        if (prerequisite) blockedBy = id;
      }
    }
    checks.push(result);
    options.onCheck?.(result);
    return result.passed;
  }

  const call = <K extends keyof Implementation>(name: K) => {
    const fn = impl[name];
    if (typeof fn !== 'function') throw new Skip(`the implementation has no ${String(name)}`);
    return (fn as (...args: unknown[]) => Promise<unknown>).bind(impl);
  };
  const expectEvent = (since: number, match: (e: AnyEvent) => boolean, what: string) => recorder.waitFor(since, match, what, timeout);

  /** Rings the agent and returns the new call's id, from the event (the back end may not know it). */
  async function ring(from: string): Promise<string> {
    const since = recorder.mark();
    const placed = await driver.inboundCall(from, driver.inboundNumber);
    const alerting = await expectEvent(since, (e) => isCallEvent(['Alerting', 'Offering'])(e) && (!placed || !placed.callId || e.pyCallId === placed.callId), 'CallStateEvent Alerting or Offering');
    if (alerting.pyANI !== from) throw new Error(`pyANI is "${String(alerting.pyANI)}", expected the caller "${from}"`);
    return String(alerting.pyCallId);
  }

  async function makeReady(): Promise<void> {
    if (!withAgentState) return;
    try {
      await call('agentReady')(driver.agent.agentId, '', {});
    } catch (error) {
      if ((error as { errCode?: string }).errCode !== 'OPENCTI_IN_SAME_STATE') throw error;
    }
  }

  try {
    await check('declare.version', 'registers as the framework registers it, declaring name, implementationVersion and a compatible framework API range (SPEC §3 steps 3–4)', async () => {
      adopted = adoptImplementation(options.implementation);
      impl = adopted.implementation;
    }, true);
    await check('declare.functions', `provides every function ${mode} mode needs: ${MODE_CAPABILITIES[mode].required.join(', ')} (SPEC §2)`, async () => {
      const missing = missingFunctions(mode, impl);
      if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
    }, true);

    await check('login.resolves', 'login resolves (SPEC §5.1)', async () => {
      const { agentId, agentPwd, extension = '' } = driver.agent;
      const since = recorder.mark();
      await impl.login(agentId, agentPwd, extension, driver.link, {}, recorder.forward);
      await expectEvent(since, isSnapshot, 'SnapshotEvent after login');
    }, true);
    await check('login.snapshot', 'a Snapshot after login shows the device OPENED and the link CONNECTED (SPEC §4)', async () => {
      const snapshot = recorder.events.find(isSnapshot)!;
      if (snapshot.pyDeviceState !== 'OPENED' || snapshot.pyLinkState !== 'CONNECTED') {
        throw new Error(`pyDeviceState ${String(snapshot.pyDeviceState)}, pyLinkState ${String(snapshot.pyLinkState)}`);
      }
    });

    if (withAgentState) {
      await check('agent.ready', 'agentReady leads to AgentStateEvent Ready (SPEC §5.2)', async () => {
        const since = recorder.mark();
        await call('agentReady')(driver.agent.agentId, '', {});
        await expectEvent(since, isAgentEvent('Ready'), 'AgentStateEvent Ready');
      });
      await check('agent.notReady', 'agentNotReady with a reason code leads to NotReady carrying pyReasonCode (SPEC §5.2)', async () => {
        const since = recorder.mark();
        await call('agentNotReady')(driver.agent.agentId, '', 'BREAK', driver.link, {});
        const event = await expectEvent(since, isAgentEvent('NotReady'), 'AgentStateEvent NotReady');
        if (event.pyReasonCode !== 'BREAK') throw new Error(`pyReasonCode is "${String(event.pyReasonCode)}", expected "BREAK"`);
      });
      await check('agent.acw', 'agentNotReady with work mode ACW puts the agent in after-call work (SPEC §4, §5.2)', async () => {
        const since = recorder.mark();
        await call('agentNotReady')(driver.agent.agentId, 'ACW', '', driver.link, {});
        await expectEvent(since, (e) => isAgentEvent('NotReady')(e) && e.pyWorkMode === 'ACW', 'AgentStateEvent NotReady with pyWorkMode ACW');
      });
    }

    let callId = '';
    await check('call.alerting', 'an inbound call reaches the desktop as CallStateEvent Alerting or Offering with pyCallId and pyANI (SPEC §2, §4)', async () => {
      await makeReady();
      callId = await ring(`${CALLER}01`);
    });

    if (full) {
      await check('call.answer', 'answerCall leads to Established (SPEC §5.3)', async () => {
        const since = recorder.mark();
        await call('answerCall')(callId, {});
        await expectEvent(since, isCallEvent(['Established', 'Connected'], callId), 'CallStateEvent Established');
      });
      await check('call.hold', 'holdCall leads to Held (SPEC §5.3)', async () => {
        const since = recorder.mark();
        await call('holdCall')(callId, {});
        await expectEvent(since, isCallEvent('Held', callId), 'CallStateEvent Held');
      });
      await check('call.retrieve', 'retrieveCall leads to Retrieved or Established (SPEC §5.3)', async () => {
        const since = recorder.mark();
        await call('retrieveCall')(callId, {});
        await expectEvent(since, isCallEvent(['Retrieved', 'Established', 'Connected'], callId), 'CallStateEvent Retrieved');
      });
      await check('call.dtmf', 'sendDTMF is accepted on an established call (SPEC §5.3)', async () => {
        await call('sendDTMF')(callId, '12#', {});
      });
      await check('call.answerUnknown', 'answerCall on a call that does not exist fails with an error object (SPEC §5.3, §6)', async () => {
        try {
          await call('answerCall')('no-such-call', {});
        } catch (error) {
          const code = (error as { errCode?: unknown }).errCode;
          if (typeof code !== 'string' || !code) throw new Error(`rejected without an errCode: ${String(error)}`, { cause: error });
          return;
        }
        throw new Error('answerCall on an unknown call resolved');
      });
      let consultId = '';
      await check('call.consult', 'consultationCall holds the call and starts a consult call (SPEC §5.4)', async () => {
        const since = recorder.mark();
        const result = (await call('consultationCall')(callId, driver.answeringNumber, {})) as { callId?: string } | undefined;
        await expectEvent(since, isCallEvent('Held', callId), 'CallStateEvent Held for the original call');
        const consult = await expectEvent(since, (e) => isCallEvent(['Initiated', 'Alerting', 'Established', 'Connected'])(e) && e.pyCallId !== callId, 'a CallStateEvent for the consult call');
        consultId = result?.callId ?? String(consult.pyCallId);
        await expectEvent(since, isCallEvent(['Established', 'Connected'], consultId), 'the consult call Established');
      });
      await check('call.transferComplete', 'transferComplete joins the held and consult parties and releases the agent (SPEC §5.4)', async () => {
        const since = recorder.mark();
        await call('transferComplete')(callId, consultId, {});
        await expectEvent(since, isCallEvent('Disconnected', callId), 'Disconnected for the held call at the agent');
        await expectEvent(since, isCallEvent('Disconnected', consultId), 'Disconnected for the consult call at the agent');
      });

      let outboundId = '';
      await check('call.makeCall', 'makeCall leads to Initiated then Established (SPEC §5.3)', async () => {
        await makeReady();
        const since = recorder.mark();
        await call('makeCall')(driver.answeringNumber, {});
        const initiated = await expectEvent(since, isCallEvent(['Initiated', 'Alerting']), 'CallStateEvent Initiated');
        outboundId = String(initiated.pyCallId);
        await expectEvent(since, isCallEvent(['Established', 'Connected'], outboundId), 'CallStateEvent Established');
      });
      let confConsultId = '';
      let confParties: string[] = [];
      let confCallId = '';
      await check('call.conference', 'conferenceInitiate then conferenceComplete gives a PartyInfoEvent with all parties (SPEC §4, §5.4)', async () => {
        const since = recorder.mark();
        const result = (await call('conferenceInitiate')(outboundId, driver.secondAnsweringNumber, {})) as { callId?: string } | undefined;
        const consult = await expectEvent(since, (e) => isCallEvent(['Established', 'Connected'])(e) && e.pyCallId !== outboundId, 'the conference consult call Established');
        confConsultId = result?.callId ?? String(consult.pyCallId);
        const joined = recorder.mark();
        await call('conferenceComplete')(outboundId, confConsultId, {});
        const info = await expectEvent(joined, (e) => e.pyEventType === 'PartyInfoEvent' && Array.isArray(e.pyParties) && e.pyParties.length >= 3, 'PartyInfoEvent with at least 3 parties');
        confParties = (info.pyParties as { pyDN: string }[]).map((p) => p.pyDN);
        confCallId = String(info.pyCallId);
      });
      await check('call.dropParty', 'dropParty removes one party from the conference (SPEC §5.4)', async () => {
        const own = recorder.events.find(isSnapshot)?.pyThisDN;
        const party = confParties.find((p) => p !== own);
        if (!party) throw new Error('no other party to drop');
        const since = recorder.mark();
        await call('dropParty')(confCallId, party, {});
        await expectEvent(since, (e) => e.pyEventType === 'PartyInfoEvent' && Array.isArray(e.pyParties) && !(e.pyParties as { pyDN: string }[]).some((p) => p.pyDN === party), `PartyInfoEvent without ${party}`);
      });
      await check('call.hangUp', 'hangUpCall leads to Disconnected (SPEC §5.3)', async () => {
        const since = recorder.mark();
        await call('hangUpCall')(confCallId, {});
        await expectEvent(since, isCallEvent('Disconnected', confCallId), 'CallStateEvent Disconnected');
      });

      await check('call.blindTransfer', 'blindTransfer sends an answered call on and releases the agent (SPEC §5.4)', async () => {
        await makeReady();
        const id = await ring(`${CALLER}02`);
        let since = recorder.mark();
        await call('answerCall')(id, {});
        await expectEvent(since, isCallEvent(['Established', 'Connected'], id), 'CallStateEvent Established');
        since = recorder.mark();
        await call('blindTransfer')(id, driver.answeringNumber, {});
        await expectEvent(since, isCallEvent('Disconnected', id), 'Disconnected at the agent');
      });
      await check('call.callerHangsUp', 'the caller hanging up leads to Disconnected (SPEC §2)', async () => {
        await makeReady();
        const id = await ring(`${CALLER}03`);
        const since = recorder.mark();
        await driver.callerHangUp(id);
        await expectEvent(since, isCallEvent(['Disconnected', 'Abandoned'], id), 'CallStateEvent Disconnected');
      });
    } else {
      await check('call.disconnected', 'the caller hanging up leads to Disconnected or Abandoned (SPEC §2)', async () => {
        const since = recorder.mark();
        await driver.callerHangUp(callId);
        await expectEvent(since, isCallEvent(['Disconnected', 'Abandoned'], callId), 'CallStateEvent Disconnected');
      });
    }

    await check('events.valid', 'every event forwarded matches the JSON schemas of SPEC §4 (SPEC §3 step 7)', async () => {
      if (recorder.invalid.length) throw new Error(`${recorder.invalid.length} invalid: ${recorder.invalid.slice(0, 3).join(' | ')}`);
    });
    await check('events.modeTypes', `only event types of ${mode} mode or fewer are needed, and those seen are known (SPEC §2)`, async () => {
      const types = new Set(recorder.events.map((e) => e.pyEventType));
      const required = MODE_CAPABILITIES[mode].events.filter((t) => t === 'SnapshotEvent' || t === 'CallStateEvent' || (t === 'AgentStateEvent' && withAgentState));
      const missing = required.filter((t) => !types.has(t));
      if (missing.length) throw new Error(`never sent: ${missing.join(', ')}`);
    });

    let logoutSince = 0;
    await check('logout.snapshot', 'logout resolves and a Snapshot follows it (SPEC §5.1)', async () => {
      logoutSince = recorder.mark();
      await impl.logout(driver.agent.agentId, '', {});
      await expectEvent(logoutSince, isSnapshot, 'SnapshotEvent after logout');
    });
    await check('logout.silence', 'no event arrives after logout, even when the extension rings (SPEC §5.1, §3 step 6)', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the logout Snapshot settle
      const after = recorder.mark();
      try {
        await driver.inboundCall(`${CALLER}04`, driver.inboundNumber);
      } catch {
        // the back end may refuse a call to a logged-out extension; silence is what matters
      }
      await new Promise((resolve) => setTimeout(resolve, options.quietMs ?? 500));
      const stray = recorder.events.slice(after);
      if (stray.length) throw new Error(`received after logout: ${stray.map((e) => `${e.pyEventType}/${e.pyEventName}`).join(', ')}`);
    });
  } finally {
    await driver.close?.();
  }

  const passed = checks.filter((c) => c.passed).length;
  return {
    mode,
    implementation: adopted ? { name: impl.name, version: impl.implementationVersion } : identityOf(options.implementation),
    style: adopted?.style,
    checks,
    passed,
    failed: checks.length - passed,
    notes: [...(adopted?.notes ?? [])],
  };
}

/** What a refused source says of itself, for the report's heading. */
function identityOf(source: unknown): { name: string; version: string } {
  const info = (typeof source === 'object' && source !== null ? source : {}) as { name?: unknown; implementationVersion?: unknown };
  return { name: typeof info.name === 'string' ? info.name : 'unknown', version: typeof info.implementationVersion === 'string' ? info.implementationVersion : 'unknown' };
}
