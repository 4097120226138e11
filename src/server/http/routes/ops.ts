/** Operations endpoints, without authentication: liveness for load balancers, metrics for Prometheus. */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';

/** Agent states of the switch that mean "not logged in". */
const LOGGED_OUT = new Set(['Logout', 'Unknown']);

export function opsRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const started = performance.now();
  const sw = deps.switch;

  /** `calls`: calls in progress; `agents`: agents logged in to the switch. */
  app.get('/healthz', async () => ({
    status: 'ok' as const,
    uptimeSeconds: Math.floor((performance.now() - started) / 1000),
    calls: sw.calls().length,
    agents: sw.agents().filter((a) => !LOGGED_OUT.has(a.state)).length,
  }));

  app.get('/metrics', async (_request, reply) => {
    const { callsByState, registry } = deps.metrics;
    const counts = new Map<string, number>();
    for (const call of sw.calls()) counts.set(call.state, (counts.get(call.state) ?? 0) + 1);
    callsByState.reset();
    for (const [state, count] of counts) callsByState.set({ state }, count);
    const text = await registry.metrics();
    return reply.header('Content-Type', registry.contentType).send(text);
  });
}
