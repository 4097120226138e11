/** Runs one SIPp scenario against the bed's Kamailio, as a managed process (stopped by PID). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { udpBound } from './ports.js';
import type { NetNamespace } from './netns.js';
import { ManagedProcess } from './process.js';
import { waitUntil } from './wait.js';

export interface SippRunOptions {
  /** Shown in errors and used for file names. */
  name: string;
  scenarioXml: string;
  dir: string;
  host: string;
  /** Kamailio's SIP port. */
  proxyPort: number;
  /** SIPp's own SIP port, and the first of its media ports. */
  localPort: number;
  mediaPort: number;
  /** The Call-ID of SIPp's calls ([call_id]); `%u` is replaced by the call number. */
  callId?: string;
  /** Calls to place (UAC scenarios) or handle. */
  calls?: number;
  /** SIPp gives up after this long. */
  timeoutMs?: number;
  /** The test bed's network namespace, when it has one: SIPp runs in it. */
  netns?: NetNamespace | undefined;
}

export interface SippRun {
  process: ManagedProcess;
  /** SIPp's SIP port on 127.0.0.1. */
  port: number;
  /** Resolves with SIPp's exit code: 0 every call passed, 1 some failed, 97/99 internal errors. */
  done: Promise<number>;
  /** Resolves once SIPp has bound its SIP port (a UAS must, before anyone calls it). */
  listening(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function runSipp(o: SippRunOptions): SippRun {
  const scenario = join(o.dir, `${o.name}.xml`);
  writeFileSync(scenario, o.scenarioXml);
  const timeout = Math.ceil((o.timeoutMs ?? 20000) / 1000);
  const line = {
    command: 'sipp',
    args: [
      `${o.host}:${o.proxyPort}`,
      '-sf', scenario,
      '-i', o.host,
      '-p', String(o.localPort),
      '-mp', String(o.mediaPort),
      '-m', String(o.calls ?? 1),
      '-l', '1',
      '-timeout', `${timeout}s`,
      '-timeout_error',
      '-nostdin',
      ...(o.callId === undefined ? [] : ['-cid_str', o.callId]),
      '-trace_err',
      '-error_file', join(o.dir, `${o.name}.errors.log`),
    ],
  };
  const process = ManagedProcess.start({
    name: `sipp ${o.name}`,
    ...(o.netns ? o.netns.wrap(line.command, line.args) : line),
    cwd: o.dir,
    logFile: join(o.dir, `${o.name}.log`),
  });
  const done = process.exited.then((value) => (typeof value === 'number' ? value : 128));
  const listening = (timeoutMs = 5000) =>
    waitUntil(
      async () => {
        if (!process.running) throw new Error(`sipp ${o.name} exited:\n${process.logTail()}`);
        return udpBound(o.localPort, o.netns?.procNet('udp'));
      },
      `sipp ${o.name} on ${o.host}:${o.localPort}`,
      timeoutMs,
    );
  return { process, port: o.localPort, done, listening, stop: () => process.stop(500) };
}
