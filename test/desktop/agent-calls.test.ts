/**
 * Agent call features in Chromium against a real reference server: an agent rejects an offer
 * (the next Ready agent's desktop gets it), mutes and unmutes, and pauses the recording.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { admin, buildDesktop, launchChromium, newPage, startTestServer, type TestServer } from './helpers/browser.js';
import { callCard, expectHidden, expectText, expectVisible, logIn, makeReady, openDesktop } from './helpers/desktop.js';

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

describe.sequential('agent call features in Chromium', () => {
  it(
    'an agent rejects an offer and the next agent gets it; that agent mutes, unmutes and pauses the recording',
    async () => {
      const alice = await newPage(browser);
      const dev = await newPage(browser);
      // Alice is Ready first: the longest idle, she is offered the call first.
      await openDesktop(alice.page, t, 'full');
      await logIn(alice.page, 'agent1');
      await makeReady(alice.page);
      await openDesktop(dev.page, t, 'full');
      await logIn(dev.page, 'agent4');
      await makeReady(dev.page);

      await admin(t, 'POST', '/api/calls', { from: '+12025550102', to: '8000' });
      const offered = callCard(alice.page, 'from +12025550102');
      await expectText(offered, 'Ringing');
      await offered.getByRole('button', { name: 'Reject' }).click();
      await expectText(alice.page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
      await expectText(alice.page.getByRole('status').filter({ hasText: 'Current state' }), /Not Ready.*REJECTED/);

      const call = callCard(dev.page, 'from +12025550102');
      await expectText(call, 'Ringing');
      await call.getByRole('button', { name: 'Answer' }).click();
      await expectText(call, 'Connected');

      await call.getByRole('button', { name: 'Mute' }).click();
      await expectText(call, 'Muted');
      await expectVisible(call.getByRole('button', { name: 'Unmute', pressed: true }));
      await call.getByRole('button', { name: 'Unmute' }).click();
      await expectVisible(call.getByRole('button', { name: 'Mute', pressed: false }));
      await expectHidden(call.getByText('Muted', { exact: true }));

      await call.getByRole('button', { name: 'Record' }).click();
      await expectVisible(call.getByText('Recording', { exact: true }));
      await call.getByRole('button', { name: 'Pause recording' }).click();
      await expectVisible(call.getByText('Recording paused', { exact: true }));
      await call.getByRole('button', { name: 'Resume recording' }).click();
      await expectVisible(call.getByRole('button', { name: 'Pause recording' }));

      await call.getByRole('button', { name: 'Hang up' }).click();
      await expectText(dev.page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
      for (const c of [alice, dev]) await c.context.close();
    },
    JOURNEY_MS,
  );
});
