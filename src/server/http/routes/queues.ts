/**
 * Queues (admin token). The configuration lives in the store and is pushed to the switch on every
 * change; listings join it with the live view of the switch (calls waiting, Ready agents).
 */
import type { FastifyInstance } from 'fastify';
import type { Queue } from '../../store/index.js';
import type { QueueSummary } from '../../switch/types.js';
import type { RouteContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { NewQueueBody, QueueNameParams, QueuePatchBody } from '../schemas.js';

export interface QueueView {
  readonly name: string;
  readonly dnis: string;
  readonly skill?: string | undefined;
  /** Service level threshold in seconds (statistics). */
  readonly serviceLevelSeconds?: number | undefined;
  readonly createdAt?: number | undefined;
  readonly updatedAt?: number | undefined;
  /** Calls waiting for an agent, oldest first. */
  readonly waiting: QueueSummary['waiting'];
  readonly readyAgents: readonly string[];
}

const view = (stored: Queue | undefined, live: QueueSummary | undefined): QueueView => ({
  name: live?.name ?? stored?.name ?? '',
  dnis: stored?.dnis ?? live?.dnis ?? '',
  skill: stored?.skill,
  serviceLevelSeconds: stored?.serviceLevelSeconds,
  createdAt: stored?.createdAt,
  updatedAt: stored?.updatedAt,
  waiting: live?.waiting ?? [],
  readyAgents: live?.readyAgents ?? [],
});

export function queueRoutes(app: FastifyInstance, { deps, adminOnly }: RouteContext): void {
  const { store } = deps;
  const sw = deps.switch;
  const live = (name: string) => sw.queues().find((q) => q.name === name);

  /** Every queue the switch routes to, plus any stored one it does not know yet. */
  app.get('/api/queues', { onRequest: adminOnly }, async () => {
    const stored = new Map((await store.listQueues()).map((q) => [q.name, q]));
    const views = sw.queues().map((q) => view(stored.get(q.name), q));
    const known = new Set(views.map((q) => q.name));
    for (const q of stored.values()) if (!known.has(q.name)) views.push(view(q, undefined));
    return views;
  });

  app.get<{ Params: QueueNameParams }>('/api/queues/:name', { onRequest: adminOnly, schema: { params: QueueNameParams } }, async (request) => {
    const { name } = request.params;
    const stored = await store.getQueue(name);
    const summary = live(name);
    if (stored === undefined && summary === undefined) throw notFound(`queue ${JSON.stringify(name)} does not exist`);
    return view(stored, summary);
  });

  app.post<{ Body: NewQueueBody }>('/api/queues', { onRequest: adminOnly, schema: { body: NewQueueBody } }, async (request, reply) => {
    const queue = await store.createQueue(request.body);
    try {
      await sw.configure({ queues: [{ name: queue.name, dnis: queue.dnis, skill: queue.skill }] });
    } catch (error) {
      await store.deleteQueue(queue.name);
      throw error;
    }
    request.log.info({ queue: queue.name }, 'queue created');
    return reply.status(201).send(view(queue, live(queue.name)));
  });

  app.patch<{ Params: QueueNameParams; Body: QueuePatchBody }>(
    '/api/queues/:name',
    { onRequest: adminOnly, schema: { params: QueueNameParams, body: QueuePatchBody } },
    async (request) => {
      const before = await store.getQueue(request.params.name);
      if (before === undefined) throw notFound(`queue ${JSON.stringify(request.params.name)} does not exist`);
      const queue = await store.updateQueue(before.name, request.body);
      try {
        await sw.configure({ queues: [{ name: queue.name, dnis: queue.dnis, skill: queue.skill }] });
      } catch (error) {
        await store.updateQueue(before.name, { dnis: before.dnis, skill: before.skill });
        throw error;
      }
      request.log.info({ queue: queue.name, fields: Object.keys(request.body) }, 'queue updated');
      return view(queue, live(queue.name));
    },
  );

  /** Refused while calls wait in the queue. */
  app.delete<{ Params: QueueNameParams }>(
    '/api/queues/:name',
    { onRequest: adminOnly, schema: { params: QueueNameParams } },
    async (request, reply) => {
      const { name } = request.params;
      if ((await store.getQueue(name)) === undefined) throw notFound(`queue ${JSON.stringify(name)} does not exist`);
      const waiting = live(name)?.waiting.length ?? 0;
      if (waiting > 0) throw conflict(`queue ${JSON.stringify(name)} has ${waiting} call(s) waiting: delete it when it is empty`);
      const stored = (await store.getQueue(name))!;
      await sw.configure({ removeQueues: [name] });
      try {
        await store.deleteQueue(name);
      } catch (error) {
        await sw.configure({ queues: [{ name: stored.name, dnis: stored.dnis, skill: stored.skill }] });
        throw error;
      }
      request.log.info({ queue: name }, 'queue deleted');
      return reply.status(204).send();
    },
  );
}
