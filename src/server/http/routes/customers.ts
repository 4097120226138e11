/**
 * Customers. Reads (list, search, lookup by phone for the screen pop, one by id) accept the admin
 * token or a logged-in agent's session token; writes need the admin token.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { notFound } from '../errors.js';
import { CustomerIdParams, CustomerPatchBody, CustomerQuery, NewCustomerBody } from '../schemas.js';
import type { JsonValue } from '../../store/index.js';

export function customerRoutes(app: FastifyInstance, { deps, adminOnly, adminOrAgent }: RouteContext): void {
  const { store } = deps;

  /**
   * `?phone=` is the screen-pop lookup: every customer with that number (none, one or several),
   * matched by digits. Otherwise a page of customers, optionally filtered by `search`.
   */
  app.get<{ Querystring: CustomerQuery }>('/api/customers', { onRequest: adminOrAgent, schema: { querystring: CustomerQuery } }, async (request) => {
    const { phone, search, limit, offset } = request.query;
    if (phone !== undefined) return store.findCustomersByPhone(phone);
    return store.listCustomers({ search, limit, offset });
  });

  app.get<{ Params: CustomerIdParams }>('/api/customers/:id', { onRequest: adminOrAgent, schema: { params: CustomerIdParams } }, async (request) => {
    const customer = await store.getCustomer(request.params.id);
    if (customer === undefined) throw notFound(`customer ${JSON.stringify(request.params.id)} does not exist`);
    return customer;
  });

  app.post<{ Body: NewCustomerBody }>('/api/customers', { onRequest: adminOnly, schema: { body: NewCustomerBody } }, async (request, reply) => {
    const { extra, ...rest } = request.body;
    const customer = await store.createCustomer({ ...rest, extra: extra as Record<string, JsonValue> | undefined });
    return reply.status(201).send(customer);
  });

  app.patch<{ Params: CustomerIdParams; Body: CustomerPatchBody }>(
    '/api/customers/:id',
    { onRequest: adminOnly, schema: { params: CustomerIdParams, body: CustomerPatchBody } },
    async (request) => {
      const { extra, ...rest } = request.body;
      return store.updateCustomer(request.params.id, { ...rest, extra: extra as Record<string, JsonValue> | undefined });
    },
  );

  /** Interactions that named the customer keep their history, unlinked. */
  app.delete<{ Params: CustomerIdParams }>(
    '/api/customers/:id',
    { onRequest: adminOnly, schema: { params: CustomerIdParams } },
    async (request, reply) => {
      await store.deleteCustomer(request.params.id);
      return reply.status(204).send();
    },
  );
}
