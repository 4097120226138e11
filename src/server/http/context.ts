/** What createHttpApi needs, and what every route module receives. */
import type { onRequestHookHandler } from 'fastify';
import type { Logger } from 'pino';
import type { HttpConfig } from '../config.js';
import type { ServerMetrics } from '../metrics.js';
import type { PasswordPolicy } from './password-policy.js';
import type { Store } from '../store/index.js';
import type { CommandSwitch } from '../center/driver.js';
import type { ClusterView } from '../cluster/node.js';
import type { ForceResult, ForcedState } from '../center/inputs.js';
import type { Stats } from '../stats/figures.js';
import type { SuperviseMode } from '../switch/types.js';
import type { WrapUpConfig } from '../wrap-up.js';

/** One agent with a server session, as the WebSocket gateway keeps it. */
export interface SessionView {
  readonly agentId: string;
  readonly extension: string;
  readonly sockets: { readonly size: number };
}

export interface HttpApiDeps {
  /** Reads from this node's replica; changes go through the call center's log. */
  readonly switch: CommandSwitch;
  /** Only the store's methods are used; its lifecycle (open, close) stays with the caller. */
  readonly store: Omit<Store, 'backend' | 'location' | 'migration' | 'seeded' | 'close' | 'info'>;
  readonly metrics: ServerMetrics;
  /** Bearer token of the simulator and admin routes. */
  readonly adminToken: string;
  /** Request logs go here; false (tests) logs nothing. */
  readonly logger: Logger | false;
  /** Logged-in agents by agent id (the gateway's sessions), for the admin views. */
  readonly sessions?: () => ReadonlyMap<string, SessionView>;
  /**
   * The agent id whose live session `token` is (issued by the gateway at login), else undefined.
   * Such a token may read customers and read/update that agent's own interactions — what the
   * desktop needs. Without this function, only the admin token is accepted anywhere.
   */
  readonly agentForToken?: (token: string) => string | undefined;
  /** Time, size and rate limits; absent = Fastify's defaults and no rate limit (tests). */
  readonly limits?: HttpLimits;
  /** 'strong' (production) refuses weak agent passwords on create and update; default 'any'. */
  readonly passwordPolicy?: PasswordPolicy;
  /** What /healthz checks besides the switch and the store; absent = nothing more. */
  readonly links?: () => Readonly<Record<string, boolean>>;
  /** Failed logins and lockouts of agents, and ending their sessions (the gateway's); absent = none known. */
  readonly logins?: AgentLogins;
  /** The cluster this node belongs to; absent = one process (GET /api/cluster is 404). */
  readonly cluster?: ClusterApi;
  /** The live statistics; absent = GET /api/stats is 404. */
  readonly stats?: { figures(): Promise<Stats> };
  /** Forces an agent's state through the call center (`by`: the supervisor's id, or "admin"); absent = 404. */
  readonly force?: (agentId: string, state: ForcedState, reasonCode: string, by: string) => Promise<ForceResult>;
  /** What a wrap-up needs (the server configuration's `wrapUp`); absent = nothing is required. */
  readonly wrapUp?: WrapUpConfig;
  /** Why the back end cannot supervise this agent's call (SIP): answered 501; absent = the switch's supervise, through the call center. */
  readonly superviseRefusal?: (agentId: string, mode: SuperviseMode) => { errCode: string; errMessage: string };
}

/** What the admin API shows of a cluster. */
export interface ClusterApi {
  view(): Promise<ClusterView>;
  /** This node's replica: the last log entry applied and a digest of the whole state, to compare nodes. */
  state(): { applied: number; leader: boolean; digest: string };
}

/** What the admin API sees and does of agents' logins. */
export interface AgentLogins {
  status(agentId: string): { readonly failedLogins: number; readonly locked: boolean; readonly lockedUntil: string | null };
  unlock(agentId: string): void;
  /** Logs the agent out and ends their session; false when they were not logged in. */
  logout(agentId: string, reasonCode?: string): Promise<boolean>;
}

export type HttpLimits = Pick<HttpConfig, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'idleTimeoutMs' | 'bodyLimitBytes' | 'rateLimit'>;

export interface RouteContext {
  readonly deps: HttpApiDeps;
  /** onRequest hook: the admin token only. */
  readonly adminOnly: onRequestHookHandler;
  /** onRequest hook: the admin token or a logged-in agent's session token (sets request.identity). */
  readonly adminOrAgent: onRequestHookHandler;
  /** onRequest hook: the admin token or a logged-in supervisor's session token (sets request.identity). */
  readonly adminOrSupervisor: onRequestHookHandler;
}
