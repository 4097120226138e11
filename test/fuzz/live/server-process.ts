/**
 * `opencti serve` as a child process on a free loopback port with its own data folder, so that a
 * crash shows as the process exiting, and its memory can be read from outside (/proc/PID/status).
 * Its inspector listens on a loopback port of its own choosing, so that the run can ask V8 for a
 * full garbage collection before it measures (HeapProfiler.collectGarbage), as a heap profiler does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const TAIL_CHARS = 8_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
  /** The end of what the process wrote to stderr and stdout: the stack of a crash. */
  readonly stderr: string;
  readonly stdout: string;
}

export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  readonly ctiUrl: string;
  readonly port: number;
  readonly adminToken: string;
  /** Set once the process has exited, whoever ended it. */
  readonly exit: Exit | undefined;
  readonly exited: Promise<Exit>;
  /** Resident set size in bytes (VmRSS), or undefined once the process is gone. */
  rss(): number | undefined;
  /** A full garbage collection in the process, through its inspector; resolves when it is done. */
  collectGarbage(): Promise<void>;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its data folder. */
  stop(): Promise<void>;
}

export async function startServerProcess(extraArgs: readonly string[] = []): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencti-fuzz-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--inspect=127.0.0.1:0', '--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'error', ...extraArgs],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } },
  );
  let stdout = '';
  let stderr = '';
  const keep = (text: string, chunk: Buffer) => (text + chunk.toString()).slice(-TAIL_CHARS);
  let inspectorUrl: string | undefined;
  child.stderr!.on('data', (d: Buffer) => {
    stderr = keep(stderr, d);
    inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
  });
  let banner = '';
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now(), stderr, stdout };
      resolveExit(exit);
    }),
  );
  const started = await new Promise<{ url: string; adminToken: string }>((resolveStart, reject) => {
    // Generous: on a busy shared machine, loading the TypeScript sources takes a while.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`opencti serve did not start within 90 s: ${banner}${stderr}`));
    }, 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout = keep(stdout, d);
      banner += d.toString();
      const url = /server on (http:\/\/\S+)/.exec(banner)?.[1];
      const adminToken = /admin token:\s+(\S+)/.exec(banner)?.[1];
      if (url && adminToken) {
        clearTimeout(timer);
        resolveStart({ url, adminToken });
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`opencti serve exited at start (code ${e.code}, signal ${e.signal}): ${e.stderr}`));
    });
  });
  const port = Number(new URL(started.url).port);
  const pid = child.pid as number;
  const server: ServerProcess = {
    pid,
    url: started.url,
    ctiUrl: `${started.url.replace(/^http/, 'ws')}/cti`,
    port,
    adminToken: started.adminToken,
    get exit() {
      return exit;
    },
    exited,
    rss() {
      if (exit) return undefined;
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return kb === undefined ? undefined : Number(kb) * 1024;
      } catch {
        return undefined;
      }
    },
    async collectGarbage() {
      if (!inspectorUrl) throw new Error(`the server's inspector did not say where it listens: ${stderr.slice(-500)}`);
      await inspectorCall(inspectorUrl, 'HeapProfiler.collectGarbage');
    },
    async stop() {
      if (!exit) {
        process.kill(pid, 'SIGTERM');
        const killer = setTimeout(() => !exit && process.kill(pid, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** One call of the Chrome DevTools protocol on a process's inspector; resolves on its answer. */
function inspectorCall(url: string, method: string): Promise<void> {
  return new Promise((resolveCall, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`the inspector did not answer ${method} within 30 s`));
    }, 30_000);
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, method })));
    socket.on('message', (data) => {
      const answer = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
      if (answer.id !== 1) return;
      clearTimeout(timer);
      socket.close();
      if (answer.error) reject(new Error(`${method}: ${answer.error.message}`));
      else resolveCall();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
