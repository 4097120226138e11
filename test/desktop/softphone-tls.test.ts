/**
 * The browser phone over wss://, as production runs it: a webrtc test bed with TLS (Kamailio's
 * tls module, a certificate the bed makes at start), the server giving the page the wss://
 * address, and Chromium trusting that one certificate (its public key) and nothing else. The
 * page registers over TLS, and a SIP call to the sales queue rings in it and is answered with
 * audio through rtpengine.
 */
import { connect } from 'node:tls';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BROWSER_PHONE_CHROMIUM_ARGS, bedPids, chromiumInNamespace, sipConfigFor, startTestbed, type Testbed } from '../../src/server/sip/testbed/index.js';
import { alive } from '../server/sip/sip-stack.js';
import { CHROMIUM_ARGS, buildDesktop, newPage, startTestServer, type TestServer } from './helpers/browser.js';
import { callCard, expectText, logIn, makeReady, openDesktop } from './helpers/desktop.js';

const CALLER = '+12025550101';
const WAIT = { timeout: 15_000, interval: 100 };
let bed: Testbed;
let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  buildDesktop();
  bed = await startTestbed({ phones: [{ user: CALLER, kind: 'baresip' }], queueNumbers: ['8000'], webrtc: { tls: true } });
  t = await startTestServer({ backend: 'sip', sip: sipConfigFor(bed, [{ agentId: 'agent1', extension: '5001', webrtc: true }]) });
  await t.server.sip?.connected(10_000);
  const netns = bed.netns!;
  await netns.exposeInside([t.server.port]);
  browser = await chromium.launch({
    executablePath: chromiumInNamespace(bed),
    args: [
      ...CHROMIUM_ARGS,
      ...BROWSER_PHONE_CHROMIUM_ARGS,
      // trust the bed's certificate alone, as a browser trusts a production one
      `--ignore-certificate-errors-spki-list=${bed.kamailio.wss!.spkiSha256}`,
    ],
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

/** The sockets Kamailio received `user`'s registrations on (ul.dump's Socket field, e.g. "tls:127.0.0.1:5061"). */
async function registrationSockets(user: string): Promise<string[]> {
  const dump = (await bed.rpc.call('ul.dump')) as { Domains?: Array<{ Domain?: { AoRs?: Array<{ Info?: { AoR?: string; Contacts?: Array<{ Contact?: { Socket?: string } }> } }> } }> };
  return (dump.Domains ?? []).flatMap((d) =>
    (d.Domain?.AoRs ?? []).filter((a) => a.Info?.AoR === user).flatMap((a) => (a.Info?.Contacts ?? []).map((c) => c.Contact?.Socket ?? '')),
  );
}

it('Kamailio serves wss:// with the certificate the bed made', async () => {
  const wss = bed.kamailio.wss!;
  expect(wss.uri).toBe(`wss://127.0.0.1:${wss.port}`);
  expect(sipConfigFor(bed, [{ agentId: 'agent1', extension: '5001', webrtc: true }]).agents[0]?.phone).toEqual({ kind: 'webrtc', wsUri: wss.uri });
  await bed.netns!.exposeToHost([wss.port]);
  const seen = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: wss.port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
  expect(seen).toBe(wss.fingerprint256);
});

it('the desktop registers its phone over wss:// and answers a queue call with audio', async () => {
  const { context, page } = await newPage(browser);
  await openDesktop(page, t, 'full');
  await logIn(page, 'agent1');
  await expectText(phonePanel(page), 'Phone ready in this tab');
  // the registration came in over TLS, on the wss port
  await expect.poll(() => registrationSockets('5001'), WAIT).toEqual([`tls:127.0.0.1:${bed.kamailio.wss!.port}`]);
  await makeReady(page);

  const caller = bed.baresip(CALLER).control;
  const sipId = await caller.dial('sip:8000@127.0.0.1');
  await expectText(phonePanel(page), 'Incoming call: ringing');
  const call = callCard(page, `from ${CALLER}`);
  await call.getByRole('button', { name: 'Answer' }).click();
  await expectText(call, 'Connected');
  await caller.waitForCallEvent('CALL_ESTABLISHED', sipId);
  const received = async (): Promise<number> => Number.parseInt((await page.locator('opencti-phone-panel [data-stat="received"]').textContent().catch(() => null)) ?? '', 10) || 0;
  await expect.poll(received, WAIT).toBeGreaterThanOrEqual(50); // a second of the caller's audio

  await caller.hangup(sipId);
  await expectText(page.getByRole('region', { name: 'Calls' }), 'No calls in progress.');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect.poll(() => registrationSockets('5001'), WAIT).toEqual([]);
  await context.close();
}, 90_000);
