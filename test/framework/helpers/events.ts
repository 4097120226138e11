/** Builders for OpenCTI events as a connector would forward them. */
import type { CallStateName, CallType } from '../../../src/framework/index.js';

export const EXTENSION = '1001';
export const AGENT = 'agent1';

export function callState(pyEventName: CallStateName, pyCallId: string, extra: Record<string, unknown> = {}) {
  return {
    pyEventType: 'CallStateEvent',
    pyEventName,
    pyMedia: 'Phone',
    pyCallId,
    pyCallType: 'INBOUND' as CallType,
    pyANI: '5551234',
    pyOtherDN: '5551234',
    pyThisDN: EXTENSION,
    ...extra,
  };
}

export function agentState(pyEventName: string, extra: Record<string, unknown> = {}) {
  return { pyEventType: 'AgentStateEvent', pyEventName, pyMedia: 'Phone', pyAgentId: AGENT, pyThisDN: EXTENSION, ...extra };
}

export function snapshot(extra: Record<string, unknown> = {}) {
  return {
    pyEventType: 'SnapshotEvent',
    pyEventName: 'Snapshot',
    pyMedia: 'Phone',
    pyAgentId: AGENT,
    pyAgentState: 'NotReady',
    pyDeviceState: 'OPENED',
    pyLinkState: 'CONNECTED',
    pyThisDN: EXTENSION,
    pyCalls: [],
    ...extra,
  };
}

export function partyInfo(pyCallId: string, dns: string[]) {
  return {
    pyEventType: 'PartyInfoEvent',
    pyEventName: 'PartyInfo',
    pyMedia: 'Phone',
    pyCallId,
    pyThisDN: EXTENSION,
    pyParties: dns.map((pyDN) => ({ pyDN })),
  };
}

export function callInfo(pyCallId: string, pyCallData: Record<string, string>) {
  return { pyEventType: 'CallInfoEvent', pyEventName: 'CallInfo', pyMedia: 'Phone', pyCallId, pyCallData };
}
