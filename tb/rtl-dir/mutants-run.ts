// SPDX-License-Identifier: MIT
// Running mutants through the regression: each broken copy is loaded as an RTL directory
// (its build parameters from its Build: line, checked against CAP_*), run for a few
// seeds, and counted killed when any run fails (a mismatch, or the directory refused:
// a broken CAP register or AXI4-Lite read path is a failure the user would see too).

import type { TrafficShape } from '../lockstep/driver.ts';
import type { RunResult } from '../lockstep/regress.ts';
import { runRtlDir } from './run.ts';
import { loadRtlDir } from './load.ts';
import { RtlDirError } from './dir-model.ts';
import { MUTANT_SHAPE, writeMutant, type Mutant } from './mutants.ts';

/**
 * Mutants differ from the base in one module: with modules kept apart (no inlining) and
 * ccache, a mutant's build recompiles that module's C++ only (about 10x faster).
 */
export const MUTANT_BUILD = { extraFlags: ['-fno-inline'], objcache: true };

export interface MutantOutcome {
  mutant: Mutant;
  dir: string;
  killed: boolean;
  /** How it was caught: the first mismatch's signal (and fields), or the load error. */
  by: string;
  /** The first-mismatch report or the one-line error. */
  report?: string;
  result?: RunResult;
  seconds: number;
}

export interface MutantRunOptions {
  seeds: number[];
  frames: number;
  /** Traffic shape; MUTANT_SHAPE when absent from the options, the regression's default when undefined. */
  shape?: TrafficShape;
}

export async function runMutant(files: Map<string, string>, m: Mutant, o: MutantRunOptions): Promise<MutantOutcome> {
  const t0 = performance.now();
  const dir = await writeMutant(files, m);
  const done = (x: Omit<MutantOutcome, 'mutant' | 'dir' | 'seconds'>): MutantOutcome => ({ mutant: m, dir, seconds: (performance.now() - t0) / 1000, ...x });
  let rd;
  try {
    // The default label: `make sim RTL=<copy>` then replays on the very same (cached) build.
    rd = await loadRtlDir(dir, { flags: MUTANT_BUILD });
  } catch (e) {
    if (e instanceof RtlDirError) return done({ killed: true, by: `refused: ${e.message}`, report: e.message });
    throw e;
  }
  for (const seed of o.seeds) {
    const r = await runRtlDir(rd, {
      seed,
      frames: o.frames,
      shape: 'shape' in o ? o.shape : MUTANT_SHAPE,
      noWave: true,
      replay: `make sim RTL=${dir} SEED=${seed} FRAMES=${o.frames}`,
    });
    if (r.mismatch) {
      const f = r.mismatch.fields?.length ? ` (${r.mismatch.fields.join(', ')})` : '';
      return done({ killed: true, by: `${r.mismatch.signal}${f}, seed ${seed}, cycle ${r.mismatch.cycle}`, report: r.report, result: r });
    }
  }
  return done({ killed: false, by: 'survived' });
}
