/**
 * `opencti conformance MODULE --mode …`: runs the conformance kit and prints a line per check;
 * `--list` prints every check of a mode with its steps. Exit code: 0 every check passed, 1 a
 * check failed or was skipped, 2 the command could not run (usage, a module that does not load).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatCheckList } from '../../conformance/checks.js';
import { describeError } from '../../conformance/describe-error.js';
import { runConformance } from '../../conformance/run.js';
import { loadTarget } from '../../conformance/target-module.js';
import type { CheckResult, ConformanceReport, ConformanceTarget } from '../../conformance/types.js';
import { TELEPHONY_MODES, type EventIntake, type TelephonyMode } from '../../framework/schema/context.js';

interface ConformanceFlags {
  mode?: TelephonyMode;
  list?: boolean;
  json?: boolean;
  verbose?: boolean;
  eventTimeout?: number;
  requestTimeout?: number;
  quietTime?: number;
  events?: EventIntake;
}

const LABEL: Record<CheckResult['status'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

function milliseconds(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms <= 0) throw new InvalidArgumentError(`expected a whole number of milliseconds above 0, got "${value}"`);
  return ms;
}

function fail(message: string): never {
  console.error(`opencti conformance: ${message}`);
  process.exit(2);
}

const printCheck = (c: CheckResult) => console.log(`${LABEL[c.status]} ${c.id} — ${c.title}${c.detail ? `\n${c.detail.split('\n').map((line) => `     ${line}`).join('\n')}` : ''}`);

export function registerConformance(program: Command): void {
  program
    .command('conformance')
    .description('prove a connector against the OpenCTI contract (docs/spec.md) for a telephony mode; see docs/conformance.md')
    .argument('[module]', '"reference" for the built-in reference server and connector, or a module (path relative to here, .js or .ts) exporting createTarget({ mode })')
    .addOption(new Option('-m, --mode <mode>', 'telephony mode').choices([...TELEPHONY_MODES]))
    .option('--list', 'print every check of the mode (of every mode without --mode) with its steps, and run nothing')
    .option('--json', 'print the report as JSON instead of lines')
    .option('--verbose', 'print every request, its settlement and every event, with the milliseconds since the start')
    .option('--event-timeout <ms>', 'how long to wait for each expected event (default 5000)', milliseconds)
    .option('--request-timeout <ms>', 'how long a request to the connector or the driver may take to settle (default 10000)', milliseconds)
    .addOption(
      new Option('--events <intake>', 'how events are taken in: strict (the contract\'s shapes only) or lenient (vendor spellings, as a lenient session takes them); default: the target\'s, else strict').choices([
        'strict',
        'lenient',
      ]),
    )
    .option('--quiet-time <ms>', 'how long to listen for stray events after logout (default 500)', milliseconds)
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .action(async (module: string | undefined, flags: ConformanceFlags) => {
      if (flags.list) {
        console.log((flags.mode ? [flags.mode] : TELEPHONY_MODES).map(formatCheckList).join('\n\n'));
        return;
      }
      if (!module) fail('name the target: "reference" or a module exporting createTarget({ mode }) (or use --list)');
      if (!flags.mode) fail(`--mode is required: one of ${TELEPHONY_MODES.join(', ')}`);
      const mode = flags.mode;

      let target: ConformanceTarget | undefined;
      try {
        target = await loadTarget(module, mode);
      } catch (error) {
        fail((error as Error).message);
      }

      // A connector that throws from a timer or leaves a rejection unhandled must not end the run without a report.
      const uncaught: string[] = [];
      const onUncaught = (error: unknown) => {
        uncaught.push(`thrown outside any request (an uncaught exception or unhandled rejection): ${describeError(error)}`);
        console.error(`opencti conformance: ${uncaught.at(-1)}`);
      };
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      const out = flags.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      let report: ConformanceReport;
      try {
        report = await runConformance({
          implementation: target?.implementation as ConformanceTarget['implementation'],
          driver: target?.driver as ConformanceTarget['driver'],
          mode,
          events: flags.events ?? target?.events ?? 'strict',
          ...(flags.eventTimeout === undefined ? {} : { eventTimeoutMs: flags.eventTimeout }),
          ...(flags.requestTimeout === undefined ? {} : { requestTimeoutMs: flags.requestTimeout }),
          ...(flags.quietTime === undefined ? {} : { quietMs: flags.quietTime }),
          ...(flags.json ? {} : { onCheck: printCheck }),
          ...(flags.verbose ? { onTrace: out } : {}),
        });
      } catch (error) {
        // runConformance reports every failure as a check; this is a fault of the kit itself.
        console.error(`opencti conformance: the run stopped: ${describeError(error)}`);
        process.exit(1);
      }
      const notes = [...report.notes, ...uncaught];
      const ok = report.ok && uncaught.length === 0;
      if (flags.json) console.log(JSON.stringify({ ...report, notes, ok }, null, 2));
      else {
        for (const note of notes) console.log(`note: ${note}`);
        console.log(
          `conformance (${mode}, ${report.implementation.name} ${report.implementation.version}): ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped — ${ok ? 'PASS' : 'FAIL'}`,
        );
      }
      // Exit now: a connector may keep sockets or timers open that would hold the process forever.
      process.exit(ok ? 0 : 1);
    });
}
