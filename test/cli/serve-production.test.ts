/**
 * `opencti serve --production` (or NODE_ENV=production, or "production": true): no start without
 * allowedOrigins, no demo seed, no demo passwords, no weak passwords, no secrets printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/server.js';
import { runCli } from '../server/http/run-cli.js';
import { killAll, serve, serveRefused, stop, tokenIn } from './serve-process.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'opencti-prod-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A configuration file with production on and an origin list. */
function productionConfig(dataDir: string): string {
  const file = join(dataDir, '..', `${dataDir.split('/').at(-1)}.json`);
  writeFileSync(file, JSON.stringify({ production: true, allowedOrigins: ['https://desk.example.com'], dataDir, logLevel: 'silent' }));
  dirs.push(file);
  return file;
}

describe('opencti serve in production', { timeout: 120_000 }, () => {
  it.each([
    ['--production', ['--production'], {}],
    ['NODE_ENV=production', [], { NODE_ENV: 'production' }],
  ])('%s without allowedOrigins refuses to start: exit 2 naming allowedOrigins', async (_name, args, env) => {
    const refused = await serveRefused(['--data-dir', tempDir(), ...args], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('/allowedOrigins: production needs the list of origins whose pages may open /cti');
  });

  it('starts empty, never prints the admin token, and refuses weak passwords over REST and the CLI', async () => {
    const dataDir = tempDir();
    const server = await serve(['--config', productionConfig(dataDir)]);
    try {
      const adminToken = tokenIn(dataDir);
      expect(server.stdout()).not.toContain(adminToken);
      expect(server.stdout()).toContain(`admin token:    in ${join(dataDir, 'admin-token')} (new)`);
      expect(server.stdout()).toContain(`store:          SQLite ${join(dataDir, 'opencti.db')}\n`);
      expect(server.stdout()).not.toContain('demo');

      const s = { url: server.url, adminToken };
      expect(await api(s, 'GET', '/api/agents')).toEqual([]);
      expect(await api(s, 'GET', '/api/queues')).toEqual([]);
      expect(await api(s, 'GET', '/api/customers')).toEqual([]);

      const weak = await fetch(`${s.url}/api/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'nina', displayName: 'Nina', extension: '5001', password: 'demo' }),
      });
      expect(weak.status).toBe(400);
      expect(await weak.json()).toMatchObject({
        errCode: 'OPENCTI_BAD_REQUEST',
        errMessage: 'body.password must have at least 12 characters (production password policy)',
      });

      const env = { OPENCTI_ADMIN_TOKEN: adminToken, OPENCTI_SERVER: s.url };
      const cliWeak = await runCli(['agents', 'add', 'nina', '--extension', '5001', '--password', 'nina-password-1'], env);
      expect(cliWeak.code).toBe(1);
      expect(cliWeak.stderr).toContain('body.password must not contain the agent id');

      const added = await runCli(['agents', 'add', 'nina', '--extension', '5001', '--password', 'correct horse battery'], env);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);

      const patchWeak = await fetch(`${s.url}/api/agents/nina`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'aaaaaaaaaaaaaaaa' }),
      });
      expect(patchWeak.status).toBe(400);
      expect((await patchWeak.json()).errMessage).toContain('must use at least 4 different characters');
    } finally {
      await stop(server);
    }

    // A second start does not print the token either, and says where it is.
    const again = await serve(['--config', productionConfig(dataDir)]);
    expect(again.stdout()).toContain(`admin token:    in ${join(dataDir, 'admin-token')}\n`);
    await stop(again);
  });

  it('refuses a store whose agents still have the demo password, naming them', async () => {
    const dataDir = tempDir();
    const demo = await serve(['--data-dir', dataDir, '--log-level', 'silent']); // not production: the demo seed
    await stop(demo);
    const refused = await serveRefused(['--config', productionConfig(dataDir)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('agent(s) agent1, agent2, agent3, agent4 still have the demo password "demo"');
  });
});

describe('the admin token on the console', { timeout: 120_000 }, () => {
  it('is printed only by the start that generated it, never when it comes from OPENCTI_ADMIN_TOKEN', async () => {
    const dataDir = tempDir();
    const first = await serve(['--data-dir', dataDir, '--log-level', 'silent']);
    const generated = tokenIn(dataDir);
    expect(first.stdout()).toContain(`admin token:    ${generated}   (new; kept in ${join(dataDir, 'admin-token')})`);
    await stop(first);

    const second = await serve(['--data-dir', dataDir, '--log-level', 'silent']);
    expect(second.stdout()).not.toContain(generated);
    expect(second.stdout()).toContain(`admin token:    in ${join(dataDir, 'admin-token')}`);
    await stop(second);

    const fromEnv = 'env-admin-token-0123456789abcdef';
    const third = await serve(['--data-dir', dataDir, '--log-level', 'silent'], { OPENCTI_ADMIN_TOKEN: fromEnv });
    expect(third.stdout()).not.toContain(fromEnv);
    expect(third.stdout()).toContain('admin token:    as configured (OPENCTI_ADMIN_TOKEN or the configuration file)');
    expect((await fetch(`${third.url}/api/agents`, { headers: { authorization: `Bearer ${fromEnv}` } })).status).toBe(200);
    await stop(third);
  });
});
