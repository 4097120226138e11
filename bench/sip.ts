/**
 * sip.callSetup: on real SIP telephony (a test bed: Kamailio, a baresip agent phone, a baresip
 * caller; the server on the sip back end), the time from the caller dialling to the Alerting
 * event at the desktop (the reference connector's event callback). Measured for a queue number
 * (Kamailio holds the call, our ACD picks the agent, evapi routes it) and for the agent's
 * extension (a direct call). The caller hangs up after each Alerting. Measured, not asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNodeReferenceConnector } from '../src/connectors/reference/node.js';
import type { OpenCtiEvent } from '../src/framework/schema/events.js';
import { resolveConfig } from '../src/server/config.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { sipConfigFor, startTestbed, type Testbed } from '../src/server/sip/testbed/index.js';
import type { BenchmarkResult, BenchmarkSuite, SuiteOptions } from './types.js';

const CALLER = '+12025550101';
const AGENT = { agentId: 'agent1', extension: '5001' };

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const round1 = (n: number) => Math.round(n * 10) / 10;

interface Desktop {
  next(match: (e: OpenCtiEvent) => boolean, timeoutMs?: number): Promise<{ event: OpenCtiEvent; at: number }>;
}

function desktopEvents(): Desktop & { forward: (e: unknown) => void } {
  const waiters = new Set<{ match: (e: OpenCtiEvent) => boolean; resolve: (v: { event: OpenCtiEvent; at: number }) => void }>();
  return {
    forward(e) {
      const at = performance.now();
      for (const w of [...waiters]) {
        if (!w.match(e as OpenCtiEvent)) continue;
        waiters.delete(w);
        w.resolve({ event: e as OpenCtiEvent, at });
      }
    },
    next(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`no matching event within ${timeoutMs} ms`));
        }, timeoutMs).unref();
      });
    },
  };
}

const callEvent = (names: readonly string[]) => (e: OpenCtiEvent) => e.pyEventType === 'CallStateEvent' && names.includes(e.pyEventName);

async function measure(bed: Testbed, desktop: Desktop, target: string, calls: number): Promise<number[]> {
  const caller = bed.baresip(CALLER).control;
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const alerting = desktop.next(callEvent(['Alerting']));
    const started = performance.now();
    const sipId = await caller.dial(`sip:${target}@${bed.kamailio.host}`);
    const { at } = await alerting;
    samples.push(at - started);
    const ended = desktop.next(callEvent(['Disconnected', 'Abandoned']));
    await caller.hangup(sipId);
    await ended;
    await caller.waitForCallEvent('CALL_CLOSED', sipId);
  }
  return samples;
}

function result(name: string, samples: readonly number[], warmup: number, what: string): BenchmarkResult {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    values: { p50Ms: round1(percentile(sorted, 50)), p95Ms: round1(percentile(sorted, 95)) },
    details: {
      what,
      calls: samples.length,
      warmupCalls: warmup,
      minMs: round1(sorted[0] ?? Number.NaN),
      maxMs: round1(sorted[sorted.length - 1] ?? Number.NaN),
      meanMs: round1(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length)),
    },
  };
}

export const sipSuite: BenchmarkSuite = {
  name: 'sip',
  description: 'real SIP (Kamailio, baresip): caller dials → Alerting at the desktop, queue and direct, p50/p95',
  async run({ quick, log }: SuiteOptions): Promise<BenchmarkResult[]> {
    const calls = quick ? 3 : 25;
    const warmup = quick ? 1 : 3;
    log(`sip: starting a test bed and the server on the sip back end (${calls} calls per path)`);
    const bed = await startTestbed({ phones: [{ user: AGENT.extension, kind: 'baresip' }, { user: CALLER, kind: 'baresip' }], queueNumbers: ['8000', '8001'] });
    const dataDir = mkdtempSync(join(tmpdir(), 'opencti-bench-sip-'));
    let server: RunningServer | undefined;
    const connector = createNodeReferenceConnector();
    try {
      await bed.phones.get(AGENT.extension)?.control.close();
      server = await startServer(resolveConfig({ port: 0, dataDir, logLevel: 'silent', backend: 'sip', sip: sipConfigFor(bed, [AGENT]) }));
      await server.sip?.connected(10_000);
      const desktop = desktopEvents();
      await connector.login(AGENT.agentId, 'demo', AGENT.extension, { name: 'reference', url: server.ctiUrl }, {}, desktop.forward);
      await connector.agentReady(AGENT.agentId, '', {});
      const results: BenchmarkResult[] = [];
      for (const [name, target, what] of [
        ['sip.callSetup.queue', '8000', 'caller dials the sales queue 8000 → Alerting at the desktop (Kamailio holds, our ACD routes over evapi)'],
        ['sip.callSetup.direct', AGENT.extension, `caller dials extension ${AGENT.extension} → Alerting at the desktop`],
      ] as const) {
        await measure(bed, desktop, target, warmup);
        const samples = await measure(bed, desktop, target, calls);
        const r = result(name, samples, warmup, what);
        log(`${name}: p50 ${r.values?.p50Ms} ms, p95 ${r.values?.p95Ms} ms over ${samples.length} calls`);
        results.push(r);
      }
      return results;
    } finally {
      connector.close();
      await server?.close().catch(() => undefined);
      await bed.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
