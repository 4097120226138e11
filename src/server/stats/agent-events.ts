/** An agent's state change, read from the AgentStateEvent its device sees. */
import type { DeviceEvent } from '../switch/types.js';
import type { AgentStateChange } from './figures.js';

/** The change an event says, or undefined for any other event (calls, snapshots). */
export function agentStateChange({ agentId, event }: DeviceEvent): AgentStateChange | undefined {
  if (event.pyEventType !== 'AgentStateEvent') return undefined;
  const who = event.pyAgentId ?? agentId;
  const at = event.pyTimestamp === undefined ? Number.NaN : Date.parse(event.pyTimestamp);
  if (who === undefined || !Number.isFinite(at)) return undefined;
  return { agentId: who, state: event.pyEventName, workMode: event.pyWorkMode, at };
}
