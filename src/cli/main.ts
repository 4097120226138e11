#!/usr/bin/env node
/** The `opencti` command. Each subcommand lives in its own module under src/cli/commands/. */
import { Command } from 'commander';
import { FRAMEWORK_API_VERSION } from '../framework/version.js';

const program = new Command()
  .name('opencti')
  .description('OpenCTI-TS: CTI framework, reference CTI server and tools')
  .version(`framework API ${FRAMEWORK_API_VERSION}`);

program
  .command('serve')
  .description('start the reference CTI server')
  .action(() => {
    console.error('opencti serve: the reference CTI server is not built yet.');
    process.exitCode = 1;
  });

await program.parseAsync(process.argv);
