/** What the REST API returns, as far as the pages read it. */

export interface CustomerRecord {
  readonly id: string;
  readonly name: string;
  readonly phones: readonly string[];
  readonly email?: string;
  readonly notes: string;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** What the desktop may set; the server also sets `interrupted` (a call cut by a crash or restart). */
export type InteractionStatus = 'open' | 'wrapped-up' | 'abandoned';

export interface InteractionRecord {
  readonly id: number;
  readonly callId: string;
  readonly ani: string;
  readonly dnis?: string;
  readonly queue?: string;
  readonly agentId?: string;
  readonly customerId?: string;
  readonly offeredAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
  readonly status: InteractionStatus | 'interrupted';
  readonly notes: string;
  readonly disposition?: string;
}

export interface InteractionPatch {
  readonly notes?: string;
  readonly disposition?: string | null;
  readonly customerId?: string | null;
  readonly status?: InteractionStatus;
}

export interface SwitchCall {
  readonly callId: string;
  readonly ani: string;
  readonly dnis: string;
  readonly queue?: string;
  readonly state: string;
  readonly parties: readonly string[];
  readonly callData: Readonly<Record<string, string>>;
  readonly dtmf: string;
  readonly startedAt: number;
}

export interface QueueView {
  readonly name: string;
  readonly dnis: string;
  readonly skill?: string;
  readonly waiting: readonly { callId: string; ani: string; since: number }[];
  readonly readyAgents: readonly string[];
}
