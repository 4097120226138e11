/**
 * The desktop page bound to a Pega implementation file in Chromium: the server configured with
 * examples/pega-connector, the page loads the pega namespace and the vendor's scripts by <script>
 * tags, the CSR logs in, a call rings, is answered and hung up by clicking; the log download holds
 * the connector's Logger lines; the REST features say they are not available.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDesktop, launchChromium, newPage, ROOT, startTestServer, type TestServer } from '../desktop/helpers/browser.js';
import { callCard, expectHidden, expectText, expectVisible, logIn, makeReady, openDesktop, pop } from '../desktop/helpers/desktop.js';

const EXAMPLE = join(ROOT, 'examples', 'pega-connector');
const CALLER = '+15551234';

let browser: Browser;
let t: TestServer | undefined;

beforeAll(async () => {
  buildDesktop();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function acmeDesktop(vendor = 'Acme'): Promise<TestServer> {
  return startTestServer({
    desktop: {
      implementation: { vendor, scripts: [join(EXAMPLE, 'demo-pbx.js'), join(EXAMPLE, 'connector.js')] },
      ctiLink: { name: 'acme-demo' },
    },
  });
}

/** The outside world, played on the page's demo PBX (the vendor SDK the scripts loaded). */
const ringAgent = (page: Page, extension: string, from: string) =>
  page.evaluate(([to, caller]) => (window as unknown as { AcmeDemoPbx: { shared(): { ringAgent(to: string, o: object): string } } }).AcmeDemoPbx.shared().ringAgent(to, { from: caller, data: { account: 'A-42' } }), [extension, from] as const);

describe.sequential('the desktop hosting a Pega implementation file', () => {
  it('logs in through pega.cti.desktopApi.Acme; a call rings, is answered and hung up by clicking; the log download holds its lines', async () => {
    t = await acmeDesktop();
    const { context, page } = await newPage(browser);
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await openDesktop(page, t, 'full');
    await expectText(page.getByRole('region', { name: 'Connector' }), 'Connected through Acme');
    // The active implementation is the vendor's own instance.
    expect(await page.evaluate(() => (window as unknown as { pega: { cti: { API: { name: string } } } }).pega.cti.API.name)).toBe('Acme');

    await logIn(page, 'agent7', 'secret');
    await makeReady(page);

    const callId = await ringAgent(page, '1001', CALLER);
    const call = callCard(page, `from ${CALLER}`);
    await expectText(call, 'Ringing');
    // The pop shows the call's data; the caller is unknown (no customer records with a vendor connector).
    await expectVisible(pop(page));
    await expectText(pop(page).getByRole('definition').filter({ hasText: 'A-42' }), 'A-42');

    // Accepting the pop starts an interaction: the notes it would keep are not available, said plainly.
    await pop(page).getByRole('button', { name: 'Accept' }).click();
    await expectText(page.getByRole('alert').filter({ hasText: 'not available' }), 'this desktop is connected through Acme, so they are not available');

    await call.getByRole('button', { name: 'Answer' }).click();
    await expectText(call, 'Connected');
    await call.getByRole('button', { name: 'Hold' }).click();
    await expectText(call, 'On hold');
    await call.getByRole('button', { name: 'Retrieve' }).click();
    await expectText(call, 'Connected');
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectHidden(callCard(page, `from ${CALLER}`).getByRole('button', { name: 'Hang up' }));
    expect(await page.evaluate(() => (window as unknown as { AcmeDemoPbx: { shared(): { callsOf(dn: string): unknown[] } } }).AcmeDemoPbx.shared().callsOf('1001'))).toEqual([]);


    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download log' }).click()]);
    const log = readFileSync((await download.path()) as string, 'utf8');
    expect(log).toMatch(/INFO Acme login agent7/);
    expect(log).toContain(`INFO Acme answerCall ${callId}`);
    expect(log).toContain(`INFO Acme hangUpCall ${callId}`);
    expect(log).toMatch(/WARN implementation "Acme" declares no frameworkApi/);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 90_000);

  it('a vendor name no script registered: the page says which names it found', async () => {
    t = await acmeDesktop('Nope');
    const { context, page } = await newPage(browser);
    await page.goto(`${t.url}/`);
    await expectText(page.getByRole('alert'), 'no implementation registered itself as pega.cti.desktopApi.Nope (found: Acme)');
    await context.close();
  }, 60_000);
});
