/**
 * The cluster's node registry: a NATS KV bucket whose entries expire (bucket-wide max age; NATS 2.9
 * has no per-key TTL). Each node puts its info under its id every heartbeat; a node that stops doing
 * so (killed, cut off) drops out of the bucket once the TTL has passed since its last put.
 *
 * onGone watchers poll the bucket: a node whose key disappeared, or whose `boot` changed (it
 * restarted, and lost whatever it held in memory), is reported once with the info it last had. A
 * round in which the bucket cannot be read reports nothing: NATS being away is not every node gone.
 */
import type { KV, NatsConnection } from 'nats';
import { checkClusterName, nodesBucketName } from './names.js';
import type { LogFn } from './leadership.js';

export interface NodeInfo {
  /** Node id, unique in the cluster (the KV key). */
  id: string;
  /** Random id of this process start: a changed boot under the same id is a restarted node. */
  boot: string;
  /** The URL clients and other nodes reach this node at. */
  url: string;
  role: 'leader' | 'follower';
  /** Ids of the agents whose desktops are connected to this node. */
  agents: string[];
  /** When this process started (ISO 8601). */
  since: string;
}

export interface NodeRegistry {
  readonly bucket: string;
  /** Puts info() now and every heartbeatMs until leave() or close(); a failed put is logged, retried next beat. */
  announce(info: () => NodeInfo): void;
  /** Stops announcing and removes this node's key, so that others see it gone at once. */
  leave(): Promise<void>;
  /** The nodes whose entries have not expired. */
  list(): Promise<NodeInfo[]>;
  /** Calls cb with a node's last info when its key disappears or its boot changes; returns an unsubscribe. */
  onGone(cb: (node: NodeInfo) => void): () => void;
  /** Resolves after the onGone watchers' next successful read of the bucket (they then know who is there). */
  nextPoll(): Promise<void>;
  /** Stops announcing and polling; the bucket stays. */
  close(): Promise<void>;
  /** Removes the bucket (tests, `opencti cluster reset`). */
  destroy(): Promise<void>;
}

export interface NodeRegistryOptions {
  /** How long an entry lives after its last put; default 3000 ms. Used when the bucket is created. */
  ttlMs?: number;
  /** How often announce() puts; default 1000 ms. */
  heartbeatMs?: number;
  /** How often onGone watchers read the bucket; default 500 ms. */
  pollMs?: number;
  log?: LogFn;
}

const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export async function openNodeRegistry(nc: NatsConnection, cluster: string, o: NodeRegistryOptions = {}): Promise<NodeRegistry> {
  checkClusterName(cluster);
  const ttlMs = o.ttlMs ?? 3000;
  const heartbeatMs = o.heartbeatMs ?? 1000;
  const pollMs = o.pollMs ?? 500;
  if (!(heartbeatMs > 0 && ttlMs > 2 * heartbeatMs)) {
    throw new Error(`node registry: ttlMs (${ttlMs}) must be more than twice heartbeatMs (${heartbeatMs}), or live nodes would flicker out`);
  }
  if (!(pollMs >= 10)) throw new Error(`node registry: pollMs must be at least 10, got ${pollMs}`);
  const bucket = nodesBucketName(cluster);
  let kv: KV;
  try {
    kv = await nc.jetstream().views.kv(bucket, { ttl: ttlMs, history: 1 });
  } catch (err) {
    throw new Error(`opening the node registry bucket ${bucket} failed: ${message(err)}`, { cause: err });
  }
  return new KvNodeRegistry(kv, bucket, heartbeatMs, pollMs, o.log ?? (() => undefined));
}

class KvNodeRegistry implements NodeRegistry {
  private beat: NodeJS.Timeout | null = null;
  private ownId: string | null = null;
  private poller: NodeJS.Timeout | null = null;
  private readonly watchers = new Set<(node: NodeInfo) => void>();
  /** What the last successful poll saw; null until the first one. */
  private known: Map<string, NodeInfo> | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;
  private pollWaiters: (() => void)[] = [];

  constructor(
    private readonly kv: KV,
    readonly bucket: string,
    private readonly heartbeatMs: number,
    private readonly pollMs: number,
    private readonly log: LogFn,
  ) {}

  announce(info: () => NodeInfo): void {
    if (this.closed) throw new Error(`node registry ${this.bucket} is closed`);
    if (this.beat) clearInterval(this.beat);
    const put = (): void => {
      let node: NodeInfo;
      try {
        node = info();
        if (typeof node.id !== 'string' || !NODE_ID.test(node.id)) throw new Error(`node id ${JSON.stringify(node.id)} is not valid: use 1 to 64 letters, digits, _ . or -`);
      } catch (err) {
        this.log('error', 'node registry: cannot announce this node', { error: message(err) });
        return;
      }
      this.ownId = node.id;
      this.kv.put(node.id, JSON.stringify(node)).catch((err: unknown) => {
        this.log('warn', 'node registry: heartbeat put failed, retrying at the next beat', { bucket: this.bucket, error: message(err) });
      });
    };
    put();
    this.beat = setInterval(put, this.heartbeatMs);
  }

  async leave(): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    if (this.ownId !== null) await this.kv.delete(this.ownId);
    this.ownId = null;
  }

  async list(): Promise<NodeInfo[]> {
    const keys: string[] = [];
    for await (const k of await this.kv.keys()) keys.push(k);
    const nodes: NodeInfo[] = [];
    for (const key of keys) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue; // expired or deleted since listed
      try {
        nodes.push(JSON.parse(entry.string()) as NodeInfo);
      } catch {
        this.log('warn', 'node registry: unreadable entry skipped', { bucket: this.bucket, key });
      }
    }
    return nodes.sort((a, b) => a.id.localeCompare(b.id));
  }

  onGone(cb: (node: NodeInfo) => void): () => void {
    if (this.closed) throw new Error(`node registry ${this.bucket} is closed`);
    this.watchers.add(cb);
    if (!this.poller) {
      this.poller = setInterval(() => {
        if (!this.polling) this.polling = this.poll().finally(() => (this.polling = null));
      }, this.pollMs);
      this.polling = this.poll().finally(() => (this.polling = null));
    }
    return () => {
      this.watchers.delete(cb);
      if (this.watchers.size === 0 && this.poller) {
        clearInterval(this.poller);
        this.poller = null;
        this.known = null;
      }
    };
  }

  nextPoll(): Promise<void> {
    if (!this.poller) return Promise.reject(new Error('node registry: nextPoll() needs an onGone watcher'));
    return new Promise((resolve) => this.pollWaiters.push(resolve));
  }

  private async poll(): Promise<void> {
    let now: NodeInfo[];
    try {
      now = await this.list();
    } catch (err) {
      this.log('debug', 'node registry: cannot read the bucket this round', { bucket: this.bucket, error: message(err) });
      return;
    }
    if (!this.poller) return;
    for (const resolve of this.pollWaiters.splice(0)) resolve();
    const current = new Map(now.map((n) => [n.id, n]));
    const before = this.known;
    this.known = current;
    if (!before) return;
    for (const [id, old] of before) {
      const seen = current.get(id);
      if (seen && seen.boot === old.boot) continue;
      for (const cb of [...this.watchers]) {
        try {
          cb(old);
        } catch (err) {
          this.log('error', 'node registry: onGone callback threw', { error: message(err) });
        }
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.beat) clearInterval(this.beat);
    if (this.poller) clearInterval(this.poller);
    this.beat = null;
    this.poller = null;
    this.watchers.clear();
    await this.polling;
  }

  async destroy(): Promise<void> {
    await this.close();
    await this.kv.destroy();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
