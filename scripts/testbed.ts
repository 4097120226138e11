/**
 * Starts the default SIP test bed on 127.0.0.1 and keeps it running until Ctrl-C:
 * Kamailio, four baresip agent phones (agent1…agent4), two linphone-daemon phones (lin1, lin2)
 * and a baresip caller; queue numbers 8000 and 8001. Prints the addresses and PIDs as JSON.
 *
 *   npm run testbed                    default bed
 *   npm run testbed -- --keep          keep the folder (configs, logs) after stop
 */
import { type PhoneSpec, type Testbed, startTestbed } from '../src/server/sip/testbed/index.js';

const phones: PhoneSpec[] = [
  { user: 'agent1', kind: 'baresip' },
  { user: 'agent2', kind: 'baresip' },
  { user: 'agent3', kind: 'baresip' },
  { user: 'agent4', kind: 'baresip' },
  { user: 'lin1', kind: 'linphone' },
  { user: 'lin2', kind: 'linphone' },
  { user: 'caller', kind: 'baresip' },
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
  const started = Date.now();
  const bed = await startTestbed({ phones, queueNumbers: ['8000', '8001'], keepDir });
  // the launcher's phone control connections are not needed here: free the control ports for other tools
  await Promise.all([...bed.phones.values()].map((p) => p.control.close()));
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
