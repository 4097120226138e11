import type { RepoContext } from './context.js';
import { conflict, notFound } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { AGENT_ROLES, type Agent, type AgentPatch, type AgentRole, type NewAgent } from './types.js';
import * as v from './validate.js';

export interface AgentRow {
  agent_id: string;
  display_name: string;
  extension: string;
  skills: string;
  allowed_extensions: string;
  any_extension: number;
  role: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'agent_id, display_name, extension, skills, allowed_extensions, any_extension, role, created_at, updated_at';

export const checkRole = (value: unknown): AgentRole => v.oneOf('role', value, AGENT_ROLES);

export const toAgent = (r: AgentRow): Agent => ({
  agentId: r.agent_id,
  displayName: r.display_name,
  extension: r.extension,
  skills: JSON.parse(r.skills) as string[],
  allowedExtensions: JSON.parse(r.allowed_extensions) as string[],
  anyExtension: r.any_extension === 1,
  role: r.role === 'supervisor' ? 'supervisor' : 'agent',
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Whether the agent may log in on `extension`: their own, one an admin allowed, or any when allowed so. */
export const mayUseExtension = (agent: Pick<Agent, 'extension' | 'allowedExtensions' | 'anyExtension'>, extension: string): boolean =>
  extension === agent.extension || agent.anyExtension || agent.allowedExtensions.includes(extension);

export function agentRepo({ db, now, scrypt }: RepoContext) {
  const select = db.prepare<[string], AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE agent_id = ?`);
  const selectAll = db.prepare<[], AgentRow>(`SELECT ${COLUMNS} FROM agents ORDER BY agent_id`);
  const selectByExtension = db.prepare<[string], { agent_id: string }>('SELECT agent_id FROM agents WHERE extension = ?');
  const selectHash = db.prepare<[string], { password_hash: string }>('SELECT password_hash FROM agents WHERE agent_id = ?');
  const insert = db.prepare(
    `INSERT INTO agents (agent_id, display_name, extension, skills, allowed_extensions, any_extension, role, password_hash, created_at, updated_at)
     VALUES (@agentId, @displayName, @extension, @skills, @allowedExtensions, @anyExtension, @role, @hash, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE agents SET display_name = @displayName, extension = @extension, skills = @skills,
       allowed_extensions = @allowedExtensions, any_extension = @anyExtension, role = @role, password_hash = COALESCE(@hash, password_hash), updated_at = @now
     WHERE agent_id = @agentId`,
  );
  const remove = db.prepare('DELETE FROM agents WHERE agent_id = ?');

  const get = (agentId: string): Agent | undefined => {
    const row = select.get(agentId);
    return row === undefined ? undefined : toAgent(row);
  };

  const checkExtensionFree = (extension: string, agentId: string): string => {
    const owner = selectByExtension.get(extension)?.agent_id;
    if (owner !== undefined && owner !== agentId) throw conflict(`extension ${JSON.stringify(extension)} already belongs to agent ${JSON.stringify(owner)}`);
    return extension;
  };

  return {
    createAgent(input: NewAgent): Agent {
      v.object('agent', input);
      const agentId = v.identifier('agentId', input.agentId);
      if (select.get(agentId) !== undefined) throw conflict(`agent ${JSON.stringify(agentId)} already exists`);
      insert.run({
        agentId,
        displayName: v.text('displayName', input.displayName),
        extension: checkExtensionFree(v.dialable('extension', input.extension), agentId),
        skills: JSON.stringify(v.skills(input.skills ?? [])),
        allowedExtensions: JSON.stringify(v.extensions('allowedExtensions', input.allowedExtensions ?? [])),
        anyExtension: v.boolean('anyExtension', input.anyExtension ?? false) ? 1 : 0,
        role: checkRole(input.role ?? 'agent'),
        hash: hashPassword(v.password(input.password), scrypt),
        now: now(),
      });
      return get(agentId) as Agent;
    },

    updateAgent(agentId: string, patch: AgentPatch): Agent {
      v.object('agent patch', patch);
      const current = get(agentId);
      if (current === undefined) throw notFound('agent', agentId);
      update.run({
        agentId,
        displayName: patch.displayName === undefined ? current.displayName : v.text('displayName', patch.displayName),
        extension: patch.extension === undefined ? current.extension : checkExtensionFree(v.dialable('extension', patch.extension), agentId),
        skills: JSON.stringify(patch.skills === undefined ? current.skills : v.skills(patch.skills)),
        allowedExtensions: JSON.stringify(
          patch.allowedExtensions === undefined ? current.allowedExtensions : v.extensions('allowedExtensions', patch.allowedExtensions),
        ),
        anyExtension: (patch.anyExtension === undefined ? current.anyExtension : v.boolean('anyExtension', patch.anyExtension)) ? 1 : 0,
        role: patch.role === undefined ? current.role : checkRole(patch.role),
        hash: patch.password === undefined ? null : hashPassword(v.password(patch.password), scrypt),
        now: now(),
      });
      return get(agentId) as Agent;
    },

    deleteAgent(agentId: string): void {
      if (remove.run(agentId).changes === 0) throw notFound('agent', agentId);
    },

    getAgent: get,

    listAgents(): Agent[] {
      return selectAll.all().map(toAgent);
    },

    /** False for a wrong password and for an unknown agent alike (same cost, same answer). */
    async verifyAgentPassword(agentId: string, password: string): Promise<boolean> {
      if (typeof agentId !== 'string' || typeof password !== 'string') return false;
      return verifyPassword(password, selectHash.get(agentId)?.password_hash);
    },
  };
}

export type AgentRepo = ReturnType<typeof agentRepo>;
