/**
 * What a host sees of a session: the state reduced from events and the typed events it emits.
 * These types are the public face of the framework; the reducer and the Session class realise them.
 */
import type { CtiError } from '../errors/cti-error.js';
import type { CallTreatment } from '../schema/context.js';
import type {
  AgentStateName,
  CallStateName,
  CallType,
  DataGroup,
  DeviceState,
  LinkState,
  OpenCtiEvent,
  RecordingState,
  WorkMode,
} from '../schema/events.js';

/** An event as the session emits it: the contract's shape plus any vendor property (e.g. pyEventString). */
export type ReceivedEvent = OpenCtiEvent & { readonly [property: string]: unknown };

export interface CallView {
  readonly callId: string;
  readonly type: CallType;
  readonly state: CallStateName;
  /** Caller number. */
  readonly ani: string;
  /** The far end as the CTI server names it. */
  readonly otherDN: string;
  readonly thisDN?: string | undefined;
  readonly dnis?: string | undefined;
  readonly queue?: string | undefined;
  readonly interactionId?: string | undefined;
  /** Devices in the call, from PartyInfo or Snapshot; empty until the server names them. */
  readonly parties: readonly string[];
  /** pyCallData: flat call-attached data. */
  readonly callData: Readonly<Record<string, string>>;
  /** pyUserData: keys to strings or nested groups ({} when the call has none). */
  readonly userData: DataGroup;
  /** pyCallVariables in order, however the server sent them ("a|b|c" or a list); [] when none. */
  readonly callVariables: readonly string[];
  /** pyApplicationData: shaped like userData ({} when none). */
  readonly applicationData: DataGroup;
  /**
   * The requests possible now on this call, by request name, as the server last said
   * (pyCapabilities); undefined when the server does not say, and then anything may be tried.
   */
  readonly capabilities?: readonly string[] | undefined;
  /** This device's leg is muted (pyMuted); absent until the server speaks of muting. */
  readonly muted?: boolean | undefined;
  /** Where the call's recording stands (CallInfoEvent "Recording"); undefined = never started. */
  readonly recording?: RecordingState | undefined;
  /** ISO 8601 times: first seen, last state change, answered, ended. */
  readonly startedAt: string;
  readonly stateChangedAt: string;
  readonly answeredAt?: string | undefined;
  readonly endedAt?: string | undefined;
}

export interface AgentView {
  readonly agentId?: string | undefined;
  readonly extension?: string | undefined;
  readonly state: AgentStateName;
  readonly reasonCode?: string | undefined;
  readonly workMode?: WorkMode | undefined;
  /** True while the agent is Not Ready in after-call work. */
  readonly afterCallWork: boolean;
  /** The state asked for during a call, taken when the calls end (pyPendingState); undefined = none. */
  readonly pendingState?: 'Ready' | 'NotReady' | undefined;
  readonly pendingReasonCode?: string | undefined;
}

export interface SessionState {
  readonly loggedIn: boolean;
  readonly link: LinkState;
  readonly device: DeviceState;
  readonly agent: AgentView;
  /** Calls in progress on the extension, oldest first. */
  readonly calls: readonly CallView[];
}

/** A customer record as the host's lookup returns it; only `id` and `name` are required. */
export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly [key: string]: unknown;
}

/** Outcome of the customer lookup by ANI (SPEC §7). */
export type CustomerMatch =
  | { readonly kind: 'one'; readonly customer: Customer }
  | { readonly kind: 'none' }
  | { readonly kind: 'several'; readonly customers: readonly Customer[] };

export type CustomerLookup = (ani: string, call: CallView) => Promise<readonly Customer[]> | readonly Customer[];

export interface ScreenPop {
  readonly call: CallView;
  readonly treatment: CallTreatment;
  /**
   * What the treatment's `popData` names, with its values: call properties, pyCallData keys, and
   * the strings that data paths (`pyUserData.account.id`) reach, under their path. A path that
   * names a group or a list gives one entry per string inside it, each under its own full path.
   */
  readonly data: Readonly<Record<string, string>>;
  readonly match: CustomerMatch;
  /** True when the CSR must accept the pop before the interaction starts (`screenPopThenAccept`). */
  readonly needsAccept: boolean;
}

export interface InteractionStart {
  readonly call: CallView;
  readonly match: CustomerMatch;
  /** The customer chosen, when the lookup found exactly one or the CSR picked one of the match. */
  readonly customer?: Customer | undefined;
  /** The id of the customer chosen, also when the CSR found it outside the match (a search). */
  readonly customerId?: string | undefined;
}

/** Every event a host can subscribe to, with its payload. */
export interface SessionEvents {
  /** After any change of the reduced state. */
  state: [state: SessionState];
  /**
   * Every valid event the implementation forwarded, after it was reduced: as taken in (in lenient
   * intake, normalized and filled from the known call), with every extra property it carried.
   */
  event: [event: ReceivedEvent];
  agentState: [agent: AgentView];
  /** A new call appeared (Alerting/Offering/Initiated, or listed by a Snapshot). */
  callAdded: [call: CallView];
  /** Any change to a call in progress: state, parties, call data. */
  call: [call: CallView];
  callEnded: [call: CallView];
  link: [link: LinkState];
  device: [device: DeviceState];
  screenPop: [pop: ScreenPop];
  interactionStart: [start: InteractionStart];
  /** Invalid events, failed auto-answers, treatment failures: anything the host did not ask for. */
  error: [error: CtiError];
  loggedOut: [];
}

export type SessionEventName = keyof SessionEvents;

/** Counters a host or an operator can read; they only grow. */
export interface SessionCounters {
  eventsAccepted: number;
  eventsRejected: number;
  /** Valid events applied without a part that contradicted itself (a Snapshot listing a call twice). */
  eventsRepaired: number;
  eventsAfterLogout: number;
}
