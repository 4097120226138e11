/**
 * Drivers run inputs through the call center. The local driver applies them at once (one process,
 * nothing to replicate); the cluster driver (src/server/cluster/) logs them first. The gateway,
 * the HTTP API and the SIP back end only see this interface.
 */
import type { Switch } from '../switch/types.js';
import type { CallCenter, Effect } from './center.js';
import { SWITCH_COMMANDS, type Input, type SwitchCommand } from './inputs.js';

export interface CenterDriver {
  /** This node's replica: read it freely, change it only through exec. */
  readonly center: CallCenter;
  /**
   * Applies the input here and now and returns its result (throws its refusal); what it causes is
   * released once it is logged. Only where inputs are applied first: one process, or the leader.
   */
  execSync(input: Input): unknown;
  /** Applies the input through the log, wherever that is done; settles once this node has applied it. */
  exec(input: Input): Promise<unknown>;
  /** Effects of applied (and logged) inputs on this node, in order. */
  onEffect(listener: (effect: Effect) => void): () => void;
}

/** Switch methods whose results may come later (another node applies them first). */
export type CommandSwitch = Omit<Switch, SwitchCommand> & {
  readonly [K in SwitchCommand]: (...args: Parameters<Switch[K]>) => ReturnType<Switch[K]> | Promise<ReturnType<Switch[K]>>;
};

function replicaSwitch(driver: CenterDriver): Switch {
  const sw = driver.center.switch;
  if (!sw) throw new Error('the call center has not started (no init entry applied)');
  return sw;
}

/** The switch as the HTTP API and the gateway use it: reads from this replica, changes through the log. */
export function commandSwitch(driver: CenterDriver): CommandSwitch {
  const commands = Object.fromEntries(SWITCH_COMMANDS.map((m) => [m, (...a: unknown[]) => driver.exec({ k: 'switch', m, a })]));
  return withReads(driver, commands) as CommandSwitch;
}

/**
 * The switch as a synchronous caller sees it (the SIP back end, tests): only where inputs apply
 * at once (one process, or the leader).
 */
export function immediateSwitch(driver: CenterDriver): Switch {
  const commands = Object.fromEntries(SWITCH_COMMANDS.map((m) => [m, (...a: unknown[]) => driver.execSync({ k: 'switch', m, a })]));
  return withReads(driver, commands) as Switch;
}

function withReads(driver: CenterDriver, commands: Record<string, unknown>): object {
  return {
    ...commands,
    onDeviceEvent: (listener: Parameters<Switch['onDeviceEvent']>[0]) => replicaSwitch(driver).onDeviceEvent(listener),
    onCallRecord: (listener: Parameters<Switch['onCallRecord']>[0]) => replicaSwitch(driver).onCallRecord(listener),
    snapshot: (agentId: string) => replicaSwitch(driver).snapshot(agentId),
    calls: () => replicaSwitch(driver).calls(),
    queues: () => replicaSwitch(driver).queues(),
    agents: () => replicaSwitch(driver).agents(),
  };
}
