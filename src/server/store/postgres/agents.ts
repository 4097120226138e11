import { checkRole, toAgent, type AgentRow } from '../agents.js';
import { conflict, notFound } from '../errors.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import type { Agent, AgentPatch, NewAgent } from '../types.js';
import * as v from '../validate.js';
import type { PgContext } from './context.js';

/** The columns as the SQLite rows have them, so both stores share toAgent. */
const COLUMNS =
  'agent_id, display_name, extension, skills::text AS skills, allowed_extensions::text AS allowed_extensions, any_extension::int AS any_extension, role, created_at, updated_at';

export function pgAgentRepo({ sql, now, scrypt }: PgContext) {
  const get = async (agentId: string): Promise<Agent | undefined> => {
    const row = await sql.one<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE agent_id = $1`, [agentId]);
    return row === undefined ? undefined : toAgent(row);
  };

  const checkExtensionFree = async (extension: string, agentId: string): Promise<string> => {
    const owner = (await sql.one<{ agent_id: string }>('SELECT agent_id FROM agents WHERE extension = $1', [extension]))?.agent_id;
    if (owner !== undefined && owner !== agentId) throw conflict(`extension ${JSON.stringify(extension)} already belongs to agent ${JSON.stringify(owner)}`);
    return extension;
  };

  return {
    async createAgent(input: NewAgent): Promise<Agent> {
      v.object('agent', input);
      const agentId = v.identifier('agentId', input.agentId);
      const displayName = v.text('displayName', input.displayName);
      const extension = v.dialable('extension', input.extension);
      const skills = JSON.stringify(v.skills(input.skills ?? []));
      const allowed = JSON.stringify(v.extensions('allowedExtensions', input.allowedExtensions ?? []));
      const any = v.boolean('anyExtension', input.anyExtension ?? false);
      const role = checkRole(input.role ?? 'agent');
      const password = v.password(input.password);
      if ((await get(agentId)) !== undefined) throw conflict(`agent ${JSON.stringify(agentId)} already exists`);
      await checkExtensionFree(extension, agentId);
      const at = now();
      await sql.run(
        `INSERT INTO agents (agent_id, display_name, extension, skills, allowed_extensions, any_extension, password_hash, created_at, updated_at, role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)`,
        [agentId, displayName, extension, skills, allowed, any, hashPassword(password, scrypt), at, role],
      );
      return (await get(agentId)) as Agent;
    },

    async updateAgent(agentId: string, patch: AgentPatch): Promise<Agent> {
      v.object('agent patch', patch);
      const current = await get(agentId);
      if (current === undefined) throw notFound('agent', agentId);
      const extension = patch.extension === undefined ? current.extension : await checkExtensionFree(v.dialable('extension', patch.extension), agentId);
      await sql.run(
        `UPDATE agents SET display_name = $2, extension = $3, skills = $4, allowed_extensions = $5, any_extension = $6,
           password_hash = COALESCE($7, password_hash), updated_at = $8, role = $9
         WHERE agent_id = $1`,
        [
          agentId,
          patch.displayName === undefined ? current.displayName : v.text('displayName', patch.displayName),
          extension,
          JSON.stringify(patch.skills === undefined ? current.skills : v.skills(patch.skills)),
          JSON.stringify(patch.allowedExtensions === undefined ? current.allowedExtensions : v.extensions('allowedExtensions', patch.allowedExtensions)),
          patch.anyExtension === undefined ? current.anyExtension : v.boolean('anyExtension', patch.anyExtension),
          patch.password === undefined ? null : hashPassword(v.password(patch.password), scrypt),
          now(),
          patch.role === undefined ? current.role : checkRole(patch.role),
        ],
      );
      return (await get(agentId)) as Agent;
    },

    async deleteAgent(agentId: string): Promise<void> {
      if ((await sql.run('DELETE FROM agents WHERE agent_id = $1', [agentId])) === 0) throw notFound('agent', agentId);
    },

    getAgent: get,

    async listAgents(): Promise<Agent[]> {
      // COLLATE "C": the byte order SQLite sorts by, whatever the database's locale.
      return (await sql.rows<AgentRow>(`SELECT ${COLUMNS} FROM agents ORDER BY agent_id COLLATE "C"`)).map(toAgent);
    },

    /** False for a wrong password and for an unknown agent alike (same cost, same answer). */
    async verifyAgentPassword(agentId: string, password: string): Promise<boolean> {
      if (typeof agentId !== 'string' || typeof password !== 'string') return false;
      const row = await sql.one<{ password_hash: string }>('SELECT password_hash FROM agents WHERE agent_id = $1', [agentId]);
      return verifyPassword(password, row?.password_hash);
    },
  };
}
