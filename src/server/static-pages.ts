/**
 * The built pages (dist/desktop, made by `npm run build`): the CSR desktop at `/`, the caller
 * simulator at `/simulator`, the supervisor page at `/supervisor`, their bundles under `/assets/`. The folder is found from this
 * module's place (src/server or dist/server, both two levels under the package root). When the
 * pages are not built, `/` says how to build them. With `desktop.implementation` configured, the
 * desktop page also gets the pega namespace and the vendor's scripts (desktop-config.ts).
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { contentSecurityPolicy } from './http/app.js';
import { desktopPageConfig, desktopPolicyExtra, vendorScripts, type DesktopConfig } from './desktop-config.js';

export const DESKTOP_DIR = fileURLToPath(new URL('../../dist/desktop/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenCTI-TS reference CTI server</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>OpenCTI-TS reference CTI server</h1>
<p>The desktop pages are not built: run <code>npm run build</code> and restart the server.</p>
<ul>
<li>WebSocket CTI link: <code>/cti</code></li>
<li>Health: <a href="/healthz">/healthz</a> &middot; Metrics: <a href="/metrics">/metrics</a></li>
<li>Simulator and admin API: <code>/api/…</code> (bearer token printed at start)</li>
</ul></body></html>`;

/**
 * The Content-Security-Policy of a page: the server's policy, plus what the bundles need.
 * - The page's own inline <style> blocks, by their hash (not 'unsafe-inline' for style elements).
 *   Lit's component styles are constructed style sheets, which style-src does not restrict.
 * - style="…" attributes of the templates (style-src-attr 'unsafe-inline'): they cannot run code.
 * Scripts: the bundles only, no eval (their schema validators are compiled ahead of time).
 */
export function pagePolicy(html: string, extra: Readonly<Record<string, readonly string[]>> = {}): string {
  const hashes = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1] ?? '', 'utf8').digest('base64')}'`,
  );
  return contentSecurityPolicy({ ...extra, styleSrc: hashes, styleSrcAttr: ["'unsafe-inline'"] });
}

async function listing(dir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch {
    return new Set();
  }
}

/**
 * The desktop page with the hosted implementation's tags before its own module: the configuration
 * block (data, not code), then the pega namespace and the vendor scripts as classic scripts, which
 * run in order before the (deferred) module script binds them.
 */
export function withVendorScripts(html: string, desktop: DesktopConfig | undefined): string {
  const config = desktopPageConfig(desktop);
  if (!config) return html;
  // JSON inside <script>: "<" escaped so that no "</script>" in a value can end the block.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const tags = [
    `<script id="opencti-desktop-config" type="application/json">${json}</script>`,
    '<script src="/assets/pega.js"></script>',
    ...vendorScripts(desktop).map((script) => `<script src="${script.url}"></script>`),
  ].join('\n');
  return html.replace(/<script type="module"/, (module) => `${tags}\n${module}`);
}

/**
 * `desktop`: the hosted implementation, if any (docs/pega-hosting.md); `phoneSockets`: the SIP
 * WebSocket listeners browser phones register on, which the desktop page may connect to.
 */
export async function registerStaticPages(app: FastifyInstance, dir = DESKTOP_DIR, desktop?: DesktopConfig, phoneSockets: readonly string[] = []): Promise<void> {
  const pages = await listing(dir);
  // Only the files the build made are served: no path from a request ever reaches the file system.
  const assets = await listing(join(dir, 'assets'));
  const page = (name: string) => async (_request: unknown, reply: FastifyReply) => {
    if (!pages.has(name)) return reply.type(TYPES['.html'] ?? 'text/html').send(NOT_BUILT);
    const file = await readFile(join(dir, name), 'utf8');
    const desktopPage = name === 'index.html';
    const html = desktopPage ? withVendorScripts(file, desktop) : file;
    return reply
      .type(TYPES['.html'] ?? 'text/html')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', pagePolicy(html, desktopPage ? desktopPagePolicy(desktop, phoneSockets) : {}))
      .send(html);
  };
  app.get('/', page('index.html'));
  app.get('/simulator', page('simulator.html'));
  app.get('/supervisor', page('supervisor.html'));
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const { file } = request.params;
    if (!assets.has(file)) return reply.status(404).send({ errCode: 'OPENCTI_HTTP_ERROR_404', errMessage: `no asset ${file}` });
    return reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(await readFile(join(dir, 'assets', file)));
  });
  // Only the files the configuration names, each at its fixed URL.
  for (const script of vendorScripts(desktop)) {
    app.get(script.url, async (_request, reply) =>
      reply.type(TYPES['.js'] ?? 'text/javascript').header('cache-control', 'no-cache').send(await readFile(script.path)),
    );
  }
}

/** The desktop page's policy additions: the vendor's sources and the browser phones' SIP listeners. */
function desktopPagePolicy(desktop: DesktopConfig | undefined, phoneSockets: readonly string[]): Record<string, readonly string[]> {
  const extra = desktopPolicyExtra(desktop);
  if (phoneSockets.length > 0) extra.connectSrc = [...(extra.connectSrc ?? []), ...phoneSockets];
  return extra;
}
