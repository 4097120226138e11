/** Prometheus metrics of the server, in one registry served at GET /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  readonly registry: Registry;
  readonly connectedAgents: Gauge;
  readonly connections: Gauge;
  readonly callsByState: Gauge<'state'>;
  readonly eventsSent: Counter;
  readonly badFrames: Counter<'reason'>;
  readonly requestLatency: Histogram<'op' | 'ok'>;
  readonly httpRequests: Counter<'route' | 'status'>;
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
  };
}
