// SPDX-License-Identifier: MIT
// `make gls`: synthesise the default top (or CONFIG, or the Verilog of RTL=DIR) to a
// generic gate netlist with yosys and run the lockstep regression on it.

import { Command } from 'commander';
import { describeBuild } from '../../gen/config.ts';
import { dirSources, runGls } from '../rtl-dir/gls.ts';
import { namedConfig } from '../lockstep/regress-configs.ts';
import { RtlDirError } from '../rtl-dir/dir-model.ts';

const program = new Command('gls')
  .option('--config <NAME>', 'build: default, w<width>-<v6|v4>-<rk|ck>, or a .json build configuration', 'default')
  .option('--rtl <DIR>', 'synthesise this directory of Verilog instead of the generator output (its build must be --config)')
  .option('--seed <N>', 'first seed', '1')
  .option('--seeds <K>', 'number of seeds', '1')
  .option('--frames <F>', 'random frames per seed', '400')
  .option('--no-wave', 'skip the waveform re-run on a mismatch');
program.parse();
const o = program.opts<{ config: string; rtl?: string; seed: string; seeds: string; frames: string; wave: boolean }>();

try {
  const cfg = namedConfig(o.config);
  const label = o.rtl ? `${o.config}-dir` : o.config.replace(/[^A-Za-z0-9_-]/g, '_');
  const t0 = performance.now();
  const seeds = Array.from({ length: Number(o.seeds) }, (_, k) => Number(o.seed) + k);
  const g = await runGls(cfg, label, { seeds, frames: Number(o.frames), noWave: !o.wave, sources: o.rtl ? await dirSources(o.rtl) : undefined });
  const n = g.netlist;
  console.log(`GLS ${describeBuild(cfg)}`);
  console.log(
    `  netlist ${n.file}: ${n.cells} cells, yosys ${n.yosysSeconds.toFixed(0)} s${n.cached ? ' (cached)' : ''}; model ${g.rd.model.cached ? 'cached' : `built in ${g.rd.model.seconds.toFixed(0)} s`}`,
  );
  for (const r of g.results)
    console.log(`  seed ${r.seed}: ${r.frames} frames, ${r.cycles} cycles, ${r.seconds.toFixed(1)} s: ${r.report ? 'MISMATCH' : 'PASS'}`);
  if (g.report) console.log(g.report);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  process.exitCode = g.report ? 1 : 0;
} catch (e) {
  if (!(e instanceof RtlDirError)) throw e;
  console.error(`error: ${e.message}`);
  process.exitCode = 2;
}
