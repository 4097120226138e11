/**
 * The switch's internal state and the context its modules share. Modules are functions over a
 * Ctx; the two hooks break the cycle calls → agents → routing → calls.
 */
import type { CallType, RecordingState, WorkMode } from '../../framework/schema/events.js';
import type { Attached } from './call-data.js';
import type { AgentConfig, CallRecord, Clock, DeviceEvent, DeviceHealth, FarEndBehaviour, QueueConfig } from './types.js';

export type PartyState = 'initiated' | 'alerting' | 'connected' | 'held';

export interface Party {
  readonly dn: string;
  /** A monitored extension, or a number outside the switch. */
  readonly kind: 'device' | 'external';
  state: PartyState;
  /** The queue whose ACD offered this party the call: RONA and reject send the call back there. */
  offeredBy?: string | undefined;
  /** Ring-timeout (RONA) or far-end timer. */
  timer?: unknown;
  /** The last pyOtherDN this party was told, kept for the Disconnected after everyone else left. */
  peer?: string | undefined;
  /** This party's own leg is muted (muteCall); kept per party, told as pyMuted. */
  muted?: boolean | undefined;
  /** A supervisor's party: how it takes part and the DN of the agent it supervises (supervision.ts). */
  supervision?: { mode: SupervisionMode; of: string } | undefined;
}

/** Monitor: hears all, heard by none. Whisper: heard by the supervised agent only. Barge: a full party. */
export type SupervisionMode = 'monitor' | 'whisper' | 'barge';

/** A monitor or a whisperer: not part of the conversation, so it neither keeps a call up nor counts as its other party. */
export const isSilent = (party: Party): boolean => party.supervision !== undefined && party.supervision.mode !== 'barge';

/**
 * Whether `viewer` is told that `party` is in the call: a supervisor sees everyone, the supervised
 * agent sees a whisperer and a barger, everyone else only a barger.
 */
export function sees(viewer: Party, party: Party): boolean {
  const role = party.supervision;
  if (!role || role.mode === 'barge' || viewer === party || viewer.supervision) return true;
  return role.mode === 'whisper' && viewer.kind === 'device' && viewer.dn === role.of;
}

export interface Call {
  readonly id: string;
  readonly type: CallType;
  readonly ani: string;
  readonly dnis: string;
  /** The DN that placed the call (the customer for inbound calls). */
  readonly originator: string;
  readonly startedAt: number;
  /** The consulted call, for a CONSULT leg. */
  readonly consultOf?: string | undefined;
  /** The last queue the call went through; makes it an ACD call (after-call work for its agents). */
  queue?: string | undefined;
  /** True while the call waits in its queue for an agent. */
  waiting: boolean;
  /** When the call joined its queue; kept when RONA puts it back at the front. */
  queuedAt?: number | undefined;
  callData: Record<string, string>;
  /** pyUserData, pyCallVariables, pyApplicationData: carried like callData. */
  attached: Attached;
  dtmf: string;
  /** Changed through addParty and setParties only, which keep ctx.deviceCalls in step. */
  readonly parties: readonly Party[];
  /** Creation order, across the switch: callsOf lists a device's calls in it. */
  readonly order: number;
  /** Where the call's recording stands (recording.ts); undefined = never started. */
  recording?: RecordingState | undefined;
}

export interface AgentMode {
  readonly state: 'Ready' | 'NotReady';
  readonly workMode: WorkMode;
  readonly reasonCode?: string | undefined;
  /** After-call work entered by the switch: ends by itself after wrapUpMs (when > 0). */
  readonly timed?: boolean | undefined;
}

export interface Agent {
  config: AgentConfig;
  /** The extension the agent is logged in on. */
  extension?: string | undefined;
  lastExtension?: string | undefined;
  /** The ACD state while no call keeps the agent busy. */
  mode: AgentMode;
  /** The work mode of the last Ready request, used again when wrap-up ends by itself. */
  readyWorkMode: WorkMode;
  busy: boolean;
  /** Asked for while busy: taken when the calls end, instead of after-call work. */
  pending?: AgentMode | undefined;
  /** Took part in an ACD call: goes to after-call work when the device is free again. */
  acw: boolean;
  /** Since when the agent waits for a call: last became Ready or last ended a call. */
  idleSince: number;
  wrapTimer?: unknown;
}

export interface Queue {
  config: QueueConfig;
  readonly skill: string;
  /** Call ids, front first. */
  readonly waiting: string[];
}

export interface Ctx {
  readonly clock: Clock;
  readonly wrapUpMs: number;
  readonly ringTimeoutMs: number;
  readonly farEndAnswerMs: number;
  readonly defaultFarEnd: FarEndBehaviour;
  readonly farEnds: Map<string, FarEndBehaviour>;
  /** Configuration order: ties in idle time go to the agent configured first. */
  readonly agents: Map<string, Agent>;
  /** By queue name. */
  readonly queues: Map<string, Queue>;
  readonly calls: Map<string, Call>;
  /** Monitored extensions: extension → agent logged in on it. */
  readonly devices: Map<string, string>;
  /**
   * Configured extensions: extension → how many agents have it as their own (several may share
   * one). Kept by applyConfig, so that checking a number does not scan every agent.
   */
  readonly extensions: Map<string, number>;
  /**
   * Per extension, the calls it takes part in as a device, kept by addParty and setParties: a
   * device's calls are asked for on every event, and should not cost a scan of every call.
   */
  readonly deviceCalls: Map<string, Set<Call>>;
  /** Extensions whose telephony is not CONNECTED/OPENED (see health.ts). */
  readonly health: Map<string, DeviceHealth>;
  /** Requests an extension's phone cannot carry out (see capabilities.ts); absent = none. */
  readonly phoneLimits: Map<string, ReadonlySet<string>>;
  nextCallId(): string;
  /** Runs fn later, inside the switch's event batching. */
  setTimer(fn: () => void, ms: number): unknown;
  emit(event: DeviceEvent): void;
  record(record: CallRecord): void;
  /** A device's calls changed: Busy / idle / after-call work, then routing. */
  deviceChanged(dn: string): void;
  /** Offers waiting calls to available agents. */
  dispatch(): void;
}

export const iso = (ctx: Ctx): string => new Date(ctx.clock.now()).toISOString();

export function clearTimer(ctx: Ctx, holder: { timer?: unknown }): void {
  if (holder.timer !== undefined) ctx.clock.clearTimeout(holder.timer);
  holder.timer = undefined;
}

/** The calls a device takes part in, in creation order. */
export function callsOf(ctx: Ctx, dn: string): Call[] {
  const calls = ctx.deviceCalls.get(dn);
  if (calls === undefined) return [];
  // A call just forgotten (ending, or joined into another) is no longer the device's, though its
  // parties are still being told so.
  const live = [...calls].filter((c) => ctx.calls.get(c.id) === c);
  return live.length > 1 ? live.sort((a, b) => a.order - b.order) : live;
}

const isDeviceIn = (parties: readonly Party[], dn: string): boolean => parties.some((p) => p.kind === 'device' && p.dn === dn);

/** Adds a party to the call. */
export function addParty(ctx: Ctx, call: Call, dn: string, kind: Party['kind'], state: PartyState): Party {
  const party: Party = { dn, kind, state };
  setParties(ctx, call, [...call.parties, party]);
  return party;
}

/** The call's parties are now `parties`: devices that joined or left it are filed or unfiled. */
export function setParties(ctx: Ctx, call: Call, parties: readonly Party[]): void {
  const before = call.parties;
  (call as { parties: readonly Party[] }).parties = parties;
  for (const p of before) {
    if (p.kind !== 'device' || isDeviceIn(parties, p.dn)) continue;
    const calls = ctx.deviceCalls.get(p.dn);
    calls?.delete(call);
    if (calls?.size === 0) ctx.deviceCalls.delete(p.dn);
  }
  for (const p of parties) {
    if (p.kind !== 'device') continue;
    let calls = ctx.deviceCalls.get(p.dn);
    if (!calls) ctx.deviceCalls.set(p.dn, (calls = new Set()));
    calls.add(call);
  }
}

export function deviceParty(call: Call, dn: string): Party | undefined {
  return call.parties.find((p) => p.kind === 'device' && p.dn === dn);
}

export function agentAt(ctx: Ctx, dn: string): Agent | undefined {
  const agentId = ctx.devices.get(dn);
  return agentId === undefined ? undefined : ctx.agents.get(agentId);
}

/** Every extension the switch knows: configured ones and the ones agents are logged in on. */
export function isKnownExtension(ctx: Ctx, dn: string): boolean {
  return ctx.devices.has(dn) || ctx.extensions.has(dn);
}

/** One more (+1) or one fewer (-1) agent has `dn` as their configured extension. */
export function countExtension(ctx: Ctx, dn: string, change: 1 | -1): void {
  const count = (ctx.extensions.get(dn) ?? 0) + change;
  if (count > 0) ctx.extensions.set(dn, count);
  else ctx.extensions.delete(dn);
}

export function queueByDnis(ctx: Ctx, dnis: string): Queue | undefined {
  for (const queue of ctx.queues.values()) if (queue.config.dnis === dnis) return queue;
  return undefined;
}

export const HEALTHY: DeviceHealth = { link: 'CONNECTED', device: 'OPENED' };

/** What the back end last said about the extension's telephony (see health.ts). */
export const healthOf = (ctx: Ctx, dn: string): DeviceHealth => ctx.health.get(dn) ?? HEALTHY;
