/**
 * Consult transfer from the browser phone with Replaces (`consultTransfer: "replaces"`, the
 * default), against phones that honour it: a linphone customer calls the sales queue, the agent
 * answers in Chromium, consults a linphone far end and completes the transfer. Kamailio's events
 * (a second evapi connection) show the page's REFER with Replaces, the customer's INVITE replacing
 * the consult dialog answered by the far end, and the consult dialog ended; the customer talks to
 * the far end.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KamailioEvapi } from '../../src/server/sip/kamailio-evapi.js';
import { BROWSER_PHONE_CHROMIUM_ARGS, bedPids, chromiumInNamespace, sipConfigFor, startTestbed, type Testbed } from '../../src/server/sip/testbed/index.js';
import { alive } from '../server/sip/sip-stack.js';
import { CHROMIUM_ARGS, buildDesktop, newPage, startTestServer, type TestServer } from './helpers/browser.js';
import { callCard, expectText, logIn, makeReady, openDesktop } from './helpers/desktop.js';

const CUSTOMER = '+12025550101';
const TARGET = '+15557770002';
let bed: Testbed;
let t: TestServer;
let browser: Browser;
let evapi: KamailioEvapi;

beforeAll(async () => {
  buildDesktop();
  bed = await startTestbed({ phones: [
      { user: CUSTOMER, kind: 'linphone' },
      { user: TARGET, kind: 'linphone' },
    ], queueNumbers: ['8000', '8001'], webrtc: true });
  const netns = bed.netns!;
  t = await startTestServer({ backend: 'sip', sip: sipConfigFor(bed, [{ agentId: 'agent1', extension: '5001', webrtc: true }], { consultTransfer: 'replaces' }) });
  await t.server.sip?.connected(10_000);
  evapi = await KamailioEvapi.connect({ port: bed.kamailio.evapiPort });
  await netns.exposeInside([t.server.port]);
  browser = await chromium.launch({
    executablePath: chromiumInNamespace(bed),
    args: [...CHROMIUM_ARGS, ...BROWSER_PHONE_CHROMIUM_ARGS],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await evapi?.close();
  await t?.close();
  const pids = bed ? bedPids(bed) : [];
  await bed?.stop();
  expect(pids.filter(alive)).toEqual([]);
});

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

it('the browser phone consults a far end and completes the transfer with REFER + Replaces: the customer talks to the far end', async () => {
  const { context, page } = await newPage(browser);
  await openDesktop(page, t, 'full');
  await logIn(page, 'agent1');
  await expectText(page.getByRole('region', { name: 'Phone' }).or(page.locator('opencti-phone-panel section')), 'Phone ready in this tab');
  await makeReady(page);

  const customer = bed.linphone(CUSTOMER).control;
  const target = bed.linphone(TARGET).control;
  const mark = evapi.log.mark();
  const customerCall = await customer.call('sip:8000@127.0.0.1');
  const queued = await evapi.log.waitFor((e) => e.ev === 'queued' && String(e.from).includes(`sip:${CUSTOMER}@`), 'the customer call queued', 10_000, mark);
  const call = callCard(page, `from ${CUSTOMER}`);
  await call.getByRole('button', { name: 'Answer' }).click();
  await expectText(call, 'Connected');
  await customer.waitForCallState('LinphoneCallStreamsRunning', customerCall, 10_000);

  // consult: the page holds the customer and calls the far end, answered there
  const targetMark = target.log.mark();
  await call.getByLabel('Transfer or consult to').fill(TARGET);
  await call.getByRole('button', { name: 'Consult to transfer' }).click();
  const incoming = await target.log.waitFor((e) => e.event === 'LinphoneCallIncomingReceived', 'the consult call at the far end', 10_000, targetMark);
  await target.answer(incoming.callId);
  await expectText(callCard(page, TARGET), 'Connected');
  const consultInvite = await evapi.log.waitFor((e) => e.ev === 'invite' && String(e.from).includes('sip:5001@') && String(e.to).includes(`sip:${TARGET}@`), 'the consult INVITE', 5000, mark);
  const consultDialog = String(consultInvite.callid);

  const customerMark = customer.log.mark();
  await page.getByRole('region', { name: 'Consultation' }).getByRole('button', { name: 'Complete transfer' }).click();

  // the page's REFER in the customer's dialog names the far end with Replaces for the consult dialog
  const refer = await evapi.log.waitFor((e) => e.ev === 'refer' && e.callid === queued.callid, 'the REFER from the browser to the customer', 10_000, mark);
  expect(String(refer.referTo)).toMatch(new RegExp(`^<?sip:${escape(TARGET)}@[^?]+\\?Replaces=${escape(encodeURIComponent(consultDialog))}`));
  const replacing = await evapi.log.waitFor(
    (e) => e.ev === 'invite' && String(e.from).includes(`sip:${CUSTOMER}@`) && String(e.to).includes(`sip:${TARGET}@`),
    'the customer INVITE to the far end',
    10_000,
    mark,
  );
  expect(String(replacing.replaces).startsWith(`${consultDialog};`)).toBe(true);
  const answered = await evapi.log.waitFor((e) => e.ev === 'answered' && e.callid === replacing.callid, 'the replacing INVITE answered', 10_000, mark);
  expect(String(answered.contact)).toContain(`127.0.0.1:${bed.phones.get(TARGET)!.sipPort}`); // the far end's phone took it
  await evapi.log.waitFor((e) => e.ev === 'bye' && e.callid === consultDialog, 'the replaced consult dialog ended', 10_000, mark);
  // the customer's new call runs; the browser has no call left
  const talking = await customer.waitForCallState('LinphoneCallStreamsRunning', undefined, 10_000, customerMark);
  expect(talking.callId).not.toBe(customerCall);
  await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');

  await customer.terminate(talking.callId);
  await target.waitForCallState('LinphoneCallEnd', undefined, 10_000, customerMark);
  await page.getByRole('button', { name: 'Log out' }).click();
  await context.close();
}, 120_000);
