/** `opencti serve`: the reference CTI server (simulated switch, or `--backend sip` for real telephony; SQLite). */
import type { Command } from 'commander';
import { ConfigError, readConfigFile, resolveConfig, type ServerConfig } from '../../server/config.js';
import type { RunningServer } from '../../server/server.js';
import { parsePort } from '../arguments.js';

interface ServeFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  config?: string;
  backend?: string;
  logLevel?: string;
  production?: boolean;
  cluster?: string;
  nats?: string;
  database?: string;
  nodeId?: string;
}

/** The cluster flags over the file's "cluster" section: a flag given replaces that field only. */
function clusterFrom(flags: ServeFlags, file: Record<string, unknown>): unknown {
  const fromFile = file.cluster;
  if (flags.cluster === undefined && flags.nats === undefined && flags.nodeId === undefined) return fromFile;
  const base = typeof fromFile === 'object' && fromFile !== null && !Array.isArray(fromFile) ? fromFile : {};
  const given = Object.fromEntries(Object.entries({ name: flags.cluster, nats: flags.nats, nodeId: flags.nodeId }).filter(([, v]) => v !== undefined));
  return { ...base, ...given };
}

function configFrom(flags: ServeFlags): ServerConfig {
  const file = flags.config ? readConfigFile(flags.config) : {};
  return resolveConfig(
    file,
    {
      port: flags.port,
      host: flags.host,
      dataDir: flags.dataDir,
      backend: flags.backend,
      logLevel: flags.logLevel,
      database: flags.database,
      cluster: clusterFrom(flags, file),
      adminToken: process.env.OPENCTI_ADMIN_TOKEN || undefined,
      // The flag or NODE_ENV=production turn production on; neither turns off a file's "production": true.
      production: flags.production || process.env.NODE_ENV === 'production' ? true : undefined,
    },
    flags.config ? `config file ${flags.config} with the command-line options` : 'the command-line options',
  );
}

/**
 * The admin token is a secret: printed only when this start generated it (the one chance to see
 * it), never in production; otherwise the line says where it is.
 */
function adminTokenLine(server: RunningServer, production: boolean): string {
  const source = server.adminTokenSource;
  if (source.kind === 'config') return 'as configured (OPENCTI_ADMIN_TOKEN or the configuration file)';
  if (server.adminTokenGenerated && !production) return `${server.adminToken}   (new; kept in ${source.file})`;
  return `in ${source.file}${server.adminTokenGenerated ? ' (new)' : ''}`;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the reference CTI server (what `npm start` runs)')
    .option('-p, --port <port>', 'HTTP and WebSocket port (0 picks a free one)', parsePort)
    .option('--host <address>', 'address to listen on')
    .option('-d, --data-dir <dir>', 'folder of the SQLite database and the admin token')
    .option('-c, --config <file>', 'JSON configuration file (see docs/configuration.md)')
    .option('--backend <name>', 'what drives the switch: simulated or sip')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--production', 'production stance: allowedOrigins required, no demo data, strong passwords, no secrets printed (also NODE_ENV=production)')
    .option('--cluster <name>', 'run as a node of this cluster (with --nats and --database; docs/cluster.md)')
    .option('--nats <url>', 'NATS server with JetStream for the cluster, e.g. nats://127.0.0.1:4222')
    .option('--database <url>', 'PostgreSQL store, e.g. postgres://127.0.0.1:5432/opencti (default: SQLite in the data folder)')
    .option('--node-id <id>', "this node's id in the cluster (default: host name and process id)")
    .action(async (flags: ServeFlags) => {
      let config: ServerConfig;
      try {
        config = configFrom(flags);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        console.error(`opencti serve: ${error.message}`);
        process.exit(2);
      }
      const { startServer } = await import('../../server/server.js');
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer(config);
      } catch (error) {
        console.error(`opencti serve: ${(error as Error).message}`);
        process.exit(2);
      }
      console.log(
        [
          `OpenCTI-TS reference CTI server on ${server.url}`,
          `  CSR desktop:    ${server.url}/`,
          `  simulator:      ${server.url}/simulator`,
          `  supervisor:     ${server.url}/supervisor`,
          `  CTI WebSocket:  ${server.ctiUrl}`,
          `  health:         ${server.url}/healthz   metrics: ${server.url}/metrics`,
          `  store:          ${server.store.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${server.store.location}`,
          `  admin token:    ${adminTokenLine(server, config.production)}`,
          ...(config.production
            ? [`  production:     allowed origins ${(config.allowedOrigins ?? []).join(', ')}; add agents with \`opencti agents add\``]
            : ['  demo agents:    agent1..agent4, password "demo"; queues: sales 8000, support 8001']),
          ...(config.sip
            ? [`  telephony:      SIP — Kamailio evapi ${config.sip.kamailio.host}:${config.sip.kamailio.evapiPort}, ${config.sip.agents.length} agent phone(s)`]
            : []),
        ].join('\n'),
      );
      const stop = async (signal: string) => {
        server.logger.info({ signal }, 'stopping');
        await server.close();
        process.exit(0);
      };
      // A promise rejected with nobody listening is a bug; it must not take every desktop of the node down with it.
      process.on('unhandledRejection', (reason) => server.logger.error({ err: reason }, 'unhandled promise rejection (a bug): logged, the server carries on'));
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
