/**
 * Data paths: how a treatment's popData names call data inside a container (SPEC §7).
 *
 *   pyUserData.account.id      the string at account → id of pyUserData
 *   pyApplicationData.ivr      every string inside the group ivr, each under its own path
 *   pyCallVariables.0          the first call variable (indexes start at 0)
 *   pyCallVariables            every call variable: pyCallVariables.0, pyCallVariables.1, …
 *   pyCallData.account         the pyCallData key account (plain `account` names it too)
 *
 * A path is the container's name, then keys (or, for pyCallVariables, an index) separated by
 * dots; keys that hold a dot themselves cannot be reached this way. A path that reaches nothing
 * gives nothing.
 */
import { CALL_DATA_CONTAINERS, type CallDataContainer, type DataGroup } from './schema/events.js';
import type { CallView } from './session/types.js';

type Node = string | DataGroup | readonly string[];

function containerOf(call: CallView, name: CallDataContainer): Node {
  switch (name) {
    case 'pyCallData':
      return call.callData;
    case 'pyUserData':
      return call.userData;
    case 'pyCallVariables':
      return call.callVariables;
    case 'pyApplicationData':
      return call.applicationData;
  }
}

/** The container a path starts with, or undefined when it names none. */
export function pathContainer(path: string): CallDataContainer | undefined {
  const head = path.split('.', 1)[0];
  return (CALL_DATA_CONTAINERS as readonly string[]).includes(head ?? '') ? (head as CallDataContainer) : undefined;
}

function child(node: Node, key: string): Node | undefined {
  if (typeof node === 'string') return undefined;
  if (Array.isArray(node)) return /^(0|[1-9][0-9]*)$/.test(key) ? (node as readonly string[])[Number(key)] : undefined;
  return Object.prototype.hasOwnProperty.call(node, key) ? (node as DataGroup)[key] : undefined;
}

function collect(node: Node, path: string, out: [string, string][]): void {
  if (typeof node === 'string') {
    out.push([path, node]);
    return;
  }
  const entries: [string, Node][] = Array.isArray(node)
    ? (node as readonly string[]).map((value, i) => [String(i), value])
    : Object.entries(node as DataGroup);
  for (const [key, value] of entries) collect(value, `${path}.${key}`, out);
}

/**
 * The strings a data path reaches on the call, each with its full path, in the data's order;
 * [] when the path names no container or reaches nothing.
 */
export function valuesAtPath(call: CallView, path: string): [string, string][] {
  const name = pathContainer(path);
  if (!name) return [];
  let node: Node | undefined = containerOf(call, name);
  for (const key of path.split('.').slice(1)) {
    node = node === undefined ? undefined : child(node, key);
  }
  const out: [string, string][] = [];
  if (node !== undefined) collect(node, path, out);
  return out;
}
