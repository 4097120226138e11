/**
 * Browser-test plumbing: Debian's chromium through playwright-core, a real reference server per
 * test (temp data folder, port 0), the desktop pages built once, and REST helpers for the checks.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { resolveConfig } from '../../../src/server/config.js';
import { startServer, type RunningServer } from '../../../src/server/server.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Builds dist/desktop with the project's build script (what `npm run build` runs). */
export function buildDesktop(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-desktop.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Record<string, unknown> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencti-desktop-'));
  const server = await startServer(
    resolveConfig({ port: 0, dataDir, logLevel: 'silent', heartbeatMs: 500, ringTimeoutMs: 120_000, farEndAnswerMs: 0, ...overrides }),
  );
  return {
    server,
    url: server.url,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls the REST API with the admin token; throws on an error status. */
export async function admin<T>(t: TestServer, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface InteractionBack {
  id: number;
  callId: string;
  notes: string;
  disposition?: string;
  customerId?: string;
  status: string;
}

export async function interactionOf(t: TestServer, callId: string): Promise<InteractionBack | undefined> {
  const found = await admin<InteractionBack[]>(t, 'GET', `/api/interactions?callId=${encodeURIComponent(callId)}`);
  return found[0];
}

/** The id of the call in progress from this caller, as the switch lists it. */
export async function callFrom(t: TestServer, ani: string): Promise<string> {
  const calls = await admin<{ callId: string; ani: string }[]>(t, 'GET', '/api/calls');
  const call = calls.find((c) => c.ani === ani);
  if (!call) throw new Error(`no call from ${ani} in ${JSON.stringify(calls)}`);
  return call.callId;
}

export async function newPage(browser: Browser, width = 1280, height = 900): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Screenshots go to docs/screenshots with SCREENSHOTS=1 (to refresh the committed ones), else to a temp folder. */
export function screenshotPath(name: string): string {
  const dir = process.env.SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'opencti-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
