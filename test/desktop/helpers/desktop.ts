/** What a CSR and a caller do on the pages, written as the user sees them (roles and labels). */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestServer } from './browser.js';

const WAIT = { timeout: 15_000, interval: 50 };

/** Waits until the locator's text contains `text` (no fixed sleeps). */
export async function expectText(locator: Locator, text: string | RegExp): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : ''), WAIT)
    .toMatch(typeof text === 'string' ? new RegExp(escape(text)) : text);
}

export async function expectVisible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: WAIT.timeout });
}

export async function expectHidden(locator: Locator): Promise<void> {
  await expect.poll(() => locator.count(), WAIT).toBe(0);
}

export async function expectEnabled(locator: Locator, enabled = true): Promise<void> {
  await expect.poll(() => locator.first().isEnabled(), WAIT).toBe(enabled);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function openDesktop(page: Page, t: TestServer, mode?: string): Promise<void> {
  await page.goto(`${t.url}/${mode ? `?mode=${mode}` : ''}`);
  await expectVisible(page.getByRole('region', { name: 'Call control panel' }));
}

export async function submitLogin(page: Page, agentId: string, password: string): Promise<void> {
  await page.getByLabel('Agent ID').fill(agentId);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export async function logIn(page: Page, agentId: string, password = 'demo'): Promise<void> {
  await submitLogin(page, agentId, password);
  await expectText(page.getByText('Logged in as'), agentId);
}

export async function makeReady(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Ready', exact: true }).click();
  await expectText(page.getByRole('status').filter({ hasText: 'Current state' }), 'Ready');
}

export const callCard = (page: Page, text: string | RegExp): Locator => page.getByRole('article').filter({ hasText: text });
export const pop = (page: Page): Locator => page.getByRole('region', { name: /^Screen pop:/ });

/** Notes, disposition, then Wrap up. */
export async function wrapUp(page: Page, notes: string, disposition: string): Promise<void> {
  const form = pop(page).first();
  await form.getByLabel('Notes').fill(notes);
  await form.getByLabel('Disposition').selectOption(disposition);
  await form.getByRole('button', { name: 'Wrap up' }).click();
}

/** The simulator page, given the admin token as a person would paste it. */
export async function openSimulator(page: Page, t: TestServer): Promise<void> {
  await page.goto(`${t.url}/simulator`);
  await page.getByRole('textbox', { name: /Admin token/ }).fill(t.server.adminToken);
  await page.getByRole('button', { name: 'Use token' }).click();
  await expectText(page.getByRole('table', { name: 'Queues' }), 'sales');
}

export async function placeCall(page: Page, from: string, to: string, data = ''): Promise<void> {
  await page.getByLabel('Caller number (ANI)').fill(from);
  await page.getByLabel(/Dialled number/).fill(to);
  await page.getByLabel(/Call data/).fill(data);
  await page.getByRole('button', { name: 'Place call' }).click();
  await expectText(page.getByRole('table', { name: /Calls/ }), from);
}
