/** GET /api/stats: the live statistics (docs/statistics.md), for supervisors and the administrator. */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { notFound } from '../errors.js';

export function statsRoutes(app: FastifyInstance, { deps, adminOrSupervisor }: RouteContext): void {
  app.get('/api/stats', { onRequest: adminOrSupervisor }, async () => {
    if (!deps.stats) throw notFound('this server keeps no statistics');
    return deps.stats.figures();
  });
}
