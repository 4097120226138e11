/** `opencti serve --database postgres://…`: the store in PostgreSQL, its URL shown with the password masked. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProxy } from '../helpers/proxy.js';
import { tempDatabase } from '../server/store/helpers.js';
import { killAll, serve, serveRefused, stop } from './serve-process.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'opencti-db-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const withPassword = (url: string, password: string, port?: number): string => {
  const parsed = new URL(url);
  parsed.password = password;
  if (port !== undefined) parsed.port = String(port);
  return parsed.toString();
};

describe('opencti serve --database', { timeout: 120_000 }, () => {
  it('keeps the store in PostgreSQL and prints its URL without the password', async () => {
    const url = withPassword(await tempDatabase(), 'top-secret');
    const server = await serve(['--data-dir', tempDir(), '--database', url]);
    try {
      expect(server.stdout()).toMatch(/store: +PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/opencti_test_\w+\n/);
      expect(server.stdout()).not.toContain('top-secret');
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await stop(server);
    }
  });

  it('refuses to start, exit 2 naming PostgreSQL, when the database cannot be reached', async () => {
    const proxy = await startProxy(5432);
    proxy.refuse = true;
    try {
      const url = withPassword(await tempDatabase(), 'top-secret', proxy.port);
      const refused = await serveRefused(['--data-dir', tempDir(), '--database', url]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+\/opencti_test_\w+ is unreachable/);
      expect(refused.stderr + refused.stdout).not.toContain('top-secret');
    } finally {
      await proxy.close();
    }
  });
});
