/** Security headers on every page and API answer of a real server; a page's inline styles allowed by hash only. */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStaticPages } from '../../../src/server/static-pages.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

const directives = (policy: string | null): Map<string, string> =>
  new Map((policy ?? '').split(';').map((d) => {
    const [name = '', ...sources] = d.trim().split(/\s+/);
    return [name, sources.join(' ')];
  }));

describe('security headers', () => {
  it.each([
    ['GET', '/', null],
    ['GET', '/simulator', null],
    ['GET', '/healthz', null],
    ['GET', '/metrics', null],
    ['GET', '/api/agents', 'admin'],
    ['GET', '/api/agents', null], // a 401 too
    ['GET', '/no/such/route', null], // a 404 too
    ['GET', '/api/calls/%', null], // a path the router cannot decode, refused before any hook runs
  ])('%s %s answers with CSP, nosniff, frame-ancestors and Referrer-Policy', async (method, path, token) => {
    const response = await fetch(`${server.url}${path}`, { method, headers: token ? { authorization: `Bearer ${server.adminToken}` } : {} });
    await response.arrayBuffer();
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toBe("'self'");
    // Scripts from this origin only, never inline; API answers allow nothing more.
    expect(csp.get('script-src')).toMatch(/^'self'/);
    expect(csp.get('script-src')).not.toContain('unsafe-inline');
    if (path.startsWith('/api') || path === '/healthz') expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.has('upgrade-insecure-requests')).toBe(false); // the server speaks plain HTTP
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it("a page's own inline <style> is allowed by its hash, not by 'unsafe-inline'", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencti-pages-'));
    try {
      mkdirSync(join(dir, 'assets'));
      const style = '\n  body { margin: 0; }\n';
      writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><style>${style}</style><script type="module" src="/assets/x.js"></script></head></html>`);
      const app = Fastify({ logger: false });
      await registerStaticPages(app, dir);
      const reply = await app.inject({ method: 'GET', url: '/' });
      const csp = directives(reply.headers['content-security-policy'] as string);
      const hash = createHash('sha256').update(style).digest('base64');
      expect(csp.get('style-src')).toBe(`'self' 'sha256-${hash}'`);
      expect(csp.get('style-src-attr')).toBe("'unsafe-inline'"); // style="…" of templates; runs no code
      expect(csp.get('script-src')).toBe("'self'"); // validators are compiled ahead of time: no eval
      await app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
