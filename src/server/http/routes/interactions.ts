/**
 * Interactions: one per call, recorded by the store from the switch's call records. The desktop
 * reads them and writes notes, disposition, the customer link and the status (wrap-up), so these
 * routes accept the admin token or a logged-in agent's session token. An agent sees and changes
 * only the interactions they appear on (README.md: who may do what); the admin, all of them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InteractionWithTimeline } from '../../store/index.js';
import type { RouteContext } from '../context.js';
import { HttpError, forbidden, notFound } from '../errors.js';
import { missingForWrapUp } from '../../wrap-up.js';
import { InteractionIdParams, InteractionPatchBody, InteractionQuery } from '../schemas.js';

/** The agent id of an agent's request; undefined for the admin. */
const agentOf = (request: FastifyRequest): string | undefined => (request.identity?.role === 'agent' ? request.identity.agentId : undefined);

/** An agent appears on an interaction as its owner or on any entry of its timeline (offers, transfers). */
const involves = (interaction: InteractionWithTimeline, agentId: string): boolean =>
  interaction.agentId === agentId || interaction.timeline.some((entry) => entry.agentId === agentId);

/**
 * An agent took part in a call as its owner or by doing something on it (answer, hold, transfer…):
 * a phone that only rang (offered, then ring-no-answer) may show the call, not change the notes,
 * disposition or status of the agent who took it.
 */
const tookPart = (interaction: InteractionWithTimeline, agentId: string): boolean =>
  interaction.agentId === agentId || interaction.timeline.some((entry) => entry.agentId === agentId && entry.kind !== 'offered');

export function interactionRoutes(app: FastifyInstance, { deps, adminOrAgent }: RouteContext): void {
  const { store } = deps;

  /** An agent who wraps up an interaction is done with after-call work (no change when not in it). */
  const endWrapUp = async (request: FastifyRequest, agentId: string): Promise<void> => {
    try {
      if (await deps.switch.endWrapUp(agentId)) request.log.info({ agentId }, 'after-call work ended by wrap-up');
    } catch (error) {
      // Logged out meanwhile: the wrap-up is saved all the same.
      request.log.info({ agentId, err: error }, 'wrap-up saved; the agent was not in after-call work');
    }
  };

  /**
   * A wrap-up must leave the interaction with what the server's wrap-up rules require for its
   * queue; the fields the request does not give are taken as the interaction has them.
   */
  const refuseIncompleteWrapUp = (current: InteractionWithTimeline, body: InteractionPatchBody): void => {
    const missing = missingForWrapUp(deps.wrapUp, {
      queue: current.queue,
      disposition: body.disposition === undefined ? current.disposition : body.disposition,
      notes: body.notes ?? current.notes,
    });
    if (missing.length === 0) return;
    const where = current.queue === undefined ? '' : ` of queue ${JSON.stringify(current.queue)}`;
    throw new HttpError(
      400,
      'OPENCTI_INVALID_ACTION',
      `interaction ${current.id}${where} cannot be wrapped up without ${missing.map((m) => (m === 'disposition' ? 'a disposition' : 'notes')).join(' and ')}: the server's wrap-up rules require ${missing.length > 1 ? 'them' : 'it'}`,
      missing.map((field) => ({ path: `body.${field}`, message: 'is required to wrap up this interaction' })),
    );
  };

  /** Newest first, without timelines; filters combine. `?callId=` gives the call's one interaction (or none). */
  app.get<{ Querystring: InteractionQuery }>(
    '/api/interactions',
    { onRequest: adminOrAgent, schema: { querystring: InteractionQuery } },
    async (request) => {
      const { callId, ...query } = request.query;
      const agentId = agentOf(request);
      if (callId !== undefined) {
        const found = await store.getInteractionByCallId(callId);
        if (found === undefined || (agentId !== undefined && !involves(found, agentId))) return [];
        const { timeline: _timeline, ...interaction } = found;
        return [interaction];
      }
      return store.listInteractions(agentId === undefined ? query : { ...query, involving: agentId });
    },
  );

  /**
   * The interaction, if the caller may see it (or, `change`, change it): 404 when it does not exist,
   * 403 when it is another agent's.
   */
  const visible = async (request: FastifyRequest, id: number, change = false): Promise<InteractionWithTimeline> => {
    const interaction = await store.getInteraction(id);
    if (interaction === undefined) throw notFound(`interaction ${id} does not exist`);
    const agentId = agentOf(request);
    if (agentId !== undefined && !involves(interaction, agentId)) {
      throw forbidden(`interaction ${id} is not a call of agent ${JSON.stringify(agentId)}: an agent may read and change only their own interactions`);
    }
    if (change && agentId !== undefined && !tookPart(interaction, agentId)) {
      throw forbidden(`interaction ${id} was only offered to agent ${JSON.stringify(agentId)}: only the agents who took the call may change it`);
    }
    return interaction;
  };

  /** One interaction with its timeline. */
  app.get<{ Params: InteractionIdParams }>(
    '/api/interactions/:id',
    { onRequest: adminOrAgent, schema: { params: InteractionIdParams } },
    async (request) => visible(request, request.params.id),
  );

  app.patch<{ Params: InteractionIdParams; Body: InteractionPatchBody }>(
    '/api/interactions/:id',
    { onRequest: adminOrAgent, schema: { params: InteractionIdParams, body: InteractionPatchBody } },
    async (request) => {
      const current = await visible(request, request.params.id, true);
      if (request.body.status === 'wrapped-up') refuseIncompleteWrapUp(current, request.body);
      const updated = await store.updateInteraction(request.params.id, request.body);
      const agentId = agentOf(request);
      if (agentId !== undefined && request.body.status === 'wrapped-up') await endWrapUp(request, agentId);
      return updated;
    },
  );
}
