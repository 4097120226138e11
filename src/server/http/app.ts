/**
 * The REST API of the reference CTI server: the caller simulator, the admin API (agents, queues,
 * customers, interactions), /healthz and /metrics. createHttpApi returns a Fastify instance that
 * is not listening yet: the composition root adds static pages and the WebSocket upgrade to it.
 * Routes are described in README.md in this folder.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Ajv } from 'ajv';
import Fastify, { type FastifyError, type FastifyHttpOptions, type FastifyInstance, type FastifyReply, type FastifyRequest, type onRequestHookHandler } from 'fastify';
import { adminOrSupervisor, bearerToken, createAuthenticator, type Authenticator, type Role } from './auth.js';
import type { HttpApiDeps, HttpLimits, RouteContext } from './context.js';
import { BAD_REQUEST, formatSchemaErrors, HttpError, httpErrCode, mapError } from './errors.js';
import { passwordPolicyHook } from './password-policy.js';
import { agentRoutes } from './routes/agents.js';
import { clusterRoutes } from './routes/cluster.js';
import { customerRoutes } from './routes/customers.js';
import { interactionRoutes } from './routes/interactions.js';
import { opsRoutes } from './routes/ops.js';
import { queueRoutes } from './routes/queues.js';
import { simulatorRoutes } from './routes/simulator.js';
import { statsRoutes } from './routes/stats.js';
import { directoryRoutes } from './routes/directory.js';
import { supervisorRoutes } from './routes/supervisor.js';

export type { HttpApiDeps, SessionView } from './context.js';
export { BAD_REQUEST } from './errors.js';

/**
 * Bodies are JSON and must have the right types as sent ("5" is not 5); path parameters and
 * querystrings are text by nature and are coerced to the schema's types. Both report every
 * problem at once and refuse (rather than silently drop) unknown properties.
 */
function validators(): { body: Ajv; text: Ajv } {
  const common = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false, verbose: true } as const;
  return { body: new Ajv({ ...common, coerceTypes: false }), text: new Ajv({ ...common, coerceTypes: true }) };
}

/** errCode of a REST client over its request rate. */
export const RATE_LIMITED = 'OPENCTI_RATE_LIMITED';

/** The project's error shape on a raw socket, for what fails before Fastify has a request. */
function writeClientError(socket: Socket, status: number, reason: string, errMessage: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ errCode: httpErrCode(status), errMessage });
  // As Node does: never write into an answer already on its way.
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (socket.writable && !answering) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function timeoutOptions(limits: HttpLimits | undefined): Partial<FastifyHttpOptions<Server>> {
  if (limits === undefined) return {};
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    bodyLimit: limits.bodyLimitBytes,
    // Node checks request and header deadlines every connectionsCheckingInterval (30 s by default):
    // checked every second, a request that trickles in is cut close to its deadline.
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) },
    clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
      if (error.code === 'ECONNRESET') return void socket.destroy();
      if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        return writeClientError(socket, 408, 'Request Timeout', `the request was not received in full within ${limits.requestTimeoutMs} ms (headers: ${limits.headersTimeoutMs} ms)`);
      }
      if (error.code === 'HPE_HEADER_OVERFLOW') return writeClientError(socket, 431, 'Request Header Fields Too Large', 'the request headers are too large');
      return writeClientError(socket, 400, 'Bad Request', 'the request is not valid HTTP');
    },
  };
}

/** Per client: the agent or admin its token stands for, else its address (bad tokens share that). */
async function registerRateLimit(app: FastifyInstance, auth: Authenticator, limits: HttpLimits): Promise<void> {
  await app.register(rateLimit, {
    max: limits.rateLimit.max,
    timeWindow: limits.rateLimit.windowMs,
    keyGenerator(request) {
      let identity;
      try {
        identity = auth.identify(bearerToken(request));
      } catch {
        identity = undefined;
      }
      if (identity === undefined) return `address:${request.ip}`;
      return identity.role === 'admin' ? 'admin' : `agent:${identity.agentId}`;
    },
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        RATE_LIMITED,
        `too many requests: at most ${context.max} per ${limits.rateLimit.windowMs / 1000} s for one client; retry in ${Math.ceil(context.ttl / 1000)} s (Retry-After header)`,
      ),
  });
}

/**
 * Security headers on every answer. The pages are bundles served from this origin: scripts and
 * connections stay on it; the static page routes add the hashes of their own inline styles.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // The server speaks plain HTTP (TLS, when any, ends at a proxy): never rewrite to https.
  upgradeInsecureRequests: null,
};

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The policy as a header value, with more sources for some directives (a page's needs). */
export function contentSecurityPolicy(extra: Readonly<Record<string, readonly string[]>> = {}): string {
  const directives: Record<string, readonly string[] | null> = { ...CONTENT_SECURITY_POLICY };
  for (const [name, sources] of Object.entries(extra)) directives[name] = [...(directives[name] ?? []), ...sources];
  return Object.entries(directives)
    .filter((entry): entry is [string, string[]] => entry[1] !== null)
    .map(([name, sources]) => `${kebab(name)} ${sources.join(' ')}`)
    .join(';');
}

/**
 * What the router refuses before any route runs (a path whose %-escapes are not UTF-8), in the
 * API's error shape rather than Fastify's own; the path is cut, as every echo of client input.
 */
function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // Helmet's hooks have not run: the headers it would have set (README, "Security headers").
  void reply.headers({
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });
  if (error.code === 'FST_ERR_BAD_URL') {
    const path = (request.url.split('?')[0] ?? '').slice(0, 200);
    return void reply.status(400).send({ errCode: BAD_REQUEST, errMessage: `the path ${path} is not valid: a %-escape does not decode to UTF-8 text` });
  }
  const mapped = mapError(error);
  void reply.status(mapped.status).send(mapped.body);
}

export function createHttpApi(deps: HttpApiDeps): FastifyInstance {
  const options: FastifyHttpOptions<Server> = {
    ...(deps.logger === false ? { logger: false } : { loggerInstance: deps.logger }),
    ...timeoutOptions(deps.limits),
    frameworkErrors: answerFrameworkError,
  };
  const app: FastifyInstance = Fastify(options);
  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajv.body : ajv.text).compile(schema as object));
  app.setSchemaErrorFormatter(formatSchemaErrors);

  app.setErrorHandler((error, request, reply) => {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ errCode: httpErrCode(413), errMessage: `the request body is larger than the limit of ${app.initialConfig.bodyLimit} bytes` });
    }
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

  const auth = createAuthenticator(deps.adminToken, deps.agentForToken);
  const requireRole = (allowed: readonly Role[]): onRequestHookHandler =>
    function authenticate(request, _reply, done) {
      try {
        request.identity = auth.check(request, allowed);
        done();
      } catch (error) {
        done(error as Error);
      }
    };
  const ctx: RouteContext = {
    deps,
    adminOnly: requireRole(['admin']),
    adminOrAgent: requireRole(['admin', 'agent']),
    adminOrSupervisor: adminOrSupervisor(auth, async (agentId) => (await deps.store.getAgent(agentId))?.role),
  };

  void app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Plain HTTP: HSTS belongs to the TLS proxy in front, when there is one.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  // Liveness and metrics stay outside the rate limit: probes must always get through.
  opsRoutes(app, ctx);
  void app.register(async (api) => {
    if (deps.limits !== undefined) await registerRateLimit(api, auth, deps.limits);
    api.addHook('preHandler', passwordPolicyHook(deps.passwordPolicy ?? 'any'));
    simulatorRoutes(api, ctx);
    agentRoutes(api, ctx);
    queueRoutes(api, ctx);
    customerRoutes(api, ctx);
    interactionRoutes(api, ctx);
    clusterRoutes(api, ctx);
    statsRoutes(api, ctx);
    supervisorRoutes(api, ctx);
    directoryRoutes(api, ctx);
  });
  return app;
}
