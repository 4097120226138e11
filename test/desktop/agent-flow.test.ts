/**
 * Agent flow in Chromium against a real server: a transfer through the directory, a required
 * disposition and the end of after-call work, the Not Ready asked during a call, and a phone that
 * cannot conference showing the button disabled with its reason.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin, buildDesktop, callFrom, interactionOf, launchChromium, newPage, startTestServer, type TestServer } from './helpers/browser.js';
import { callCard, expectEnabled, expectHidden, expectText, expectVisible, logIn, makeReady, openDesktop, openSimulator, placeCall, pop } from './helpers/desktop.js';

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

const agentState = (page: Page) => page.getByRole('status').filter({ hasText: 'Current state' });

describe.sequential('agent flow in Chromium', () => {
  it(
    'transfers through the directory, is refused a wrap-up without the required disposition, then wraps up and leaves after-call work',
    async () => {
      await admin(t, 'POST', '/api/directory/numbers', { label: 'Billing back office', number: '+15557770000' });
      const alice = await newPage(browser);
      const bruno = await newPage(browser);
      const caller = await newPage(browser);
      const desk = alice.page;
      await openDesktop(desk, t, 'full');
      await logIn(desk, 'agent1');
      await makeReady(desk);
      await openDesktop(bruno.page, t, 'full');
      await logIn(bruno.page, 'agent2');
      await makeReady(bruno.page);

      await openSimulator(caller.page, t);
      await placeCall(caller.page, '+12025550101', '8000');
      await pop(desk).getByRole('button', { name: 'Accept' }).click();
      const call = callCard(desk, 'from +12025550101');
      await call.getByRole('button', { name: 'Answer' }).click();
      await expectText(call, 'Connected');

      // The directory finds saved numbers and colleagues with their live state.
      const field = call.getByLabel('Transfer or consult to');
      await field.fill('billing');
      await expectVisible(call.getByRole('button', { name: /Billing back office · saved number · \+15557770000/ }));
      await field.fill('bruno');
      const bruno2 = call.getByRole('button', { name: /Bruno Keller · agent · Ready · 5002/ });
      await expectVisible(bruno2);
      await bruno2.click();
      await expect.poll(() => field.inputValue()).toBe('5002');
      await call.getByRole('button', { name: 'Blind transfer' }).click();
      await expectText(callCard(bruno.page, '+12025550101'), 'Ringing');
      await callCard(bruno.page, '+12025550101').getByRole('button', { name: 'Answer' }).click();
      await expectText(callCard(bruno.page, '+12025550101'), 'Connected');

      // Alice is in after-call work until she wraps up; the disposition is required.
      await expectText(pop(desk), 'Call ended — wrap up');
      await expectText(agentState(desk), 'After-call work');
      const form = pop(desk).first();
      await form.getByLabel('Notes').fill('Sent to Bruno for the refund.');
      await expectVisible(form.getByText(/Wrap-up time left: \d+:\d\d/));
      await form.getByRole('button', { name: 'Wrap up' }).click();
      await expectVisible(desk.getByText('Cannot wrap up: disposition required: choose one of Resolved, Follow-up needed', { exact: false }));
      await expectText(agentState(desk), 'After-call work');
      await form.getByLabel('Disposition (required)').selectOption({ label: 'Escalated' });
      await form.getByRole('button', { name: 'Wrap up' }).click();
      await expectHidden(pop(desk));
      await expectText(agentState(desk), /Current state: Ready/);

      const interaction = await interactionOf(t, await callFrom(t, '+12025550101'));
      expect(interaction).toMatchObject({ notes: 'Sent to Bruno for the refund.', disposition: 'ESCALATED', status: 'wrapped-up' });
      for (const c of [alice, bruno, caller]) await c.context.close();
    },
    JOURNEY_MS,
  );

  it(
    'shows Not Ready asked during a call as the next state, until the call ends',
    async () => {
      const alice = await newPage(browser);
      const caller = await newPage(browser);
      const desk = alice.page;
      await openDesktop(desk, t, 'full');
      await logIn(desk, 'agent1');
      await makeReady(desk);
      await openSimulator(caller.page, t);
      await placeCall(caller.page, '+12025550102', '8000');
      await pop(desk).getByRole('button', { name: 'Accept' }).click();
      const call = callCard(desk, 'from +12025550102');
      await call.getByRole('button', { name: 'Answer' }).click();
      await expectText(call, 'Connected');

      await desk.getByLabel('Not Ready reason').selectOption({ label: 'Break' });
      await desk.getByRole('button', { name: 'Not Ready', exact: true }).click();
      const next = desk.getByRole('status').filter({ hasText: 'Next state' });
      await expectText(next, 'Not Ready (Break) after this call');
      await expectText(agentState(desk), 'Busy');

      await call.getByRole('button', { name: 'Hang up' }).click();
      await expectText(agentState(desk), 'Not Ready (Break)');
      await expectHidden(next);
      for (const c of [alice, caller]) await c.context.close();
    },
    JOURNEY_MS,
  );

  it(
    'a phone that cannot conference shows the conference button disabled, with the reason',
    async () => {
      await t.server.commands.setPhoneLimits('5001', ['conferenceInitiate', 'conferenceComplete']);
      const alice = await newPage(browser);
      const caller = await newPage(browser);
      const desk = alice.page;
      await openDesktop(desk, t, 'full');
      await logIn(desk, 'agent1');
      await makeReady(desk);
      await openSimulator(caller.page, t);
      await placeCall(caller.page, '+12025550103', '8000');
      await pop(desk).getByRole('button', { name: 'Accept' }).click();
      const call = callCard(desk, 'from +12025550103');
      await call.getByRole('button', { name: 'Answer' }).click();
      await expectText(call, 'Connected');

      const conference = call.getByRole('button', { name: 'Consult to conference' });
      await expectEnabled(conference, false);
      await expect.poll(() => conference.getAttribute('title')).toMatch(/Consult to conference is not available on this call: your phone/);
      const describedBy = await conference.getAttribute('aria-describedby');
      expect(describedBy).toBeTruthy();
      await expectVisible(call.getByText('Consult to conference is not available on this call', { exact: false }));
      // What the phone can do stays available.
      await expectEnabled(call.getByRole('button', { name: 'Consult to transfer' }));
      await expectEnabled(call.getByRole('button', { name: 'Hold' }));
      for (const c of [alice, caller]) await c.context.close();
    },
    JOURNEY_MS,
  );
});
