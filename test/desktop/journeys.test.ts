/**
 * The CSR desktop and the caller simulator in Debian's chromium against a real reference server:
 * a whole journey per telephony mode, customer matching, errors, reload and two tabs.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDesktop, callFrom, interactionOf, launchChromium, newPage, screenshotPath, startTestServer, type TestServer } from './helpers/browser.js';
import {
  callCard,
  expectEnabled,
  expectHidden,
  expectText,
  expectVisible,
  logIn,
  makeReady,
  openDesktop,
  openSimulator,
  placeCall,
  pop,
  wrapUp,
} from './helpers/desktop.js';

const JOURNEY_MS = 120_000;
let browser: Browser;
let t: TestServer;

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
  await t?.close();
});

describe.sequential('CSR desktop in Chromium', () => {
  it(
    'full mode: pop, answer, hold, retrieve, consult a second agent, complete the transfer, wrap up',
    async () => {
      const alice = await newPage(browser);
      const bruno = await newPage(browser);
      const caller = await newPage(browser);
      const desk = alice.page;

      await openDesktop(desk, t, 'full');
      await logIn(desk, 'agent1');
      await makeReady(desk);
      await openDesktop(bruno.page, t, 'full');
      await logIn(bruno.page, 'agent2');

      await openSimulator(caller.page, t);
      await placeCall(caller.page, '+12025550101', '8000', 'reason=billing\norderId=A-1234');

      // The pop shows the right customer and waits to be accepted.
      await expectVisible(pop(desk).getByRole('heading', { name: 'Jane Smith' }));
      await expectText(pop(desk).getByRole('definition').filter({ hasText: 'billing' }), 'billing');
      await pop(desk).getByRole('button', { name: 'Accept' }).click();
      await expectVisible(pop(desk).getByLabel('Notes'));

      const call = callCard(desk, 'from +12025550101');
      await expectText(call, 'Ringing');
      await call.getByRole('button', { name: 'Answer' }).click();
      await expectText(call, 'Connected');
      await call.getByRole('button', { name: 'Hold' }).click();
      await expectText(call, 'On hold');
      await call.getByRole('button', { name: 'Retrieve' }).click();
      await expectText(call, 'Connected');
      await call.getByRole('button', { name: 'Keypad' }).click();
      await call.getByRole('button', { name: 'Send tone 7' }).click();
      await expectText(call.getByRole('status').or(call.locator('output')), '7');
      await caller.page.screenshot({ path: screenshotPath('simulator.png'), fullPage: true });

      // Consult Bruno, who answers, then complete the transfer.
      await call.getByLabel('Transfer or consult to').fill('5002');
      await call.getByRole('button', { name: 'Consult to transfer' }).click();
      const consult = callCard(bruno.page, 'from 5001');
      await expectText(consult, 'Ringing');
      await consult.getByRole('button', { name: 'Answer' }).click();
      await expectText(consult, 'Connected');
      await expectEnabled(desk.getByRole('button', { name: 'Complete transfer' }));
      await desk.screenshot({ path: screenshotPath('desktop-full.png'), fullPage: true });
      await desk.getByRole('button', { name: 'Complete transfer' }).click();

      await expectText(desk.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
      await expectText(callCard(bruno.page, '+12025550101'), 'Connected');
      await expectText(pop(desk), 'Call ended — wrap up');
      await wrapUp(desk, 'Billing question; transferred to Bruno.', 'Escalated');
      await expectHidden(pop(desk));

      const callId = await callFrom(t, '+12025550101');
      const interaction = await interactionOf(t, callId);
      expect(interaction).toMatchObject({
        notes: 'Billing question; transferred to Bruno.',
        disposition: 'Escalated',
        customerId: 'cust-1001',
        status: 'wrapped-up',
      });
      for (const c of [alice, bruno, caller]) await c.context.close();
    },
    JOURNEY_MS,
  );
});
