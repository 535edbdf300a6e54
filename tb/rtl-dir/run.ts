// SPDX-License-Identifier: MIT
// The lockstep regression (tb/lockstep/regress.ts runRegression) on a directory of RTL instead of
// the generator's output: same scripts, same cycle model, same scoreboard and the same
// first-mismatch report, whose replay line names the directory.

import type { TrafficShape } from '../lockstep/driver.ts';
import { runRegression, type RunResult } from '../lockstep/regress.ts';
import { loadRtlDir, type LoadOptions } from './load.ts';
import { rtlDirProvider, type RtlDir } from './dir-model.ts';
import { randomScript, type RandomOptions } from '../stimulus/random.ts';

export interface DirRunOptions {
  seed: number;
  frames: number;
  /** How the replay line tells to run it again (default `make sim RTL=<dir>`). */
  replay?: string;
  shape?: TrafficShape;
  rates?: RandomOptions['rates'];
  directed?: boolean;
  noWave?: boolean;
  waveDir?: string;
  batchCycles?: number;
  onProgress?: (frames: number, cycles: number) => void;
}

/** Point the report's replay line at the directory rather than at a named configuration. */
export function replayLine(report: string, replay: string): string {
  return report.replace(/^( {2}replay: +)make sim .*$/m, `$1${replay}`);
}

export async function runRtlDir(rd: RtlDir, o: DirRunOptions): Promise<RunResult> {
  const script = randomScript(o.seed, rd.cfg, { frames: o.frames, rates: o.rates, directed: o.directed });
  const r = await runRegression({
    cfg: rd.cfg,
    configName: rd.name,
    seed: o.seed,
    frames: o.frames,
    script,
    provider: rtlDirProvider(rd),
    shape: o.shape,
    noWave: o.noWave,
    waveDir: o.waveDir,
    batchCycles: o.batchCycles,
    onProgress: o.onProgress,
  });
  if (r.report) r.report = replayLine(r.report, o.replay ?? `make sim RTL=${rd.dir} SEED=${o.seed} FRAMES=${o.frames}`);
  return r;
}

/** Load and run in one call (what `make sim RTL=DIR` does per seed). */
export async function simulateDir(dir: string, o: DirRunOptions & LoadOptions): Promise<{ rd: RtlDir; result: RunResult }> {
  const rd = await loadRtlDir(dir, o);
  return { rd, result: await runRtlDir(rd, o) };
}
