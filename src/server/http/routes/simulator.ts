/**
 * The simulated outside world (admin token): callers dial in and hang up, external numbers
 * answer, ring or are busy. The caller simulator page and `opencti call` use these.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { notFound } from '../errors.js';
import { CallIdParams, FarEndBody, FarEndParams, PlaceCallBody } from '../schemas.js';

export function simulatorRoutes(app: FastifyInstance, { deps, adminOnly }: RouteContext): void {
  const sw = deps.switch;

  /** A caller dials `to` (a queue's DNIS, an extension or an agent) from `from`, with attached data. */
  app.post<{ Body: PlaceCallBody }>('/api/calls', { onRequest: adminOnly, schema: { body: PlaceCallBody } }, async (request, reply) => {
    const { from, to, data } = request.body;
    const { callId } = await sw.inboundCall(from, to, data ?? {});
    request.log.info({ callId, from, to }, 'simulated inbound call');
    return reply.status(201).send({ callId });
  });

  app.get('/api/calls', { onRequest: adminOnly }, async () => sw.calls());

  app.get<{ Params: CallIdParams }>('/api/calls/:callId', { onRequest: adminOnly, schema: { params: CallIdParams } }, async (request) => {
    const call = sw.calls().find((c) => c.callId === request.params.callId);
    if (call === undefined) throw notFound(`call ${JSON.stringify(request.params.callId)} is not in progress`);
    return call;
  });

  const action = (verb: string, run: (callId: string) => void | Promise<void>) =>
    app.post<{ Params: CallIdParams }>(
      `/api/calls/:callId/${verb}`,
      { onRequest: adminOnly, schema: { params: CallIdParams } },
      async (request, reply) => {
        await run(request.params.callId);
        return reply.status(204).send();
      },
    );
  /** The caller hangs up. */
  action('hangup', (callId) => sw.callerHangUp(callId));
  /** The external party of an outbound call answers. */
  action('answer', (callId) => sw.farEndAnswer(callId));
  /** The external party of an outbound call is busy. */
  action('busy', (callId) => sw.farEndBusy(callId));

  /** How an external number behaves when called from now on. */
  app.put<{ Params: FarEndParams; Body: FarEndBody }>(
    '/api/far-ends/:number',
    { onRequest: adminOnly, schema: { params: FarEndParams, body: FarEndBody } },
    async (request) => {
      await sw.setFarEnd(request.params.number, request.body.behaviour);
      return { number: request.params.number, behaviour: request.body.behaviour };
    },
  );
}
