import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('operations endpoints', () => {
  it('/healthz answers without a token: uptime, calls in progress, agents logged in', async () => {
    const idle = await h.req('GET', '/healthz', { token: null });
    expect(idle.status).toBe(200);
    expect(idle.body).toEqual({
      status: 'ok',
      uptimeSeconds: expect.any(Number),
      calls: 0,
      agents: 0,
      checks: { store: { ok: true }, switch: { ok: true }, links: {} },
    });

    h.sw.login('agent1', '');
    await h.req('POST', '/api/calls', { body: { from: '2025550101', to: '8001' } });
    expect((await h.req('GET', '/healthz', { token: null })).body).toMatchObject({ calls: 1, agents: 1 });
  });

  it('/metrics serves Prometheus text with the calls-by-state gauge refreshed and the request counter', async () => {
    await h.req('POST', '/api/calls', { body: { from: '2025550101', to: '8000' } });
    await h.req('POST', '/api/calls', { body: { from: '2025550102', to: '8001' } });
    await h.req('GET', '/api/agents/ghost');

    const metrics = await h.req<string>('GET', '/metrics', { token: null });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    for (const name of ['opencti_calls', 'opencti_http_requests_total', 'opencti_connected_agents', 'opencti_ws_connections']) {
      expect(metrics.body).toContain(`# TYPE ${name} `);
    }
    expect(metrics.body).toContain('opencti_calls{state="queued"} 2');
    expect(metrics.body).toContain('opencti_http_requests_total{route="/api/calls",status="201"} 2');
    expect(metrics.body).toContain('opencti_http_requests_total{route="/api/agents/:agentId",status="404"} 1');

    for (const c of h.sw.calls()) h.sw.callerHangUp(c.callId);
    expect((await h.req<string>('GET', '/metrics', { token: null })).body).not.toContain('opencti_calls{state="queued"}');
  });

  it('unknown routes are 404 JSON', async () => {
    const reply = await h.req('GET', '/api/nothing-here?x=1');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ errCode: 'OPENCTI_HTTP_ERROR_404', errMessage: 'no route GET /api/nothing-here' });
    expect((await h.req('DELETE', '/api/calls')).status).toBe(404);
  });
});
