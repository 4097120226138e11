/**
 * One node of a cluster: connects to NATS, replays and follows the call center's log, campaigns
 * for leadership (a PostgreSQL advisory lock), announces itself in the node registry and, while
 * leading, detaches the sockets of nodes that are gone so their agents' grace periods start.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { CenterOptions } from '../center/center.js';
import type { SwitchSetup } from '../center/inputs.js';
import { createClusterDriver, type ClusterDriver, type RecordSink } from './cluster-driver.js';
import { createLeadership, currentLeader, type Leadership } from './infra/leadership.js';
import { openLog } from './infra/log.js';
import { openNodeRegistry, type NodeInfo, type NodeRegistry } from './infra/nodes.js';

export interface ClusterSettings {
  readonly name: string;
  readonly nats: string;
  readonly nodeId?: string | undefined;
  readonly advertiseUrl?: string | undefined;
  /** PostgreSQL URL: the leader lock (and the store). */
  readonly database: string;
}

export interface ClusterView {
  readonly cluster: string;
  /** The node id of the leader, or null while none leads. */
  readonly leader: string | null;
  readonly nodes: readonly { id: string; url: string; role: 'leader' | 'follower'; agents: number; since: string }[];
}

export interface ClusterNode {
  readonly nodeId: string;
  readonly driver: ClusterDriver;
  /** For /healthz: NATS and a leader, up or down. */
  links(): Record<string, boolean>;
  view(): Promise<ClusterView>;
  /** The URL this node serves on, known once it listens. */
  setUrl(url: string): void;
  /** Told when this node loses NATS (its desktops must move on) and gets it back. */
  onNats(listener: (up: boolean) => void): void;
  close(): Promise<void>;
}

export interface ClusterNodeOptions {
  readonly settings: ClusterSettings;
  readonly center: CenterOptions;
  readonly setup: () => Promise<SwitchSetup>;
  readonly records: RecordSink;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Agents with a desktop attached on this node. */
  readonly localAgents: () => string[];
}

/** How often this node pings NATS; two pings unanswered and the link is down. */
const NATS_PING_MS = 2000;
/** How often the leader compares the sockets it knows with the nodes that are alive. */
const RECONCILE_MS = 1000;

export async function startClusterNode(options: ClusterNodeOptions): Promise<ClusterNode> {
  const { settings, logger } = options;
  const nodeId = settings.nodeId ?? `${hostname()}-${process.pid}`;
  const boot = randomUUID().slice(0, 8);
  const nodeRef = `${nodeId}/${boot}/`;
  const since = new Date().toISOString();
  let url = settings.advertiseUrl ?? '';
  let natsUp = true;
  const natsListeners = new Set<(up: boolean) => void>();

  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: settings.nats.split(',').map((s) => s.trim()),
      name: `opencti ${settings.name} ${nodeId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5000,
      // A NATS server gone silent (a partition) is noticed by missed pings: within about 6 s rather
      // than the client's default of minutes, so the node stops serving desktops it cannot serve.
      pingInterval: NATS_PING_MS,
      maxPingOut: 2,
    });
  } catch (error) {
    throw new Error(`cluster "${settings.name}": cannot reach NATS at ${settings.nats}: ${(error as Error).message}`, { cause: error });
  }
  void (async () => {
    for await (const status of nc.status()) {
      const up = status.type === 'reconnect' ? true : status.type === 'disconnect' ? false : undefined;
      if (up === undefined || up === natsUp) continue;
      natsUp = up;
      logger[up ? 'info' : 'error']({ nats: settings.nats }, up ? 'NATS is back' : 'lost NATS');
      for (const listener of natsListeners) listener(up);
      onLink(up);
    }
  })();

  let registry: NodeRegistry | undefined;
  let leadership: Leadership | undefined;
  let driver: ClusterDriver | undefined;
  let stopping = false;
  // A leader without NATS would keep the lock and log nothing: the whole cluster would stall for
  // as long as its outage lasts. So a node without NATS stops serving as leader and leaves the
  // lock to the others; it campaigns again once NATS is back. One change at a time, in order.
  let campaign: Promise<void> = Promise.resolve();
  function onLink(up: boolean): void {
    campaign = campaign.then(async () => {
      if (!leadership || stopping) return;
      if (up) return leadership.start();
      driver?.stepDown('lost NATS');
      await leadership.stop();
    }).catch((error: unknown) => logger.error({ err: error }, 'could not change the leader campaign after a NATS change'));
  }
  const timers: { reconcile?: ReturnType<typeof setInterval> } = {};
  const cleanUp = async () => {
    stopping = true;
    if (timers.reconcile) clearInterval(timers.reconcile);
    await leadership?.stop().catch(() => undefined);
    await driver?.close().catch(() => undefined);
    await registry?.leave().catch(() => undefined);
    await registry?.close().catch(() => undefined);
    await nc.drain().catch(() => undefined);
  };
  try {
    const log = await openLog(nc, settings.name);
    registry = await openNodeRegistry(nc, settings.name, { log: (level, message, detail) => logger[level](detail ?? {}, message) });
    const theDriver = (driver = createClusterDriver({
      nc,
      cluster: settings.name,
      nodeRef,
      log,
      center: options.center,
      setup: options.setup,
      records: options.records,
      logger: logger.child({ part: 'cluster' }),
      natsUp: () => natsUp,
      natsUrl: settings.nats,
    }));
    leadership = createLeadership({
      database: settings.database,
      cluster: settings.name,
      nodeId,
      pollMs: 200,
      onElected: () => void theDriver.lead().catch((error: unknown) => logger.error({ err: error }, 'could not take the lead')),
      onDeposed: (reason) => theDriver.stepDown(reason),
      log: (level, message, detail) => logger[level](detail ?? {}, message),
    });
    leadership.start();
    await theDriver.start();
  } catch (error) {
    await cleanUp();
    throw new Error(`cluster "${settings.name}": ${(error as Error).message}`, { cause: error });
  }
  const theDriver = driver;
  const theRegistry = registry;

  const info = (): NodeInfo => ({ id: nodeId, boot, url, role: theDriver.isLeader ? 'leader' : 'follower', agents: options.localAgents(), since });
  theRegistry.announce(info);

  // The leader detaches the sockets of node incarnations no longer announced (killed, restarted).
  let leaderKnown = true;
  const reconcileTimer = (timers.reconcile = setInterval(() => {
    void theRegistry
      .list()
      .then((nodes) => {
        leaderKnown = theDriver.isLeader || nodes.some((n) => n.role === 'leader');
        if (!theDriver.isLeader) return;
        const alive = new Set(nodes.map((n) => `${n.id}/${n.boot}/`));
        alive.add(nodeRef);
        const gone = new Set<string>();
        for (const session of theDriver.center.sessions.values()) {
          for (const socket of session.sockets) {
            const prefix = socket.slice(0, socket.lastIndexOf('/') + 1);
            if (!alive.has(prefix)) gone.add(prefix);
          }
        }
        for (const prefix of gone) {
          logger.warn({ node: prefix }, 'a node is gone: its desktops are detached (their agents get the grace period)');
          void theDriver.exec({ k: 'nodeGone', prefix }).catch((error: unknown) => logger.warn({ err: error }, 'could not detach the sockets of a node that is gone'));
        }
      })
      .catch((error: unknown) => {
        leaderKnown = theDriver.isLeader;
        logger.warn({ err: error }, 'could not list the cluster nodes');
      });
  }, RECONCILE_MS));
  reconcileTimer.unref?.();

  new Gauge({ name: 'opencti_cluster_leader', help: 'Whether this node leads the cluster (1) or follows (0)', registers: [options.registry], collect() {
    this.set(theDriver.isLeader ? 1 : 0);
  } });
  new Gauge({ name: 'opencti_cluster_nats_connected', help: 'Whether this node is connected to NATS', registers: [options.registry], collect() {
    this.set(natsUp ? 1 : 0);
  } });
  new Gauge({ name: 'opencti_cluster_log_applied', help: 'Seq of the last cluster log entry applied on this node', registers: [options.registry], collect() {
    this.set(theDriver.applied);
  } });
  new Gauge({ name: 'opencti_cluster_log_lag', help: 'Cluster log entries not yet applied on this node', registers: [options.registry], async collect() {
    this.set(natsUp ? await theDriver.lag().catch(() => -1) : -1);
  } });

  return {
    nodeId,
    driver: theDriver,
    links: () => ({ [`nats ${settings.nats}`]: natsUp, [`cluster leader (${settings.name})`]: leaderKnown }),
    async view() {
      const nodes = await theRegistry.list();
      // The lock says who leads; a dead leader's announcement lingers until it expires.
      const leader = theDriver.isLeader ? nodeId : ((await currentLeader(settings.database, settings.name).catch(() => null))?.nodeId ?? null);
      return {
        cluster: settings.name,
        leader,
        nodes: nodes
          .map((n) => ({ id: n.id, url: n.url, role: n.id === leader ? ('leader' as const) : ('follower' as const), agents: n.agents.length, since: n.since }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      };
    },
    setUrl(value) {
      if (!settings.advertiseUrl) url = value;
    },
    onNats(listener) {
      natsListeners.add(listener);
    },
    close: cleanUp,
  };
}
