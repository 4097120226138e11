/** Operations endpoints, without authentication: health for load balancers, metrics for Prometheus. */
import type { FastifyInstance } from 'fastify';
import type { HttpApiDeps, RouteContext } from '../context.js';

/** Agent states of the switch that mean "not logged in". */
const LOGGED_OUT = new Set(['Logout', 'Unknown']);

export interface Check {
  readonly ok: boolean;
  /** Why it is down. */
  readonly error?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'down';
  readonly checks: {
    readonly store: Check;
    readonly switch: Check;
    /** Each back end link (Kamailio, phones) by endpoint; empty for the simulated switch. */
    readonly links: Readonly<Record<string, Check>>;
  };
  /** The parts that are down, named: "store", "switch", "link 127.0.0.1:5060". */
  readonly down: readonly string[];
}

const failed = (error: unknown): Check => ({ ok: false, error: error instanceof Error ? error.message : String(error) });

/** How long a probe may take: a store gone silent (a partition) must not hang /healthz. */
const PROBE_DEADLINE_MS = 3000;

const attempt = async (probe: () => Promise<unknown>): Promise<Check> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_DEADLINE_MS} ms`)), PROBE_DEADLINE_MS);
  });
  try {
    await Promise.race([probe(), deadline]);
    return { ok: true };
  } catch (error) {
    return failed(error);
  } finally {
    clearTimeout(timer);
  }
};

/** Calls in progress and agents logged in to the switch; a switch that throws is down, not a 500. */
function switchCounts(sw: HttpApiDeps['switch']): { check: Check; calls?: number; agents?: number } {
  try {
    const calls = sw.calls().length;
    const agents = sw.agents().filter((a) => !LOGGED_OUT.has(a.state)).length;
    return { check: { ok: true }, calls, agents };
  } catch (error) {
    return { check: failed(error) };
  }
}

/** Probes the store (a trivial query), the switch and each back end link; down when any is. */
export async function healthReport(deps: Pick<HttpApiDeps, 'store' | 'switch' | 'links'>): Promise<HealthReport> {
  return (await probeHealth(deps)).report;
}

/** The report, and the switch's counts read by the same probe (absent when the switch is down). */
async function probeHealth(deps: Pick<HttpApiDeps, 'store' | 'switch' | 'links'>): Promise<{ report: HealthReport; calls?: number; agents?: number }> {
  const store = await attempt(() => deps.store.ping());
  const { check: sw, ...counts } = switchCounts(deps.switch);
  const links: Record<string, Check> = {};
  try {
    for (const [endpoint, up] of Object.entries(deps.links?.() ?? {})) links[endpoint] = up ? { ok: true } : { ok: false, error: 'not connected' };
  } catch (error) {
    links['(links)'] = failed(error);
  }
  const down = [
    ...(store.ok ? [] : ['store']),
    ...(sw.ok ? [] : ['switch']),
    ...Object.entries(links)
      .filter(([, check]) => !check.ok)
      .map(([endpoint]) => `link ${endpoint}`),
  ];
  return { report: { status: down.length === 0 ? 'ok' : 'down', checks: { store, switch: sw, links }, down }, ...counts };
}

export function opsRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const started = performance.now();
  const sw = deps.switch;

  /**
   * 200 when the store, the switch and every back end link answer, else 503 naming what is down.
   * `calls`: calls in progress; `agents`: agents logged in to the switch.
   */
  app.get('/healthz', async (_request, reply) => {
    const { report, calls, agents } = await probeHealth(deps);
    return reply.status(report.status === 'ok' ? 200 : 503).send({
      status: report.status,
      uptimeSeconds: Math.floor((performance.now() - started) / 1000),
      calls,
      agents,
      ...(report.down.length > 0 ? { down: report.down } : {}),
      checks: report.checks,
    });
  });

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
