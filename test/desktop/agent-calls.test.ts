/**
 * Agent call features in Chromium against a real reference server: an agent rejects an offer
 * (the next Ready agent's desktop gets it), mutes and unmutes, and pauses the recording.
 */
import { describe, it } from 'vitest';
import { admin } from './helpers/browser.js';
import { JOURNEY_MS, useDesktopBed } from './helpers/bed.js';
import { callCard, expectHidden, expectText, expectVisible } from './helpers/desktop.js';

const bed = useDesktopBed();

describe.sequential('agent call features in Chromium', () => {
  it(
    'an agent rejects an offer and the next agent gets it; that agent mutes, unmutes and pauses the recording',
    async () => {
      // Alice is Ready first: the longest idle, she is offered the call first.
      const alice = await bed.agent('agent1', { ready: true });
      const dev = await bed.agent('agent4', { ready: true });

      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550102', to: '8000' });
      const offered = callCard(alice, 'from +12025550102');
      await expectText(offered, 'Ringing');
      await offered.getByRole('button', { name: 'Reject' }).click();
      await expectText(alice.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
      await expectText(alice.getByRole('status').filter({ hasText: 'Current state' }), /Not Ready.*REJECTED/);

      const call = callCard(dev, 'from +12025550102');
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
      await expectText(dev.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
    },
    JOURNEY_MS,
  );
});
