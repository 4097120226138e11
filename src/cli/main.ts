#!/usr/bin/env node
/** The `opencti` command. Each subcommand lives in its own module under src/cli/commands/. */
import { Command } from 'commander';
import { FRAMEWORK_API_VERSION } from '../framework/version.js';
import { registerConformance } from './commands/conformance.js';
import { registerServe } from './commands/serve.js';
import { registerCall } from './commands/call.js';
import { registerAgents } from './commands/agents.js';
import { registerValidate } from './commands/validate.js';

const program = new Command()
  .name('opencti')
  .description('OpenCTI-TS: CTI framework, reference CTI server and tools')
  .version(`framework API ${FRAMEWORK_API_VERSION}`);

registerServe(program);
registerConformance(program);
registerCall(program);
registerAgents(program);
registerValidate(program);

await program.parseAsync(process.argv);
