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
 */
import { writeFileSync } from 'node:fs';
import { type PhoneSpec, type Testbed, sipConfigFor, startTestbed } from '../src/server/sip/testbed/index.js';

const AGENTS = [
  { agentId: 'agent1', extension: '5001' },
  { agentId: 'agent2', extension: '5002' },
  { agentId: 'agent3', extension: '5003' },
  { agentId: 'agent4', extension: '5004' },
];
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
  const started = Date.now();
  const bed = await startTestbed({ phones, queueNumbers: ['8000', '8001'], keepDir });
  // the launcher's phone control connections are not needed here: free the control ports for other tools
  await Promise.all([...bed.phones.values()].map((p) => p.control.close()));
  if (serverConfig) {
    writeFileSync(serverConfig, `${JSON.stringify({ backend: 'sip', sip: sipConfigFor(bed, AGENTS) }, null, 2)}\n`);
    process.stderr.write(`server config for the sip back end: ${serverConfig} (opencti serve --backend sip --config ${serverConfig})\n`);
  }
  process.stdout.write(`${JSON.stringify({ startedInMs: Date.now() - started, ...(describeBed(bed) as object) }, null, 2)}\n`);
  process.stderr.write('SIP test bed running; Ctrl-C stops every process.\n');

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
