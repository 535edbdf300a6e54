// SPDX-License-Identifier: MIT
// `make sim RTL=DIR`: the lockstep regression on the Verilog of DIR instead of the
// generator's output. One line per seed; a first-mismatch report and exit 1 on a
// mismatch; one line and exit 2 when DIR cannot be simulated (what is wrong, and the
// log that has the details).

import { Command } from 'commander';
import { loadRtlDir } from '../rtl-dir/load.ts';
import { runRtlDir } from '../rtl-dir/run.ts';
import { describeBuild } from '../../gen/config.ts';
import { RtlDirError } from '../rtl-dir/dir-model.ts';

const program = new Command('rtl-dir')
  .requiredOption('--rtl <DIR>', 'directory holding the Verilog of the nvgre_rx top and its modules')
  .option('--seed <N>', 'first seed', '1')
  .option('--seeds <K>', 'number of seeds (N, N+1, ...)', '1')
  .option('--frames <F>', 'random frames per seed (after the directed ones)', '2000')
  .option('--no-wave', 'skip the waveform re-run on a mismatch');
program.parse();
const o = program.opts<{ rtl: string; seed: string; seeds: string; frames: string; wave: boolean }>();

try {
  const t0 = performance.now();
  const rd = await loadRtlDir(o.rtl);
  console.log(
    `RTL ${o.rtl}: ${rd.files.length} file(s), build ${describeBuild(rd.cfg)} (from ${rd.source}), model ${rd.model.cached ? 'cached' : `built in ${rd.model.seconds.toFixed(0)} s`}; ready after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  let failed = false;
  for (let k = 0; k < Number(o.seeds) && !failed; k++) {
    const seed = Number(o.seed) + k;
    const r = await runRtlDir(rd, { seed, frames: Number(o.frames), noWave: !o.wave });
    if (r.report) {
      failed = true;
      console.log(r.report);
    } else console.log(`seed ${seed}: ${r.frames} frames, ${r.cycles} cycles, ${r.seconds.toFixed(1)} s: PASS`);
  }
  process.exitCode = failed ? 1 : 0;
} catch (e) {
  if (!(e instanceof RtlDirError)) throw e;
  console.error(`error: ${e.message}`);
  process.exitCode = 2;
}
