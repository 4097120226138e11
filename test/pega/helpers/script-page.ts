/**
 * A page's global scope in Node: a fresh vm context with the pega namespace installed, into which
 * plain scripts are evaluated as a browser would run <script> tags, in order. Each context has its
 * own globals, so each test gets its own pega.cti and vendor SDK (e.g. AcmeDemoPbx).
 */
import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { installPega, type PegaNamespace } from '../../../src/pega/namespace.js';

export interface ScriptPage {
  readonly pega: PegaNamespace;
  /** The page's global object: what the scripts defined is found on it. */
  readonly global: Record<string, unknown>;
  /** Runs one more script file in the page. */
  load(path: string): void;
}

export function scriptPage(...paths: string[]): ScriptPage {
  const global = createContext({ console, queueMicrotask, setTimeout, clearTimeout }) as Record<string, unknown>;
  const pega = installPega(global);
  const page: ScriptPage = {
    pega,
    global,
    load(path) {
      runInContext(readFileSync(path, 'utf8'), global, { filename: path });
    },
  };
  for (const path of paths) page.load(path);
  return page;
}
