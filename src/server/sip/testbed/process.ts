/**
 * Child processes of the test bed, each stopped by its PID: SIGTERM, a grace period, then
 * SIGKILL to its process group (every child is started as a group leader, so Kamailio's worker
 * processes go with it). Every live process is also in a registry that is emptied on process
 * exit, SIGINT and SIGTERM, so an interrupted run or a crashed test leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

export interface SpawnOptions {
  /** Names the process in errors ("kamailio", "baresip alice"). */
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr go to this file. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  private exitValue: number | string | undefined;

  private constructor(name: string, pid: number, logFile: string, exited: Promise<number | string>) {
    this.name = name;
    this.pid = pid;
    this.logFile = logFile;
    this.exited = exited.then((value) => {
      this.exitValue = value;
      live.delete(this);
      // workers outlive a leader killed with SIGKILL (Kamailio's keep serving the evapi socket):
      // they are useless without it, so the group goes too
      signal(-pid, 'SIGKILL');
      return value;
    });
  }

  static start(options: SpawnOptions): ManagedProcess {
    installExitHooks();
    const fd = openSync(options.logFile, 'a');
    try {
      const child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        detached: true, // own process group: SIGKILL to -pid takes every worker with it
        stdio: ['ignore', fd, fd],
      });
      if (child.pid === undefined) {
        throw new Error(`${options.name}: could not start ${options.command} (is it installed?)`);
      }
      const exited = new Promise<number | string>((resolve) => {
        child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
        child.once('error', () => resolve('spawn-error'));
      });
      const managed = new ManagedProcess(options.name, child.pid, options.logFile, exited);
      live.add(managed);
      return managed;
    } finally {
      closeSync(fd);
    }
  }

  get running(): boolean {
    return this.exitValue === undefined;
  }

  /** The end of the process's log, for error messages. */
  logTail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, wait up to `graceMs`, then SIGKILL to the whole group. Resolves when it is gone. */
  async stop(graceMs = 1500): Promise<void> {
    if (!this.running) {
      signal(-this.pid, 'SIGKILL');
      return;
    }
    signal(this.pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs));
    if ((await Promise.race([this.exited, timer])) === 'timeout') {
      signal(-this.pid, 'SIGKILL');
      signal(this.pid, 'SIGKILL');
      await this.exited;
    }
    // workers that outlived their leader (rare): take the group down too
    signal(-this.pid, 'SIGKILL');
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

const live = new Set<ManagedProcess>();
let hooksInstalled = false;

/** Every process this module started that is still running. */
export function liveProcesses(): ManagedProcess[] {
  return [...live];
}

/** Stops every live process (used by signal handlers; tests call a bed's stop()). */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // last resort, synchronous: no time to wait for a graceful exit
  process.on('exit', () => {
    for (const p of live) {
      signal(-p.pid, 'SIGKILL');
      signal(p.pid, 'SIGKILL');
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      void stopAllProcesses().finally(() => {
        // keep the default behaviour (exit) unless someone else handles the signal too
        if (process.listenerCount(sig) <= 1) process.exit(sig === 'SIGINT' ? 130 : 143);
      });
    };
    process.on(sig, handler);
  }
}
