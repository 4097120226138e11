/**
 * `desktop` in the server configuration: checked with JSON paths, and the desktop page served
 * with the configuration block, the pega namespace and the vendor scripts, each at its fixed URL.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/config.js';
import type { DesktopConfig } from '../../src/server/desktop-config.js';
import { registerStaticPages } from '../../src/server/static-pages.js';

const EXAMPLE = (file: string) => fileURLToPath(new URL(`../../examples/pega-connector/${file}`, import.meta.url));
const SCRIPTS = [EXAMPLE('demo-pbx.js'), EXAMPLE('connector.js')];

const problemOf = (desktop: unknown): string => {
  try {
    resolveConfig({ desktop }, {}, 'server.json');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('desktop configuration', () => {
  it('takes a vendor, its scripts and a link; the variant defaults to "desktop"', () => {
    const config = resolveConfig({ desktop: { implementation: { vendor: 'Acme', scripts: SCRIPTS }, ctiLink: { name: 'acme', region: 'eu' } } });
    expect(config.desktop).toEqual({ implementation: { vendor: 'Acme', scripts: SCRIPTS, variant: 'desktop' }, ctiLink: { name: 'acme', region: 'eu' } });
  });

  it('refuses what it cannot use, naming the JSON path', () => {
    expect(problemOf({ implementation: { vendor: 'Acme', scripts: [SCRIPTS[0], '/nowhere/acme.js'] } })).toMatch(
      /^server\.json is not valid: \/desktop\/implementation\/scripts\/1: cannot read \/nowhere\/acme\.js: ENOENT/,
    );
    const folder = join(mkdtempSync(join(tmpdir(), 'opencti-pega-')), 'folder.js');
    mkdirSync(folder);
    expect(problemOf({ implementation: { vendor: 'Acme', scripts: [folder] } })).toContain(`/desktop/implementation/scripts/0: ${folder} is not a file`);
    rmSync(folder, { recursive: true });
    expect(problemOf({ implementation: { vendor: 'Acme Corp', scripts: SCRIPTS } })).toMatch(/\/desktop\/implementation\/vendor/);
    expect(problemOf({ implementation: { vendor: 'Acme', scripts: [] } })).toMatch(/\/desktop\/implementation\/scripts/);
    expect(problemOf({ implementation: { vendor: 'Acme', scripts: ['connector.ts'] } })).toMatch(/\/desktop\/implementation\/scripts\/0/);
    expect(problemOf({ implementation: { vendor: 'Acme', scripts: SCRIPTS, variant: 'popup' } })).toMatch(/\/desktop\/implementation\/variant/);
    expect(problemOf({ implementation: { vendor: 'Acme', scripts: SCRIPTS }, connectSources: ["wss://cti.example.com; script-src 'unsafe-inline'"] })).toMatch(
      /\/desktop\/connectSources\/0/,
    );
    expect(problemOf({ implementation: { vendor: 'Acme', scripts: SCRIPTS, url: 'https://cdn.example.com/acme.js' } })).toMatch(/\/desktop\/implementation/);
    expect(problemOf({ ctiLink: { name: 'acme' } })).toMatch(/\/desktop\/ctiLink: only used with desktop.implementation/);
  });
});

describe('the desktop page with a hosted implementation', () => {
  let dir: string;
  let app: FastifyInstance;
  const page = `<!doctype html><html><head><style>body{margin:0}</style><script type="module" src="/assets/desktop.js"></script></head><body></body></html>`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opencti-pega-pages-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), page);
    writeFileSync(join(dir, 'simulator.html'), page);
    writeFileSync(join(dir, 'assets', 'pega.js'), '/* pega */');
  });
  afterEach(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(desktop: DesktopConfig | undefined): Promise<FastifyInstance> {
    app = Fastify({ logger: false });
    await registerStaticPages(app, dir, desktop);
    return app;
  }

  it('loads the configuration block, pega.js and the vendor scripts in order before the desktop module', async () => {
    await serve(resolveConfig({ desktop: { implementation: { vendor: 'Acme', scripts: SCRIPTS }, ctiLink: { name: '</script><script>alert(1)</script>' }, connectSources: ['wss://cti.example.com'] } }).desktop);
    const reply = await app.inject({ method: 'GET', url: '/' });
    const tags = [...reply.body.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
    expect(tags).toEqual([
      '<script id="opencti-desktop-config" type="application/json">',
      '<script src="/assets/pega.js">',
      '<script src="/vendor/0/demo-pbx.js">',
      '<script src="/vendor/1/connector.js">',
      '<script type="module" src="/assets/desktop.js">',
    ]);
    const block = /<script id="opencti-desktop-config" type="application\/json">(.*?)<\/script>/.exec(reply.body)?.[1] ?? '';
    // A "</script>" in a value cannot end the block.
    expect(block).not.toContain('<');
    expect(JSON.parse(block)).toEqual({
      implementation: { vendor: 'Acme', variant: 'desktop' },
      ctiLink: { name: '</script><script>alert(1)</script>' },
    });
    // The vendor's CTI server may be reached; inline scripts stay refused.
    const csp = reply.headers['content-security-policy'] as string;
    expect(csp).toContain("connect-src 'self' wss://cti.example.com");
    expect(csp).not.toContain('unsafe-inline;');
    // The simulator page is untouched.
    expect((await app.inject({ method: 'GET', url: '/simulator' })).body).toBe(page);
  });

  it('serves each configured script at its URL and nothing else under /vendor', async () => {
    await serve(resolveConfig({ desktop: { implementation: { vendor: 'Acme', scripts: SCRIPTS } } }).desktop);
    const connector = await app.inject({ method: 'GET', url: '/vendor/1/connector.js' });
    expect(connector.statusCode).toBe(200);
    expect(connector.headers['content-type']).toMatch(/^text\/javascript/);
    expect(connector.body).toBe(readFileSync(SCRIPTS[1] as string, 'utf8'));
    for (const url of ['/vendor/0/connector.js', '/vendor/2/connector.js', '/vendor/1/../../package.json', '/vendor/1/%2e%2e%2fdemo-pbx.js']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('without desktop.implementation the page is served as built, with no vendor routes', async () => {
    await serve(undefined);
    const reply = await app.inject({ method: 'GET', url: '/' });
    expect(reply.body).toBe(page);
    expect(reply.headers['content-security-policy']).toContain("connect-src 'self';");
    expect((await app.inject({ method: 'GET', url: '/vendor/0/connector.js' })).statusCode).toBe(404);
  });
});
