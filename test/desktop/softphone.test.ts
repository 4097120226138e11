/**
 * The desktop as the agent's phone (phone kind "webrtc"), end to end: a webrtc test bed in its own
 * network namespace (Kamailio with WebSocket, rtpengine in userspace, a baresip caller), the
 * server on the sip back end, and Chromium with fake media devices run in the namespace. A real
 * SIP call to the sales queue rings in the browser, is answered, held, retrieved, gets DTMF and
 * ends from the caller's side; with two tabs only one registers.
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BROWSER_PHONE_CHROMIUM_ARGS, bedPids, chromiumInNamespace, sipConfigFor, startTestbed, type Testbed } from '../../src/server/sip/testbed/index.js';
import { alive } from '../server/sip/sip-stack.js';
import { CHROMIUM_ARGS, admin, buildDesktop, callFrom, interactionOf, newPage, startTestServer, type TestServer } from './helpers/browser.js';
import type { CallQuality } from '../../src/server/store/index.js';
import { callCard, expectEnabled, expectText, expectVisible, logIn, makeReady, openDesktop, pop } from './helpers/desktop.js';

const CALLER = '+12025550101'; // Jane Smith in the seeded customers
const FAR_END = '+15557770000'; // answers at once
const WAIT = { timeout: 15_000, interval: 100 };
let bed: Testbed;
let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  buildDesktop();
  bed = await startTestbed({ phones: [
      { user: CALLER, kind: 'baresip' },
      { user: FAR_END, kind: 'baresip', autoAnswer: true },
    ], queueNumbers: ['8000', '8001'], webrtc: true });
  const netns = bed.netns!;
  t = await startTestServer({ backend: 'sip', sip: sipConfigFor(bed, [{ agentId: 'agent1', extension: '5001', webrtc: true }]) });
  await t.server.sip?.connected(10_000);
  // the page (inside the namespace) reaches the server on the same address and port
  await netns.exposeInside([t.server.port]);
  // Chromium in the namespace: only there does it offer an ICE candidate that stays on loopback (127.0.0.2)
  browser = await chromium.launch({
    executablePath: chromiumInNamespace(bed),
    args: [...CHROMIUM_ARGS, ...BROWSER_PHONE_CHROMIUM_ARGS],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  const pids = bed ? bedPids(bed) : [];
  await bed?.stop();
  expect(pids.filter(alive)).toEqual([]);
});

const phonePanel = (page: Page): Locator => page.getByRole('region', { name: 'Phone' }).or(page.locator('opencti-phone-panel section'));

/** The number shown for a figure of the call's audio (getStats), e.g. packets received. */
async function stat(page: Page, which: 'received' | 'sent'): Promise<number> {
  const text = (await page.locator(`opencti-phone-panel [data-stat="${which}"]`).textContent().catch(() => null)) ?? '';
  return Number.parseInt(text, 10) || 0;
}

/** Waits until the figure passes `atLeast`; returns it. */
async function statReaches(page: Page, which: 'received' | 'sent', atLeast: number): Promise<number> {
  await expect.poll(() => stat(page, which), WAIT).toBeGreaterThanOrEqual(atLeast);
  return stat(page, which);
}

/** The browser's contacts registered for `user` at Kamailio. */
async function registeredContacts(user: string): Promise<number> {
  return (await bed.rpc.ulDump()).filter((c) => c.aor === user).length;
}

it('a SIP caller reaches the agent whose phone is the desktop: ring, answer, audio both ways, hold, retrieve, DTMF, caller hangs up', async () => {
  const { context, page } = await newPage(browser);
  await openDesktop(page, t, 'full');
  await logIn(page, 'agent1');
  await expectText(phonePanel(page), 'Phone ready in this tab');
  await expect.poll(() => registeredContacts('5001'), WAIT).toBe(1);
  await makeReady(page);

  const caller = bed.baresip(CALLER).control;
  const sipId = await caller.dial('sip:8000@127.0.0.1');
  await expectVisible(pop(page).getByRole('heading', { name: 'Jane Smith' }));
  // the ring plays in the browser (the panel says so only once the audio runs)
  await expectText(phonePanel(page), 'Incoming call: ringing');
  await caller.waitForCallEvent('CALL_RINGING', sipId, 10_000);

  const call = callCard(page, `from ${CALLER}`);
  await call.getByRole('button', { name: 'Answer' }).click();
  await expectText(call, 'Connected');
  await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);
  await expectText(phonePanel(page), 'Phone ready in this tab');
  const callId = await callFrom(t, CALLER);

  // audio both ways through rtpengine (DTLS-SRTP to the browser, RTP to the caller): 50 packets are 1 s of audio
  await statReaches(page, 'received', 50);
  await statReaches(page, 'sent', 50);

  // Hold stops the incoming audio (the caller's phone answers a=recvonly), the outgoing goes on
  await call.getByRole('button', { name: 'Hold' }).click();
  await expectText(call, 'On hold');
  const sentAtHold = await stat(page, 'sent');
  await statReaches(page, 'sent', sentAtHold + 50); // one more second of the call, read from the page
  const receivedOnHold = await stat(page, 'received');
  await statReaches(page, 'sent', sentAtHold + 100);
  expect((await stat(page, 'received')) - receivedOnHold).toBeLessThan(10);

  // Retrieve resumes it
  await call.getByRole('button', { name: 'Retrieve' }).click();
  await expectText(call, 'Connected');
  await statReaches(page, 'received', (await stat(page, 'received')) + 50);

  // DTMF typed on the keypad arrives at the caller (RFC 4733 in the media)
  const beforeDigits = caller.log.mark();
  await call.getByRole('button', { name: 'Keypad' }).click();
  for (const key of ['1', '2', '#']) await call.getByRole('button', { name: `Send tone ${key}` }).click();
  const digits: string[] = [];
  await caller.log.waitFor(
    (e) => {
      if (e.type === 'CALL_DTMF_START' && e.id === sipId) digits.push(String(e.param));
      return digits.length === 3;
    },
    'the three DTMF digits at the caller',
    10_000,
    beforeDigits,
  );
  expect(digits).toEqual(['1', '2', '#']);

  // Mute stops the outgoing sound (the microphone's energy sent stays flat), Unmute brings it back
  const soundSent = async (): Promise<number> => Number.parseFloat((await page.locator('opencti-phone-panel [data-stat="sound-sent"]').textContent()) ?? '0');
  const unmuted = await soundSent();
  await expect.poll(soundSent, WAIT).toBeGreaterThan(unmuted);
  await phonePanel(page).getByRole('button', { name: 'Mute' }).click();
  await expectText(phonePanel(page), 'Microphone muted');
  await statReaches(page, 'sent', (await stat(page, 'sent')) + 50); // a figure read after the mute
  const muted = await soundSent();
  await statReaches(page, 'sent', (await stat(page, 'sent')) + 100); // two more seconds of packets
  expect(await soundSent()).toBe(muted);
  await phonePanel(page).getByRole('button', { name: 'Unmute' }).click();
  await expect.poll(soundSent, WAIT).toBeGreaterThan(muted);

  // the caller hangs up: the call ends at the desktop
  await caller.hangup(sipId);
  await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
  await expect.poll(() => page.locator('opencti-phone-panel [data-stat="received"]').count(), WAIT).toBe(0);

  // the call's audio quality, as the browser measured it, is kept with the interaction (REST API)
  const stored = (await interactionOf(t, callId))!;
  const qualityOf = async (): Promise<CallQuality[]> => (await admin<{ quality?: CallQuality[] }>(t, 'GET', `/api/interactions/${stored.id}`)).quality ?? [];
  await expect.poll(async () => (await qualityOf()).length, WAIT).toBe(1);
  const [quality] = await qualityOf();
  expect(quality).toMatchObject({ leg: sipId, agentId: 'agent1' }); // the browser's leg of a queue call carries the caller's Call-ID
  expect(quality!.packetsReceived).toBeGreaterThan(200); // several seconds of audio both ways
  expect(quality!.packetsSent).toBeGreaterThan(200);
  expect(quality!.samples).toBeGreaterThan(3);
  expect(quality!.lossPercent).toBeLessThan(5); // loopback
  expect(quality!.jitterMs.max).toBeGreaterThanOrEqual(quality!.jitterMs.p95);
  expect(quality!.jitterMs.p95).toBeGreaterThanOrEqual(quality!.jitterMs.p50);
  expect(quality!.jitterMs.max).toBeGreaterThan(0);
  expect(quality!.mos).toBeGreaterThan(4); // little loss and jitter on loopback

  // logging out unregisters the phone
  await page.getByRole('button', { name: 'Log out' }).click();
  await expectVisible(page.getByRole('button', { name: 'Log in' }));
  await expect.poll(() => registeredContacts('5001'), WAIT).toBe(0);
  await context.close();
}, 120_000);

it('with two tabs only one registers the phone; the other says where it is and takes the phone when the first closes', async () => {
  const { context, page: first } = await newPage(browser);
  await openDesktop(first, t, 'full');
  await logIn(first, 'agent1');
  await expectText(phonePanel(first), 'Phone ready in this tab');

  const second = await context.newPage();
  second.setDefaultTimeout(15_000);
  await openDesktop(second, t, 'full');
  await expectText(second.getByText('Logged in as'), 'agent1');
  await expectText(phonePanel(second), 'The phone is in another tab of this browser');
  expect(await registeredContacts('5001')).toBe(1);

  // the first tab closes (unregistering): the second takes the phone
  await first.close({ runBeforeUnload: false });
  await expectText(phonePanel(second), 'Phone ready in this tab');
  await expect.poll(() => registeredContacts('5001'), WAIT).toBe(1);
  await second.getByRole('button', { name: 'Log out' }).click();
  await expect.poll(() => registeredContacts('5001'), WAIT).toBe(0);
  await context.close();
}, 90_000);

it('an outbound call from the dial box rings a SIP phone that answers, with audio both ways; the desktop hangs up', async () => {
  const { context, page } = await newPage(browser);
  await openDesktop(page, t, 'full');
  await logIn(page, 'agent1');
  await expectText(phonePanel(page), 'Phone ready in this tab');

  const farEnd = bed.baresip(FAR_END).control;
  const since = farEnd.log.mark();
  await page.getByLabel('Number to call').fill(FAR_END);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  const call = callCard(page, FAR_END);
  await expectText(call, 'Connected');
  const answered = await farEnd.log.waitFor((e) => e.type === 'CALL_ESTABLISHED', 'the far end answering', 10_000, since);
  await statReaches(page, 'received', 50);
  await statReaches(page, 'sent', 50);

  await call.getByRole('button', { name: 'Hang up' }).click();
  await farEnd.waitForCallEvent('CALL_CLOSED', answered.id, 10_000);
  await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect.poll(() => registeredContacts('5001'), WAIT).toBe(0);
  await context.close();
}, 90_000);

it('a call answered in the browser is blind transferred to a SIP phone: the caller ends up talking to it', async () => {
  const { context, page } = await newPage(browser);
  await openDesktop(page, t, 'full');
  await logIn(page, 'agent1');
  await expectText(phonePanel(page), 'Phone ready in this tab');
  await makeReady(page);

  const caller = bed.baresip(CALLER).control;
  const farEnd = bed.baresip(FAR_END).control;
  const sipId = await caller.dial('sip:8000@127.0.0.1');
  const call = callCard(page, `from ${CALLER}`);
  await call.getByRole('button', { name: 'Answer' }).click();
  await expectText(call, 'Connected');
  await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);

  const since = farEnd.log.mark();
  await call.getByLabel('Transfer or consult to').fill(FAR_END);
  await call.getByRole('button', { name: 'Blind transfer' }).click();
  // the caller's phone follows the REFER: its new call is answered by the far end
  await farEnd.log.waitFor((e) => e.type === 'CALL_ESTABLISHED', 'the far end answering the transferred caller', 10_000, since);
  await caller.waitForCallEvent('CALL_CLOSED', sipId, 10_000); // the call with the browser is over
  await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
  await expect.poll(() => page.locator('opencti-phone-panel [data-stat="received"]').count(), WAIT).toBe(0);

  await caller.hangup().catch(() => undefined);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect.poll(() => registeredContacts('5001'), WAIT).toBe(0);
  await context.close();
}, 90_000);

it('the agent on the browser phone consults a SIP phone and completes the transfer: the caller ends up talking to it; no conference', async () => {
  const { context, page } = await newPage(browser);
  await openDesktop(page, t, 'full');
  await logIn(page, 'agent1');
  await expectText(phonePanel(page), 'Phone ready in this tab');
  await makeReady(page);

  const caller = bed.baresip(CALLER).control;
  const farEnd = bed.baresip(FAR_END).control;
  const sipId = await caller.dial('sip:8000@127.0.0.1');
  const call = callCard(page, `from ${CALLER}`);
  await call.getByRole('button', { name: 'Answer' }).click();
  await expectText(call, 'Connected');
  await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);

  // consult: the browser holds the caller and places a second call, which the far end answers
  const consultStart = farEnd.log.mark();
  await call.getByLabel('Transfer or consult to').fill(FAR_END);
  await call.getByRole('button', { name: 'Consult to transfer' }).click();
  const consulted = await farEnd.log.waitFor((e) => e.type === 'CALL_ESTABLISHED', 'the far end answering the consult call', 10_000, consultStart);
  await expectText(callCard(page, FAR_END), 'Connected');
  await expectText(call, 'On hold');
  // the page has two calls; a conference is not offered (nothing would mix the audio)
  const pair = page.getByRole('region', { name: 'Consultation' });
  await expectVisible(pair.getByRole('button', { name: 'Complete transfer' }));
  await expectEnabled(pair.getByRole('button', { name: 'Complete conference' }), false);

  // complete: the caller's phone is referred to the far end, calls it, the far end answers
  const transferStart = farEnd.log.mark();
  await pair.getByRole('button', { name: 'Complete transfer' }).click();
  const joined = await farEnd.log.waitFor(
    (e) => e.type === 'CALL_ESTABLISHED' && e.id !== consulted.id && String(e.peeruri ?? '').includes(CALLER),
    'the far end answering the caller',
    10_000,
    transferStart,
  );
  await caller.waitForCallEvent('CALL_CLOSED', sipId, 10_000); // the call with the browser is over
  await farEnd.waitForCallEvent('CALL_CLOSED', consulted.id, 10_000); // and the consult call
  // the caller and the far end talk: one call up at each, the same one
  expect(await caller.listCalls()).toContain(FAR_END);
  expect(await farEnd.listCalls()).toContain(CALLER);
  await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');

  await farEnd.hangup(joined.id).catch(() => undefined);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect.poll(() => registeredContacts('5001'), WAIT).toBe(0);
  await context.close();
}, 90_000);
