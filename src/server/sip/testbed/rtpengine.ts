/**
 * rtpengine in userspace for the test bed's browser phones: no kernel module (`--table=-1`;
 * never `--no-fallback`, which demands it), no Debian config file (`--config-file=none`), and
 * a call's ports freed at once after its end (`--delete-delay=0`).
 */
import { join } from 'node:path';
import type { NetNamespace } from './netns.js';
import { ManagedProcess } from './process.js';
import { waitUntil } from './wait.js';
import { udpBound } from './ports.js';

export interface RtpengineOptions {
  dir: string;
  host: string;
  /** The control ("ng") port Kamailio's rtpengine module talks to (UDP). */
  ngPort: number;
  /** rtpengine-ctl's port (TCP). */
  cliPort: number;
  /** Media ports, an even count (RTP and RTCP pairs). */
  portMin: number;
  portMax: number;
  netns: NetNamespace;
  timeoutMs: number;
}

export async function startRtpengine(o: RtpengineOptions): Promise<ManagedProcess> {
  const args = [
    '--config-file=none',
    '--foreground',
    '--log-stderr',
    '--table=-1',
    `--interface=${o.host}`,
    `--listen-ng=${o.host}:${o.ngPort}`,
    `--listen-cli=${o.host}:${o.cliPort}`,
    `--port-min=${o.portMin}`,
    `--port-max=${o.portMax}`,
    '--delete-delay=0',
  ];
  const proc = ManagedProcess.start({ name: 'rtpengine', ...o.netns.wrap('rtpengine', args), logFile: join(o.dir, 'rtpengine.log') });
  await waitUntil(
    async () => {
      if (!proc.running) throw new Error(`rtpengine exited during start-up:\n${proc.logTail()}`);
      return udpBound(o.ngPort, o.netns.procNet('udp'));
    },
    `rtpengine's ng port ${o.host}:${o.ngPort}`,
    o.timeoutMs,
  );
  return proc;
}
