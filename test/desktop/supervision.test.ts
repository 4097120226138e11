/**
 * Monitor then barge-in from the supervisor page in Chromium against a real server: while the
 * supervisor monitors, the agent's desktop shows no extra party; once they barge in, it lists the
 * supervisor as a party; when they leave, the call is the agent's and the caller's again.
 */
import { describe, expect, it } from 'vitest';
import { admin, screenshotPath } from './helpers/browser.js';
import { JOURNEY_MS, useDesktopBed } from './helpers/bed.js';
import { callCard, expectHidden, expectText, expectVisible, makeReady } from './helpers/desktop.js';

const bed = useDesktopBed();

describe('supervising a call in Chromium', () => {
  it(
    'monitors a call then barges in',
    async () => {
      await admin(bed.t, 'PATCH', '/api/agents/agent3', { role: 'supervisor' });
      const agent = await bed.agent('agent1');
      const sup = await bed.supervisor('agent3');
      const panel = sup.getByRole('region', { name: 'Supervise calls' });
      const supervised = panel.getByRole('status', { name: 'Supervised call' });
      await expectText(panel, 'No agent is on a call.');
      await expectText(supervised, 'Not supervising a call.');

      await makeReady(agent);
      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550101', to: '8000' });
      const card = callCard(agent, 'from +12025550101');
      await card.getByRole('button', { name: 'Answer' }).click();
      await expectText(card, 'Connected');

      // Monitor: the supervisor hears the call; the agent's desktop shows no one else.
      await panel.getByRole('button', { name: 'Monitor agent1' }).click();
      await expectText(supervised, 'Monitoring 5001 on the call from +12025550101: Established · parties: +12025550101, 5001, 5003 (monitor)');
      await expectHidden(card.getByRole('heading', { name: 'Parties' }));
      expect(await card.textContent()).not.toContain('5003');

      // Whisper is heard by the agent only: on the page, the supervisor's mode changes.
      await panel.getByRole('button', { name: 'Whisper agent1' }).click();
      await expectText(supervised, /^Whispering to 5001 .* 5003 \(whisper\)$/);

      // Barge: a full party of the call, on the agent's desktop too.
      await panel.getByRole('button', { name: 'Barge agent1' }).click();
      await expectText(supervised, 'Barged in on 5001 on the call from +12025550101: Established · parties: +12025550101, 5001, 5003 (barge)');
      const parties = card.locator('.parties');
      await expectVisible(parties.getByRole('heading', { name: 'Parties' }));
      await expectText(parties, '5003');
      await expectVisible(card.getByRole('button', { name: 'Drop party 5003' }));
      await sup.screenshot({ path: screenshotPath('supervisor-barge.png'), fullPage: true });

      // Leave: the agent and the caller talk on alone.
      await panel.getByRole('button', { name: 'Leave agent1' }).click();
      await expectText(supervised, /: Ended · parties:/);
      await expectHidden(card.getByRole('heading', { name: 'Parties' }));
      await expectText(card, 'Connected');

      // Leaving twice is refused with the reason.
      await panel.getByRole('button', { name: 'Leave agent1' }).click();
      await expectText(sup.getByRole('alert'), '"agent3" is not supervising a call of agent "agent1" (OPENCTI_CF_INVALID_OBJECT_STATE)');
    },
    JOURNEY_MS,
  );
});
