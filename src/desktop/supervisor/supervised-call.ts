/**
 * The call a supervisor is in, as their own extension's events tell it: its state, every party
 * with its role, and the supervisor's mode. Kept after it ends, marked Ended, so the page says so.
 */
import type { OpenCtiEvent } from '../../framework/schema/events.js';

export interface SupervisedParty {
  readonly pyDN: string;
  /** monitor, whisper or barge: a supervisor's party. */
  readonly role?: string;
}

export interface SupervisedCall {
  readonly callId: string;
  readonly ani: string;
  /** The supervised agent's extension. */
  readonly agentDn: string;
  /** Established, Held… or Ended. */
  readonly state: string;
  readonly parties: readonly SupervisedParty[];
  /** The supervisor's own role, once a PartyInfo named it. */
  readonly mode?: string | undefined;
}

const modeOf = (parties: readonly SupervisedParty[], thisDn: string): string | undefined => parties.find((p) => p.pyDN === thisDn)?.role;

/** The supervised call after one of the supervisor's events. */
export function nextSupervised(current: SupervisedCall | undefined, event: OpenCtiEvent): SupervisedCall | undefined {
  switch (event.pyEventType) {
    case 'CallStateEvent': {
      if (event.pyEventName === 'Disconnected') return current?.callId === event.pyCallId ? { ...current, state: 'Ended' } : current;
      const same = current?.callId === event.pyCallId;
      return {
        callId: event.pyCallId,
        ani: event.pyANI,
        agentDn: event.pyOtherDN,
        state: event.pyEventName,
        parties: same ? current.parties : [],
        mode: same ? current.mode : undefined,
      };
    }
    case 'PartyInfoEvent': {
      if (current?.callId !== event.pyCallId) return current;
      const parties = event.pyParties as SupervisedParty[];
      return { ...current, parties, mode: modeOf(parties, event.pyThisDN) };
    }
    case 'SnapshotEvent': {
      const call = event.pyCalls?.[0];
      if (!call) return current?.state === 'Ended' ? current : undefined;
      const parties = (call.pyParties ?? []) as SupervisedParty[];
      return { callId: call.pyCallId, ani: call.pyANI, agentDn: call.pyOtherDN, state: call.pyEventName, parties, mode: modeOf(parties, event.pyThisDN ?? '') };
    }
    default:
      return current;
  }
}

const DOING: Record<string, string> = { monitor: 'Monitoring', whisper: 'Whispering to', barge: 'Barged in on' };

/** One line for the page: who, how, the call's state and its parties. */
export function describeSupervised(call: SupervisedCall): string {
  const doing = call.mode ? (DOING[call.mode] ?? call.mode) : 'Supervising';
  const parties = call.parties.map((p) => (p.role ? `${p.pyDN} (${p.role})` : p.pyDN)).join(', ');
  return `${doing} ${call.agentDn} on the call from ${call.ani}: ${call.state}${parties ? ` · parties: ${parties}` : ''}`;
}
