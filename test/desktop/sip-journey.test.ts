/**
 * One browser journey on the SIP back end: a real phone calls the sales queue through Kamailio,
 * the CSR desktop in Chromium pops the customer, answers on the agent's real phone, holds,
 * retrieves and hangs up from the desktop, then wraps up; the interaction is read back.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alive, startSipStack, type SipStack } from '../server/sip/sip-stack.js';
import { buildDesktop, callFrom, interactionOf, launchChromium, newPage, type TestServer } from './helpers/browser.js';
import { callCard, expectHidden, expectText, expectVisible, logIn, makeReady, openDesktop, pop, wrapUp } from './helpers/desktop.js';

const CALLER = '+12025550101'; // Jane Smith in the seeded customers
let browser: Browser;
let stack: SipStack;
let t: TestServer;

beforeAll(async () => {
  buildDesktop();
  stack = await startSipStack({ agents: [{ agentId: 'agent1', extension: '5001' }], others: [{ user: CALLER, kind: 'baresip' }] });
  t = { server: stack.server, url: stack.server.url, close: async () => undefined };
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  expect(stack.pids.filter(alive)).toEqual([]);
});

it('a real SIP call pops the customer, is answered, held, retrieved and hung up from the desktop, and wrapped up', async () => {
  const { context, page } = await newPage(browser);
  await openDesktop(page, t, 'full');
  await logIn(page, 'agent1');
  await makeReady(page);

  const caller = stack.bed.baresip(CALLER).control;
  const sipId = await caller.dial('sip:8000@127.0.0.1');

  await expectVisible(pop(page).getByRole('heading', { name: 'Jane Smith' }));
  await pop(page).getByRole('button', { name: 'Accept' }).click();
  const call = callCard(page, `from ${CALLER}`);
  await expectText(call, 'Ringing');
  await call.getByRole('button', { name: 'Answer' }).click();
  await expectText(call, 'Connected');
  await caller.waitForCallEvent('CALL_ESTABLISHED', sipId); // the caller's phone is really talking

  await call.getByRole('button', { name: 'Hold' }).click();
  await expectText(call, 'On hold');
  await call.getByRole('button', { name: 'Retrieve' }).click();
  await expectText(call, 'Connected');

  const callId = await callFrom(t, CALLER);
  await call.getByRole('button', { name: 'Hang up' }).click();
  await caller.waitForCallEvent('CALL_CLOSED', sipId);
  await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
  await wrapUp(page, 'Called over real SIP; resolved.', 'Resolved');
  await expectHidden(pop(page));

  expect(await interactionOf(t, callId)).toMatchObject({
    notes: 'Called over real SIP; resolved.',
    disposition: 'RESOLVED',
    customerId: 'cust-1001',
    status: 'wrapped-up',
  });
  await context.close();
}, 120_000);
