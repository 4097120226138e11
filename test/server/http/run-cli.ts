/** Runs the real `opencti` command in a child process (through tsx), without a shell. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const clean = { ...process.env };
  delete clean.OPENCTI_ADMIN_TOKEN;
  delete clean.OPENCTI_SERVER;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      // Generous: on a loaded machine several tsx-compiled CLIs starting at once take tens of seconds.
      { cwd: ROOT, env: { ...clean, ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        // A CLI killed by the time limit says so, rather than passing for an exit 1 with no message.
        resolve({ code, stdout, stderr: error?.killed ? `${stderr}[the CLI was killed after 90 s: ${error.signal}]` : stderr });
      },
    );
  });
}
