/**
 * Interactions: one per call, recorded by the store from the switch's call records. The desktop
 * reads them and writes notes, disposition, the customer link and the status (wrap-up), so these
 * routes accept the admin token or a logged-in agent's session token.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { notFound } from '../errors.js';
import { InteractionIdParams, InteractionPatchBody, InteractionQuery } from '../schemas.js';

export function interactionRoutes(app: FastifyInstance, { deps, adminOrAgent }: RouteContext): void {
  const { store } = deps;

  /** Newest first, without timelines; filters combine. `?callId=` gives the call's one interaction (or none). */
  app.get<{ Querystring: InteractionQuery }>(
    '/api/interactions',
    { onRequest: adminOrAgent, schema: { querystring: InteractionQuery } },
    async (request) => {
      const { callId, ...query } = request.query;
      if (callId !== undefined) {
        const found = store.getInteractionByCallId(callId);
        if (found === undefined) return [];
        const { timeline: _timeline, ...interaction } = found;
        return [interaction];
      }
      return store.listInteractions(query);
    },
  );

  /** One interaction with its timeline. */
  app.get<{ Params: InteractionIdParams }>(
    '/api/interactions/:id',
    { onRequest: adminOrAgent, schema: { params: InteractionIdParams } },
    async (request) => {
      const interaction = store.getInteraction(request.params.id);
      if (interaction === undefined) throw notFound(`interaction ${request.params.id} does not exist`);
      return interaction;
    },
  );

  app.patch<{ Params: InteractionIdParams; Body: InteractionPatchBody }>(
    '/api/interactions/:id',
    { onRequest: adminOrAgent, schema: { params: InteractionIdParams, body: InteractionPatchBody } },
    async (request) => store.updateInteraction(request.params.id, request.body),
  );
}
