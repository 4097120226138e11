/**
 * The production password policy holds whatever spelling of the path reaches the agent routes:
 * the router decodes percent-escapes (/api/%61gents is /api/agents), so the policy must too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ production: true, allowedOrigins: ['https://desk.example.com'] });
});
afterAll(async () => {
  await server.dispose();
});

const send = (method: string, path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('production password policy', () => {
  it('refuses a weak password sent to a percent-encoded agent path, and the stored password stays', async () => {
    const strong = 'correct horse battery';
    const created = await send('POST', '/api/agents', { agentId: 'nina', displayName: 'Nina', extension: '5001', password: strong });
    expect(created.status).toBe(201);

    const patched = await send('PATCH', '/api/%61gents/nina', { password: 'x' });
    expect(patched.status).toBe(400);
    expect(await patched.json()).toMatchObject({ errCode: 'OPENCTI_BAD_REQUEST', problems: [{ path: 'body.password', message: 'must have at least 12 characters' }] });
    expect(await server.store.verifyAgentPassword('nina', 'x')).toBe(false);
    expect(await server.store.verifyAgentPassword('nina', strong)).toBe(true);

    const added = await send('POST', '/api/%61gents', { agentId: 'omar', displayName: 'Omar', extension: '5002', password: 'omar' });
    expect(added.status).toBe(400);
    expect((await server.store.getAgent('omar'))).toBeUndefined();
  });
});
