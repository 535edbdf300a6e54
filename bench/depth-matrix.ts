// SPDX-License-Identifier: MIT
// `make depth-matrix`: the whole-design depth rule (at most MAX_LUT_LEVELS LUT6 levels
// between registers, `synth -auto-top -flatten -lut 6; ltp -noff`) on every build of
// `make sim-matrix`. Whole designs, not modules: a path can cross a module boundary (the
// default's runs from the top's tlast_soon_reg through capture into the parser). One
// yosys run per build, minutes each, cached under build/synth by the Verilog's content,
// so a rerun after a generator change synthesises only the builds whose RTL changed.

import { createHash } from 'node:crypto';
import { Command, Option } from 'commander';
import { wholeDesignDepth } from '../flow/depth-gate.ts';
import { writeResultBlock } from '../flow/results-doc.ts';
import { generatedSources } from '../flow/sources.ts';
import { MAX_LUT_LEVELS } from '../flow/synth.ts';
import { pool, type Sources } from '../flow/yosys.ts';
import { intArg } from '../tb/cli/int-arg.ts';
import { matrixNames, namedConfig } from '../tb/lockstep/regress-configs.ts';

interface Row {
  name: string;
  rtl: string;
  levels: number;
  path: string;
}

/** A short digest of a build's Verilog, so the table says which RTL it measured. */
function rtlDigest(sources: Sources): string {
  const h = createHash('sha256');
  for (const n of [...sources.keys()].sort()) h.update(n).update('\0').update(sources.get(n)!).update('\0');
  return h.digest('hex').slice(0, 12);
}

async function measure(name: string, log: (s: string) => void): Promise<Row> {
  const cfg = namedConfig(name);
  const sources = await generatedSources(cfg);
  const t0 = performance.now();
  const f = await wholeDesignDepth(name, sources);
  log(`${name}: ${f.path.length} levels (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return { name, rtl: rtlDigest(sources), levels: f.path.length, path: f.text };
}

function table(rows: Row[]): string {
  const over = rows.filter((r) => r.levels > MAX_LUT_LEVELS);
  return [
    '| build | LUT6 levels | RTL (sha256 of the sources, 12 hex) | longest path |',
    '| --- | ---: | --- | --- |',
    ...rows.map((r) => `| \`${r.name}\` | ${r.levels} | ${r.rtl} | ${r.path.replace(/\|/g, '\\|')} |`),
    '',
    over.length === 0
      ? `Every build is within ${MAX_LUT_LEVELS} LUT6 levels (deepest: ${Math.max(...rows.map((r) => r.levels))}).`
      : `Over ${MAX_LUT_LEVELS} levels: ${over.map((r) => `${r.name} (${r.levels})`).join(', ')}.`,
    '',
    'Command per build (`<sources>`: every file of `nvgre-rx gen` for the build; names as in `make sim-matrix`):',
    '',
    '    yosys -p "read_verilog <sources>; synth -auto-top -flatten -lut 6; ltp -noff"',
  ].join('\n');
}

const program = new Command()
  .name('depth-matrix')
  .description('whole-design LUT6 depth of every build of make sim-matrix')
  .option('--only <names>', 'comma-separated build names instead of the whole matrix')
  .addOption(new Option('--jobs <n>', 'yosys runs at once (each is one core and 1-2 GiB)').default(1).argParser(intArg(1)))
  .option('--write-docs', 'replace the results:depth-matrix block of docs/RESULTS.md', false)
  .action(async (o: { only?: string; jobs: number; writeDocs: boolean }) => {
    const names = o.only ? o.only.split(',').filter((s) => s !== '') : matrixNames();
    const rows = await pool(names, (n) => measure(n, (s) => console.error(s)), o.jobs);
    const text = table(rows);
    console.log(text);
    if (o.writeDocs && !o.only) await writeResultBlock('depth-matrix', text);
    if (rows.some((r) => r.levels > MAX_LUT_LEVELS)) process.exitCode = 1;
  });

program.parseAsync().catch((e: unknown) => {
  console.error(`depth-matrix: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
