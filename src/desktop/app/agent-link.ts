/**
 * Keeps one agent's server session across reloads and tabs. The first tab logs in and keeps the
 * session token in localStorage; a reload or another tab attaches to that server session with
 * the token instead of logging in again (the server refuses a second login of the same agent),
 * and so sees the same state, calls and controls.
 */
import { CtiError } from '../../framework/errors/cti-error.js';
import type { ForwardEvent, LinkDefinition, RequestOptions } from '../../framework/implementation.js';
import type { SessionInfo } from '../../framework/schema/protocol.js';
import { ReferenceConnector, type ReferenceConnectorOptions } from '../../connectors/reference/connector.js';

export interface StoredAgentSession {
  readonly agentId: string;
  readonly token: string;
  readonly extension: string;
}

export const STORAGE_KEY = 'opencti.desktop.agentSession';

/** The kept server session, in a Storage (localStorage: shared by the tabs of this browser). */
export class AgentSessionStore {
  readonly #storage: Storage;
  readonly #key: string;

  constructor(storage: Storage, key = STORAGE_KEY) {
    this.#storage = storage;
    this.#key = key;
  }

  load(): StoredAgentSession | undefined {
    try {
      const value = JSON.parse(this.#storage.getItem(this.#key) ?? 'null') as Partial<StoredAgentSession> | null;
      if (value && typeof value.agentId === 'string' && typeof value.token === 'string') {
        return { agentId: value.agentId, token: value.token, extension: typeof value.extension === 'string' ? value.extension : '' };
      }
    } catch {
      // unreadable: treated as absent
    }
    return undefined;
  }

  save(info: Pick<SessionInfo, 'agentId' | 'token' | 'extension'>): void {
    this.#storage.setItem(this.#key, JSON.stringify({ agentId: info.agentId, token: info.token, extension: info.extension }));
  }

  clear(): void {
    this.#storage.removeItem(this.#key);
  }
}

/**
 * The reference connector, logging in by attaching when this browser already holds the agent's
 * server session. A token the server no longer knows is forgotten and a real login follows.
 */
export class DesktopConnector extends ReferenceConnector {
  readonly #store: AgentSessionStore;

  constructor(store: AgentSessionStore, options: ReferenceConnectorOptions = {}) {
    super(options);
    this.#store = store;
  }

  /** The kept session this connector would attach to for `agentId`, if any. */
  keptFor(agentId: string): StoredAgentSession | undefined {
    const kept = this.#store.load();
    return kept && kept.agentId === agentId ? kept : undefined;
  }

  override async login(agentId: string, agentPwd: string, extension: string, link: LinkDefinition, options: RequestOptions, forwardEvent: ForwardEvent): Promise<unknown> {
    const kept = this.keptFor(agentId);
    if (kept) {
      try {
        return this.#remember(await this.attach(kept.token, link, forwardEvent));
      } catch (error) {
        if (!(error instanceof CtiError) || error.errCode !== 'OPENCTI_AGENT_NOT_LOGGED_IN') throw error;
        this.#store.clear();
        // An attach without a password cannot become a login.
        if (agentPwd === '') throw error;
      }
    }
    return this.#remember((await super.login(agentId, agentPwd, extension, link, options, forwardEvent)) as SessionInfo);
  }

  override async logout(agentId: string, reasonCode: string, options: RequestOptions): Promise<unknown> {
    const result = await super.logout(agentId, reasonCode, options);
    this.#store.clear();
    return result;
  }

  #remember(info: SessionInfo): SessionInfo {
    this.#store.save(info);
    return info;
  }
}
