/**
 * A browser for the bed's browser phones. Chromium ignores loopback for ICE, so it must run inside
 * the bed's network namespace, where it offers a candidate on 127.0.0.2.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Testbed } from './testbed.js';

/** Chromium flags a browser phone needs when no one is there to allow the microphone. */
export const BROWSER_PHONE_CHROMIUM_ARGS: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/** Writes a script that runs `executable` inside the bed's namespace; its path is a browser's executablePath. */
export function chromiumInNamespace(bed: Testbed, executable = '/usr/bin/chromium'): string {
  if (!bed.netns) throw new Error('the test bed has no network namespace: start it with webrtc');
  const wrapper = join(bed.dir, 'chromium-in-netns.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec nsenter -t ${bed.netns.pid} -n -- ${executable} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** The PIDs of every process the bed started, to check after stop() that none is left. */
export function bedPids(bed: Testbed): number[] {
  return [bed.kamailio.pid, bed.rtpengine?.pid ?? 0, bed.netns?.pid ?? 0, ...[...bed.phones.values()].map((p) => p.pid)].filter((pid) => pid > 0);
}
