/**
 * The bed of the desktop's browser tests: the pages built and one Chromium per file, a fresh
 * reference server per test, and every page opened through the bed closed after its test (before
 * the server, so that no page sees the server go away).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { buildDesktop, launchChromium, newPage, type TestServer, startTestServer } from './browser.js';
import { expectText, logIn, makeReady, openDesktop, openSimulator } from './desktop.js';

/** How long a whole journey in the browser may take. */
export const JOURNEY_MS = 120_000;

export interface DesktopBed {
  readonly browser: Browser;
  /** This test's server. */
  readonly t: TestServer;
  /** A page in a context of its own, closed after the test. */
  page(width?: number, height?: number): Promise<Page>;
  /** A new page on the desktop (full mode unless told), logged in as the agent, and Ready if asked. */
  agent(agentId: string, options?: { mode?: string; ready?: boolean }): Promise<Page>;
  /** A new page on the caller simulator, given the admin token. */
  simulator(): Promise<Page>;
  /** A new page on the supervisor page, logged in as the agent (who must have the supervisor role). */
  supervisor(agentId: string): Promise<Page>;
}

/** Registers the hooks of the file it is called in; what it returns is valid inside its tests. */
export function useDesktopBed(): DesktopBed {
  let browser: Browser | undefined;
  let t: TestServer | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildDesktop();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await t?.close();
  });

  const bed: DesktopBed = {
    get browser() {
      if (!browser) throw new Error('the bed has no browser outside its tests');
      return browser;
    },
    get t() {
      if (!t) throw new Error('the bed has no server outside its tests');
      return t;
    },
    async page(width, height) {
      const { context, page } = await newPage(bed.browser, width, height);
      contexts.push(context);
      return page;
    },
    async agent(agentId, { mode = 'full', ready = false } = {}) {
      const page = await bed.page();
      await openDesktop(page, bed.t, mode);
      await logIn(page, agentId);
      if (ready) await makeReady(page);
      return page;
    },
    async simulator() {
      const page = await bed.page();
      await openSimulator(page, bed.t);
      return page;
    },
    async supervisor(agentId) {
      const page = await bed.page();
      await page.goto(`${bed.t.url}/supervisor`);
      await page.getByLabel('Agent ID').fill(agentId);
      await page.getByLabel('Password').fill('demo');
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectText(page.getByText('Logged in as'), agentId);
      return page;
    },
  };
  return bed;
}
