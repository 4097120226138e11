/**
 * Starts the default SIP test bed on 127.0.0.1 and keeps it running until Ctrl-C:
 * Kamailio, the phones of the demo agents (agent1…agent3 on baresip 5001…5003, agent4 on
 * linphone 5004), a second linphone phone (lin2), a baresip caller (+12025550101) and a far end
 * that answers at once (+15557770000); queue numbers 8000 and 8001. Prints the addresses and
 * PIDs as JSON.
 *
 *   npm run testbed                            default bed
 *   npm run testbed -- --keep                  keep the folder (configs, logs) after stop
 *   npm run testbed -- --server-config F.json  also write a server config for the sip back end:
 *                                              opencti serve --backend sip --config F.json
 *   npm run testbed -- --webrtc                agent1's phone is the desktop page (phone kind "webrtc"):
 *                                              Kamailio also listens for SIP over WebSocket, rtpengine
 *                                              bridges the media, and the bed runs in a network
 *                                              namespace of its own (needs root); the server's port
 *                                              (--server-port, default 8080) is shown inside it
 *   npm run testbed -- --webrtc --tls          the same with SIP over WebSocket over TLS as well: a
 *                                              self-signed certificate made at start, and the server
 *                                              config gives the page the wss:// address
 */
import { writeFileSync } from 'node:fs';
import { type PhoneSpec, type Testbed, sipConfigFor, startTestbed } from '../src/server/sip/testbed/index.js';

const AGENTS = [
  { agentId: 'agent1', extension: '5001' },
  { agentId: 'agent2', extension: '5002' },
  { agentId: 'agent3', extension: '5003' },
  { agentId: 'agent4', extension: '5004' },
];
const WEBRTC_AGENTS = AGENTS.map((a) => (a.agentId === 'agent1' ? { ...a, webrtc: true } : a));
const phones: PhoneSpec[] = [
  { user: '5001', kind: 'baresip' },
  { user: '5002', kind: 'baresip' },
  { user: '5003', kind: 'baresip' },
  { user: '5004', kind: 'linphone' },
  { user: 'lin2', kind: 'linphone' },
  { user: '+12025550101', kind: 'baresip' },
  { user: '+15557770000', kind: 'baresip', autoAnswer: true },
];

function describeBed(bed: Testbed): unknown {
  return {
    ...(bed.netns
      ? {
          netns: { holderPid: bed.netns.pid, run: `nsenter -t ${bed.netns.pid} -n -- <command>` },
          webrtc: {
            ws: `ws://${bed.kamailio.host}:${bed.kamailio.wsPort}`,
            ...(bed.kamailio.wss ? { wss: bed.kamailio.wss.uri, certificate: bed.kamailio.wss.certFile, spkiSha256: bed.kamailio.wss.spkiSha256 } : {}),
            rtpengine: { pid: bed.rtpengine?.pid, ng: bed.rtpengine?.ngPort, cli: bed.rtpengine?.cliPort },
          },
        }
      : {}),
    dir: bed.dir,
    kamailio: {
      pid: bed.kamailio.pid,
      sip: `udp/tcp ${bed.kamailio.host}:${bed.kamailio.sipPort}`,
      rpcUrl: bed.kamailio.rpcUrl,
      evapi: `${bed.kamailio.host}:${bed.kamailio.evapiPort}`,
    },
    queueNumbers: bed.queueNumbers,
    phones: [...bed.phones.values()].map((p) =>
      p.kind === 'baresip'
        ? { user: p.user, kind: p.kind, aor: p.aor, pid: p.pid, sipPort: p.sipPort, ctrlTcp: `127.0.0.1:${p.ctrlPort}` }
        : { user: p.user, kind: p.kind, aor: p.aor, pid: p.pid, sipPort: p.sipPort, socket: p.socketPath },
    ),
  };
}

async function main(): Promise<void> {
  const keepDir = process.argv.includes('--keep');
  const configAt = process.argv.indexOf('--server-config');
  const serverConfig = configAt >= 0 ? process.argv[configAt + 1] : undefined;
  if (configAt >= 0 && !serverConfig) throw new Error('--server-config needs a file name');
  const webrtc = process.argv.includes('--webrtc');
  const tls = process.argv.includes('--tls');
  if (tls && !webrtc) throw new Error('--tls is for the browser phone\'s WebSocket: use it with --webrtc');
  const portAt = process.argv.indexOf('--server-port');
  const serverPort = portAt >= 0 ? Number(process.argv[portAt + 1]) : 8080;
  if (!Number.isInteger(serverPort) || serverPort < 1 || serverPort > 65535) throw new Error(`--server-port needs a port number (1-65535), not ${JSON.stringify(process.argv[portAt + 1])}`);
  const started = Date.now();
  // with --webrtc, agent1's phone is the browser: no baresip phone for 5001
  const bed = await startTestbed({ phones: webrtc ? phones.filter((p) => p.user !== '5001') : phones, queueNumbers: ['8000', '8001'], keepDir, webrtc: webrtc && { tls } });
  // the page inside the namespace reaches the server (on the host) on the same address
  if (bed.netns) await bed.netns.exposeInside([serverPort]);
  // the launcher's phone control connections are not needed here: free the control ports for other tools
  await Promise.all([...bed.phones.values()].map((p) => p.control.close()));
  if (serverConfig) {
    writeFileSync(serverConfig, `${JSON.stringify({ backend: 'sip', sip: sipConfigFor(bed, webrtc ? WEBRTC_AGENTS : AGENTS) }, null, 2)}\n`);
    process.stderr.write(`server config for the sip back end: ${serverConfig} (opencti serve --backend sip --config ${serverConfig})\n`);
  }
  process.stdout.write(`${JSON.stringify({ startedInMs: Date.now() - started, ...(describeBed(bed) as object) }, null, 2)}\n`);
  process.stderr.write('SIP test bed running; Ctrl-C stops every process.\n');
  if (bed.netns) {
    process.stderr.write(
      `browser phone: start the server on port ${serverPort}, then a browser inside the namespace, e.g.\n` +
        `  nsenter -t ${bed.netns.pid} -n -- chromium --use-fake-device-for-media-stream${bed.kamailio.wss ? ` --ignore-certificate-errors-spki-list=${bed.kamailio.wss.spkiSha256}` : ''} http://127.0.0.1:${serverPort}/\n`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the test bed…\n`);
    void bed.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // a phone or Kamailio dying on its own is worth knowing about
  for (const p of [bed.kamailio.process, ...[...bed.phones.values()].map((ph) => ph.process)]) {
    void p.exited.then((code) => {
      if (!stopping) process.stderr.write(`${p.name} (pid ${p.pid}) exited with ${code}; log: ${p.logFile}\n`);
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
