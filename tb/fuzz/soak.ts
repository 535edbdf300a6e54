// SPDX-License-Identifier: MIT
// `make soak`: millions of frames through the RTL in lockstep (tb/lockstep/regress.ts
// runRegression: every output of every cycle against the cycle model, every record
// against the reference engine), streamed so that memory stays bounded: the script is
// a chain of constrained-random chunks (tb/stimulus/random.ts randomScript: random
// frames, CSR rewrites between and during frames, mid-frame resets, MAC errors) and the
// driver keeps only a window of finished frames.
//
// Beyond the lockstep compare, the soak keeps its own books from the RTL's outputs:
// frames in (tlast accepted) = records out (m_axis_meta handshakes) + records a reset
// discarded, and at the quiet end of every chunk the eleven CSR counters, read over
// AXI4-Lite, must equal the counts of the records of every frame sent since the last
// reset. The hardware counts a record when it enters the metadata FIFO; the testbench
// sees it when it leaves, possibly thousands of cycles later under back-pressure, so
// each check is settled once the last frame sent before the read has been delivered
// (a reset in between discards the check with the records).

import type { BuildConfig } from '../../gen/config.ts';
import { unpackMeta } from '../../gen/meta-layout.ts';
import { COUNTER_BASE, COUNTER_NAMES } from '../../gen/regmap.ts';
import { counterFlags } from '../../ref/cycle/top-model.ts';
import { COUNTERS } from '../../ref/regmap.generated.ts';
import type { Driver, Batch, DriverStats } from '../lockstep/driver.ts';
import { runRegression, type TopProvider } from '../lockstep/regress.ts';
import { randomScript } from '../stimulus/random.ts';
import type { ScriptItem } from '../stimulus/script.ts';

export interface SoakOptions {
  cfg: BuildConfig;
  configName: string;
  seed: number;
  frames: number;
  /** Frames per generated chunk (default 20000); each chunk starts by reprogramming and a reset. */
  chunkFrames?: number;
  provider: TopProvider;
  onProgress?: (p: SoakProgress) => void;
}

export interface SoakProgress {
  frames: number;
  cycles: number;
  seconds: number;
  heapMB: number;
}

export interface SoakResult {
  configName: string;
  seed: number;
  framesIn: number;
  recordsOut: number;
  recordsLost: number;
  /** Frames cut by a reset before their last beat (never classified). */
  framesCut: number;
  counterChecks: number;
  /** Checks a reset discarded before the records they wait for came out. */
  counterUnsettled: number;
  counterReads: number;
  stats: DriverStats;
  cycles: number;
  seconds: number;
  framesPerSecond: number;
  peakHeapMB: number;
  /** Problems: a lockstep/record mismatch report, a counter or bookkeeping difference. */
  failures: string[];
}

interface PendingRead {
  addr: number;
  /** Read at a quiet point (end of a chunk): the counter must equal the books. */
  quiet: boolean;
}

if (COUNTERS.join() !== COUNTER_NAMES.join()) throw new Error('ref/regmap.generated.ts and gen/regmap.ts disagree on the counter order');

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const t0 = performance.now();
  const chunk = o.chunkFrames ?? 20_000;
  let planned = 0;
  let chunkNo = 0;
  const reads: PendingRead[] = [];
  let readHead = 0;
  const nextChunk = (): ScriptItem[] | undefined => {
    // After a failure the soak ends with the chunk it is in.
    if (planned >= o.frames || failures.length) return undefined;
    const n = Math.min(chunk, o.frames - planned);
    planned += n;
    // Chunks are independent seeds: chunk k of seed s replays as randomScript(seedOf(s, k)).
    const s = randomScript(seedOf(o.seed, chunkNo), o.cfg, { frames: n, directed: chunkNo === 0 });
    chunkNo++;
    const items = s.items;
    items.forEach((it, i) => {
      if (it.k === 'read') for (const addr of it.addrs) reads.push({ addr, quiet: i === items.length - 1 });
    });
    return items;
  };
  const failures: string[] = [];
  const first = nextChunk() ?? [];
  const script = { items: first, seed: o.seed, more: nextChunk };

  const counts = new Array<number>(COUNTERS.length).fill(0);
  let recordsOut = 0;
  let counterChecks = 0;
  let counterReads = 0;
  let peakHeap = 0;
  let slots: ReturnType<typeof slotsOf> | undefined;
  /** Quiet counter reads waiting for the record of frame `upTo` (-1: none since the reset). */
  const pending: { k: number; got: number; upTo: number; cycle: number }[] = [];
  let lastId = -1;
  let lastReset = -1;
  let unsettled = 0;
  const settle = (now: number): void => {
    while (pending.length && pending[0]!.upTo <= lastId) {
      const p = pending.shift()!;
      if (p.got !== counts[p.k])
        failures.push(
          `cycle ${p.cycle}: counter ${COUNTERS[p.k]} reads ${p.got}, the testbench counted ${counts[p.k]} records since the last reset (settled at cycle ${now})`,
        );
    }
  };

  const onBatch = (b: Batch, out: Uint32Array, d: Driver): void => {
    const L = d.layout;
    const s = (slots ??= slotsOf(d));
    const meta = b.meta;
    let mi = 0;
    for (let c = 0; c < b.cycles; c++) {
      const cycle = b.start + c;
      const ib = c * L.inWords;
      const ob = c * L.outWords;
      if (b.stim[ib + s.rst.offset]! & 1) {
        counts.fill(0);
        lastReset = cycle;
        unsettled += pending.length;
        pending.length = 0;
        lastId = -1;
        continue;
      }
      if (out[ob + s.tvalid.offset]! & 1 && b.stim[ib + s.tready.offset]! & 1) {
        recordsOut++;
        const ev = meta[mi];
        if (!ev || ev.cycle !== cycle) {
          failures.push(`cycle ${cycle}: a record left m_axis_meta that the driver did not expect`);
          continue;
        }
        mi++;
        const rec = unpackMeta(o.cfg, L.getBig(out, c, s.tdata), ev.frame.id);
        counterFlags(rec).forEach((on, k) => {
          if (on) counts[k] = (counts[k]! + 1) >>> 0;
        });
        lastId = ev.frame.id;
        settle(cycle);
      }
      if (out[ob + s.rvalid.offset]! & 1 && b.stim[ib + s.rready.offset]! & 1) {
        const rd = reads[readHead++];
        counterReads++;
        if (!rd) {
          failures.push(`cycle ${cycle}: a read response with no read issued`);
          continue;
        }
        const k = (rd.addr - COUNTER_BASE) >> 2;
        if (rd.quiet && k >= 0 && k < COUNTERS.length) {
          counterChecks++;
          // The last frame whose tlast was taken before this read: its record settles the check.
          // The driver runs ahead of this batch: a frame marked dropped may lose its
          // record to a later reset, which then discards this check too.
          let upTo = -1;
          for (let j = d.frames.length - 1; j >= 0; j--) {
            const f = d.frames[j]!;
            if (f.lastCycle >= 0 && f.lastCycle < cycle) {
              if (f.lastCycle > lastReset) upTo = f.id;
              break;
            }
          }
          pending.push({ k, got: out[ob + s.rdata.offset]! >>> 0, upTo, cycle });
          settle(cycle);
        }
      }
    }
    if (mi !== meta.length) failures.push(`batch at cycle ${b.start}: the driver expected ${meta.length} records, ${mi} left the RTL`);
    // Drop answered reads so the queue stays small.
    if (readHead > 4096) {
      reads.splice(0, readHead);
      readHead = 0;
    }
    const heap = process.memoryUsage().heapUsed / 2 ** 20;
    if (heap > peakHeap) peakHeap = heap;
    // Keep the first few: a broken invariant tends to repeat every batch.
    if (failures.length > 20) failures.length = 20;
  };

  const r = await runRegression({
    cfg: o.cfg,
    configName: o.configName,
    seed: o.seed,
    frames: o.frames,
    script,
    provider: o.provider,
    noWave: true,
    retainFrames: 4096,
    onBatch,
    onProgress: (frames, cyc) => o.onProgress?.({ frames, cycles: cyc, seconds: (performance.now() - t0) / 1000, heapMB: peakHeap }),
  });
  const st = r.stats;
  if (r.mismatch)
    failures.push(
      `${r.report ?? `mismatch on ${r.mismatch.signal} at cycle ${r.mismatch.cycle}`}\n(soak: chunk ${chunkNo - 2} or ${chunkNo - 1} of seed ${o.seed}; chunk k replays as randomScript(seedOf(${o.seed}, k)))`,
    );
  else if (!failures.length) {
    if (r.records !== recordsOut) failures.push(`scoreboard checked ${r.records} records, ${recordsOut} left the RTL`);
    if (st.framesSent !== recordsOut + st.recordsLost)
      failures.push(`frames in ${st.framesSent} != records out ${recordsOut} + records discarded by resets ${st.recordsLost}`);
    if (st.records !== recordsOut) failures.push(`the driver took ${st.records} records, ${recordsOut} left the RTL`);
    if (readHead !== reads.length) failures.push(`${reads.length - readHead} reads never answered`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    configName: o.configName,
    seed: o.seed,
    framesIn: st.framesSent,
    recordsOut,
    recordsLost: st.recordsLost,
    framesCut: st.framesDropped,
    counterChecks: counterChecks - unsettled - pending.length,
    counterUnsettled: unsettled + pending.length,
    counterReads,
    stats: st,
    cycles: r.cycles,
    seconds,
    framesPerSecond: st.framesSent / seconds,
    peakHeapMB: peakHeap,
    failures,
  };
}

/** The seed of chunk k of a soak with seed s. */
export function seedOf(s: number, k: number): number {
  return (Math.imul(s, 0x9e3779b1) + k * 0x85ebca6b) >>> 0;
}

function slotsOf(d: Driver) {
  const L = d.layout;
  return {
    rst: L.slot('rst'),
    tvalid: L.slot('m_axis_meta_tvalid'),
    tready: L.slot('m_axis_meta_tready'),
    tdata: L.slot('m_axis_meta_tdata'),
    rvalid: L.slot('s_axil_rvalid'),
    rready: L.slot('s_axil_rready'),
    rdata: L.slot('s_axil_rdata'),
  };
}
