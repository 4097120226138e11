/** `opencti serve` as a real child process (through tsx): started, read from, killed by its PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** What the process printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

const children: ChildProcess[] = [];

/** Kills every process started here that is still running (afterAll). */
export function killAll(): void {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The admin token kept in a data folder. */
export const tokenIn = (dataDir: string): string => readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();

function launch(args: string[], env: Record<string, string | undefined>) {
  const clean: Record<string, string | undefined> = { ...process.env, OPENCTI_ADMIN_TOKEN: undefined, NODE_ENV: undefined, ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries(clean).filter((e): e is [string, string] => e[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, exited, out: () => out, err: () => err };
}

/** Starts `opencti serve --port 0 ARGS` and resolves once it prints its URL. */
export function serve(args: string[], env: Record<string, string | undefined> = {}): Promise<ServeProcess> {
  const p = launch(args, env);
  return new Promise((resolve, reject) => {
    const onData = () => {
      const url = /server on (http:\/\/\S+)/.exec(p.out())?.[1];
      if (url === undefined) return;
      p.child.stdout!.off('data', onData);
      resolve({ child: p.child, url, stdout: p.out, stderr: p.err, exited: p.exited });
    };
    p.child.stdout!.on('data', onData);
    void p.exited.then((code) => reject(new Error(`serve exited with ${String(code)}: ${p.err()}${p.out()}`)));
  });
}

/** Runs `opencti serve` expecting it to refuse to start: its exit code and what it printed. */
export async function serveRefused(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | NodeJS.Signals | null; stdout: string; stderr: string }> {
  const p = launch(args, env);
  const code = await p.exited;
  return { code, stdout: p.out(), stderr: p.err() };
}

/** SIGTERM, then waits for the exit. */
export async function stop(server: ServeProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}
