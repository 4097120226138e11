/**
 * The embedded variant in Chromium: the server configured with examples/pega-embedded, the desktop
 * gives the vendor's panel its area and loads it with the link; opening and closing the panel
 * calls expandCCP/collapseCCP; the panel's showUIPanel opens it, enableClickToCall switches
 * click-to-call, applyCallTreatment shows the screen pop; calls are answered in the vendor's panel
 * and from the pop; leaving the page unloads the panel.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDesktop, launchChromium, newPage, ROOT, startTestServer, type TestServer } from '../desktop/helpers/browser.js';
import { expectEnabled, expectText, expectVisible, pop } from '../desktop/helpers/desktop.js';

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

interface PagePbx {
  shared(): {
    ringAgent(to: string, options: object): string;
    farEndAnswers(callId: string): void;
    callsOf(dn: string): { id: string; myState?: string; other: string }[];
    agentStatus(agentId: string): unknown;
  };
}

/** The outside world, played on the page's demo PBX. */
const ringAgent = (page: Page, from: string) =>
  page.evaluate((caller) => (window as unknown as { AcmeDemoPbx: PagePbx }).AcmeDemoPbx.shared().ringAgent('1001', { from: caller, dnis: '8000', data: { account: 'A-42' } }), from);
const callsOf = (page: Page) => page.evaluate(() => (window as unknown as { AcmeDemoPbx: PagePbx }).AcmeDemoPbx.shared().callsOf('1001'));
const log = (page: Page) => page.evaluate(() => (window as unknown as { pega: { cti: { Logger: { text(): string } } } }).pega.cti.Logger.text());

describe.sequential('the desktop hosting an embedded vendor panel', () => {
  it('loads the panel into its area, expands and collapses it, pops treated calls, answers in the panel and from the pop', async () => {
    t = await startTestServer({
      desktop: {
        implementation: {
          vendor: 'Acme',
          variant: 'embedded',
          scripts: [join(ROOT, 'examples', 'pega-connector', 'demo-pbx.js'), join(ROOT, 'examples', 'pega-embedded', 'panel.js')],
        },
        ctiLink: { name: 'acme-embedded' },
      },
    });
    const { context, page } = await newPage(browser);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.url}/`);

    // load(link, success, failure) rendered the vendor's panel into the area, closed for now.
    const toggle = page.getByRole('button', { name: /phone panel$/ });
    await expectText(toggle, 'Open phone panel');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    const area = page.getByRole('region', { name: 'Phone panel' });
    // The vendor renders into a light-DOM element slotted into the area.
    const panel = page.locator('#pega-cti-embedded-panel');
    expect(await area.isVisible()).toBe(false);
    expect(await panel.isVisible()).toBe(false);
    await expect.poll(() => log(page)).toMatch(/INFO Acme panel load acme-embedded into #pega-cti-embedded-panel/);
    expect(await page.getByRole('button', { name: 'Call', exact: true }).isDisabled()).toBe(true);

    // Opening and closing the panel: expandCCP / collapseCCP.
    await toggle.click();
    await expectVisible(panel.getByRole('heading', { name: 'Acme phone' }));
    await expectText(panel.getByText(/^Panel (expanded|collapsed)$/), 'Panel expanded');
    await toggle.click();
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(await area.isVisible()).toBe(false);
    await expect.poll(() => log(page)).toMatch(/expandCCP[\s\S]*INFO Acme panel collapseCCP/);
    await toggle.click();

    // The agent signs in in the vendor's panel; the panel switches click-to-call on.
    await panel.getByLabel('Acme agent ID').fill('agent7');
    await panel.getByLabel('Acme password').fill('secret');
    await panel.getByRole('button', { name: 'Sign in to Acme' }).click();
    await expectText(panel, 'Signed in as agent7 on 1001');
    await expectEnabled(page.getByRole('button', { name: 'Call', exact: true }));
    await panel.getByRole('button', { name: 'Go available' }).click();
    await expectText(panel, 'available');
    await toggle.click();
    await expect.poll(() => panel.isVisible()).toBe(false);

    // A call rings: the panel opens itself (showUIPanel) and its treatment pops the caller.
    const first = await ringAgent(page, CALLER);
    await expectText(toggle, 'Close phone panel');
    await expectText(panel.getByText(/^Panel (expanded|collapsed)$/), 'Panel expanded');
    await expectVisible(pop(page).getByRole('heading', { name: CALLER }));
    await expectText(pop(page).getByRole('definition').filter({ hasText: 'A-42' }), 'A-42');
    // The pop's data went back to the panel as the transfer context.
    await expectText(panel.getByText(/^Transfer context:/), `pyCallId=${first}, pyANI=${CALLER}, account=A-42`);

    // Answered in the vendor's panel.
    await panel.getByRole('button', { name: 'Accept call' }).click();
    await expectText(panel.getByRole('list', { name: 'Acme calls' }), `Call from ${CALLER} — connected`);
    expect((await callsOf(page)).map((c) => [c.id, c.myState])).toEqual([[first, 'connected']]);
    await panel.getByRole('button', { name: 'End call' }).click();
    await expect.poll(() => callsOf(page)).toEqual([]);
    await pop(page).getByRole('button', { name: 'Dismiss' }).click();

    // A second call, answered from the desktop's pop (answerCall).
    const second = await ringAgent(page, '+15559876');
    const secondPop = page.getByRole('region', { name: 'Screen pop: +15559876' });
    await secondPop.getByRole('button', { name: 'Answer' }).click();
    await expectText(panel.getByRole('list', { name: 'Acme calls' }), 'Call from +15559876 — connected');
    expect((await callsOf(page)).map((c) => [c.id, c.myState])).toEqual([[second, 'connected']]);
    await panel.getByRole('button', { name: 'End call' }).click();
    await expect.poll(() => callsOf(page)).toEqual([]);

    // Click-to-call: the desktop asks the panel to dial.
    await page.getByLabel('Number to call').fill('5557777');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await expectText(panel.getByRole('list', { name: 'Acme calls' }), 'Call to 5557777 — dialling');
    await panel.getByRole('button', { name: 'End call' }).click();
    await expect.poll(() => callsOf(page)).toEqual([]);

    // The page lets go of the desktop: the panel is unloaded and its agent signed out.
    await page.evaluate(() => document.querySelector('opencti-desktop')?.remove());
    await expect.poll(() => log(page)).toMatch(/INFO Acme panel unload/);
    expect(await page.evaluate(() => (window as unknown as { AcmeDemoPbx: PagePbx }).AcmeDemoPbx.shared().agentStatus('agent7'))).toBeUndefined();
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('the treatment handler refuses a call without an id, naming pyCallId', async () => {
    t = await startTestServer({
      desktop: {
        implementation: {
          vendor: 'Acme',
          variant: 'embedded',
          scripts: [join(ROOT, 'examples', 'pega-connector', 'demo-pbx.js'), join(ROOT, 'examples', 'pega-embedded', 'panel.js')],
        },
      },
    });
    const { context, page } = await newPage(browser);
    await page.goto(`${t.url}/`);
    await expectText(page.getByRole('button', { name: /phone panel$/ }), 'Open phone panel');
    const refusal = await page.evaluate(() => {
      try {
        (window as unknown as { pega: { cti: { embeddedEventHandler: { applyCallTreatment(json: unknown): void } } } }).pega.cti.embeddedEventHandler.applyCallTreatment('{"pyANI":"+1555"}');
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(refusal).toBe('pega.cti.embeddedEventHandler.applyCallTreatment: pyCallId is required (the call id, a non-empty string)');
    await context.close();
  }, 60_000);
});
