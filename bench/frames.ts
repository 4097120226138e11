/**
 * A realistic stream of OpenCTI frames (JSON text, as a connector receives them) for one agent's
 * extension: inbound calls that ring, are answered, held, retrieved, get call data and a party
 * list, and end; a few overlap (a consult while the customer is held); the agent goes to
 * after-call work and back to Ready between calls.
 */

const AGENT = 'agent-0042';
const EXTENSION = '1001';

export interface FrameSet {
  readonly frames: readonly string[];
  readonly calls: number;
}

export function buildFrames(calls: number, start = Date.UTC(2026, 0, 5, 9, 0, 0)): FrameSet {
  const frames: string[] = [];
  let clock = start;
  const at = () => new Date((clock += 250)).toISOString();
  const push = (event: Record<string, unknown>) => frames.push(JSON.stringify({ pyMedia: 'Phone', pyTimestamp: at(), ...event }));
  const callEvent = (name: string, callId: string, extra: Record<string, unknown> = {}) =>
    push({ pyEventType: 'CallStateEvent', pyEventName: name, pyCallId: callId, pyCallType: 'INBOUND', pyANI: ani(callId), pyOtherDN: ani(callId), pyThisDN: EXTENSION, ...extra });

  for (let n = 0; n < calls; n++) {
    const id = `call-${String(n).padStart(6, '0')}`;
    const consult = `${id}-c`;
    callEvent('Alerting', id, { pyDNIS: '8000', pyQueue: n % 3 === 0 ? 'billing' : 'support', pyCallData: { account: `A-${n}`, language: n % 2 ? 'en' : 'fr', ivrPath: 'main>billing>agent' } });
    callEvent('Established', id);
    push({ pyEventType: 'PartyInfoEvent', pyEventName: 'PartyInfo', pyCallId: id, pyThisDN: EXTENSION, pyParties: [{ pyDN: ani(id) }, { pyDN: EXTENSION }] });
    push({ pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyCallId: id, pyCallData: { verified: 'yes', caseNumber: `C-${n}` } });
    callEvent('Held', id);
    if (n % 4 === 0) {
      // A consult with a supervisor while the customer waits.
      push({ pyEventType: 'CallStateEvent', pyEventName: 'Initiated', pyCallId: consult, pyCallType: 'CONSULT', pyANI: EXTENSION, pyOtherDN: '2002', pyThisDN: EXTENSION });
      push({ pyEventType: 'CallStateEvent', pyEventName: 'Established', pyCallId: consult, pyCallType: 'CONSULT', pyANI: EXTENSION, pyOtherDN: '2002', pyThisDN: EXTENSION });
      push({ pyEventType: 'CallStateEvent', pyEventName: 'Disconnected', pyCallId: consult, pyCallType: 'CONSULT', pyANI: EXTENSION, pyOtherDN: '2002', pyThisDN: EXTENSION });
    }
    callEvent('Retrieved', id);
    callEvent('Disconnected', id);
    push({ pyEventType: 'AgentStateEvent', pyEventName: 'NotReady', pyWorkMode: 'ACW', pyAgentId: AGENT, pyThisDN: EXTENSION });
    push({ pyEventType: 'AgentStateEvent', pyEventName: 'Ready', pyWorkMode: 'MODE_MANUAL_IN', pyAgentId: AGENT, pyThisDN: EXTENSION });
  }
  return { frames, calls };
}

function ani(callId: string): string {
  let hash = 0;
  for (const c of callId) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `+1555${String(hash % 10_000_000).padStart(7, '0')}`;
}

export { AGENT, EXTENSION };
