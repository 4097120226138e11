/**
 * softphone: the desktop page as the agent's phone (phone kind "webrtc") on the webrtc test bed
 * (Kamailio with WebSocket, rtpengine in userspace, a baresip caller, all in the bed's network
 * namespace) with the server on the sip back end and Chromium in the namespace.
 *
 * - softphone.ringing: the caller dials the sales queue → the ring tone plays in the browser (the
 *   page's AudioContext is running, which is when the phone panel says "Incoming call: ringing").
 *   `values` also give the time until the offer's Answer button is on the desktop.
 * - softphone.answerToAudio: the click on Answer → the first audio packet from the caller
 *   (inbound-rtp packetsReceived > 0 in the call's RTCPeerConnection.getStats()).
 *
 * The page is not changed for this: an init script (run before the desktop's own) wraps
 * WebSocket, AudioContext and RTCPeerConnection to time them and polls getStats every 5 ms.
 * BENCH_SOFTPHONE_WSS=1 runs it over wss:// (the bed's TLS listener). The dial is
 * timed in Node and the ring in the page; both read the same machine's clock
 * (performance.timeOrigin + performance.now()). Each call is answered (the caller's phone
 * reports it established) and must carry audio, or the suite fails. Measured, not asserted.
 * Without root or one of the packages the bed needs, the suite reports itself skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resolveConfig } from '../src/server/config.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { BROWSER_PHONE_CHROMIUM_ARGS, chromiumInNamespace, sipConfigFor, startTestbed, waitUntil, type Testbed } from '../src/server/sip/testbed/index.js';
import type { BenchmarkResult, BenchmarkSuite, SuiteOptions } from './types.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CALLER = '+12025550101';
const AGENT = { agentId: 'agent1', extension: '5001', webrtc: true } as const;
const QUEUE = '8000';
const CHROMIUM = '/usr/bin/chromium';
const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  ...BROWSER_PHONE_CHROMIUM_ARGS,
];
const BENCHMARKS = ['softphone.ringing', 'softphone.answerToAudio'] as const;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const round1 = (n: number) => Math.round(n * 10) / 10;
/** Milliseconds since the epoch on the monotonic clock: comparable with the page's. */
const clock = (): number => performance.timeOrigin + performance.now();

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the webrtc bed cannot run on this machine, or undefined when it can. */
export function bedProblem(tls: boolean): string | undefined {
  if (process.getuid?.() !== 0) return 'the webrtc test bed needs root (unshare -n for its network namespace)';
  const missing = ['kamailio', 'rtpengine', 'baresip', 'unshare', 'nsenter', 'ip'].filter((c) => !onPath(c));
  if (!existsSync(CHROMIUM)) missing.push(CHROMIUM);
  if (!existsSync(join(KAMAILIO_MODULES, 'websocket.so'))) missing.push(`${KAMAILIO_MODULES}websocket.so (kamailio-websocket-modules)`);
  if (tls && !existsSync(join(KAMAILIO_MODULES, 'tls.so'))) missing.push(`${KAMAILIO_MODULES}tls.so (kamailio-tls-modules)`);
  if (tls && !onPath('openssl')) missing.push('openssl');
  return missing.length > 0 ? `missing on this machine: ${missing.join(', ')} (.ci/run installs them)` : undefined;
}

/**
 * Run in the page before its own scripts (source text, so nothing the Node-side compiler adds
 * leaks in). `window.__softphoneBench` holds the marks of the current call; reset() clears them.
 */
const INIT_SCRIPT = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const marks = { inviteAt: 0, ringAt: 0, offerAt: 0, answerClickAt: 0, peerConnectionAt: 0, connectedAt: 0, firstAudioAt: 0, firstSourceAt: 0, packetsAtFirstAudio: 0, peerConnections: 0 };
  let offerTimer;
  const findButton = (root, label) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'BUTTON' && !el.disabled && el.textContent.trim() === label) return el;
      if (el.shadowRoot) { const found = findButton(el.shadowRoot, label); if (found) return found; }
    }
    return undefined;
  };
  window.__softphoneBench = {
    marks,
    reset() {
      for (const key of Object.keys(marks)) if (key !== 'peerConnections') marks[key] = 0;
      clearInterval(offerTimer);
      // the offer's Answer button (it is in the call card's shadow root): looked for every 5 ms until it shows
      offerTimer = setInterval(() => {
        if (findButton(document, 'Answer')) { marks.offerAt = now(); clearInterval(offerTimer); }
      }, 5);
    },
  };
  // the INVITE reaching the page's SIP WebSocket (the desktop's own socket carries JSON only)
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => { if (typeof e.data === 'string' && e.data.startsWith('INVITE ') && !marks.inviteAt) marks.inviteAt = now(); });
    }
  };
  // the ring tone is the page's only AudioContext: it rings once the context runs
  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext {
    constructor(...args) {
      super(...args);
      const mark = () => { if (this.state === 'running' && !marks.ringAt) marks.ringAt = now(); };
      this.addEventListener('statechange', mark);
      mark();
    }
  };
  // the click on Answer, wherever the button sits (click events are composed: seen at window)
  window.addEventListener('click', (event) => {
    const button = event.composedPath().find((n) => n instanceof HTMLButtonElement);
    if (button && button.textContent.trim() === 'Answer' && !marks.answerClickAt) marks.answerClickAt = now();
  }, true);
  // every peer connection: getStats every 5 ms until the first inbound audio packet
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      marks.peerConnections++;
      if (!marks.peerConnectionAt) marks.peerConnectionAt = now();
      // ICE and DTLS done: the media path is up
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected' && !marks.connectedAt) marks.connectedAt = now(); });
      let busy = false;
      const timer = setInterval(async () => {
        if (this.connectionState === 'closed') return clearInterval(timer);
        // the receiver's RTP sources are not cached like getStats (up to 50 ms): a finer cross-check
        if (!marks.firstSourceAt && this.getReceivers().some((r) => r.track.kind === 'audio' && r.getSynchronizationSources().length > 0)) marks.firstSourceAt = now();
        if (busy) return;
        busy = true;
        try {
          const report = await this.getStats();
          let packets = 0;
          report.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived || 0; });
          if (packets > 0 && !marks.firstAudioAt) { marks.firstAudioAt = now(); marks.packetsAtFirstAudio = packets; }
          if (marks.firstAudioAt && marks.firstSourceAt) clearInterval(timer);
        } finally { busy = false; }
      }, 5);
    }
  };
})();`;

interface Marks {
  inviteAt: number;
  ringAt: number;
  offerAt: number;
  answerClickAt: number;
  peerConnectionAt: number;
  connectedAt: number;
  firstAudioAt: number;
  firstSourceAt: number;
  packetsAtFirstAudio: number;
  peerConnections: number;
}

const marksOf = (page: Page): Promise<Marks> => page.evaluate('window.__softphoneBench.marks') as Promise<Marks>;

async function marksWhen(page: Page, what: string, done: (m: Marks) => boolean, timeoutMs = 15_000): Promise<Marks> {
  let marks: Marks | undefined;
  await waitUntil(
    async () => {
      marks = await marksOf(page);
      return done(marks);
    },
    what,
    timeoutMs,
  );
  return marks as Marks;
}

interface Sample {
  ringMs: number;
  /** Dial → the INVITE on the page's WebSocket. */
  inviteMs: number;
  offerMs: number;
  answerToAudioMs: number;
  /** Answer → the first packet's source listed by the audio receiver (getSynchronizationSources). */
  answerToRtpSourceMs: number;
  /** Answer → the page's peer connection made (the answer command back from the server, the microphone open). */
  answerToPeerConnectionMs: number;
  /** → ICE and DTLS connected. */
  peerConnectionToConnectedMs: number;
  /** → the first audio packet. */
  connectedToAudioMs: number;
}

async function makeReady(page: Page): Promise<void> {
  await press(page, 'Ready');
  const state = page.getByRole('status').filter({ hasText: 'Current state' });
  await waitUntil(async () => /Current state:\s*Ready/.test((await state.textContent()) ?? ''), 'the agent Ready', 10_000);
}

/** Clicks a button of the page by its role and name (Playwright pierces the shadow roots). */
async function press(page: Page, name: string, within?: string): Promise<void> {
  const scope = within ? page.getByRole('article').filter({ hasText: within }) : page;
  await scope.getByRole('button', { name, exact: true }).click();
}

interface Counters {
  answered: number;
  withAudio: number;
}

async function oneCall(bed: Testbed, page: Page, counters: Counters): Promise<Sample> {
  const caller = bed.baresip(CALLER).control;
  await page.evaluate('window.__softphoneBench.reset()');
  const dialledAt = clock();
  const sipId = await caller.dial(`sip:${QUEUE}@${bed.kamailio.host}`);
  const rung = await marksWhen(page, 'the ring tone and the Answer button in the browser', (m) => m.ringAt > 0 && m.offerAt > 0);
  await press(page, 'Answer', `from ${CALLER}`);
  await caller.waitForCallEvent('CALL_ESTABLISHED', sipId, 10_000);
  counters.answered++;
  const heard = await marksWhen(page, 'the first audio packet from the caller in the browser (getStats)', (m) => m.firstAudioAt > 0 && m.firstSourceAt > 0);
  if (heard.answerClickAt === 0) throw new Error('the click on Answer was not seen in the page');
  if (heard.packetsAtFirstAudio <= 0) throw new Error('no audio packet arrived in the browser');
  counters.withAudio++;
  // the caller hangs up; the agent wraps up and is Ready for the next call
  await caller.hangup(sipId);
  await caller.waitForCallEvent('CALL_CLOSED', sipId, 10_000);
  await page.getByRole('region', { name: 'Calls' }).getByText('No calls in progress.').waitFor();
  await makeReady(page);
  return {
    ringMs: rung.ringAt - dialledAt,
    inviteMs: rung.inviteAt > 0 ? rung.inviteAt - dialledAt : Number.NaN,
    offerMs: rung.offerAt - dialledAt,
    answerToAudioMs: heard.firstAudioAt - heard.answerClickAt,
    answerToRtpSourceMs: heard.firstSourceAt > 0 ? heard.firstSourceAt - heard.answerClickAt : Number.NaN,
    answerToPeerConnectionMs: heard.peerConnectionAt - heard.answerClickAt,
    peerConnectionToConnectedMs: heard.connectedAt > 0 ? heard.connectedAt - heard.peerConnectionAt : Number.NaN,
    connectedToAudioMs: heard.connectedAt > 0 ? heard.firstAudioAt - heard.connectedAt : Number.NaN,
  };
}

const stats = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round1(percentile(sorted, 50)),
    p95: round1(percentile(sorted, 95)),
    min: round1(sorted[0] ?? Number.NaN),
    max: round1(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round1(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length)),
  };
};

function results(samples: readonly Sample[], warmup: number, checks: Record<string, number | string>): BenchmarkResult[] {
  const ring = stats(samples.map((s) => s.ringMs));
  const offer = stats(samples.map((s) => s.offerMs));
  const audio = stats(samples.map((s) => s.answerToAudioMs));
  const source = stats(samples.map((s) => s.answerToRtpSourceMs));
  const common = { calls: samples.length, warmupCalls: warmup, ...checks };
  return [
    {
      name: 'softphone.ringing',
      values: { p50Ms: ring.p50, p95Ms: ring.p95, offerShownP50Ms: offer.p50, offerShownP95Ms: offer.p95 },
      details: {
        what: `a baresip caller dials the sales queue ${QUEUE} → the ring tone plays in the browser (AudioContext running); offerShown: → the Answer button is on the desktop`,
        ...common,
        minMs: ring.min,
        maxMs: ring.max,
        meanMs: ring.mean,
        offerShown: { minMs: offer.min, maxMs: offer.max, meanMs: offer.mean },
        stagesP50Ms: {
          dialToInviteInBrowser: stats(samples.map((s) => s.inviteMs)).p50,
          inviteToRingTone: stats(samples.map((s) => s.ringMs - s.inviteMs)).p50,
        },
      },
    },
    {
      name: 'softphone.answerToAudio',
      values: { p50Ms: audio.p50, p95Ms: audio.p95, rtpSourceP50Ms: source.p50, rtpSourceP95Ms: source.p95 },
      details: {
        what: 'the click on Answer → the first audio packet from the caller in the browser (inbound-rtp packetsReceived > 0, getStats every 5 ms)',
        ...common,
        minMs: audio.min,
        maxMs: audio.max,
        meanMs: audio.mean,
        // medians of each step (the steps' medians need not add up to the total's)
        stagesP50Ms: {
          answerToPeerConnection: stats(samples.map((s) => s.answerToPeerConnectionMs)).p50,
          peerConnectionToIceDtlsConnected: stats(samples.map((s) => s.peerConnectionToConnectedMs)).p50,
          connectedToFirstPacket: stats(samples.map((s) => s.connectedToAudioMs)).p50,
        },
      },
    },
  ];
}

export const softphoneSuite: BenchmarkSuite = {
  name: 'softphone',
  description: 'the desktop as the agent phone (JsSIP, Kamailio WebSocket, rtpengine): dial → ring in the browser, Answer → first audio packet, p50/p95',
  async run({ quick, log }: SuiteOptions): Promise<BenchmarkResult[]> {
    // BENCH_SOFTPHONE_WSS=1: the page's SIP WebSocket over TLS (wss://), as production runs it
    const tls = process.env.BENCH_SOFTPHONE_WSS === '1';
    const problem = bedProblem(tls);
    if (problem) {
      log(`softphone: skipped: ${problem}`);
      return BENCHMARKS.map((name) => ({ name, details: { skipped: problem } }));
    }
    const calls = quick ? 3 : 20;
    const warmup = quick ? 1 : 3;
    log(`softphone: building the desktop, starting a webrtc test bed (${tls ? 'wss' : 'ws'}), the server and Chromium (${warmup} + ${calls} calls)`);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-desktop.mjs')], { cwd: ROOT, stdio: 'pipe' });
    const bed = await startTestbed({ phones: [{ user: CALLER, kind: 'baresip' }], queueNumbers: [QUEUE], webrtc: { tls } });
    const dataDir = mkdtempSync(join(tmpdir(), 'opencti-bench-softphone-'));
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await startServer(resolveConfig({ port: 0, dataDir, logLevel: 'silent', backend: 'sip', sip: sipConfigFor(bed, [AGENT]) }));
      await server.sip?.connected(10_000);
      // the page (inside the namespace) reaches the server on the same address and port
      await bed.netns?.exposeInside([server.port]);
      // over wss, Chromium trusts the bed's certificate (its public key) and nothing else
      const trust = bed.kamailio.wss ? [`--ignore-certificate-errors-spki-list=${bed.kamailio.wss.spkiSha256}`] : [];
      browser = await chromium.launch({ executablePath: chromiumInNamespace(bed, CHROMIUM), args: [...CHROMIUM_ARGS, ...trust] });
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      await page.addInitScript(INIT_SCRIPT);
      await page.goto(`${server.url}/?mode=full`);
      await page.getByLabel('Agent ID').fill(AGENT.agentId);
      await page.getByLabel('Password').fill('demo');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText('Phone ready in this tab').waitFor();
      await waitUntil(async () => (await bed.rpc.registeredUsers()).has(AGENT.extension), 'the browser phone registered at Kamailio', 10_000);
      await makeReady(page);

      const samples: Sample[] = [];
      const counters: Counters = { answered: 0, withAudio: 0 };
      for (let i = 0; i < warmup + calls; i++) {
        const sample = await oneCall(bed, page, counters);
        if (i >= warmup) samples.push(sample);
        if ((i + 1) % 5 === 0) log(`softphone: ${i + 1}/${warmup + calls} calls`);
      }
      const { peerConnections } = await marksOf(page);
      // one peer connection per call: every call was answered in this page and carried audio
      if (peerConnections !== warmup + calls) throw new Error(`expected ${warmup + calls} peer connections in the page, saw ${peerConnections}`);
      const out = results(samples, warmup, { sipWebSocket: tls ? 'wss' : 'ws', callsAnswered: counters.answered, callsWithAudio: counters.withAudio, peerConnections });
      for (const r of out) log(`${r.name}: p50 ${r.values?.p50Ms} ms, p95 ${r.values?.p95Ms} ms over ${samples.length} calls`);
      return out;
    } finally {
      await browser?.close().catch(() => undefined);
      await server?.close().catch(() => undefined);
      await bed.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
