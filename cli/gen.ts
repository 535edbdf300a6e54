// SPDX-License-Identifier: MIT
// `nvgre-rx gen`: write the Verilog of a build (one file per module) and the register
// map's C header, Markdown, JSON and TypeScript beside it.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { CliError, EXIT_FILE, EXIT_USAGE } from './errors.ts';
import { makeDirs } from './make-dirs.ts';

interface GenOpts {
  config?: string;
  out: string;
}

async function loadConfig(path: string | undefined): Promise<BuildConfig> {
  if (path === undefined) return parseBuildConfig({});
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT_USAGE);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not JSON: ${(e as Error).message}`, EXIT_USAGE);
  }
  try {
    return parseBuildConfig(json);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`${path}: ${e.message}`, EXIT_USAGE);
    throw e;
  }
}

/**
 * Every file `gen` writes for a build: Verilog plus the register map outputs. The
 * generators (and ts-morph) are loaded here, not at start-up, so other subcommands
 * do not pay for them.
 */
export async function genFiles(cfg: BuildConfig): Promise<Map<string, string>> {
  const { generateAll, regmapExtras } = await import('../gen/build-all.ts');
  const { regmapFiles } = await import('../gen/regmap-files.ts');
  return new Map([...generateAll(cfg), ...regmapFiles(cfg, regmapExtras(cfg))]);
}

async function run(opts: GenOpts): Promise<void> {
  const cfg = await loadConfig(opts.config);
  let files: Map<string, string>;
  try {
    files = await genFiles(cfg);
  } catch (e) {
    // A configuration the schema accepts but the generator cannot honour (FIFO below line rate).
    if (e instanceof ConfigError) throw new CliError(`${opts.config ?? 'default config'}: ${e.message}`, EXIT_USAGE);
    throw e;
  }
  try {
    await makeDirs(opts.out);
    for (const [name, text] of files) await writeFile(join(opts.out, name), text);
  } catch (e) {
    throw new CliError(`cannot write to ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT_FILE);
  }
  process.stdout.write(`${[...files.keys()].map((f) => join(opts.out, f)).join('\n')}\n`);
}

export function registerGen(program: Command): void {
  program
    .command('gen')
    .summary('generate the Verilog and the register map files of a build')
    .description(
      'Write one Verilog file per module of the core for the build configuration C.json (default: ' +
        'the default build), and the register map as nvgre_rx_regs.h, .md, .json and .ts beside them.',
    )
    .option('-c, --config <C.json>', 'build configuration (JSON; keys of gen/config.ts, all optional)')
    .option('-o, --out <DIR>', 'output directory', 'rtl')
    .addHelpText('after', '\nExit codes: 0 done, 1 cannot write the output, 2 bad usage or configuration.')
    .action(async (opts: GenOpts) => run(opts));
}
