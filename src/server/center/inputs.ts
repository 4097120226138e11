/**
 * What changes the call center: each input is applied in log order by every replica, so an input
 * carries everything its effect depends on (ids and token hashes made by the node that asked, the
 * time in the entry). Nothing here is random or read from the node applying it.
 */
import type { AgentConfig, QueueConfig, Switch } from '../switch/types.js';

/** The switch's methods that change it (the rest only read). */
export const SWITCH_COMMANDS = [
  'login',
  'logout',
  'ready',
  'notReady',
  'answer',
  'hangUp',
  'hold',
  'retrieve',
  'makeCall',
  'sendDtmf',
  'blindTransfer',
  'consult',
  'transferComplete',
  'conferenceComplete',
  'dropParty',
  'alternate',
  'setCallData',
  'supervise',
  'mute',
  'unmute',
  'reject',
  'startRecording',
  'pauseRecording',
  'resumeRecording',
  'stopRecording',
  'inboundCall',
  'callerHangUp',
  'farEndAnswer',
  'farEndBusy',
  'setFarEnd',
  'setDeviceHealth',
  'setPhoneLimits',
  'endWrapUp',
  'configure',
] as const satisfies readonly (keyof Switch)[];
export type SwitchCommand = (typeof SWITCH_COMMANDS)[number];

/** A socket of one node's incarnation: `<nodeId>/<boot>/<n>`; a node that is gone takes its sockets along. */
export type SocketRef = string;

export interface SwitchSetup {
  readonly agents: readonly AgentConfig[];
  readonly queues: readonly QueueConfig[];
  readonly wrapUpMs: number;
  readonly ringTimeoutMs: number;
  readonly farEndAnswerMs: number;
}

export type Input =
  /** The first entry: the switch as the first leader's store described it. */
  | { readonly k: 'init'; readonly setup: SwitchSetup }
  /** A switch method; with `session`, refused unless that agent session is still live. */
  | { readonly k: 'switch'; readonly m: SwitchCommand; readonly a: readonly unknown[]; readonly session?: string }
  /** A timer of the log clock fell due. */
  | { readonly k: 'timer'; readonly id: number }
  /** An agent whose password the asking node checked: opens a session and attaches the socket. */
  | { readonly k: 'login'; readonly agentId: string; readonly extension: string; readonly sessionId: string; readonly tokenHash: string; readonly socket: SocketRef }
  /** A socket attaches to a session by its token: missed events after lastSeq, then a Snapshot. */
  | { readonly k: 'resume'; readonly tokenHash: string; readonly lastSeq?: number; readonly socket: SocketRef }
  | { readonly k: 'detach'; readonly sessionId: string; readonly socket: SocketRef }
  | { readonly k: 'logout'; readonly sessionId: string; readonly reasonCode: string }
  /** An administrator ends an agent's session. */
  | { readonly k: 'end'; readonly agentId: string; readonly reasonCode: string; readonly why: string }
  /**
   * A supervisor (or the administrator, `by` = "admin") forces an agent Not Ready (during a call:
   * once it ends) or logs them out (refused during a call); the reason is the agent's reason code.
   */
  | { readonly k: 'force'; readonly agentId: string; readonly state: ForcedState; readonly reasonCode: string; readonly by: string }
  /** A node incarnation (`<nodeId>/<boot>/`) is gone: its sockets are detached. */
  | { readonly k: 'nodeGone'; readonly prefix: string };

export type InputKind = Input['k'];

export type ForcedState = 'NotReady' | 'Logout';

/** What a force input did: at once, or (Not Ready during a call) when the agent's calls end. */
export interface ForceResult {
  readonly agentId: string;
  readonly state: ForcedState;
  readonly reasonCode: string;
  readonly when: 'now' | 'afterCall';
}
