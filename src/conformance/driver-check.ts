/**
 * What the kit needs of a target's driver, checked before anything runs: a driver that lacks a
 * number would otherwise get "undefined" dialled, and one that is missing would crash the run.
 */
import type { TelephonyMode } from '../framework/schema/context.js';

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Every problem with `driver` for `mode`, each naming the property; empty when it will do. */
export function driverProblems(driver: unknown, mode: TelephonyMode): string[] {
  if (typeof driver !== 'object' || driver === null) {
    return [`the target gives no driver (got ${driver === null ? 'null' : typeof driver}): createTarget() must return { implementation, driver }`];
  }
  const d = driver as Record<string, unknown>;
  const problems: string[] = [];
  const agent = d.agent as Record<string, unknown> | undefined;
  if (typeof agent !== 'object' || agent === null) problems.push('driver.agent is missing: it names who logs in ({ agentId, agentPwd, extension? })');
  else {
    if (!isText(agent.agentId)) problems.push(`driver.agent.agentId must be a non-empty string (got ${JSON.stringify(agent.agentId)})`);
    if (typeof agent.agentPwd !== 'string') problems.push(`driver.agent.agentPwd must be a string (got ${JSON.stringify(agent.agentPwd)})`);
    if (agent.extension !== undefined && typeof agent.extension !== 'string') problems.push(`driver.agent.extension must be a string when given (got ${JSON.stringify(agent.extension)})`);
  }
  if (typeof d.link !== 'object' || d.link === null) problems.push('driver.link is missing: the link definition handed to login');
  if (!isText(d.inboundNumber)) problems.push(`driver.inboundNumber must be a non-empty string: the number that rings the agent (got ${JSON.stringify(d.inboundNumber)})`);
  if (mode === 'full') {
    if (!isText(d.answeringNumber)) problems.push(`driver.answeringNumber must be a non-empty string in full mode: the external number that answers (got ${JSON.stringify(d.answeringNumber)})`);
    if (!isText(d.secondAnsweringNumber)) problems.push(`driver.secondAnsweringNumber must be a non-empty string in full mode: the conference's third party (got ${JSON.stringify(d.secondAnsweringNumber)})`);
  }
  for (const fn of ['inboundCall', 'callerHangUp'] as const) {
    if (typeof d[fn] !== 'function') problems.push(`driver.${fn} must be a function (got ${typeof d[fn]})`);
  }
  if (d.close !== undefined && typeof d.close !== 'function') problems.push(`driver.close must be a function when given (got ${typeof d.close})`);
  return problems;
}
