/**
 * Starts a SIP test bed on loopback: Kamailio (registrar, proxy, dialog tracking, evapi events,
 * JSON-RPC over HTTP, ACD queue hold) and a set of baresip / linphone-daemon phones, each with
 * its own configuration in a temporary folder. Resolves once every phone is registered (checked
 * with Kamailio's ul.dump) and its control connection is up. stop() ends every process by PID
 * and removes the folder; the process registry also ends them on exit and on SIGINT/SIGTERM.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaresipControl } from '../baresip-control.js';
import { KamailioRpc } from '../kamailio-rpc.js';
import { LinphoneControl } from '../linphone-control.js';
import { type KamailioWebrtcOptions, renderKamailioConfig } from './kamailio-config.js';
import { NetNamespace } from './netns.js';
import { renderBaresipAccounts, renderBaresipConfig, renderLinphoneRc } from './phone-config.js';
import { PortAllocator, freePortBlock } from './ports.js';
import { ManagedProcess } from './process.js';
import { startRtpengine } from './rtpengine.js';
import { type BedCertificate, makeBedCertificate } from './tls-cert.js';
import { type SippRun, runSipp } from './sipp.js';
import { waitUntil } from './wait.js';

export type PhoneKind = 'baresip' | 'linphone';

export interface PhoneSpec {
  /** SIP user: the phone registers as sip:<user>@<host>. */
  user: string;
  kind: PhoneKind;
  /** baresip only: answer every incoming call at once (a far end that answers). */
  autoAnswer?: boolean;
}

export interface TestbedOptions {
  phones: readonly PhoneSpec[];
  /** Request-URI users that are ACD queue numbers (held until our server routes them). */
  queueNumbers?: readonly string[];
  /** Longest wait in a queue before the caller gets 480 (default 60 s). */
  queueMaxWaitMs?: number;
  /** Ring time at an agent for a routed queue call (default 20 s). */
  agentRingMs?: number;
  /** Time allowed for Kamailio and every phone to be up and registered (default 15 s). */
  startTimeoutMs?: number;
  /** Keep the folder after stop() (for looking at logs); also with OPENCTI_SIP_KEEP=1. */
  keepDir?: boolean;
  /**
   * Browser phones: Kamailio also listens for SIP over WebSocket and rtpengine (userspace) bridges
   * the media, and the whole bed runs in a network namespace of its own (netns.ts) whose TCP
   * ports appear on the host's 127.0.0.1. Needs root (unshare -n). `{ tls: true }`: Kamailio also
   * takes SIP over WebSocket over TLS (wss://, the tls module, kamailio-tls-modules) with a
   * self-signed certificate the bed makes at start, and `sipConfigFor` gives browser phones the
   * wss:// address; ws:// stays on.
   */
  webrtc?: boolean | WebrtcOptions;
}

export interface WebrtcOptions {
  tls?: boolean;
}

interface PhoneBase {
  user: string;
  /** sip:<user>@127.0.0.1 */
  aor: string;
  sipPort: number;
  pid: number;
  process: ManagedProcess;
  dir: string;
}

export interface BaresipPhone extends PhoneBase {
  kind: 'baresip';
  ctrlPort: number;
  control: BaresipControl;
}

export interface LinphonePhone extends PhoneBase {
  kind: 'linphone';
  socketPath: string;
  control: LinphoneControl;
}

export type PhoneHandle = BaresipPhone | LinphonePhone;

export interface KamailioHandle {
  host: string;
  sipPort: number;
  /** e.g. http://127.0.0.1:21002/RPC */
  rpcUrl: string;
  evapiPort: number;
  pid: number;
  process: ManagedProcess;
  /** sip:127.0.0.1:<sipPort> */
  proxyUri: string;
  /** SIP over WebSocket (webrtc beds): ws://127.0.0.1:<wsPort> inside the namespace. */
  wsPort?: number | undefined;
  /** SIP over WebSocket over TLS (webrtc beds with tls): wss://127.0.0.1:<port> inside the namespace, and the bed's certificate. */
  wss?: ({ port: number; uri: string } & BedCertificate) | undefined;
}

export interface RtpengineHandle {
  pid: number;
  process: ManagedProcess;
  ngPort: number;
  /** rtpengine-ctl -ip 127.0.0.1 -port <cliPort> (inside the namespace). */
  cliPort: number;
}

export interface SippOptions {
  name: string;
  scenarioXml: string;
  /** Fixed Call-ID for the run's calls (see runSipp). */
  callId?: string;
  calls?: number;
  timeoutMs?: number;
}

export interface Testbed {
  dir: string;
  kamailio: KamailioHandle;
  phones: Map<string, PhoneHandle>;
  rpc: KamailioRpc;
  queueNumbers: readonly string[];
  /** webrtc beds: the namespace everything runs in (wrap() runs a command there, exposeInside() shows a host port). */
  netns?: NetNamespace | undefined;
  rtpengine?: RtpengineHandle | undefined;
  /** The baresip phone `user` (throws if missing or another kind). */
  baresip(user: string): BaresipPhone;
  linphone(user: string): LinphonePhone;
  /** Runs a SIPp scenario against this Kamailio, on ports reserved for it. */
  sipp(options: SippOptions): SippRun;
  /** Stops every process by PID (SIGTERM, then SIGKILL) and removes the folder. Idempotent. */
  stop(): Promise<void>;
}

export const HOST = '127.0.0.1';
const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
const BARESIP_MODULES = '/usr/lib/baresip/modules';
const RTP_PORTS_PER_PHONE = 10;
const SIPP_SLOTS = 4;
/** SIPp's SIP port, then its media ports (it binds audio and video RTP/RTCP: 4 ports). */
const SIPP_SLOT_PORTS = 8;
/** rtpengine's media ports (RTP and RTCP pairs): 50 calls' worth. */
const RTPENGINE_MEDIA_PORTS = 100;

/** Per-bed counter for unique linphone socket names in /tmp. */
let bedCounter = 0;

export async function startTestbed(options: TestbedOptions): Promise<Testbed> {
  const users = new Set<string>();
  for (const phone of options.phones) {
    if (!/^\+?[a-z0-9_.-]+$/i.test(phone.user)) throw new Error(`phone user ${JSON.stringify(phone.user)} may only hold letters, digits, "_", "-", "." (and a leading "+")`);
    if (users.has(phone.user)) throw new Error(`phone user ${JSON.stringify(phone.user)} appears twice`);
    users.add(phone.user);
  }
  const queueNumbers = options.queueNumbers ?? [];
  for (const q of queueNumbers) if (users.has(q)) throw new Error(`queue number ${JSON.stringify(q)} is also a phone user`);
  const startTimeoutMs = options.startTimeoutMs ?? 15000;

  // ports: kamailio 3, per phone 2 (SIP, and TCP SIP+1 for baresip) + 1 control + RTP, SIPp per slot
  // webrtc: Kamailio's WebSocket port (and its TLS one), rtpengine's ng and cli ports and media ports
  const tls = typeof options.webrtc === 'object' && options.webrtc.tls === true;
  const webrtcPorts = options.webrtc ? 4 + RTPENGINE_MEDIA_PORTS : 0;
  const portsNeeded = 3 + options.phones.length * (3 + RTP_PORTS_PER_PHONE) + SIPP_SLOTS * SIPP_SLOT_PORTS + webrtcPorts;
  const ports = new PortAllocator(await freePortBlock(portsNeeded, HOST), portsNeeded);
  const dir = mkdtempSync(join(tmpdir(), 'opencti-sip-'));
  const processes: ManagedProcess[] = [];
  const controls: Array<{ close(): Promise<void> }> = [];
  const extra: SippRun[] = [];
  let stopped = false;
  let netns: NetNamespace | undefined;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.allSettled(controls.map((c) => c.close()));
    await Promise.allSettled(extra.map((s) => s.stop()));
    // phones first (they unregister), then Kamailio
    await Promise.allSettled(processes.filter((p) => !p.name.startsWith('kamailio')).map((p) => p.stop()));
    await Promise.allSettled(processes.filter((p) => p.name.startsWith('kamailio')).map((p) => p.stop()));
    await Promise.allSettled(processes.filter((p) => p.name === 'rtpengine').map((p) => p.stop()));
    // last: the namespace goes with its holder
    await netns?.stop();
    if (!(options.keepDir ?? process.env.OPENCTI_SIP_KEEP === '1')) rmSync(dir, { recursive: true, force: true });
  };

  try {
    let rtpengine: RtpengineHandle | undefined;
    let webrtc: KamailioWebrtcOptions | undefined;
    let certificate: BedCertificate | undefined;
    if (options.webrtc) {
      netns = await NetNamespace.create(dir, startTimeoutMs);
      const [ngPort, cliPort, mediaFirst] = [ports.take(), ports.take(), ports.take(RTPENGINE_MEDIA_PORTS)];
      // before Kamailio: its rtpengine module gives up on an engine that does not answer at start
      const proc = await startRtpengine({ dir, host: HOST, ngPort, cliPort, portMin: mediaFirst, portMax: mediaFirst + RTPENGINE_MEDIA_PORTS - 1, netns, timeoutMs: startTimeoutMs });
      processes.push(proc);
      rtpengine = { pid: proc.pid, process: proc, ngPort, cliPort };
      const [wsPort, wssPort] = [ports.take(), ports.take()];
      if (tls) {
        if (!existsSync(join(KAMAILIO_MODULES, 'tls.so'))) throw new Error(`wss:// needs Kamailio's tls module, not found in ${KAMAILIO_MODULES} (apt-get install kamailio-tls-modules)`);
        certificate = await makeBedCertificate(dir);
      }
      webrtc = { wsPort, rtpengineNgPort: ngPort, tls: certificate ? { wssPort, configFile: certificate.tlsConfigFile } : undefined };
    }
    const kamailio = await startKamailio(dir, ports, queueNumbers, options, processes, startTimeoutMs, netns, webrtc, certificate);
    const rpc = new KamailioRpc({ url: kamailio.rpcUrl });
    const phones = new Map<string, PhoneHandle>();
    const bedId = `${process.pid}-${++bedCounter}`;
    const starting = options.phones.map((spec) =>
      spec.kind === 'baresip'
        ? startBaresip(spec.user, dir, ports, kamailio, processes, startTimeoutMs, spec.autoAnswer ?? false, netns)
        : startLinphone(spec.user, dir, ports, kamailio, processes, bedId, startTimeoutMs, netns),
    );
    const settled = await Promise.allSettled(starting);
    for (const result of settled) {
      if (result.status === 'fulfilled') {
        controls.push(result.value.control);
        phones.set(result.value.user, result.value);
      }
    }
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    await waitUntil(
      async () => {
        const registered = await rpc.registeredUsers();
        for (const p of processes) {
          if (!p.running) throw new Error(`${p.name} exited during start-up:\n${p.logTail()}`);
        }
        return [...users].every((u) => registered.has(u));
      },
      `registration of ${[...users].join(', ')} at Kamailio`,
      startTimeoutMs,
    ).catch(async (err: Error) => {
      const registered = await rpc.registeredUsers().catch(() => new Set<string>());
      const missing = [...users].filter((u) => !registered.has(u));
      throw new Error(`${err.message}; not registered: ${missing.join(', ') || '(none)'}`);
    });

    let sippSlot = 0;
    const sippPorts = Array.from({ length: SIPP_SLOTS }, () => ports.take(SIPP_SLOT_PORTS));
    const bed: Testbed = {
      dir,
      kamailio,
      phones,
      rpc,
      queueNumbers,
      netns,
      rtpengine,
      baresip(user) {
        const phone = phones.get(user);
        if (phone?.kind !== 'baresip') throw new Error(`no baresip phone ${JSON.stringify(user)} in this test bed`);
        return phone;
      },
      linphone(user) {
        const phone = phones.get(user);
        if (phone?.kind !== 'linphone') throw new Error(`no linphone phone ${JSON.stringify(user)} in this test bed`);
        return phone;
      },
      sipp(o) {
        const base = sippPorts[sippSlot++ % SIPP_SLOTS] as number;
        const run = runSipp({ ...o, dir, host: HOST, proxyPort: kamailio.sipPort, localPort: base, mediaPort: base + 2, netns });
        extra.push(run);
        return run;
      },
      stop,
    };
    return bed;
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startKamailio(
  dir: string,
  ports: PortAllocator,
  queueNumbers: readonly string[],
  options: TestbedOptions,
  processes: ManagedProcess[],
  timeoutMs: number,
  netns: NetNamespace | undefined,
  webrtc: KamailioWebrtcOptions | undefined,
  certificate: BedCertificate | undefined,
): Promise<KamailioHandle> {
  const sipPort = ports.take();
  const httpPort = ports.take();
  const evapiPort = ports.take();
  const runDir = join(dir, 'kamailio');
  mkdirSync(runDir);
  const cfg = join(runDir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    renderKamailioConfig({
      runDir,
      host: HOST,
      sipPort,
      httpPort,
      evapiPort,
      queueNumbers,
      queueMaxWaitMs: options.queueMaxWaitMs ?? 60000,
      agentRingMs: options.agentRingMs ?? 20000,
      modulesDir: KAMAILIO_MODULES,
      webrtc,
    }),
  );
  // -DD: stay in the foreground with worker processes; -E: log to stderr; small memory pools
  const line = { command: 'kamailio', args: ['-DD', '-E', '-f', cfg, '-Y', runDir, '-m', '32', '-M', '4'] };
  const proc = ManagedProcess.start({ name: 'kamailio', ...(netns ? netns.wrap(line.command, line.args) : line), logFile: join(runDir, 'kamailio.log') });
  processes.push(proc);
  await netns?.exposeToHost([httpPort, evapiPort]);
  const rpcUrl = `http://${HOST}:${httpPort}/RPC`;
  const rpc = new KamailioRpc({ url: rpcUrl, timeoutMs: 1000 });
  await waitUntil(
    async () => {
      if (!proc.running) throw new Error(`kamailio exited during start-up:\n${proc.logTail()}`);
      await rpc.call('core.version');
      return true;
    },
    'Kamailio to answer JSON-RPC',
    timeoutMs,
  );
  const wssPort = webrtc?.tls?.wssPort;
  const wss = certificate && wssPort !== undefined ? { port: wssPort, uri: `wss://${HOST}:${wssPort}`, ...certificate } : undefined;
  return { host: HOST, sipPort, rpcUrl, evapiPort, pid: proc.pid, process: proc, proxyUri: `sip:${HOST}:${sipPort}`, wsPort: webrtc?.wsPort, wss };
}

async function startBaresip(
  user: string,
  dir: string,
  ports: PortAllocator,
  kamailio: KamailioHandle,
  processes: ManagedProcess[],
  timeoutMs: number,
  autoAnswer: boolean,
  netns: NetNamespace | undefined,
): Promise<BaresipPhone> {
  const sipPort = ports.take(2); // baresip also binds TCP on sipPort + 1
  const ctrlPort = ports.take();
  const rtpFirst = ports.take(RTP_PORTS_PER_PHONE);
  const phoneDir = join(dir, `baresip-${user}`);
  mkdirSync(phoneDir);
  const config = { user, host: HOST, sipPort, ctrlPort, rtpFirst, rtpLast: rtpFirst + RTP_PORTS_PER_PHONE - 1, proxyPort: kamailio.sipPort, modulesDir: BARESIP_MODULES, autoAnswer };
  writeFileSync(join(phoneDir, 'config'), renderBaresipConfig(config));
  writeFileSync(join(phoneDir, 'accounts'), renderBaresipAccounts(config));
  writeFileSync(join(phoneDir, 'contacts'), '');
  const proc = ManagedProcess.start({
    name: `baresip ${user}`,
    ...(netns ? netns.wrap('baresip', ['-f', phoneDir]) : { command: 'baresip', args: ['-f', phoneDir] }),
    logFile: join(phoneDir, 'baresip.log'),
    env: { ...process.env, HOME: phoneDir },
  });
  processes.push(proc);
  await netns?.exposeToHost([ctrlPort]);
  let control: BaresipControl | undefined;
  await waitUntil(
    async () => {
      if (!proc.running) throw new Error(`baresip ${user} exited during start-up:\n${proc.logTail()}`);
      control = await BaresipControl.connect({ host: HOST, port: ctrlPort, name: user, connectTimeoutMs: 500 });
      return true;
    },
    `baresip ${user} ctrl_tcp on ${HOST}:${ctrlPort}`,
    timeoutMs,
  );
  return { kind: 'baresip', user, aor: `sip:${user}@${HOST}`, sipPort, ctrlPort, pid: proc.pid, process: proc, dir: phoneDir, control: control as BaresipControl };
}

async function startLinphone(
  user: string,
  dir: string,
  ports: PortAllocator,
  kamailio: KamailioHandle,
  processes: ManagedProcess[],
  bedId: string,
  timeoutMs: number,
  netns: NetNamespace | undefined,
): Promise<LinphonePhone> {
  const sipPort = ports.take(2);
  ports.take(); // keep the layout of a baresip phone: SIP, SIP+1, control
  const rtpFirst = ports.take(RTP_PORTS_PER_PHONE);
  const phoneDir = join(dir, `linphone-${user}`);
  // linphone-daemon binds no SIP port until $HOME/.local/share/linphone exists
  mkdirSync(join(phoneDir, '.local', 'share', 'linphone'), { recursive: true });
  const rc = join(phoneDir, 'linphonerc');
  writeFileSync(rc, renderLinphoneRc({ user, host: HOST, sipPort, rtpFirst, rtpLast: rtpFirst + RTP_PORTS_PER_PHONE - 1, proxyPort: kamailio.sipPort }));
  // the daemon puts its socket at /tmp/<pipe name>
  const pipe = `opencti-linphone-${bedId}-${user}`;
  const socketPath = join('/tmp', pipe);
  rmSync(socketPath, { force: true });
  const daemonArgs = ['--config', rc, '--pipe', pipe, '--log', join(phoneDir, 'linphone-core.log')];
  const proc = ManagedProcess.start({
    name: `linphone ${user}`,
    ...(netns ? netns.wrap('linphone-daemon', daemonArgs) : { command: 'linphone-daemon', args: daemonArgs }),
    logFile: join(phoneDir, 'linphone-daemon.log'),
    env: { ...process.env, HOME: phoneDir },
  });
  processes.push(proc);
  // the socket file outlives a killed daemon: remove it once the process is gone
  void proc.exited.then(() => rmSync(socketPath, { force: true }));
  let control: LinphoneControl | undefined;
  await waitUntil(
    async () => {
      if (!proc.running) throw new Error(`linphone-daemon ${user} exited during start-up:\n${proc.logTail()}`);
      control = await LinphoneControl.connect({ socketPath, name: user, connectTimeoutMs: 500 });
      return true;
    },
    `linphone-daemon ${user} socket ${socketPath}`,
    timeoutMs,
  );
  return { kind: 'linphone', user, aor: `sip:${user}@${HOST}`, sipPort, socketPath, pid: proc.pid, process: proc, dir: phoneDir, control: control as LinphoneControl };
}
