/** Checks the switch's configuration and applies it without touching calls in progress. */
import { SwitchError, q } from './errors.js';
import { NOT_READY_AFTER_LOGIN } from './agent-state.js';
import { countExtension, type Ctx } from './model.js';
import { agentChanged } from './ready-index.js';
import type { AgentConfig, QueueConfig } from './types.js';

const invalid = (message: string) => new SwitchError('OPENCTI_INVALID_CONFIG', message);
const EXTENSION = /^[0-9A-Za-z*#+]{1,32}$/;

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

export function checkNumber(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw invalid(`${name} must be a number >= ${min}, got ${q(value)}`);
  return value;
}

/** The whole configuration after an update: agents by id, queues by name, in first-seen order. */
export function checkConfig(agents: readonly AgentConfig[], queues: readonly QueueConfig[], loggedIn: Iterable<string> = []): void {
  const ids = new Set<string>();
  const extensions = new Set<string>(loggedIn);
  for (const agent of agents) {
    if (typeof agent !== 'object' || agent === null) throw invalid(`an agent must be an object, got ${q(agent)}`);
    if (!nonEmpty(agent.agentId)) throw invalid(`agentId must be a non-empty string, got ${q(agent.agentId)}`);
    if (ids.has(agent.agentId)) throw invalid(`agent ${q(agent.agentId)} is configured twice`);
    ids.add(agent.agentId);
    if (typeof agent.extension !== 'string' || !EXTENSION.test(agent.extension)) {
      throw invalid(`agent ${q(agent.agentId)}: extension must be 1 to 32 digits or letters, got ${q(agent.extension)}`);
    }
    extensions.add(agent.extension);
    if (!Array.isArray(agent.skills) || agent.skills.some((s) => !nonEmpty(s))) {
      throw invalid(`agent ${q(agent.agentId)}: skills must be a list of non-empty strings, got ${q(agent.skills)}`);
    }
  }
  const names = new Set<string>();
  const dnises = new Set<string>();
  for (const queue of queues) {
    if (typeof queue !== 'object' || queue === null) throw invalid(`a queue must be an object, got ${q(queue)}`);
    if (!nonEmpty(queue.name)) throw invalid(`queue name must be a non-empty string, got ${q(queue.name)}`);
    if (names.has(queue.name)) throw invalid(`queue ${q(queue.name)} is configured twice`);
    names.add(queue.name);
    if (typeof queue.dnis !== 'string' || !EXTENSION.test(queue.dnis)) throw invalid(`queue ${q(queue.name)}: dnis must be 1 to 32 digits or letters, got ${q(queue.dnis)}`);
    if (dnises.has(queue.dnis)) throw invalid(`queue ${q(queue.name)}: dnis ${queue.dnis} is used by another queue`);
    if (extensions.has(queue.dnis)) throw invalid(`queue ${q(queue.name)}: dnis ${queue.dnis} is an agent extension`);
    dnises.add(queue.dnis);
    if (queue.skill !== undefined && !nonEmpty(queue.skill)) throw invalid(`queue ${q(queue.name)}: skill must be a non-empty string, got ${q(queue.skill)}`);
  }
}

/** Adds or replaces agents (by agentId) and queues (by name); state and waiting calls are kept. */
export interface ConfigUpdate {
  agents?: readonly AgentConfig[] | undefined;
  queues?: readonly QueueConfig[] | undefined;
  removeAgents?: readonly string[] | undefined;
  removeQueues?: readonly string[] | undefined;
}

/** Forgets agents and queues, after checking that none is in use; all or nothing. */
function applyRemovals(ctx: Ctx, update: ConfigUpdate): void {
  const agentIds = update.removeAgents ?? [];
  const queueNames = update.removeQueues ?? [];
  for (const agentId of agentIds) {
    const agent = ctx.agents.get(agentId);
    if (agent?.extension !== undefined) {
      throw new SwitchError('OPENCTI_INVALID_ACTION', `agent ${q(agentId)} is logged in on extension ${agent.extension}: log them out before removing them`);
    }
  }
  for (const name of queueNames) {
    const waiting = ctx.queues.get(name)?.waiting.length ?? 0;
    if (waiting > 0) throw new SwitchError('OPENCTI_INVALID_ACTION', `queue ${q(name)} has ${waiting} call(s) waiting: remove it when it is empty`);
  }
  for (const agentId of agentIds) {
    const agent = ctx.agents.get(agentId);
    if (!agent) continue;
    countExtension(ctx, agent.config.extension, -1);
    ctx.agents.delete(agentId);
  }
  for (const name of queueNames) ctx.queues.delete(name);
}

export function applyConfig(ctx: Ctx, update: ConfigUpdate): void {
  applyRemovals(ctx, update);
  const agents = new Map([...ctx.agents].map(([id, a]) => [id, a.config]));
  for (const agent of update.agents ?? []) agents.set(agent?.agentId, agent);
  const queues = new Map([...ctx.queues].map(([name, queue]) => [name, queue.config]));
  for (const queue of update.queues ?? []) queues.set(queue?.name, queue);
  checkConfig([...agents.values()], [...queues.values()], ctx.devices.keys());

  for (const config of update.agents ?? []) {
    const copy: AgentConfig = { agentId: config.agentId, extension: config.extension, skills: [...config.skills] };
    const agent = ctx.agents.get(config.agentId);
    countExtension(ctx, copy.extension, 1);
    if (agent) {
      countExtension(ctx, agent.config.extension, -1);
      agent.config = copy;
      agentChanged(ctx, agent); // new skills
    } else {
      ctx.agents.set(config.agentId, {
        config: copy,
        mode: NOT_READY_AFTER_LOGIN,
        readyWorkMode: 'MODE_NONE',
        busy: false,
        acw: false,
        idleSince: ctx.clock.now(),
      });
    }
  }
  for (const config of update.queues ?? []) {
    const copy: QueueConfig = { name: config.name, dnis: config.dnis, skill: config.skill ?? config.name };
    ctx.queues.set(config.name, { config: copy, skill: copy.skill ?? copy.name, waiting: ctx.queues.get(config.name)?.waiting ?? [] });
  }
}
