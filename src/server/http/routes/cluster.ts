/** The cluster as this node sees it (admin token): nodes, their roles, and this node's replica. */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { notFound } from '../errors.js';

export function clusterRoutes(app: FastifyInstance, { deps, adminOnly }: RouteContext): void {
  const cluster = () => {
    if (!deps.cluster) throw notFound('this server runs as one process, not as a node of a cluster (see docs/cluster.md)');
    return deps.cluster;
  };
  /** `{ cluster, leader, nodes: [{ id, url, role, agents, since }] }`, from the node registry. */
  app.get('/api/cluster', { onRequest: adminOnly }, async () => cluster().view());
  /** `{ applied, leader, digest }`: equal digests at equal `applied` mean equal replicas. */
  app.get('/api/cluster/state', { onRequest: adminOnly }, async () => cluster().state());
}
