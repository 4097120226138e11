/**
 * `opencti agents list|add|update|remove|logout|unlock`: agent administration against a running
 * server's REST API.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { clientFor, reportApiErrors, withConnectionOptions, type ConnectionFlags } from './call.js';

interface AgentRow {
  agentId: string;
  displayName: string;
  extension: string;
  skills: string[];
  state: string;
  loggedInExtension?: string;
  session: { extension: string; sockets: number } | null;
  allowedExtensions: string[];
  anyExtension: boolean;
  role: 'agent' | 'supervisor';
  failedLogins: number;
  locked: boolean;
  lockedUntil: string | null;
}

function parseExtensions(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.some((e) => !/^\+?[0-9*#]{1,32}$/.test(e))) throw new InvalidArgumentError('give extensions as digits (with * or #), comma-separated (e.g. 5001,5002)');
  return list;
}

const extensionsRule = (a: AgentRow): string =>
  a.anyExtension ? 'any extension' : `extensions ${[a.extension, ...a.allowedExtensions].join(',')}`;

const ROLES = ['agent', 'supervisor'] as const;

function parseRole(value: string): (typeof ROLES)[number] {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`give the role as ${ROLES.join(' or ')}`);
  return value as (typeof ROLES)[number];
}

function parseSkills(value: string): string[] {
  const skills = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (skills.length === 0) throw new InvalidArgumentError('give at least one skill, comma-separated (e.g. sales,support)');
  return skills;
}

/** Left-aligned columns, two spaces apart. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function registerAgents(program: Command): void {
  const agents = program
    .command('agents')
    .description('list, add, change and remove agents of a running CTI server; log them out; unlock them')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

  const list = agents.command('list').description('agents with their state and desktop sessions').option('--json', 'print JSON');
  withConnectionOptions(list).action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const api = clientFor(list, flags);
    await reportApiErrors(async () => {
      const rows = await api.get<AgentRow[]>('/api/agents');
      if (flags.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      console.log(
        table(
          ['AGENT', 'NAME', 'EXTENSION', 'SKILLS', 'STATE', 'SESSION'],
          rows.map((a) => [
            a.agentId,
            a.displayName,
            a.loggedInExtension ?? a.extension,
            a.skills.join(','),
            a.locked ? `${a.state} (locked${a.lockedUntil ? ` until ${a.lockedUntil}` : ''})` : a.state,
            a.session === null ? '-' : `${a.session.sockets} socket(s) on ${a.session.extension}`,
          ]),
        ),
      );
    });
  });

  const add = agents
    .command('add')
    .description('create an agent (it can log in at once)')
    .argument('<agentId>', 'agent id (letters, digits, . _ @ : -)')
    .requiredOption('--extension <number>', 'default extension')
    .requiredOption('--password <password>', 'login password')
    .option('--name <displayName>', 'name shown on the desktop (default: the agent id)')
    .option('--skills <list>', 'comma-separated skills (queue names)', parseSkills)
    .option('--allow-extensions <list>', 'comma-separated extensions besides its own the agent may log in on', parseExtensions)
    .option('--any-extension', 'the agent may log in on any extension')
    .option('--role <role>', 'agent (default) or supervisor: a supervisor also sees the statistics and may force agents Not Ready or log them out', parseRole);
  withConnectionOptions(add).action(
    async (
      agentId: string,
      flags: ConnectionFlags & { extension: string; password: string; name?: string; skills?: string[]; allowExtensions?: string[]; anyExtension?: boolean; role?: string },
    ) => {
      const api = clientFor(add, flags);
      await reportApiErrors(async () => {
        const body = {
          agentId,
          displayName: flags.name ?? agentId,
          extension: flags.extension,
          password: flags.password,
          skills: flags.skills ?? [],
          allowedExtensions: flags.allowExtensions ?? [],
          anyExtension: flags.anyExtension ?? false,
          ...(flags.role === undefined ? {} : { role: flags.role }),
        };
        const agent = await api.post<AgentRow>('/api/agents', body);
        const role = agent.role === 'supervisor' ? ', supervisor' : '';
        console.log(`agent ${agent.agentId} created (extension ${agent.extension}, skills ${agent.skills.join(',') || 'none'}${role}; may log in on ${extensionsRule(agent)})`);
      });
    },
  );

  const update = agents
    .command('update')
    .description('change an agent (only the options given)')
    .argument('<agentId>', 'agent id')
    .option('--extension <number>', 'default extension')
    .option('--password <password>', 'login password')
    .option('--name <displayName>', 'name shown on the desktop')
    .option('--skills <list>', 'comma-separated skills (queue names)', parseSkills)
    .option('--allow-extensions <list>', 'comma-separated extensions besides its own the agent may log in on (replaces the list)', parseExtensions)
    .option('--own-extension-only', 'the agent may log in on its own extension only (clears --allow-extensions and --any-extension)')
    .option('--any-extension', 'the agent may log in on any extension')
    .option('--role <role>', 'agent or supervisor', parseRole);
  withConnectionOptions(update).action(
    async (
      agentId: string,
      flags: ConnectionFlags & {
        extension?: string;
        password?: string;
        name?: string;
        skills?: string[];
        allowExtensions?: string[];
        ownExtensionOnly?: boolean;
        anyExtension?: boolean;
        role?: string;
      },
    ) => {
      if (flags.ownExtensionOnly && (flags.anyExtension || flags.allowExtensions)) {
        console.error('--own-extension-only does not go with --any-extension or --allow-extensions');
        process.exit(2);
      }
      const patch = {
        extension: flags.extension,
        password: flags.password,
        displayName: flags.name,
        skills: flags.skills,
        allowedExtensions: flags.ownExtensionOnly ? [] : flags.allowExtensions,
        anyExtension: flags.ownExtensionOnly ? false : flags.anyExtension,
        role: flags.role,
      };
      const body = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (Object.keys(body).length === 0) {
        console.error('nothing to change: give at least one option (see opencti agents update --help)');
        process.exit(2);
      }
      const api = clientFor(update, flags);
      await reportApiErrors(async () => {
        const agent = await api.patch<AgentRow>(`/api/agents/${encodeURIComponent(agentId)}`, body);
        console.log(`agent ${agent.agentId} updated (extension ${agent.extension}; may log in on ${extensionsRule(agent)})`);
      });
    },
  );

  const logout = agents
    .command('logout')
    .description("log an agent out and end their session (their desktops are told so); refused during a call")
    .argument('<agentId>', 'agent id')
    .option('--reason <code>', 'logout reason code');
  withConnectionOptions(logout).action(async (agentId: string, flags: ConnectionFlags & { reason?: string }) => {
    const api = clientFor(logout, flags);
    await reportApiErrors(async () => {
      await api.post(`/api/agents/${encodeURIComponent(agentId)}/logout`, flags.reason === undefined ? {} : { reasonCode: flags.reason });
      console.log(`agent ${agentId} logged out`);
    });
  });

  const unlock = agents.command('unlock').description('lift the lockout of an agent after failed logins').argument('<agentId>', 'agent id');
  withConnectionOptions(unlock).action(async (agentId: string, flags: ConnectionFlags) => {
    const api = clientFor(unlock, flags);
    await reportApiErrors(async () => {
      const agent = await api.post<AgentRow>(`/api/agents/${encodeURIComponent(agentId)}/unlock`);
      console.log(`agent ${agent.agentId} unlocked`);
    });
  });

  const remove = agents.command('remove').description('delete an agent (refused while logged in)').argument('<agentId>', 'agent id');
  withConnectionOptions(remove).action(async (agentId: string, flags: ConnectionFlags) => {
    const api = clientFor(remove, flags);
    await reportApiErrors(async () => {
      await api.delete(`/api/agents/${encodeURIComponent(agentId)}`);
      console.log(`agent ${agentId} removed`);
    });
  });
}
