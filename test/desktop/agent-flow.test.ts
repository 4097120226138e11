/**
 * Agent flow in Chromium against a real server: a transfer through the directory, a required
 * disposition and the end of after-call work, the Not Ready asked during a call, and a phone that
 * cannot conference showing the button disabled with its reason.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { admin, callFrom, interactionOf } from './helpers/browser.js';
import { JOURNEY_MS, useDesktopBed } from './helpers/bed.js';
import { callCard, expectEnabled, expectHidden, expectText, expectVisible, placeCall, pop } from './helpers/desktop.js';

const bed = useDesktopBed();

const agentState = (page: Page) => page.getByRole('status').filter({ hasText: 'Current state' });

describe.sequential('agent flow in Chromium', () => {
  it(
    'transfers through the directory, is refused a wrap-up without the required disposition, then wraps up and leaves after-call work',
    async () => {
      await admin(bed.t, 'POST', '/api/directory/numbers', { label: 'Billing back office', number: '+15557770000' });
      const desk = await bed.agent('agent1', { ready: true });
      const bruno = await bed.agent('agent2', { ready: true });
      const caller = await bed.simulator();

      await placeCall(caller, '+12025550101', '8000');
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
      await expectText(callCard(bruno, '+12025550101'), 'Ringing');
      await callCard(bruno, '+12025550101').getByRole('button', { name: 'Answer' }).click();
      await expectText(callCard(bruno, '+12025550101'), 'Connected');

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

      const interaction = await interactionOf(bed.t, await callFrom(bed.t, '+12025550101'));
      expect(interaction).toMatchObject({ notes: 'Sent to Bruno for the refund.', disposition: 'ESCALATED', status: 'wrapped-up' });
    },
    JOURNEY_MS,
  );

  it(
    'shows Not Ready asked during a call as the next state, until the call ends',
    async () => {
      const desk = await bed.agent('agent1', { ready: true });
      const caller = await bed.simulator();
      await placeCall(caller, '+12025550102', '8000');
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
    },
    JOURNEY_MS,
  );

  it(
    'a phone that cannot conference shows the conference button disabled, with the reason',
    async () => {
      await bed.t.server.commands.setPhoneLimits('5001', ['conferenceInitiate', 'conferenceComplete']);
      const desk = await bed.agent('agent1', { ready: true });
      const caller = await bed.simulator();
      await placeCall(caller, '+12025550103', '8000');
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
    },
    JOURNEY_MS,
  );
});
