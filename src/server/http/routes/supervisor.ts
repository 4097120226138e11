/**
 * POST /api/agents/:agentId/force: a supervisor (or the administrator) puts an agent Not Ready
 * or logs them out, with a reason their desktop shows. It goes through the call center like any
 * other change, so every node of a cluster agrees.
 */
import type { FastifyInstance } from 'fastify';
import { SwitchError } from '../../switch/errors.js';
import type { RouteContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { AgentIdParams, ForceStateBody } from '../schemas.js';

export function supervisorRoutes(app: FastifyInstance, { deps, adminOrSupervisor }: RouteContext): void {
  app.post<{ Params: AgentIdParams; Body: ForceStateBody }>(
    '/api/agents/:agentId/force',
    { onRequest: adminOrSupervisor, schema: { params: AgentIdParams, body: ForceStateBody } },
    async (request) => {
      const force = deps.force;
      if (!force) throw notFound('this server cannot force agent states');
      const { agentId } = request.params;
      const reason = request.body.reason.trim();
      const identity = request.identity;
      const by = identity?.role === 'agent' ? identity.agentId : 'admin';
      if ((await deps.store.getAgent(agentId)) === undefined) throw notFound(`agent ${JSON.stringify(agentId)} does not exist`);
      try {
        const result = await force(agentId, request.body.state, reason, by);
        request.log.info({ agentId, state: result.state, reason, by, when: result.when }, 'agent state forced');
        return result;
      } catch (error) {
        if (error instanceof SwitchError && error.errCode === 'OPENCTI_INVALID_ACTION' && /during call/.test(error.errMessage)) {
          throw conflict(`agent ${JSON.stringify(agentId)} is on a call: they can be logged out once it ends (${error.errMessage})`);
        }
        throw error;
      }
    },
  );
}
