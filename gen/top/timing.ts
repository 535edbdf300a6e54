// SPDX-License-Identifier: MIT
// The top level's timing: the cycle of each stage of a frame's way through the core
// (topTiming), the FIFO depth line rate needs, and the check that refuses a smaller one.

import { CSR_WRITE_EVENT_DELAY } from '../blocks/csr.ts';
import { indirectionModule } from '../blocks/indirection.ts';
import { metaFifoModule } from '../blocks/meta-fifo.ts';
import { parserModule } from '../blocks/parser.ts';
import { sideLayout } from '../blocks/rss-select.ts';
import { hasherFor } from '../blocks/toeplitz-serial.ts';
import { vmqModule } from '../blocks/vmq.ts';
import { type BuildConfig, ConfigError } from '../config.ts';

/** The cycle numbers of one frame's way through the top, counted from its tlast cycle T. */
export interface TopTiming {
  /** Parser stages. */
  parserLatency: number;
  /** Cycle (after T) of the RSS select stage's output: the hasher's and the VMQ block's in_valid. */
  select: number;
  /** Cycle (after T) in which the Toeplitz hasher reads its key for the frame. */
  keyRead: number;
  /** Cycle in which the indirection table is read. */
  indirectionRead: number;
  /** Cycle in which the VMQ block reads its first step of filters (step s: vmqRead + s). */
  vmqRead: number;
  /** Cycle in which the record is pushed into the meta FIFO and the counters count it. */
  push: number;
  /** First cycle of m_axis_meta_tvalid for the record when the FIFO is empty. */
  latency: number;
  /** Extra register stages on each table's write-event stream after the CSR block's own. */
  keyEventDelay: number;
  indirectionEventDelay: number;
  /** Cycles from a filter write's handshake H to the end of the cycle the CSR block applies it (gen/blocks/csr/filter-write.ts), for filters of step 0. */
  filterApplyDelay: number;
  /** VMQ comparators (banks of the filter table): filter f is read in step f div filterBanks, and applied that many cycles later. */
  filterBanks: number;
  /** Cycles the VMQ block reads the table for per frame. */
  filterSteps: number;
  /** Records the top lets into flight and the FIFO together (s_axis_tready needs room for one more). */
  capacity: number;
  /** Fewest cycles between accepted tlast beats: the hasher's cycles per hash (1: any). */
  tlastGap: number;
  /**
   * `toeplitz: "tables"`: a key written with handshake H reaches frames with T >= H + 1 +
   * keyRebuild, unless another key write comes in H+1 .. H+keyRebuild (the tables' rebuild).
   */
  keyRebuild?: number;
}

/** Width of max_header_bytes: the register, the snapshot field and the parser's input. */
export const mhbBitsOf = (c: BuildConfig): number => Math.ceil(Math.log2(c.maxHeaderBytes + 1));

export function topTiming(c: BuildConfig): TopTiming {
  const parser = parserModule(c, { sideWidth: sideLayout(c).width, mhbWidth: mhbBitsOf(c) });
  const tz = hasherFor(c);
  const ind = indirectionModule(c);
  const vmq = vmqModule(c);
  const fifo = metaFifoModule(c, 8);
  // T: tlast accepted; T+1: capture registers = parser input; T+1+P: parser output;
  // T+2+P: RSS select output = Toeplitz and VMQ input.
  const sel = 2 + parser.latency;
  const keyRead = sel + tz.keyStageDelay;
  const indirectionRead = sel + tz.latency;
  const vmqRead = sel + vmq.readDelay;
  const push = Math.max(indirectionRead + ind.latency, sel + vmq.latency);
  return {
    parserLatency: parser.latency,
    select: sel,
    keyRead,
    indirectionRead,
    vmqRead,
    push,
    latency: push + fifo.pushToVisible,
    keyEventDelay: keyRead - CSR_WRITE_EVENT_DELAY,
    indirectionEventDelay: indirectionRead - CSR_WRITE_EVENT_DELAY,
    // A write in force from H+1 must reach the filters read in cycle (H+1)+vmqRead (+ their step), and no earlier.
    filterApplyDelay: vmqRead,
    filterBanks: vmq.schedule.banks,
    filterSteps: vmq.schedule.steps,
    capacity: c.metaFifoDepth,
    tlastGap: tz.steps,
    ...(tz.rebuildCycles !== undefined ? { keyRebuild: tz.rebuildCycles } : {}),
  };
}

/**
 * The smallest metaFifoDepth at which s_axis_tready never drops while m_axis_meta_tready
 * is high: one frame per cycle keeps `latency` frames past tlast, and tready needs room
 * for one more (docs/PIPELINE.md, "s_axis_tready").
 */
export function lineRateFifoDepth(c: BuildConfig): number {
  return topTiming(c).latency + 1;
}

/**
 * Refuse a build whose FIFO cannot keep line rate, unless it says it accepts that
 * (allowBackpressureFifo). generateAll calls it; topModule itself builds any depth, so
 * that testbenches can still model RTL measured with a small FIFO.
 */
export function checkLineRateFifo(c: BuildConfig): void {
  const min = lineRateFifoDepth(c);
  if (c.metaFifoDepth >= min || c.allowBackpressureFifo) return;
  const pow2 = 2 ** Math.ceil(Math.log2(min));
  throw new ConfigError(
    `config: metaFifoDepth: ${c.metaFifoDepth} is below the line-rate minimum of ${min} for this build (latency ${min - 1} cycles + 1); ` +
      `use ${pow2} or more, or set allowBackpressureFifo: true to let s_axis_tready drop below line rate`,
  );
}
