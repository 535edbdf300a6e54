// SPDX-License-Identifier: MIT
// One regression run: a script (random for a seed, or a pcap replay) driven through the
// Verilated top level in large batches, every output compared with the cycle model on
// every cycle, every record with the reference engine, coverage counted. On the first
// mismatch the run stops, re-runs the same stimulus with FST tracing on a window of
// cycles around it, and returns the report.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildConfig } from '../../gen/config.ts';
import type { Module } from '../../gen/ir/module.ts';
import { SimProcess } from '../bridge/sim-process.ts';
import { Coverage, STIM_TUNNEL_BIN, type CoverageCounts } from './coverage.ts';
import type { LockstepModel } from './model.ts';
import { Driver, type Batch, type DriverStats, type TrafficShape } from './driver.ts';
import { Scoreboard, type CompareOptions, type Mismatch } from './scoreboard.ts';
import { formatMismatch } from './scoreboard-report.ts';
import type { Script } from '../stimulus/script.ts';
import type { Model } from '../bridge/verilator.ts';
import { writeGtkw } from '../waves/gtkw.ts';
import { metaLayout } from '../../gen/meta-layout.ts';
import type { MetaRecord } from '../../ref/record.ts';

/** What a run needs from the top level: the built model, its IR, a fresh cycle model. */
export interface TopProvider {
  model(cfg: BuildConfig, opts: { trace?: boolean; coverage?: boolean }): Promise<{ model: Model; top: Module }>;
  cycleModel(cfg: BuildConfig): LockstepModel;
}

export interface RunOptions {
  cfg: BuildConfig;
  configName: string;
  seed: number;
  /** Frames asked for (reported in the replay line). */
  frames: number;
  script: Script;
  provider: TopProvider;
  shape?: TrafficShape;
  batchCycles?: number;
  compare?: CompareOptions;
  /** Where mismatch waveforms go (default build/wave). */
  waveDir?: string;
  /** Cycles traced before / after a mismatch. */
  waveBefore?: number;
  waveAfter?: number;
  /** Skip the waveform re-run on a mismatch (tests of the scoreboard itself). */
  noWave?: boolean;
  coverageBuild?: boolean;
  coverageFile?: string;
  keepRecords?: boolean;
  onProgress?: (framesDone: number, cycles: number) => void;
  /** Every batch once it compared equal, with the RTL's outputs (soak: read data, counts). */
  onBatch?: (batch: Batch, outputs: Uint32Array, driver: Driver) => void;
  /** Finished frames the driver keeps for reports (default all; a soak bounds it). */
  retainFrames?: number;
}

export interface RunResult {
  seed: number;
  configName: string;
  frames: number;
  records: number;
  cycles: number;
  seconds: number;
  stats: DriverStats;
  coverage: CoverageCounts;
  mismatch?: Mismatch;
  report?: string;
  records_?: MetaRecord[];
}

const DEFAULT_BATCH = 8192;

export function stimBins(s: DriverStats, cfg: BuildConfig): CoverageCounts {
  return {
    'stim csr rewrite between frames': s.rewritesBetween,
    'stim csr rewrite during a frame': s.rewritesDuring,
    ...(cfg.udpTunnelPorts > 0 ? { [`stim ${STIM_TUNNEL_BIN}`]: s.tunnelTableChangedInFrame } : {}),
    'stim reset during a frame': s.resets,
    'stim metadata back-pressure': s.metaStallCycles,
    'stim s_axis_tready low': s.treadyLowCycles,
    'stim valid gaps': s.gapCycles,
  };
}

export async function runRegression(o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const { model, top } = await o.provider.model(o.cfg, { coverage: o.coverageBuild });
  const sim = await SimProcess.start(model, { coverageFile: o.coverageFile, transport: 'shm' });
  const driver = new Driver(o.cfg, model.layout, o.provider.cycleModel(o.cfg), o.script, o.shape);
  if (o.retainFrames !== undefined) driver.retainFrames = o.retainFrames;
  const sb = new Scoreboard(o.cfg, model.layout, o.compare, o.keepRecords);
  const cov = new Coverage(o.cfg);
  const batchCycles = o.batchCycles ?? DEFAULT_BATCH;
  let mismatch: Mismatch | undefined;
  try {
    // Two batches in flight: the model simulates one while the driver prepares the next.
    let pending: { batch: Batch; out: Promise<Uint32Array> } | undefined;
    const issue = (): typeof pending => {
      const batch = driver.next(batchCycles);
      return batch ? { batch, out: sim.run(batch.stim) } : undefined;
    };
    pending = issue();
    while (pending) {
      const cur = pending;
      pending = issue();
      const out = await cur.out;
      mismatch = sb.check(cur.batch, out, (c, m) => driver.frameAt(c, m));
      if (mismatch) break;
      o.onBatch?.(cur.batch, out, driver);
      if (o.compare?.records !== false) {
        for (const ev of cur.batch.meta) {
          const f = ev.frame;
          // The record is known equal to the reference one here.
          cov.frame(f.frame.data, sb.reference(f), f.profile!, f.frame.tag);
        }
      }
      o.onProgress?.(driver.stats.records, driver.now);
    }
    if (pending) await pending.out.catch(() => undefined);
  } finally {
    if (mismatch) sim.kill();
    else await sim.close();
  }
  cov.merge(stimBins(driver.stats, o.cfg));
  if (!mismatch) cov.registers(o.script.items);
  const result: RunResult = {
    seed: o.seed,
    configName: o.configName,
    frames: driver.stats.records,
    records: sb.records,
    cycles: driver.now,
    seconds: (performance.now() - t0) / 1000,
    stats: driver.stats,
    coverage: cov.counts,
    records_: o.keepRecords ? sb.delivered.map((d) => d.record) : undefined,
  };
  if (mismatch) {
    result.mismatch = mismatch;
    const ctx = {
      seed: o.seed,
      configName: o.configName,
      cfg: o.cfg,
      frames: o.frames,
      reference: (m: Mismatch) => (m.frame?.profile ? sb.reference(m.frame) : undefined),
    } as Parameters<typeof formatMismatch>[1];
    if (!o.noWave) {
      try {
        ctx.wave = await dumpWindow(o, top, mismatch.cycle);
      } catch (e) {
        result.report = `(waveform dump failed: ${(e as Error).message})\n`;
      }
    }
    result.report = (result.report ?? '') + formatMismatch(mismatch, ctx);
  }
  return result;
}

/** Re-run the same stimulus on a trace build, dumping [cycle-before, cycle+after). */
async function dumpWindow(o: RunOptions, top: Module, cycle: number): Promise<{ fst: string; gtkw: string; from: number; to: number }> {
  const dir = o.waveDir ?? join(process.cwd(), 'build', 'wave');
  await mkdir(dir, { recursive: true });
  const from = Math.max(0, cycle - (o.waveBefore ?? 200));
  const to = cycle + (o.waveAfter ?? 50);
  const fst = join(dir, `mismatch-${o.configName}-seed${o.seed}.fst`);
  const { model } = await o.provider.model(o.cfg, { trace: true });
  const sim = await SimProcess.start(model);
  try {
    await sim.trace(fst, from, to);
    const driver = new Driver(o.cfg, model.layout, o.provider.cycleModel(o.cfg), o.script, o.shape);
    while (driver.now < to) {
      const b = driver.next(Math.min(o.batchCycles ?? DEFAULT_BATCH, to - driver.now));
      if (!b) break;
      await sim.run(b.stim);
    }
  } finally {
    await sim.close();
  }
  return { fst, gtkw: await writeGtkw(top, fst, { span: { from, to }, meta: metaLayout(o.cfg).fields }), from, to };
}

/** A whole run traced, for `make wave`. */
export async function traceRun(o: RunOptions, fst: string): Promise<{ fst: string; gtkw: string; cycles: number }> {
  const { model, top } = await o.provider.model(o.cfg, { trace: true });
  const sim = await SimProcess.start(model);
  const driver = new Driver(o.cfg, model.layout, o.provider.cycleModel(o.cfg), o.script, o.shape);
  try {
    await sim.trace(fst, 0, 2 ** 40);
    for (let b = driver.next(o.batchCycles ?? DEFAULT_BATCH); b; b = driver.next(o.batchCycles ?? DEFAULT_BATCH)) await sim.run(b.stim);
  } finally {
    await sim.close();
  }
  return { fst, gtkw: await writeGtkw(top, fst, { span: { from: 0, to: driver.now }, meta: metaLayout(o.cfg).fields }), cycles: driver.now };
}
