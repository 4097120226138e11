/**
 * The directory: agents with their live state, queues and saved external numbers, for the
 * desktop's dial, transfer and consult forms. Any logged-in agent may search it; the saved
 * numbers are kept by the administrator (`/api/directory/numbers`).
 */
import type { FastifyInstance } from 'fastify';
import type { AgentSummary } from '../../switch/types.js';
import type { RouteContext } from '../context.js';
import { DirectoryQuery, NewSavedNumberBody, SavedNumberIdParams, SavedNumberPatchBody } from '../schemas.js';

export interface DirectoryEntry {
  readonly kind: 'agent' | 'queue' | 'number';
  readonly name: string;
  /** What to dial: the extension the agent is on (else their own), the queue's DNIS, the saved number. */
  readonly number: string;
  /** Agents only: their live state as a desktop names it. */
  readonly state?: string | undefined;
  readonly agentId?: string | undefined;
  /** Saved numbers only. */
  readonly id?: number | undefined;
}

/** The live state as the desktop's agent badge words it. */
function stateLabel(live: AgentSummary | undefined): string {
  if (!live || live.state === 'Logout') return 'Logged out';
  if (live.state === 'NotReady') return live.workMode === 'ACW' ? 'After-call work' : 'Not Ready';
  return live.state;
}

export function directoryRoutes(app: FastifyInstance, { deps, adminOnly, adminOrAgent }: RouteContext): void {
  const { store } = deps;

  /** Agents first, then queues, then saved numbers, each by name; `q` matches any of name, id and number. */
  app.get<{ Querystring: DirectoryQuery }>(
    '/api/directory',
    { onRequest: adminOrAgent, schema: { querystring: DirectoryQuery } },
    async (request) => {
      const text = (request.query.q ?? '').trim().toLowerCase();
      const limit = request.query.limit ?? 50;
      const live = new Map(deps.switch.agents().map((a) => [a.agentId, a]));
      const [agents, queues, numbers] = await Promise.all([store.listAgents(), store.listQueues(), store.listSavedNumbers()]);
      const entries: DirectoryEntry[] = [
        ...agents.map((a): DirectoryEntry => {
          const now = live.get(a.agentId);
          return { kind: 'agent', name: a.displayName, agentId: a.agentId, number: now?.extension ?? a.extension, state: stateLabel(now) };
        }),
        ...queues.map((q): DirectoryEntry => ({ kind: 'queue', name: q.name, number: q.dnis })),
        ...numbers.map((n): DirectoryEntry => ({ kind: 'number', name: n.label, number: n.number, id: n.id })),
      ];
      const matches = (e: DirectoryEntry) => [e.name, e.number, e.agentId ?? ''].some((field) => field.toLowerCase().includes(text));
      return { entries: (text === '' ? entries : entries.filter(matches)).slice(0, limit) };
    },
  );

  app.get('/api/directory/numbers', { onRequest: adminOnly }, async () => store.listSavedNumbers());

  app.post<{ Body: NewSavedNumberBody }>('/api/directory/numbers', { onRequest: adminOnly, schema: { body: NewSavedNumberBody } }, async (request, reply) => {
    const saved = await store.createSavedNumber(request.body);
    return reply.code(201).send(saved);
  });

  app.patch<{ Params: SavedNumberIdParams; Body: SavedNumberPatchBody }>(
    '/api/directory/numbers/:id',
    { onRequest: adminOnly, schema: { params: SavedNumberIdParams, body: SavedNumberPatchBody } },
    async (request) => store.updateSavedNumber(request.params.id, request.body),
  );

  app.delete<{ Params: SavedNumberIdParams }>(
    '/api/directory/numbers/:id',
    { onRequest: adminOnly, schema: { params: SavedNumberIdParams } },
    async (request, reply) => {
      await store.deleteSavedNumber(request.params.id);
      return reply.code(204).send();
    },
  );
}
