/** Server configuration: a validated JSON file, then command-line flags and environment on top. */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { stringEnum } from '../framework/schema/string-enum.js';
import { compileValidator, describeProblems } from '../framework/schema/validate.js';
import { SipConfig, crossCheckSipConfig } from './sip/backend/config.js';
import { GatewayLimits, crossCheckLimits } from './gateway/limits.js';
import { DesktopConfig, crossCheckDesktopConfig } from './desktop-config.js';
import { WrapUpConfig } from './wrap-up.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** Limits of the one port serving HTTP and /cti: time, size, connections, REST request rate. */
export const HttpConfig = Type.Object(
  {
    requestTimeoutMs: Type.Integer({
      minimum: 1000, maximum: 600_000, default: 30_000,
      description: 'Time to receive a whole request, headers and body; past it the server answers 408 and closes the connection',
    }),
    headersTimeoutMs: Type.Integer({
      minimum: 1000, maximum: 600_000, default: 10_000,
      description: 'Time to receive the request headers; at most requestTimeoutMs',
    }),
    keepAliveTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000, description: 'How long an idle keep-alive connection stays open' }),
    idleTimeoutMs: Type.Integer({
      minimum: 1000, maximum: 3_600_000, default: 120_000,
      description: 'An HTTP connection silent this long is closed (WebSocket connections have their own heartbeat)',
    }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024, description: 'Largest request body; larger ones get 413' }),
    maxConnections: Type.Integer({
      minimum: 1, maximum: 1_000_000, default: 800,
      description: 'Open connections (HTTP and WebSocket) in all; more are closed at once. Keep it under the open-files limit (ulimit -n)',
    }),
    maxConnectionsPerAddress: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 256, description: 'Open connections from one remote address' }),
    rateLimit: Type.Object(
      {
        max: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 600, description: 'REST requests per client (token, else address) per window; more get 429' }),
        windowMs: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000, description: 'Length of the rate-limit window' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {}, description: 'Limits of the HTTP and WebSocket port (see docs/configuration.md)' },
);
export type HttpConfig = Static<typeof HttpConfig>;

/** Names the cluster's JetStream stream, KV buckets, subjects and lock; one name per call center. */
const CLUSTER_NAME = '^[A-Za-z0-9_-]{1,32}$';
const NODE_ID = '^[A-Za-z0-9_.-]{1,64}$';

/** Several `opencti serve` processes sharing one call center over NATS JetStream and PostgreSQL (docs/cluster.md). */
export const ClusterConfig = Type.Object(
  {
    name: Type.String({ pattern: CLUSTER_NAME, description: 'Cluster name: letters, digits, _ and -, at most 32; every node of one call center uses the same' }),
    nats: Type.String({ pattern: '^(nats|tls)://[^\\s]+$', maxLength: 2048, description: 'NATS server with JetStream, e.g. nats://127.0.0.1:4222 (several: comma-separated)' }),
    nodeId: Type.Optional(Type.String({ pattern: NODE_ID, description: 'This node\'s id, unique in the cluster; default the host name and the process id' })),
    advertiseUrl: Type.Optional(
      Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048, description: 'The URL other nodes and GET /api/cluster give for this node; default the listening address' }),
    ),
  },
  { additionalProperties: false },
);
export type ClusterConfig = Static<typeof ClusterConfig>;

export const ServerConfig = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP and WebSocket port; 0 picks a free one' }),
    dataDir: Type.String({ minLength: 1, default: '.data', description: 'Folder of the SQLite database and the admin token' }),
    backend: Type.Unsafe<'simulated' | 'sip'>({ ...stringEnum(['simulated', 'sip'], 'What drives the switch'), default: 'simulated' }),
    adminToken: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token of the admin and simulator API' })),
    logLevel: Type.Unsafe<LogLevel>({ ...stringEnum(LOG_LEVELS, 'pino log level'), default: 'info' }),
    heartbeatMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000 }),
    sessionGraceMs: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 60_000, description: 'How long an agent stays logged in with no desktop connected' }),
    wrapUpMs: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 0, description: 'After-call work length; 0 = until the agent is Ready' }),
    ringTimeoutMs: Type.Integer({ minimum: 1000, maximum: 600_000, default: 20_000, description: 'Ring time before a queue call is redirected (RONA)' }),
    farEndAnswerMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 2_000, description: 'How long a simulated external number rings before answering' }),
    production: Type.Boolean({
      default: false,
      description: 'Production stance: no demo seed, no weak passwords, an allowedOrigins list for /cti, no secrets printed (also NODE_ENV=production)',
    }),
    allowedOrigins: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), {
        maxItems: 256,
        description: 'Origins (scheme://host[:port]) whose pages may open /cti; absent = any origin (not allowed with production)',
      }),
    ),
    http: HttpConfig,
    login: Type.Object(
      {
        maxConcurrentHashes: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'Password checks (scrypt) running at once; more wait their turn' }),
        failuresBeforeBackoff: Type.Integer({
          minimum: 0,
          maximum: 1000,
          default: 3,
          description: 'Failed logins of one agent id before each next attempt must wait',
        }),
        addressFailuresBeforeBackoff: Type.Integer({
          minimum: 0,
          maximum: 100_000,
          default: 20,
          description: 'Failed logins from one remote address before each next attempt must wait (desktops behind one NAT share it)',
        }),
        backoffBaseMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 1000, description: 'First wait after the allowed failures; doubles with each failure' }),
        backoffMaxMs: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 60_000, description: 'Longest wait between two attempts' }),
        failuresBeforeLockout: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10, description: 'Failed logins in a row that lock an agent id' }),
        lockoutMs: Type.Integer({
          minimum: 0,
          maximum: 30 * 86_400_000,
          default: 900_000,
          description: 'How long a lockout lasts; 0 = until an administrator unlocks the agent',
        }),
        forgetAfterMs: Type.Integer({ minimum: 1000, maximum: 30 * 86_400_000, default: 900_000, description: 'Failures are forgotten after this long without another' }),
        maxTracked: Type.Integer({
          minimum: 100,
          maximum: 10_000_000,
          default: 10_000,
          description: 'Agent ids and addresses whose failures are remembered (each); the least recently seen are forgotten first',
        }),
      },
      { additionalProperties: false, default: {}, description: 'Login throttling, lockout and the password-check gate (docs/configuration.md, "Logins")' },
    ),
    sip: Type.Optional(SipConfig),
    limits: GatewayLimits,
    database: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://[^\\s]+$',
        maxLength: 4096,
        description: 'PostgreSQL store, e.g. postgres://127.0.0.1:5432/opencti; absent = the SQLite file in dataDir',
      }),
    ),
    cluster: Type.Optional(ClusterConfig),
    desktop: Type.Optional(DesktopConfig),
    wrapUp: Type.Optional(WrapUpConfig),
  },
  { additionalProperties: false, title: 'ServerConfig' },
);
export type ServerConfig = Static<typeof ServerConfig>;

const validate = compileValidator<ServerConfig>(ServerConfig);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Merges file and overrides, fills defaults, and names every problem with its JSON path. */
export function resolveConfig(file: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}, source = 'configuration'): ServerConfig {
  const merged = { ...file, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  const result = validate(merged);
  if (!result.ok) throw new ConfigError(`${source} is not valid: ${describeProblems(result.problems)}`);
  const config = result.value;
  const limitProblems = crossCheckLimits(config.limits, config.heartbeatMs);
  if (limitProblems.length) throw new ConfigError(`${source} is not valid: ${limitProblems.join('; ')}`);
  if (config.backend === 'sip') {
    if (!config.sip) throw new ConfigError(`${source} is not valid: /sip: the sip back end needs a "sip" section (Kamailio, queue numbers, agents and their phones; see docs/sip.md)`);
    const problems = crossCheckSipConfig(config.sip);
    if (problems.length) throw new ConfigError(`${source} is not valid: ${problems.join('; ')}`);
  }
  if (config.production && (config.allowedOrigins === undefined || config.allowedOrigins.length === 0)) {
    throw new ConfigError(
      `${source} is not valid: /allowedOrigins: production needs the list of origins whose pages may open /cti, e.g. ["https://desk.example.com"]`,
    );
  }
  if (config.cluster && !config.database) {
    throw new ConfigError(`${source} is not valid: /database: a cluster keeps its store in PostgreSQL: give database (--database postgres://…) with cluster`);
  }
  if (config.cluster && config.backend === 'sip') {
    throw new ConfigError(`${source} is not valid: /cluster: the sip back end runs on one node only for now (docs/cluster.md); leave out cluster or use backend "simulated"`);
  }
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError(
      `${source} is not valid: /http/headersTimeoutMs (${config.http.headersTimeoutMs}) must not exceed /http/requestTimeoutMs (${config.http.requestTimeoutMs})`,
    );
  }
  if (config.http.maxConnectionsPerAddress > config.http.maxConnections) {
    throw new ConfigError(
      `${source} is not valid: /http/maxConnectionsPerAddress (${config.http.maxConnectionsPerAddress}) must not exceed /http/maxConnections (${config.http.maxConnections})`,
    );
  }
  if (config.desktop) {
    const problems = crossCheckDesktopConfig(config.desktop);
    if (problems.length) throw new ConfigError(`${source} is not valid: ${problems.join('; ')}`);
  }
  return config;
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}
