/**
 * `opencti call`: the caller simulator on the command line, against a running server's REST API.
 *   opencti call --from 2025550101 --to 8000 --data account=42   prints the new call id
 *   opencti call --hangup <callId>                                 the caller hangs up
 * Also the connection options and error reporting shared by the other REST commands.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ApiClient, ApiError } from '../../server/http/client.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface ConnectionFlags {
  server: string;
  token?: string;
}

function parseServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL (e.g. ${DEFAULT_SERVER})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`"${value}" must be an http:// or https:// URL`);
  return value;
}

/** --server and --token, with their environment fallbacks; usage errors exit with status 2. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--server <url>', 'base URL of the CTI server (env OPENCTI_SERVER)', parseServer, process.env.OPENCTI_SERVER || DEFAULT_SERVER)
    .option('--token <token>', 'admin token (env OPENCTI_ADMIN_TOKEN)')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

/** The API client for the command's flags; a missing token is a usage error (exit 2). */
export function clientFor(command: Command, flags: ConnectionFlags): ApiClient {
  const token = flags.token || process.env.OPENCTI_ADMIN_TOKEN;
  if (!token) command.error('error: no admin token: pass --token <token> or set OPENCTI_ADMIN_TOKEN', { exitCode: 2 });
  return new ApiClient({ server: flags.server, token });
}

/** Runs a request; a refusal of the server prints "errCode: errMessage" and sets exit status 1. */
export async function reportApiErrors(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    console.error(`${error.errCode}: ${error.errMessage}`);
    process.exitCode = 1;
  }
}

function collectData(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`"${value}" is not key=value (e.g. --data account=42)`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

interface CallFlags extends ConnectionFlags {
  from?: string;
  to?: string;
  data?: Record<string, string>;
  hangup?: string;
}

export function registerCall(program: Command): void {
  const command = program
    .command('call')
    .description('place a simulated inbound call (prints its call id), or hang one up as the caller')
    .option('--from <ani>', 'caller number (ANI)')
    .option('--to <dnis>', 'number dialled: a queue DNIS, an extension or an agent id')
    .option('--data <key=value>', 'attached call data; repeat for more', collectData)
    .option('--hangup <callId>', 'the caller of this call hangs up');
  withConnectionOptions(command).action(async (flags: CallFlags) => {
    if (flags.hangup !== undefined) {
      if (flags.from !== undefined || flags.to !== undefined || flags.data !== undefined) {
        command.error('error: --hangup cannot be combined with --from, --to or --data', { exitCode: 2 });
      }
      const api = clientFor(command, flags);
      const callId = flags.hangup;
      await reportApiErrors(async () => {
        await api.post(`/api/calls/${encodeURIComponent(callId)}/hangup`);
        console.log(`call ${callId}: the caller hung up`);
      });
      return;
    }
    if (flags.from === undefined) command.error("error: required option '--from <ani>' not specified (or use --hangup <callId>)", { exitCode: 2 });
    if (flags.to === undefined) command.error("error: required option '--to <dnis>' not specified", { exitCode: 2 });
    const api = clientFor(command, flags);
    await reportApiErrors(async () => {
      const { callId } = await api.post<{ callId: string }>('/api/calls', { from: flags.from, to: flags.to, data: flags.data ?? {} });
      console.log(callId);
    });
  });
}
