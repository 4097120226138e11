/**
 * A server whose `database` is a PostgreSQL URL: it keeps its interactions there, /healthz names
 * the store while PostgreSQL is unreachable and recovers when it is back, and the next start
 * closes the calls the last stop cut.
 */
import { describe, expect, it } from 'vitest';
import { startProxy } from '../../helpers/proxy.js';
import { api, startTestServer, type TestServer } from '../../helpers/server.js';
import { tempDatabase } from '../store/helpers.js';

const through = (url: string, port: number): string => {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
};

interface Listed {
  callId: string;
  status: string;
  customerId?: string;
}

describe('a server on PostgreSQL', () => {
  it('records calls in it, reports it down on /healthz while it is away, and closes cut calls at the next start', async () => {
    const url = await tempDatabase();
    const proxy = await startProxy(5432);
    let server: TestServer | undefined;
    try {
      server = await startTestServer({ database: through(url, proxy.port) });
      expect(server.store.backend).toBe('postgres');

      const { callId } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+12025550101', to: '8000' });
      await api(server, 'POST', `/api/calls/${callId}/hangup`);
      // The records were fired without awaiting; a read waits for the writes called before it.
      expect(await api<Listed[]>(server, 'GET', `/api/interactions?callId=${callId}`)).toMatchObject([{ callId, status: 'abandoned', customerId: 'cust-1001' }]);

      proxy.refuse = true;
      proxy.cut();
      const down = await fetch(`${server.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ down: ['store'], checks: { store: { ok: false, error: expect.stringContaining('PostgreSQL') } } });
      const refused = await fetch(`${server.url}/api/agents`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      expect(refused.status).toBe(503);

      proxy.refuse = false;
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      const { callId: cut } = await api<{ callId: string }>(server, 'POST', '/api/calls', { from: '+12025550102', to: '8000' });
      expect(await api<Listed[]>(server, 'GET', `/api/interactions?callId=${cut}`)).toMatchObject([{ status: 'open' }]);
      await server.dispose();
      server = await startTestServer({ database: url });
      expect(server.interrupted).toBe(1);
      expect(server.store.seeded).toBe(false);
      expect(await api<Listed[]>(server, 'GET', `/api/interactions?callId=${cut}`)).toMatchObject([{ status: 'interrupted' }]);
    } finally {
      await server?.dispose();
      await proxy.close();
    }
  });
});
