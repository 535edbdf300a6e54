// SPDX-License-Identifier: MIT
// Simulation and reference-engine speed of one build, each figure measured in the same
// run as the one it is compared with, on the same frames:
//   reference engine   classify() over the frames (frames/s)
//   regression loop    Driver + SimProcess + Scoreboard, every output of every cycle
//                      checked (TypeScript); best of three runs like the bare loop, the
//                      first (JIT still cold) reported beside it
//   bridge replay      the regression's recorded stimulus through SimProcess, no checks
//   bare C++ loop      the same stimulus through `model --bench` (no TypeScript at all)
// plus latency (tlast accepted to record taken, meta tready always high) and bubbles at
// full rate: cycles inside the back-to-back stream in which no beat was accepted, beyond
// those the contract allows. A hasher of K cycles per frame takes a tlast at most every K
// cycles, so frames shorter than minFrameBytes back to back are held (docs/BEHAVIOUR.md):
// those cycles are counted apart, and a bubble is any cycle more.

import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildParamsOf, type BuildConfig } from '../gen/config.ts';
import { topTiming } from '../gen/top.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import { defaultProfile } from '../ref/profile.ts';
import { RefEngine } from '../ref/engine.ts';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { Driver, type Batch, type TrafficShape } from '../tb/lockstep/driver.ts';
import { topProvider } from '../tb/lockstep/top.ts';
import { Scoreboard } from '../tb/lockstep/scoreboard.ts';
import { pcapScript } from '../tb/stimulus/pcap.ts';
import { randomFrame } from '../tb/stimulus/random.ts';
import type { Model } from '../tb/bridge/verilator.ts';
import { DEFAULT_SYNTH_DIR } from './yosys.ts';

/** Every beat offered at once and every record taken at once: the core's own rate. */
export const FULL_RATE: TrafficShape = { gapRate: 0, metaStallRate: 0, longStallRate: 0, longStallCycles: 0, respStallRate: 0 };

/** Cycles per batch: small enough that a short run still overlaps TypeScript and the model. */
const BATCH = 8192;

interface LoopRun {
  seconds: number;
  driver: Driver;
  stims: Uint32Array[];
  mismatch: string | undefined;
}

/**
 * One regression loop over the frames: Driver + SimProcess + Scoreboard, as in
 * tb/lockstep/regress.ts (shared-memory transport, two batches in flight).
 */
async function regressionLoop(cfg: BuildConfig, model: Model, frames: Uint8Array[]): Promise<LoopRun> {
  const driver = new Driver(cfg, model.layout, topProvider.cycleModel(cfg), pcapScript(frames, cfg, 1), FULL_RATE);
  const sb = new Scoreboard(cfg, model.layout, undefined, false);
  const stims: Uint32Array[] = [];
  let mismatch: string | undefined;
  const sim = await SimProcess.start(model, { transport: 'shm' });
  const t0 = performance.now();
  try {
    let pending: { b: Batch; out: Promise<Uint32Array> } | undefined;
    const issue = (): typeof pending => {
      const b = driver.next(BATCH);
      return b ? { b, out: sim.run(b.stim) } : undefined;
    };
    pending = issue();
    while (pending) {
      const cur = pending;
      pending = issue();
      const out = await cur.out;
      stims.push(cur.b.stim);
      const m = sb.check(cur.b, out, (c, s) => driver.frameAt(c, s));
      if (m) {
        mismatch = `cycle ${m.cycle}`;
        break;
      }
    }
    if (pending) await pending.out.catch(() => undefined);
  } finally {
    await sim.close();
  }
  return { seconds: (performance.now() - t0) / 1000, driver, stims, mismatch };
}

export interface SimBench {
  frames: number;
  bytes: number;
  cycles: number;
  refFramesPerS: number;
  loopFramesPerS: number;
  loopCyclesPerS: number;
  /** The first of the three loop runs (JIT still cold). */
  coldCyclesPerS: number;
  replayCyclesPerS: number;
  bareCyclesPerS: number;
  /** Bare C++ and bridge replay gave identical outputs. */
  sameOutputs: boolean;
  latencyMin: number;
  latencyMax: number;
  /** The latency the generator states (topTiming), for comparison. */
  latencyStated: number;
  /** Cycles of the stream beyond its beats and the holds the tlast spacing allows (0 at line rate). */
  bubbles: number;
  /** Cycles s_axis_tready was low to space tlast beats K cycles apart (frames shorter than minFrameBytes back to back). */
  spacingHolds: number;
  mismatch: string | undefined;
  modelSeconds: number;
  modelCached: boolean;
}

/** Mixed random frames of the testbench's generator (directed layers, cuts, jumbo frames, GRE). */
export function benchFrames(cfg: BuildConfig, n: number, seed = 1): Uint8Array[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => randomFrame(r, cfg).data).filter((f) => f.length > 0);
}

export async function simBench(cfg: BuildConfig, label: string, nFrames: number, log: (s: string) => void = () => {}): Promise<SimBench> {
  const frames = benchFrames(cfg, nFrames);
  const bytes = frames.reduce((s, f) => s + f.length, 0);

  // Reference engine: one untimed pass to warm the JIT, then the best of three.
  const engine = new RefEngine(defaultProfile(buildParamsOf(cfg)), buildParamsOf(cfg));
  let refBest = Infinity;
  for (let k = -1; k < 3; k++) {
    const t0 = performance.now();
    let x = 0;
    for (const f of frames) x ^= engine.classify(f).hash;
    if (k >= 0) refBest = Math.min(refBest, performance.now() - t0 + (x === 0.5 ? 1 : 0));
  }

  const { model } = await topProvider.model(cfg, {});
  log(`  model ${model.cached ? 'cached' : `built in ${model.seconds.toFixed(0)} s`}`);

  // The regression loop at full rate, three times like the bare loop below; the best
  // run counts and the first (cold JIT) is reported beside it. The first run's stimulus
  // is kept for the two replays (every run drives the same one).
  const runs: LoopRun[] = [];
  for (let k = 0; k < 3; k++) runs.push(await regressionLoop(cfg, model, frames));
  const { driver, stims } = runs[0]!;
  const mismatch = runs.find((r) => r.mismatch)?.mismatch;
  const loopS = Math.min(...runs.map((r) => r.seconds));
  const coldS = runs[0]!.seconds;
  const cycles = driver.now;

  // Latency and bubbles from the driver's record of every frame.
  const done = driver.frames.filter((f) => f.lastCycle >= 0 && f.metaCycle >= 0);
  const lat = done.map((f) => f.metaCycle - f.lastCycle);
  const bytesPerBeat = cfg.dataWidth / 8;
  const beatsOf = (f: (typeof driver.frames)[number]): number => Math.max(1, Math.ceil(f.frame.data.length / bytesPerBeat));
  const beats = driver.frames.reduce((s, f) => s + beatsOf(f), 0);
  // The fewest cycles the stream can take: each frame after the first ends at least
  // tlastGap cycles after the one before it.
  const timing = topTiming(cfg);
  const gap = timing.tlastGap;
  const fewest = driver.frames.reduce((s, f, i) => s + (i === 0 ? beatsOf(f) : Math.max(beatsOf(f), gap)), 0);
  const first = driver.frames[0]!;
  const last = driver.frames.at(-1)!;
  const bubbles = last.lastCycle - first.firstCycle + 1 - fewest;
  const spacingHolds = fewest - beats;

  // Bridge replay of the same stimulus, no checking.
  const sim = await SimProcess.start(model);
  const t1 = performance.now();
  const outs: Promise<Uint32Array>[] = stims.map((s) => sim.run(s));
  const replay = await Promise.all(outs);
  const replayS = (performance.now() - t1) / 1000;
  await sim.close();

  // The bare C++ loop on one file of the same stimulus.
  const dir = join(DEFAULT_SYNTH_DIR, '..', 'bench', label);
  await mkdir(dir, { recursive: true });
  const all = new Uint32Array(stims.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const s of stims) {
    all.set(s, at);
    at += s.length;
  }
  const stimFile = join(dir, 'stim.bin');
  const outFile = join(dir, 'out.bin');
  await writeFile(stimFile, all);
  let bare = 0;
  for (let k = 0; k < 3; k++) {
    const r = await promisify(execFile)(model.binary, ['--bench', stimFile, outFile], { maxBuffer: 1 << 20 });
    bare = Math.max(bare, Number(/cycles_per_s=(\d+)/.exec(r.stdout)?.[1] ?? 0));
  }
  const bareOut = new Uint32Array(new Uint8Array(await readFile(outFile)).buffer);
  const replayAll = new Uint32Array(bareOut.length);
  at = 0;
  for (const o of replay) {
    replayAll.set(o.subarray(0, Math.min(o.length, replayAll.length - at)), at);
    at += o.length;
  }
  const sameOutputs = at === bareOut.length && replayAll.every((v, i) => v === bareOut[i]);
  await rm(stimFile, { force: true });

  return {
    frames: frames.length,
    bytes,
    cycles,
    refFramesPerS: frames.length / (refBest / 1000),
    loopFramesPerS: frames.length / loopS,
    loopCyclesPerS: cycles / loopS,
    coldCyclesPerS: cycles / coldS,
    replayCyclesPerS: cycles / replayS,
    bareCyclesPerS: bare,
    sameOutputs,
    latencyMin: Math.min(...lat),
    latencyMax: Math.max(...lat),
    latencyStated: timing.latency,
    bubbles,
    spacingHolds,
    mismatch,
    modelSeconds: model.seconds,
    modelCached: model.cached,
  };
}
