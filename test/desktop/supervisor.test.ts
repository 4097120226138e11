/**
 * The supervisor page in Chromium against a real server: a supervisor watches the wallboard change
 * while calls arrive and an agent takes one, forces the agent Not Ready (the agent's desktop shows
 * the reason), then logs them out (the desktop says why).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { admin, screenshotPath } from './helpers/browser.js';
import { JOURNEY_MS, useDesktopBed } from './helpers/bed.js';
import { callCard, expectText, expectVisible, makeReady } from './helpers/desktop.js';

const bed = useDesktopBed();

const queueRow = (page: Page, name: string) => page.getByRole('table', { name: 'Queues' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
const agentRow = (page: Page, agentId: string) => page.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: agentId, exact: true }) });
/** The cells of a row, as text, to compare with what the supervisor reads. */
const cells = async (page: Page, row: ReturnType<typeof queueRow>) => (await row.getByRole('cell').allTextContents()).map((c) => c.trim()).join(' | ');

async function expectCells(page: Page, row: ReturnType<typeof queueRow>, pattern: RegExp): Promise<void> {
  await expect.poll(() => cells(page, row), { timeout: 15_000, interval: 50 }).toMatch(pattern);
}

describe('supervisor page in Chromium', () => {
  it(
    'wallboard follows the calls; force Not Ready and log out reach the agent desktop with the reason',
    async () => {
      await admin(bed.t, 'PATCH', '/api/agents/agent3', { role: 'supervisor' });
      const agent = await bed.agent('agent1');
      const sup = await bed.supervisor('agent3');
      // Columns: waiting, longest wait, offered, answered, abandoned, service level, ASA, AHT, abandon rate.
      await expectCells(sup, queueRow(sup, 'sales'), /^0 \| – \| 0 \| 0 \| 0 \| – \| – \| – \| –$/);
      await expectCells(sup, agentRow(sup, 'agent1'), /^5001 \| Not Ready \| /);

      // Two callers while nobody is Ready: both wait.
      await admin(bed.t, 'POST', '/api/calls', { from: '+12025550101', to: '8000' });
      const second = await admin<{ callId: string }>(bed.t, 'POST', '/api/calls', { from: '+12025550102', to: '8000' });
      await expectCells(sup, queueRow(sup, 'sales'), /^2 \| 00:\d\d \| 2 \| 0 \| 0 \| – \| – \| – \| 0 %$/);

      // The agent takes the first; the second caller gives up.
      await makeReady(agent);
      const card = callCard(agent, 'from +12025550101');
      await card.getByRole('button', { name: 'Answer' }).click();
      await expectText(card, 'Connected');
      await admin(bed.t, 'POST', `/api/calls/${second.callId}/hangup`);
      await expectCells(sup, queueRow(sup, 'sales'), /^0 \| – \| 2 \| 1 \| 1 \| 50 % \| 00:\d\d \| – \| 50 %$/);
      await expectCells(sup, agentRow(sup, 'agent1'), /^5001 \| Busy \(on a call\) \| 00:\d\d \| 1 \| – \| \d+ %$/);

      await card.getByRole('button', { name: 'Hang up' }).click();
      await expectCells(sup, queueRow(sup, 'sales'), /^0 \| – \| 2 \| 1 \| 1 \| 50 % \| 00:\d\d \| 00:\d\d \| 50 %$/);
      await expectCells(sup, agentRow(sup, 'agent1'), /^5001 \| After-call work \| /);

      // Forced Not Ready: the agent's desktop shows the state with the supervisor's reason.
      const force = sup.getByRole('form', { name: 'Force an agent' });
      await force.getByLabel('Agent').selectOption('agent1');
      await force.getByLabel('Reason').fill('Team meeting');
      await force.getByRole('button', { name: 'Force Not Ready' }).click();
      await expectText(sup.getByRole('status').filter({ hasText: 'agent1' }), 'agent1 is Not Ready (Team meeting)');
      await expectText(agent.getByRole('status').filter({ hasText: 'Current state' }), 'Not Ready (Team meeting)');
      await expectCells(sup, agentRow(sup, 'agent1'), /^5001 \| Not Ready \(Team meeting\) \| /);
      await sup.screenshot({ path: screenshotPath('supervisor-wallboard.png'), fullPage: true });

      // Forced log out: the desktop is back at the login form and says why.
      await force.getByLabel('Agent').selectOption('agent1');
      await force.getByLabel('Reason').fill('End of shift');
      await force.getByRole('button', { name: 'Force log out' }).click();
      await expectVisible(agent.getByLabel('Agent ID'));
      await expectText(agent.getByText('You were logged out'), 'You were logged out: End of shift');
      await expectCells(sup, agentRow(sup, 'agent1'), /^– \| Logged out \| /);
    },
    JOURNEY_MS,
  );
});
