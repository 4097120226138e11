/**
 * Agents (admin token): the store keeps them (passwords are write-only, kept as scrypt hashes);
 * every change is pushed to the switch too, so a new agent can log in at once. Listings add what
 * the switch and the gateway know now: agent state and the server session.
 */
import type { FastifyInstance } from 'fastify';
import type { Agent } from '../../store/index.js';
import type { AgentConfig, AgentSummary } from '../../switch/types.js';
import type { RouteContext, SessionView } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { AgentIdParams, AgentLogoutBody, AgentPatchBody, NewAgentBody } from '../schemas.js';

export interface AgentView extends Agent {
  /** The switch's agent state (Login, Ready, NotReady, Busy…); 'Logout' when not logged in. */
  readonly state: string;
  readonly reasonCode?: string | undefined;
  readonly workMode?: string | undefined;
  /** The extension the agent is logged in on, when logged in. */
  readonly loggedInExtension?: string | undefined;
  /** The agent's server session (desktop connections), or null. */
  readonly session: { readonly extension: string; readonly sockets: number } | null;
  /** Failed logins in a row (forgotten after a while without another). */
  readonly failedLogins: number;
  /** True while logins of the agent are refused after repeated failures. */
  readonly locked: boolean;
  /** ISO time the lockout ends; null when not locked or locked until an administrator unlocks. */
  readonly lockedUntil: string | null;
}

const LOGGED_OUT = new Set(['Logout', 'Unknown']);

const toConfig = (a: Agent): AgentConfig => ({ agentId: a.agentId, extension: a.extension, skills: a.skills });

export function agentRoutes(app: FastifyInstance, { deps, adminOnly }: RouteContext): void {
  const { store } = deps;
  const sw = deps.switch;
  const sessions = (): ReadonlyMap<string, SessionView> => deps.sessions?.() ?? new Map();
  const loginStatus = (agentId: string) => deps.logins?.status(agentId) ?? { failedLogins: 0, locked: false, lockedUntil: null };

  const view = (agent: Agent, live: ReadonlyMap<string, AgentSummary>, open: ReadonlyMap<string, SessionView>): AgentView => {
    const summary = live.get(agent.agentId);
    const session = open.get(agent.agentId);
    const loggedIn = summary !== undefined && !LOGGED_OUT.has(summary.state);
    return {
      ...agent,
      state: summary?.state ?? 'Logout',
      reasonCode: summary?.reasonCode,
      workMode: summary?.workMode,
      loggedInExtension: loggedIn ? summary.extension : undefined,
      session: session === undefined ? null : { extension: session.extension, sockets: session.sockets.size },
      ...loginStatus(agent.agentId),
    };
  };
  const liveAgents = () => new Map(sw.agents().map((a) => [a.agentId, a]));
  const getStored = async (agentId: string): Promise<Agent> => {
    const agent = await store.getAgent(agentId);
    if (agent === undefined) throw notFound(`agent ${JSON.stringify(agentId)} does not exist`);
    return agent;
  };

  app.get('/api/agents', { onRequest: adminOnly }, async () => {
    const live = liveAgents();
    const open = sessions();
    return (await store.listAgents()).map((a) => view(a, live, open));
  });

  /** Agents with a server session: extension and number of connected desktop sockets. */
  app.get('/api/agents/sessions', { onRequest: adminOnly }, async () =>
    [...sessions().values()].map((s) => ({ agentId: s.agentId, extension: s.extension, sockets: s.sockets.size })),
  );

  app.get<{ Params: AgentIdParams }>('/api/agents/:agentId', { onRequest: adminOnly, schema: { params: AgentIdParams } }, async (request) =>
    view(await getStored(request.params.agentId), liveAgents(), sessions()),
  );

  app.post<{ Body: NewAgentBody }>('/api/agents', { onRequest: adminOnly, schema: { body: NewAgentBody } }, async (request, reply) => {
    const agent = await store.createAgent(request.body);
    try {
      await sw.configure({ agents: [toConfig(agent)] });
    } catch (error) {
      await store.deleteAgent(agent.agentId);
      throw error;
    }
    request.log.info({ agentId: agent.agentId }, 'agent created');
    return reply.status(201).send(view(agent, liveAgents(), sessions()));
  });

  app.patch<{ Params: AgentIdParams; Body: AgentPatchBody }>(
    '/api/agents/:agentId',
    { onRequest: adminOnly, schema: { params: AgentIdParams, body: AgentPatchBody } },
    async (request) => {
      const before = await getStored(request.params.agentId);
      // What the switch must accept first; the password and the extension rules only once it has,
      // so that a refusal changes nothing (a password hash cannot be put back).
      const { password, allowedExtensions, anyExtension, role, ...configuration } = request.body;
      const restore = async () => {
        await store.updateAgent(before.agentId, { displayName: before.displayName, extension: before.extension, skills: before.skills });
        await sw.configure({ agents: [toConfig(before)] });
      };
      let agent = await store.updateAgent(before.agentId, configuration);
      try {
        await sw.configure({ agents: [toConfig(agent)] });
        const rules = Object.fromEntries(Object.entries({ password, allowedExtensions, anyExtension, role }).filter(([, value]) => value !== undefined));
        if (Object.keys(rules).length > 0) agent = await store.updateAgent(before.agentId, rules);
      } catch (error) {
        // The switch refused (e.g. the extension is a queue's number): put the configuration back.
        await restore();
        throw error;
      }
      request.log.info({ agentId: agent.agentId, fields: Object.keys(request.body) }, 'agent updated');
      return view(agent, liveAgents(), sessions());
    },
  );

  /** Lifts a lockout after repeated failed logins and forgets the failures. */
  app.post<{ Params: AgentIdParams }>('/api/agents/:agentId/unlock', { onRequest: adminOnly, schema: { params: AgentIdParams } }, async (request) => {
    const agent = await getStored(request.params.agentId);
    deps.logins?.unlock(agent.agentId);
    request.log.info({ agentId: agent.agentId }, 'agent unlocked');
    return view(agent, liveAgents(), sessions());
  });

  /**
   * Logs the agent out of the switch and ends their server session: their desktops get the
   * closing Snapshot, then OPENCTI_SESSION_ENDED. Refused when not logged in (409) and, by the
   * switch, during a call (OPENCTI_INVALID_ACTION, 400).
   */
  app.post<{ Params: AgentIdParams; Body: AgentLogoutBody }>(
    '/api/agents/:agentId/logout',
    { onRequest: adminOnly, schema: { params: AgentIdParams, body: AgentLogoutBody } },
    async (request) => {
      const agent = await getStored(request.params.agentId);
      const reasonCode = request.body?.reasonCode ?? '';
      if (!(await deps.logins?.logout(agent.agentId, reasonCode))) throw conflict(`agent ${JSON.stringify(agent.agentId)} is not logged in`);
      request.log.info({ agentId: agent.agentId, reasonCode }, 'agent logged out by an administrator');
      return view(agent, liveAgents(), sessions());
    },
  );

  /**
   * Refused while the agent is logged in. The agent leaves the running switch and the store.
   */
  app.delete<{ Params: AgentIdParams }>(
    '/api/agents/:agentId',
    { onRequest: adminOnly, schema: { params: AgentIdParams } },
    async (request, reply) => {
      const agent = await getStored(request.params.agentId);
      const live = liveAgents().get(agent.agentId);
      if (live !== undefined && !LOGGED_OUT.has(live.state)) {
        throw conflict(`agent ${JSON.stringify(agent.agentId)} is logged in (state ${live.state}): log the agent out first`);
      }
      await sw.configure({ removeAgents: [agent.agentId] });
      try {
        await store.deleteAgent(agent.agentId);
      } catch (error) {
        await sw.configure({ agents: [toConfig(agent)] }); // keep the switch in step with the store
        throw error;
      }
      request.log.info({ agentId: agent.agentId }, 'agent deleted');
      return reply.status(204).send();
    },
  );
}
