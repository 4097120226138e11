/** `opencti conformance MODULE --mode …`: runs the conformance kit and prints a line per check. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Option, type Command } from 'commander';
import { runConformance } from '../../conformance/run.js';
import type { ConformanceTarget } from '../../conformance/types.js';
import { TELEPHONY_MODES, type TelephonyMode } from '../../framework/schema/context.js';

/** `reference` is the built-in target; anything else is a module exporting createTarget(). */
async function loadTarget(module: string, mode: TelephonyMode): Promise<ConformanceTarget> {
  if (module === 'reference') return (await import('../../conformance/targets/reference.js')).createTarget();
  const url = /^[./]|^[A-Za-z]:/.test(module) ? pathToFileURL(resolve(module)).href : module;
  let loaded: { createTarget?: (options: { mode: TelephonyMode }) => Promise<ConformanceTarget> | ConformanceTarget };
  try {
    loaded = (await import(url)) as typeof loaded;
  } catch (error) {
    throw new Error(`cannot load ${module}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof loaded.createTarget !== 'function') {
    throw new Error(`${module} must export createTarget({ mode }) returning { implementation, driver }`);
  }
  return loaded.createTarget({ mode });
}

export function registerConformance(program: Command): void {
  program
    .command('conformance')
    .description('prove a connector against the OpenCTI contract for a telephony mode')
    .argument('<module>', '"reference" for the built-in reference server and connector, or a module exporting createTarget({ mode })')
    .addOption(new Option('-m, --mode <mode>', 'telephony mode').choices([...TELEPHONY_MODES]).makeOptionMandatory())
    .option('--json', 'print the report as JSON instead of lines')
    .action(async (module: string, flags: { mode: TelephonyMode; json?: boolean }) => {
      let target: ConformanceTarget;
      try {
        target = await loadTarget(module, flags.mode);
      } catch (error) {
        console.error(`opencti conformance: ${(error as Error).message}`);
        process.exit(2);
      }
      const report = await runConformance({
        implementation: target.implementation,
        driver: target.driver,
        mode: flags.mode,
        onCheck: flags.json ? undefined : (c) => console.log(`${c.passed ? 'PASS' : 'FAIL'} ${c.id} — ${c.title}${c.detail ? `\n     ${c.detail}` : ''}`),
      });
      if (flags.json) console.log(JSON.stringify(report, null, 2));
      else console.log(`conformance (${flags.mode}, ${report.implementation.name} ${report.implementation.version}): ${report.passed} passed, ${report.failed} failed`);
      process.exitCode = report.failed === 0 ? 0 : 1;
    });
}
