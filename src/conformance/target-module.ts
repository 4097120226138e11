/**
 * Loads what `opencti conformance MODULE` names: the built-in `reference` target, or a module
 * exporting createTarget({ mode }). A path is taken relative to the directory the command runs
 * in; a TypeScript module (.ts, .mts, .cts) is loaded through tsx, so no loader flag is needed.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TelephonyMode } from '../framework/schema/context.js';
import type { ConformanceTarget } from './types.js';

const TYPESCRIPT = ['.ts', '.mts', '.cts'];
const SCRIPT = ['.js', '.mjs', '.cjs', ...TYPESCRIPT];

type TargetModule = { createTarget?: (options: { mode: TelephonyMode }) => Promise<ConformanceTarget> | ConformanceTarget };
type TsImport = (specifier: string, parentUrl: string) => Promise<unknown>;

/** A path when it looks like one or names a file that exists here; otherwise a package name. */
function looksLikePath(module: string, cwd: string): boolean {
  return /^\.{1,2}[\\/]/.test(module) || isAbsolute(module) || /^[A-Za-z]:[\\/]/.test(module) || SCRIPT.includes(extname(module)) || existsSync(resolve(cwd, module));
}

/** tsx's scoped import, from the kit's own dependencies or the project the command runs in. */
async function findTsImport(cwd: string): Promise<TsImport | undefined> {
  const pick = (loaded: unknown) => {
    const api = loaded as { tsImport?: TsImport; default?: { tsImport?: TsImport } };
    return api.tsImport ?? api.default?.tsImport;
  };
  try {
    return pick(await import('tsx/esm/api'));
  } catch {
    try {
      const path = createRequire(join(cwd, 'package.json')).resolve('tsx/esm/api');
      return pick(await import(pathToFileURL(path).href));
    } catch {
      return undefined;
    }
  }
}

async function importModule(module: string, cwd: string): Promise<TargetModule> {
  if (!looksLikePath(module, cwd)) return (await import(module)) as TargetModule;
  const path = resolve(cwd, module);
  if (!existsSync(path)) throw new Error(`no file at ${path}`);
  const url = pathToFileURL(path).href;
  if (!TYPESCRIPT.includes(extname(path))) return (await import(url)) as TargetModule;
  const tsImport = await findTsImport(cwd);
  if (!tsImport) throw new Error('a TypeScript module needs tsx to load: install it in your project (npm install --save-dev tsx) or compile the module to JavaScript');
  return (await tsImport(url, pathToFileURL(join(cwd, 'index.js')).href)) as TargetModule;
}

/** The target `module` describes; throws naming the module and what is wrong with it. */
export async function loadTarget(module: string, mode: TelephonyMode, cwd = process.cwd()): Promise<ConformanceTarget> {
  if (module === 'reference') return (await import('./targets/reference.js')).createTarget();
  let loaded: TargetModule;
  try {
    loaded = await importModule(module, cwd);
  } catch (error) {
    throw new Error(`cannot load ${module}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof loaded.createTarget !== 'function') {
    throw new Error(`${module} must export createTarget({ mode }) returning { implementation, driver }`);
  }
  try {
    return await loaded.createTarget({ mode });
  } catch (error) {
    throw new Error(`${module}: createTarget({ mode: "${mode}" }) failed: ${(error as Error).message}`, { cause: error });
  }
}
