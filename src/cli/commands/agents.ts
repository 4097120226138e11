/**
 * `opencti agents list|add|remove`: agent administration against a running server's REST API.
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
    .description('list, add and remove agents of a running CTI server')
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
            a.state,
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
    .option('--skills <list>', 'comma-separated skills (queue names)', parseSkills);
  withConnectionOptions(add).action(
    async (agentId: string, flags: ConnectionFlags & { extension: string; password: string; name?: string; skills?: string[] }) => {
      const api = clientFor(add, flags);
      await reportApiErrors(async () => {
        const body = { agentId, displayName: flags.name ?? agentId, extension: flags.extension, password: flags.password, skills: flags.skills ?? [] };
        const agent = await api.post<AgentRow>('/api/agents', body);
        console.log(`agent ${agent.agentId} created (extension ${agent.extension}, skills ${agent.skills.join(',') || 'none'})`);
      });
    },
  );

  const remove = agents.command('remove').description('delete an agent (refused while logged in)').argument('<agentId>', 'agent id');
  withConnectionOptions(remove).action(async (agentId: string, flags: ConnectionFlags) => {
    const api = clientFor(remove, flags);
    await reportApiErrors(async () => {
      await api.delete(`/api/agents/${encodeURIComponent(agentId)}`);
      console.log(`agent ${agentId} removed`);
    });
  });
}
