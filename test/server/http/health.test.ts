/** /healthz reports the store, the switch and each back end link, and answers 503 naming what is down. */
import { afterEach, describe, expect, it } from 'vitest';
import { healthReport } from '../../../src/server/http/routes/ops.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startHarness } from './harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('/healthz', () => {
  it('is 200 when everything answers, and 503 naming the store once the store cannot answer', async () => {
    server = await startTestServer();
    const healthy = await fetch(`${server.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ status: 'ok', checks: { store: { ok: true }, switch: { ok: true }, links: {} } });

    await server.store.close();
    const broken = await fetch(`${server.url}/healthz`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({
      status: 'down',
      down: ['store'],
      checks: { store: { ok: false, error: expect.stringContaining('closed') }, switch: { ok: true } },
    });
  });

  it('is 503 naming the switch, not a 500, when the switch cannot list its agents or calls', async () => {
    server = await startTestServer();
    const sw = server.switch;
    const agents = sw.agents.bind(sw);
    sw.agents = () => {
      throw new Error('the agent table is gone');
    };
    const noAgents = await fetch(`${server.url}/healthz`);
    expect(noAgents.status).toBe(503);
    expect(await noAgents.json()).toMatchObject({
      status: 'down',
      down: ['switch'],
      checks: { store: { ok: true }, switch: { ok: false, error: 'the agent table is gone' } },
    });

    sw.agents = agents;
    sw.calls = () => {
      throw new Error('the call table is gone');
    };
    const noCalls = await fetch(`${server.url}/healthz`);
    expect(noCalls.status).toBe(503);
    expect(await noCalls.json()).toMatchObject({ status: 'down', down: ['switch'], checks: { switch: { ok: false, error: 'the call table is gone' } } });
  });

  it('names each back end link that is down (a link view as the SIP back end gives it)', async () => {
    const h = await startHarness();
    try {
      const links = { 'kamailio 127.0.0.1:8228': true, 'phone agent1 127.0.0.1:4444': false };
      const report = await healthReport({ store: h.store, switch: h.sw, links: () => links });
      expect(report).toEqual({
        status: 'down',
        down: ['link phone agent1 127.0.0.1:4444'],
        checks: {
          store: { ok: true },
          switch: { ok: true },
          links: { 'kamailio 127.0.0.1:8228': { ok: true }, 'phone agent1 127.0.0.1:4444': { ok: false, error: 'not connected' } },
        },
      });
      links['phone agent1 127.0.0.1:4444'] = true;
      expect((await healthReport({ store: h.store, switch: h.sw, links: () => links })).status).toBe('ok');
    } finally {
      await h.close();
    }
  });
});
