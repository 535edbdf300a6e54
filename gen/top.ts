// SPDX-License-Identifier: MIT
// nvgre_rx: the top level. AXI4-Stream frames in, one metadata record per frame out, an
// AXI4-Lite register block. It wires capture -> parser -> RSS select -> Toeplitz ->
// indirection, and VMQ in parallel with hashing, packs the record (gen/meta-layout.ts)
// into the meta FIFO, and keeps the configuration frame-atomic (docs/ARCHITECTURE.md):
// the small registers are snapshotted at capture, and each table's write events are
// delayed by exactly its consumer's distance from capture.
//
// This file assembles the top; each concern is its own file in gen/top/, and the order
// of the calls below is the order of the declarations in the Verilog.

import { sideLayout } from './blocks/rss-select.ts';
import type { BuildConfig } from './config.ts';
import type { Module } from './ir/module.ts';
import { clog2, metaLayout } from './meta-layout.ts';
import { csrInstance, csrSignals } from './top/axil.ts';
import { topBlocks } from './top/blocks.ts';
import { captureStage } from './top/capture.ts';
import type { TopCtx } from './top/context.ts';
import { countRecords } from './top/counters.ts';
import { indirectionStage } from './top/indirection.ts';
import { metaFifoStage } from './top/meta-fifo.ts';
import { occupancy } from './top/occupancy.ts';
import { parserStage } from './top/parser.ts';
import { topShell } from './top/ports.ts';
import { recordStage } from './top/record.ts';
import { rssSelectStage } from './top/rss-select.ts';
import { mhbBitsOf, type TopTiming, topTiming } from './top/timing.ts';
import { toeplitzStage } from './top/toeplitz.ts';
import { vmqStage } from './top/vmq.ts';
import { tableWriteEvents } from './top/write-events.ts';

export { topModelParams } from './top/model-params.ts';
export { checkLineRateFifo, lineRateFifoDepth, type TopTiming, topTiming } from './top/timing.ts';

export interface TopResult {
  module: Module;
  latency: number;
  timing: TopTiming;
  /** Every module of the core, leaves first, the top last. */
  modules: Module[];
}

export function topModule(c: BuildConfig): TopResult {
  const timing = topTiming(c);
  const side = sideLayout(c);
  const mhbBits = mhbBitsOf(c);
  const layout = metaLayout(c);
  const blocks = topBlocks(c, timing, side, mhbBits, layout.width);
  const { m, ports } = topShell(c, timing, layout.width);
  const ctx: TopCtx = {
    c,
    m,
    timing,
    side,
    mhbBits,
    layout,
    q: c.queueBits,
    ib: Math.log2(c.indirectionEntries),
    fb: clog2(c.vmqFilters),
    blocks,
    sig: (name, w) => m.signal(name, w),
  };
  const csr = csrSignals(ctx);
  const cap = captureStage(ctx, ports, csr.cfgOut);
  const parsed = parserStage(ctx, ports, cap, csr.cfgOut);
  const so = rssSelectStage(ctx, parsed);
  const events = tableWriteEvents(ctx, csr.cfgOut);
  const hashed = toeplitzStage(ctx, so, events.key);
  const indQueue = indirectionStage(ctx, so, hashed, events.indirection);
  const vmq = vmqStage(ctx, so, csr.cfgOut);
  const record = recordStage(ctx, so, { hash: hashed.hash, indQueue, vmq });
  countRecords(ctx, record, csr.cnt);
  csrInstance(ctx, csr);
  const fifoValid = metaFifoStage(ctx, ports, record);
  occupancy(ctx, ports, cap, fifoValid);
  const { cap: capture, parser, sel, tz, ind, fifo } = blocks;
  const modules = [capture, parser.module, sel.module, tz.module, ind.module, blocks.vmq.module, fifo.module, blocks.csr, m];
  return { module: m, latency: timing.latency, timing, modules };
}
