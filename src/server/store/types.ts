import type { CallRecord } from '../switch/types.js';

/** Times are milliseconds since the epoch, as the switch's clock gives them. */
export type Millis = number;

// ---------------------------------------------------------------- agents

/** What an agent may do besides taking calls: a supervisor also sees the statistics and forces agents' states. */
export type AgentRole = 'agent' | 'supervisor';
export const AGENT_ROLES: readonly AgentRole[] = ['agent', 'supervisor'];

/** An agent as the store returns it: never with its password hash. Fits the switch's AgentConfig. */
export interface Agent {
  readonly agentId: string;
  readonly displayName: string;
  readonly extension: string;
  readonly skills: readonly string[];
  /** Extensions besides `extension` the agent may log in on. */
  readonly allowedExtensions: readonly string[];
  /** True: the agent may log in on any extension. */
  readonly anyExtension: boolean;
  readonly role: AgentRole;
  readonly createdAt: Millis;
  readonly updatedAt: Millis;
}

export interface NewAgent {
  readonly agentId: string;
  readonly displayName: string;
  readonly extension: string;
  readonly skills?: readonly string[];
  readonly password: string;
  /** Default none: only `extension`. */
  readonly allowedExtensions?: readonly string[];
  /** Default false. */
  readonly anyExtension?: boolean;
  /** Default 'agent'. */
  readonly role?: AgentRole;
}

export interface AgentPatch {
  readonly displayName?: string;
  readonly extension?: string;
  readonly skills?: readonly string[];
  readonly password?: string;
  /** Replaces the whole list. */
  readonly allowedExtensions?: readonly string[];
  readonly anyExtension?: boolean;
  readonly role?: AgentRole;
}

// ---------------------------------------------------------------- queues

/** Fits the switch's QueueConfig. */
export interface Queue {
  readonly name: string;
  readonly dnis: string;
  readonly skill: string;
  /** The service level threshold: a call answered within this many seconds counts as in service level. */
  readonly serviceLevelSeconds: number;
  readonly createdAt: Millis;
  readonly updatedAt: Millis;
}

export interface NewQueue {
  readonly name: string;
  readonly dnis: string;
  /** Defaults to the queue name. */
  readonly skill?: string;
  /** Default 20. */
  readonly serviceLevelSeconds?: number;
}

export interface QueuePatch {
  readonly dnis?: string;
  readonly skill?: string;
  readonly serviceLevelSeconds?: number;
}

// ---------------------------------------------------------------- directory

/** An external number saved in the directory, for every agent to find by its label. */
export interface SavedNumber {
  readonly id: number;
  readonly label: string;
  readonly number: string;
  readonly createdAt: Millis;
  readonly updatedAt: Millis;
}

export interface NewSavedNumber {
  readonly label: string;
  readonly number: string;
}

export type SavedNumberPatch = Partial<NewSavedNumber>;

// ---------------------------------------------------------------- customers

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Customer {
  readonly id: string;
  readonly name: string;
  /** Normalised ("+12025550101"), in the order given. */
  readonly phones: readonly string[];
  readonly email?: string | undefined;
  readonly notes: string;
  /** Any other CRM fields (tier, account number, address…). */
  readonly extra: Readonly<Record<string, JsonValue>>;
  readonly createdAt: Millis;
  readonly updatedAt: Millis;
}

export interface NewCustomer {
  /** Defaults to a random UUID. */
  readonly id?: string;
  readonly name: string;
  readonly phones?: readonly string[];
  readonly email?: string | undefined;
  readonly notes?: string;
  readonly extra?: Record<string, JsonValue>;
}

export interface CustomerPatch {
  readonly name?: string;
  /** Replaces the whole list. */
  readonly phones?: readonly string[];
  /** null removes the email. */
  readonly email?: string | null;
  readonly notes?: string;
  /** Replaces the whole object. */
  readonly extra?: Record<string, JsonValue>;
}

export interface CustomerQuery {
  /** Case-insensitive part of the name or email. */
  readonly search?: string;
  readonly limit?: number;
  readonly offset?: number;
}

// ---------------------------------------------------------------- interactions

/**
 * `open` until wrapped up; `abandoned` when the caller left before an agent answered;
 * `interrupted` when the server stopped (crash, kill -9, restart) while the call was in progress.
 */
export type InteractionStatus = 'open' | 'wrapped-up' | 'abandoned' | 'interrupted';
export const INTERACTION_STATUSES: readonly InteractionStatus[] = ['open', 'wrapped-up', 'abandoned', 'interrupted'];

/** The switch's lifecycle kinds, plus 'status' when the desktop changes the status. */
export type TimelineKind = CallRecord['kind'] | 'status';

export interface TimelineEntry {
  /** 1, 2, 3… in the order the store received them. */
  readonly seq: number;
  readonly kind: TimelineKind;
  readonly at: Millis;
  readonly detail?: string | undefined;
  readonly agentId?: string | undefined;
}

export interface Interaction {
  readonly id: number;
  readonly callId: string;
  readonly ani: string;
  readonly dnis?: string | undefined;
  readonly queue?: string | undefined;
  /** The agent the call was last offered to or answered by. */
  readonly agentId?: string | undefined;
  readonly extension?: string | undefined;
  readonly customerId?: string | undefined;
  /** When the call first reached the store (its first record: queued or offered). */
  readonly offeredAt: Millis;
  readonly answeredAt?: Millis | undefined;
  readonly endedAt?: Millis | undefined;
  readonly status: InteractionStatus;
  readonly notes: string;
  readonly disposition?: string | undefined;
  readonly updatedAt: Millis;
  /** When the call's recording was paused; `to` absent while still paused. Left out when never paused. */
  readonly recordingPauses?: readonly RecordingPause[] | undefined;
  /** The audio quality each phone leg measured (browser phones), in the order they ended. Left out when none. */
  readonly quality?: readonly CallQuality[] | undefined;
}

/**
 * One phone leg's audio over the call, as its phone measured it (getStats of the browser phone):
 * what it received and sent, what was lost of what it expected, the jitter of what it received
 * (per-second readings: median, 95th percentile, worst), the round trip from RTCP when known, and
 * a MOS estimate (ITU-T G.107 E-model, simplified: docs/sip.md).
 */
export interface CallQuality {
  /** The phone's handle on the call (the SIP Call-ID for a browser phone). */
  readonly leg: string;
  readonly agentId?: string | undefined;
  /** First and last reading (ms). */
  readonly from: Millis;
  readonly to: Millis;
  /** Readings taken (one a second). */
  readonly samples: number;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly packetsLost: number;
  /** Percent of the packets expected that were lost (0–100). */
  readonly lossPercent: number;
  readonly jitterMs: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly rttMs?: { readonly p50: number; readonly max: number } | undefined;
  /** 1 (bad) to 4.4 (best a narrowband call gets in the E-model). */
  readonly mos: number;
}

/** An interval the recording was paused (pauseRecording to resumeRecording, stopRecording or the end). */
export interface RecordingPause {
  readonly from: Millis;
  readonly to?: Millis | undefined;
}

export interface InteractionWithTimeline extends Interaction {
  readonly timeline: readonly TimelineEntry[];
}

export interface InteractionPatch {
  readonly notes?: string;
  /** null clears it. */
  readonly disposition?: string | null;
  /** null unlinks the customer. */
  readonly customerId?: string | null;
  readonly status?: InteractionStatus;
}

export interface InteractionQuery {
  readonly agentId?: string;
  /** Only interactions this agent appears on: the owning agent or any timeline entry (transfers). */
  readonly involving?: string;
  readonly customerId?: string;
  /** Compared by digits: "+1 202 555 0101" finds calls from "12025550101". */
  readonly ani?: string;
  readonly status?: InteractionStatus;
  /** Default 50, at most 1000. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface RecordResult {
  readonly interactionId: number;
  /** True when this record opened the interaction. */
  readonly created: boolean;
  /** Its place in the timeline. */
  readonly seq: number;
}
