/**
 * POST /api/agents/:agentId/force: a supervisor (or the administrator) puts an agent Not Ready
 * or logs them out, with a reason their desktop shows. POST /api/agents/:agentId/supervise: a
 * supervisor's extension joins the agent's call as a monitor, whisperer or barger, or leaves it.
 * Both go through the call center like any other change, so every node of a cluster agrees.
 */
import type { FastifyInstance } from 'fastify';
import { SwitchError } from '../../switch/errors.js';
import type { RouteContext } from '../context.js';
import { BAD_REQUEST, HttpError, conflict, forbidden, notFound } from '../errors.js';
import { AgentIdParams, ForceStateBody, SuperviseBody } from '../schemas.js';

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

  app.post<{ Params: AgentIdParams; Body: SuperviseBody }>(
    '/api/agents/:agentId/supervise',
    { onRequest: adminOrSupervisor, schema: { params: AgentIdParams, body: SuperviseBody } },
    async (request) => {
      const { agentId } = request.params;
      const { mode } = request.body;
      const identity = request.identity;
      const supervisorId = await supervisorOf(identity?.role === 'agent' ? identity.agentId : undefined, request.body.supervisorId);
      if ((await deps.store.getAgent(agentId)) === undefined) throw notFound(`agent ${JSON.stringify(agentId)} does not exist`);
      if (deps.superviseRefusal) {
        const refusal = deps.superviseRefusal(agentId, mode);
        throw new HttpError(501, refusal.errCode, refusal.errMessage);
      }
      const result = await deps.switch.supervise(supervisorId, agentId, mode);
      request.log.info({ agentId, supervisorId, mode, callId: result.callId, by: identity?.role === 'agent' ? identity.agentId : 'admin' }, 'call supervised');
      return result;
    },
  );

  /** A supervisor supervises from their own extension; the administrator names a supervisor. */
  async function supervisorOf(caller: string | undefined, named: string | undefined): Promise<string> {
    if (caller !== undefined) {
      if (named !== undefined && named !== caller) throw forbidden(`a supervisor joins calls from their own extension: supervisorId must be ${JSON.stringify(caller)} or left out`);
      return caller;
    }
    if (named === undefined) throw new HttpError(400, BAD_REQUEST, 'body.supervisorId is required with the admin token: the supervisor whose extension joins the call');
    const supervisor = await deps.store.getAgent(named);
    if (supervisor?.role !== 'supervisor') throw new HttpError(400, BAD_REQUEST, `body.supervisorId: agent ${JSON.stringify(named)} is not a supervisor`);
    return named;
  }
}
