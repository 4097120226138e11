/**
 * The REST API of the reference CTI server: the caller simulator, the admin API (agents, queues,
 * customers, interactions), /healthz and /metrics. createHttpApi returns a Fastify instance that
 * is not listening yet: the composition root adds static pages and the WebSocket upgrade to it.
 * Routes are described in README.md in this folder.
 */
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type onRequestHookHandler } from 'fastify';
import { createAuthenticator, type Role } from './auth.js';
import type { HttpApiDeps, RouteContext } from './context.js';
import { formatSchemaErrors, httpErrCode, mapError } from './errors.js';
import { agentRoutes } from './routes/agents.js';
import { customerRoutes } from './routes/customers.js';
import { interactionRoutes } from './routes/interactions.js';
import { opsRoutes } from './routes/ops.js';
import { queueRoutes } from './routes/queues.js';
import { simulatorRoutes } from './routes/simulator.js';

export type { HttpApiDeps, SessionView } from './context.js';
export { BAD_REQUEST } from './errors.js';

/**
 * Bodies are JSON and must have the right types as sent ("5" is not 5); path parameters and
 * querystrings are text by nature and are coerced to the schema's types. Both report every
 * problem at once and refuse (rather than silently drop) unknown properties.
 */
function validators(): { body: Ajv; text: Ajv } {
  const common = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false } as const;
  return { body: new Ajv({ ...common, coerceTypes: false }), text: new Ajv({ ...common, coerceTypes: true }) };
}

export function createHttpApi(deps: HttpApiDeps): FastifyInstance {
  const options: FastifyServerOptions = deps.logger === false ? { logger: false } : { loggerInstance: deps.logger };
  const app: FastifyInstance = Fastify(options);
  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajv.body : ajv.text).compile(schema as object));
  app.setSchemaErrorFormatter(formatSchemaErrors);

  app.setErrorHandler((error, request, reply) => {
    const mapped = mapError(error);
    if (mapped.internal) request.log.error({ err: error }, 'request failed');
    if (mapped.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="opencti"');
    return reply.status(mapped.status).send(mapped.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ errCode: httpErrCode(404), errMessage: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` }),
  );

  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpRequests.inc({ route: request.routeOptions.url ?? '(unmatched)', status: String(reply.statusCode) });
    done();
  });

  const auth = createAuthenticator(deps.adminToken, deps.agentTokenValid);
  const requireRole = (allowed: readonly Role[]): onRequestHookHandler =>
    function authenticate(request, _reply, done) {
      try {
        auth.check(request, allowed);
        done();
      } catch (error) {
        done(error as Error);
      }
    };
  const ctx: RouteContext = { deps, adminOnly: requireRole(['admin']), adminOrAgent: requireRole(['admin', 'agent']) };

  opsRoutes(app, ctx);
  simulatorRoutes(app, ctx);
  agentRoutes(app, ctx);
  queueRoutes(app, ctx);
  customerRoutes(app, ctx);
  interactionRoutes(app, ctx);
  return app;
}
