/**
 * Nesting depth and string lengths of a parsed JSON value, checked before any schema sees it:
 * the schema check, error messages and everything after them then only meet values of bounded
 * shape. One pass with an explicit stack, so a value nested thousands of levels deep costs a
 * loop, never the call stack.
 */

export interface JsonLimits {
  /** Objects and arrays inside one another; the value itself is level 1. */
  readonly maxDepth: number;
  /** Characters (UTF-16 code units) of any string, property names included. */
  readonly maxStringLength: number;
}

export interface JsonLimitProblem {
  readonly reason: 'too_deep' | 'string_too_long';
  readonly message: string;
}

interface Node {
  readonly value: unknown;
  readonly depth: number;
  readonly key: string;
  readonly parent: Node | undefined;
}

const PATH_CHARS = 120;

/** The first value over a limit, or undefined when the whole value is within them. */
export function checkJsonLimits(value: unknown, limits: JsonLimits): JsonLimitProblem | undefined {
  const stack: Node[] = [{ value, depth: 1, key: '', parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const current = node.value;
    if (typeof current === 'string') {
      if (current.length > limits.maxStringLength) return stringTooLong(node, current.length, limits);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (node.depth > limits.maxDepth) {
      return { reason: 'too_deep', message: `frame is nested deeper than the ${limits.maxDepth}-level limit (at ${pointer(node)})` };
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth: node.depth + 1, key: String(i), parent: node });
      continue;
    }
    for (const key of Object.keys(current)) {
      const child: Node = { value: (current as Record<string, unknown>)[key], depth: node.depth + 1, key, parent: node };
      if (key.length > limits.maxStringLength) return stringTooLong(child, key.length, limits, 'property name');
      stack.push(child);
    }
  }
  return undefined;
}

function stringTooLong(node: Node, length: number, limits: JsonLimits, what = 'string'): JsonLimitProblem {
  return {
    reason: 'string_too_long',
    message: `a ${what} at ${pointer(node)} is ${length} characters long, over the ${limits.maxStringLength}-character limit`,
  };
}

/** JSON Pointer of a node, cut to a readable length (the path itself may be deep or long). */
function pointer(node: Node): string {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) keys.push(n.key);
  let text = '';
  for (let i = keys.length - 1; i >= 0; i--) {
    text += `/${keys[i]!.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (text.length > PATH_CHARS) return `${text.slice(0, PATH_CHARS)}…`;
  }
  return text || '(document)';
}
