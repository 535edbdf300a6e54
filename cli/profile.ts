// SPDX-License-Identifier: MIT
// `nvgre-rx profile --from-ethtool FILE`: a profile (JSON) from the RSS configuration of a
// real NIC, so a capture can be replayed against it: `ethtool -x eth0 > rss.txt;
// nvgre-rx profile --from-ethtool rss.txt > p.json; nvgre-rx classify -p p.json cap.pcap`.

import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { EthtoolError, ethtoolProfile, parseEthtoolX } from '../ref/ethtool.ts';
import { parseProfileJson } from '../ref/profile.ts';
import { ioReason } from './capture-input.ts';
import { CliError, EXIT_FILE, EXIT_USAGE } from './errors.ts';

interface ProfileOpts {
  fromEthtool: string;
  output?: string;
}

async function readText(path: string): Promise<string> {
  try {
    if (path !== '-') return await readFile(path, 'utf8');
    const parts: Buffer[] = [];
    for await (const c of process.stdin) parts.push(c as Buffer);
    return Buffer.concat(parts).toString('utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${ioReason(e)}`, EXIT_FILE);
  }
}

async function run(opts: ProfileOpts): Promise<void> {
  const text = await readText(opts.fromEthtool);
  const name = opts.fromEthtool === '-' ? 'standard input' : opts.fromEthtool;
  let made;
  try {
    made = ethtoolProfile(parseEthtoolX(text), DEFAULT_BUILD);
  } catch (e) {
    if (e instanceof EthtoolError) throw new CliError(`${name}: ${e.message}`, EXIT_USAGE);
    throw e;
  }
  const json = JSON.stringify(made.json, null, 2) + '\n';
  // What classify will read must be accepted by classify: checked here, not by the user.
  parseProfileJson(json, DEFAULT_BUILD);
  for (const n of made.notes) process.stderr.write(`nvgre-rx: note: ${n}\n`);
  if (opts.output === undefined) {
    process.stdout.write(json);
    return;
  }
  try {
    await writeFile(opts.output, json);
  } catch (e) {
    throw new CliError(`cannot write ${opts.output}: ${ioReason(e)}`, EXIT_FILE);
  }
}

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .summary("make a profile (JSON) from a NIC's RSS configuration")
    .description('Turn the output of Linux "ethtool -x IFACE" (Toeplitz key and indirection table) into a profile for classify -p.')
    .requiredOption('--from-ethtool <FILE>', 'text output of "ethtool -x IFACE" ("-" for standard input)')
    .option('-o, --output <P.json>', 'write the profile to a file instead of standard output')
    .addHelpText(
      'after',
      `
The profile holds "key" and "indirection"; everything else keeps its default. Notes on what
was adapted go to stderr. Refused (exit 2): a hash function other than Toeplitz, an input
transformation (symmetric-xor), a key shorter than 40 bytes, a table that is not a power of
two, a table larger than 128 entries that does not repeat within 128, queue numbers beyond
the build's. Keys longer than 40 bytes: the first 40 are kept (IPv6 4-tuples use no more).`,
    )
    .action(run);
}
