// SPDX-License-Identifier: MIT
// nvgre-rx command line. Each subcommand lives in its own file and registers itself
// here, so adding one (cli/gen.ts) is a one-line change to SUBCOMMANDS.

import { Command, CommanderError } from 'commander';
import { registerClassify } from './classify.ts';
import { registerGen } from './gen.ts';
import { registerProfile } from './profile.ts';
import { CliError, EXIT_USAGE } from './errors.ts';

const SUBCOMMANDS: readonly ((program: Command) => void)[] = [registerClassify, registerGen, registerProfile];

function oneLine(s: string): string {
  return s.trim().replace(/\s*\n\s*/g, ' ');
}

export function makeProgram(): Command {
  const program = new Command();
  program
    .name('nvgre-rx')
    .description(
      'NIC receive classification (NVGRE/GRE parser, Toeplitz RSS, indirection table, VMQ filters): ' + 'hardware generator and software reference engine.',
    )
    .version('0.1.0')
    .showSuggestionAfterError(true)
    // exitOverride/configureOutput are set before the subcommands so that they inherit them.
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`nvgre-rx: ${oneLine(str).replace(/^error: /, '')}\n`) });
  for (const register of SUBCOMMANDS) register(program);
  program.addHelpText('after', '\nRun "nvgre-rx <command> --help" for a command\'s options, profile format and exit codes.');
  return program;
}

async function main(argv: string[]): Promise<number> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // A closed pipe (| head) is the reader's choice, not an error.
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  try {
    await makeProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      process.stderr.write(`nvgre-rx: ${oneLine(e.message)}\n`);
      return e.exitCode;
    }
    process.stderr.write(`nvgre-rx: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return 70;
  }
}

process.exitCode = await main(process.argv);
