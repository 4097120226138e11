/** Prometheus metrics of the server, in one registry served at GET /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueStats } from './stats/figures.js';

export interface ServerMetrics {
  readonly registry: Registry;
  readonly connectedAgents: Gauge;
  readonly connections: Gauge;
  readonly callsByState: Gauge<'state'>;
  readonly eventsSent: Counter;
  readonly badFrames: Counter<'reason'>;
  readonly requestLatency: Histogram<'op' | 'ok'>;
  readonly httpRequests: Counter<'route' | 'status'>;
  /** Connections the gateway ended itself, by why: rate_limited, send_buffer, login_timeout, idle_timeout, no_pong. */
  readonly wsClosedByServer: Counter<'reason'>;
  /** WebSocket upgrades on this port refused, by why: path, origin, error. */
  readonly wsUpgradesRefused: Counter<'reason'>;
  /** Failures of the gateway's own socket handlers (a bug, never a client's fault): caught, logged, counted. */
  readonly wsHandlerErrors: Counter<'handler'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'opencti_process_' });
  return {
    registry,
    connectedAgents: new Gauge({ name: 'opencti_connected_agents', help: 'Agents logged in with a server session', registers: [registry] }),
    connections: new Gauge({ name: 'opencti_ws_connections', help: 'Open WebSocket connections on /cti', registers: [registry] }),
    callsByState: new Gauge({ name: 'opencti_calls', help: 'Calls in progress by state', labelNames: ['state'], registers: [registry] }),
    eventsSent: new Counter({ name: 'opencti_events_sent_total', help: 'OpenCTI event frames sent to sockets', registers: [registry] }),
    badFrames: new Counter({ name: 'opencti_bad_frames_total', help: 'Frames refused by the gateway', labelNames: ['reason'], registers: [registry] }),
    requestLatency: new Histogram({
      name: 'opencti_request_duration_seconds',
      help: 'Time from a request frame to its response',
      labelNames: ['op', 'ok'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    httpRequests: new Counter({ name: 'opencti_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'status'], registers: [registry] }),
    wsClosedByServer: new Counter({ name: 'opencti_ws_closed_by_server_total', help: 'WebSocket connections the gateway ended, by reason', labelNames: ['reason'], registers: [registry] }),
    wsUpgradesRefused: new Counter({ name: 'opencti_ws_upgrades_refused_total', help: 'WebSocket upgrades refused, by reason', labelNames: ['reason'], registers: [registry] }),
    wsHandlerErrors: new Counter({ name: 'opencti_ws_handler_errors_total', help: 'Gateway socket handlers that failed (caught)', labelNames: ['handler'], registers: [registry] }),
  };
}

/** What each per-queue gauge shows, from a queue's statistics (a figure not known yet is left out). */
const QUEUE_GAUGES: readonly { name: string; help: string; value: (q: QueueStats) => number | null }[] = [
  { name: 'opencti_queue_calls_waiting', help: 'Calls waiting in the queue now', value: (q) => q.waiting },
  { name: 'opencti_queue_longest_wait_seconds', help: 'Wait of the call waiting longest in the queue now', value: (q) => q.longestWaitMs / 1000 },
  { name: 'opencti_queue_calls_offered_today', help: 'Calls offered to the queue since midnight', value: (q) => q.offered },
  { name: 'opencti_queue_calls_answered_today', help: 'Calls of the queue answered since midnight', value: (q) => q.answered },
  { name: 'opencti_queue_calls_abandoned_today', help: 'Calls of the queue abandoned since midnight', value: (q) => q.abandoned },
  { name: 'opencti_queue_service_level_ratio', help: 'Answered within the threshold / (answered + abandoned), today', value: (q) => q.serviceLevel },
  { name: 'opencti_queue_average_speed_of_answer_seconds', help: 'Average wait of answered calls, today', value: (q) => (q.averageSpeedOfAnswerMs === null ? null : q.averageSpeedOfAnswerMs / 1000) },
  { name: 'opencti_queue_average_handle_time_seconds', help: 'Average time from answer to end of the queue calls ended today', value: (q) => (q.averageHandleTimeMs === null ? null : q.averageHandleTimeMs / 1000) },
  { name: 'opencti_queue_abandon_rate_ratio', help: 'Abandoned / offered, today', value: (q) => q.abandonRate },
];

/** Per-queue gauges (label queue) read from the live statistics at each scrape. */
export function registerQueueGauges(registry: Registry, read: () => readonly QueueStats[]): void {
  for (const { name, help, value } of QUEUE_GAUGES) {
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        this.reset();
        for (const queue of read()) {
          const v = value(queue);
          if (v !== null) this.set({ queue: queue.name }, v);
        }
      },
    });
  }
}
