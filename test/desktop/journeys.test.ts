/**
 * The CSR desktop and the caller simulator in Debian's chromium against a real reference server:
 * a whole journey per telephony mode, customer matching, errors, reload and two tabs.
 */
import { describe, expect, it } from 'vitest';
import { admin, callFrom, interactionOf, screenshotPath } from './helpers/browser.js';
import { JOURNEY_MS, useDesktopBed } from './helpers/bed.js';
import { callCard, expectEnabled, expectHidden, expectText, expectVisible, logIn, makeReady, openDesktop, placeCall, pop, submitLogin, wrapUp } from './helpers/desktop.js';

const bed = useDesktopBed();

describe.sequential('CSR desktop in Chromium', () => {
  it(
    'full mode: pop, answer, hold, retrieve, consult a second agent, complete the transfer, wrap up',
    async () => {
      const desk = await bed.agent('agent1', { ready: true });
      const bruno = await bed.agent('agent2');

      const caller = await bed.simulator();
      await placeCall(caller, '+12025550101', '8000', 'reason=billing\norderId=A-1234');

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
      await caller.screenshot({ path: screenshotPath('simulator.png'), fullPage: true });

      // Consult Bruno, who answers, then complete the transfer.
      await call.getByLabel('Transfer or consult to').fill('5002');
      await call.getByRole('button', { name: 'Consult to transfer' }).click();
      const consult = callCard(bruno, 'from 5001');
      await expectText(consult, 'Ringing');
      await consult.getByRole('button', { name: 'Answer' }).click();
      await expectText(consult, 'Connected');
      await expectEnabled(desk.getByRole('button', { name: 'Complete transfer' }));
      await desk.screenshot({ path: screenshotPath('desktop-full.png'), fullPage: true });
      await desk.getByRole('button', { name: 'Complete transfer' }).click();

      await expectText(desk.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
      await expectText(callCard(bruno, '+12025550101'), 'Connected');
      await expectText(pop(desk), 'Call ended — wrap up');
      await wrapUp(desk, 'Billing question; transferred to Bruno.', 'Escalated');
      await expectHidden(pop(desk));

      const callId = await callFrom(bed.t, '+12025550101');
      const interaction = await interactionOf(bed.t, callId);
      expect(interaction).toMatchObject({
        notes: 'Billing question; transferred to Bruno.',
        disposition: 'ESCALATED',
        customerId: 'cust-1001',
        status: 'wrapped-up',
      });
    },
    JOURNEY_MS,
  );
  it(
    'agentState mode: agent state only, the pop starts the interaction, wrap-up saved',
    async () => {
      const page = await bed.agent('agent1', { mode: 'agentState' });
      await expectVisible(page.getByRole('heading', { name: 'Agent state' }));
      // After-call work and Not Ready with a reason from the context, then Ready.
      await page.getByLabel('Not Ready reason').selectOption({ label: 'Lunch' });
      await page.getByRole('button', { name: 'Not Ready', exact: true }).click();
      await expectText(page.getByRole('status').filter({ hasText: 'Current state' }), 'Not Ready (Lunch)');
      await page.getByRole('button', { name: 'After-call work' }).click();
      await expectText(page.getByRole('status').filter({ hasText: 'Current state' }), 'After-call work');
      await makeReady(page);

      const caller = await bed.simulator();
      await placeCall(caller, '+12025550102', '8000');
      await expectVisible(pop(page).getByRole('heading', { name: 'John Carter' }));
      const call = callCard(page, 'from +12025550102');
      await expectText(call, 'Ringing');
      // Call control stays on the phone in this mode.
      await expectHidden(page.getByRole('button', { name: 'Answer' }));
      await expectHidden(page.getByRole('button', { name: 'Hang up' }));
      await expectHidden(page.getByLabel('Number to call'));
      await page.screenshot({ path: screenshotPath('desktop-agentState.png'), fullPage: true });

      await wrapUp(page, 'Asked for a callback tomorrow.', 'Follow-up needed');
      await expectText(pop(page), 'Wrapped up');
      await caller.getByRole('button', { name: /^Hang up call .* as the caller$/ }).click();
      await expectHidden(pop(page));
      await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');

      const interactions = await admin<{ notes: string; disposition?: string; customerId?: string; ani: string }[]>(bed.t, 'GET', '/api/interactions?customerId=cust-1002');
      expect(interactions[0]).toMatchObject({ notes: 'Asked for a callback tomorrow.', disposition: 'FOLLOW_UP', customerId: 'cust-1002' });
    },
    JOURNEY_MS,
  );

  it(
    'simple mode: no agent state or call controls; the pop, notes and wrap-up',
    async () => {
      const page = await bed.agent('agent3', { mode: 'simple' });
      await expectHidden(page.getByRole('heading', { name: 'Agent state' }));
      await expectHidden(page.getByRole('button', { name: 'Ready', exact: true }));

      const caller = await bed.simulator();
      // Straight to the agent's extension: in this mode the agent's state is kept elsewhere.
      await placeCall(caller, '+442079460958', '5003', 'reason=delivery');
      await expectVisible(pop(page).getByRole('heading', { name: 'Yuki Tanaka' }));
      await expectText(callCard(page, 'from +442079460958'), 'Ringing');
      await expectHidden(page.getByRole('button', { name: 'Answer' }));
      await expectHidden(page.getByRole('button', { name: 'Hang up' }));
      await page.screenshot({ path: screenshotPath('desktop-simple.png'), fullPage: true });

      const callId = await callFrom(bed.t, '+442079460958');
      await wrapUp(page, 'Parcel delayed; new date given.', 'Resolved');
      await expectText(pop(page), 'Wrapped up');
      const interaction = await interactionOf(bed.t, callId);
      expect(interaction).toMatchObject({ notes: 'Parcel delayed; new date given.', disposition: 'RESOLVED', customerId: 'cust-1005', status: 'wrapped-up' });
    },
    JOURNEY_MS,
  );

  it(
    'unknown caller gets a search, a shared number gets the list to choose from',
    async () => {
      const page = await bed.agent('agent1', { mode: 'simple' });

      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550199', to: '5001' });
      await expectVisible(pop(page).getByRole('heading', { name: 'Unknown caller' }));
      await pop(page).getByRole('searchbox', { name: 'Search customers' }).fill('Priya');
      await pop(page).getByRole('button', { name: 'Search' }).click();
      await pop(page).getByRole('button', { name: 'Choose Priya Patel' }).click();
      await expectVisible(pop(page).getByRole('heading', { name: 'Priya Patel' }));
      const unknownCall = await callFrom(bed.t, '+12025550199');
      await wrapUp(page, 'Called from a new number.', 'Information only');
      await admin(bed.t, 'POST', `/api/calls/${unknownCall}/hangup`);
      await expectHidden(pop(page));
      expect(await interactionOf(bed.t, unknownCall)).toMatchObject({ customerId: 'cust-1006', notes: 'Called from a new number.' });

      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550123', to: '5001' });
      await expectVisible(pop(page).getByRole('heading', { name: '2 customers share this number' }));
      const list = pop(page).getByRole('list', { name: 'Customers matching the number' });
      await expectVisible(list.getByText('Maria Garcia'));
      await list.getByRole('button', { name: 'Choose Luis Garcia' }).click();
      await expectVisible(pop(page).getByRole('heading', { name: 'Luis Garcia' }));
      const sharedCall = await callFrom(bed.t, '+12025550123');
      await wrapUp(page, 'Luis, about the shared line.', 'Resolved');
      await expectText(pop(page), 'Wrapped up');
      expect(await interactionOf(bed.t, sharedCall)).toMatchObject({ customerId: 'cust-1004', disposition: 'RESOLVED' });
    },
    JOURNEY_MS,
  );

  it(
    'errors from the server are shown to the agent with the localized message',
    async () => {
      const page = await bed.page();
      await openDesktop(page, bed.t, 'full');
      await submitLogin(page, 'agent1', 'wrong-password');
      const alert = page.getByRole('alert').filter({ hasText: 'The agent id or password is wrong.' });
      await expectVisible(alert);
      await expectVisible(page.getByRole('button', { name: 'Log in' }));
      await alert.getByRole('button', { name: /^Dismiss error/ }).click();
      await expectHidden(page.getByText('The agent id or password is wrong.'));

      await logIn(page, 'agent1');
      await page.getByLabel('Number to call').fill('5999');
      await page.getByRole('button', { name: 'Call', exact: true }).click();
      await expectVisible(page.getByRole('alert').getByText('The destination is not valid.'));
    },
    JOURNEY_MS,
  );

  it(
    'a reload in the middle of a call comes back to the same state, notes included',
    async () => {
      const page = await bed.agent('agent1', { ready: true });
      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550101', to: '8000' });
      await pop(page).getByRole('button', { name: 'Accept' }).click();
      const call = callCard(page, 'from +12025550101');
      await call.getByRole('button', { name: 'Answer' }).click();
      await call.getByRole('button', { name: 'Hold' }).click();
      await expectText(call, 'On hold');
      await pop(page).getByLabel('Notes').fill('Started before the reload.');

      await page.reload();
      await expectText(page.getByText('Logged in as'), 'agent1');
      await expectHidden(page.getByRole('button', { name: 'Log in' }));
      await expectText(callCard(page, 'from +12025550101'), 'On hold');
      await expectEnabled(callCard(page, 'from +12025550101').getByRole('button', { name: 'Retrieve' }));
      await expectVisible(pop(page).getByRole('heading', { name: 'Jane Smith' }));
      await expect.poll(() => pop(page).getByLabel('Notes').inputValue(), { timeout: 15_000 }).toBe('Started before the reload.');
      await callCard(page, 'from +12025550101').getByRole('button', { name: 'Retrieve' }).click();
      await expectText(callCard(page, 'from +12025550101'), 'Connected');
    },
    JOURNEY_MS,
  );

  it(
    'two tabs of the same agent stay in step: state, calls, controls, logout',
    async () => {
      const first = await bed.agent('agent2');
      const second = await first.context().newPage();
      await openDesktop(second, bed.t, 'full');
      await expectText(second.getByText('Logged in as'), 'agent2');

      await makeReady(second);
      await expectText(first.getByRole('status').filter({ hasText: 'Current state' }), 'Ready');

      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550102', to: '8000' });
      for (const page of [first, second]) await expectText(callCard(page, 'from +12025550102'), 'Ringing');
      await callCard(first, 'from +12025550102').getByRole('button', { name: 'Answer' }).click();
      for (const page of [first, second]) {
        await expectText(callCard(page, 'from +12025550102'), 'Connected');
        await expectEnabled(callCard(page, 'from +12025550102').getByRole('button', { name: 'Hold' }));
      }
      await callCard(second, 'from +12025550102').getByRole('button', { name: 'Hang up' }).click();
      for (const page of [first, second]) await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');

      await second.getByRole('button', { name: 'Log out' }).click();
      for (const page of [first, second]) await expectVisible(page.getByRole('button', { name: 'Log in' }));
    },
    JOURNEY_MS,
  );

  it(
    'call treatment from the context: automatic answer pops and answers without a click',
    async () => {
      const page = await bed.page();
      await page.goto(`${bed.t.url}/?mode=full&answer=auto`);
      await logIn(page, 'agent1');
      await makeReady(page);
      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550101', to: '8000' });
      await expectVisible(pop(page).getByRole('heading', { name: 'Jane Smith' }));
      await expectText(callCard(page, 'from +12025550101'), 'Connected');
      await expectHidden(pop(page).getByRole('button', { name: 'Accept' }));
      await expectVisible(pop(page).getByLabel('Notes'));
    },
    JOURNEY_MS,
  );

  it(
    'reads at 360 px wide',
    async () => {
      const page = await bed.page(360, 780);
      await openDesktop(page, bed.t, 'full');
      await logIn(page, 'agent4');
      await makeReady(page);
      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550106', to: '8000', data: { reason: 'upgrade' } });
      await expectVisible(pop(page).getByRole('heading', { name: 'Priya Patel' }));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: screenshotPath('desktop-narrow.png'), fullPage: true });
    },
    JOURNEY_MS,
  );
});
