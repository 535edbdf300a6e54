// SPDX-License-Identifier: MIT
// Every Verilog file of one build. The top-level engineer adds the top's modules to
// MODULES (one line each) and sets coreLatency; everything else (CLI, rtl/, the flow)
// goes through generateAll.

import { indirectionModule } from './blocks/indirection.ts';
import { metaFifoModule } from './blocks/meta-fifo.ts';
import { hasherFor } from './blocks/toeplitz-serial.ts';
import { vmqModule } from './blocks/vmq.ts';
import { describeBuild, type BuildConfig } from './config.ts';
import { emitModule } from './emit/verilog.ts';
import type { Module } from './ir/module.ts';
import { metaLayout } from './meta-layout.ts';
import type { RegmapExtras } from './regmap.ts';
import { checkLineRateFifo, topPart, topTiming } from './top.ts';

export const GENERATOR = 'nvgre-rx gen';

/**
 * Cycles from the accepted tlast beat to the record on m_axis_meta (the CAP_LATENCY
 * register). 0 until the top level reports it: replace with the top's own figure.
 */
export function coreLatency(cfg: BuildConfig): number {
  return topTiming(cfg).latency;
}

export function regmapExtras(cfg: BuildConfig): RegmapExtras {
  return { latency: coreLatency(cfg) };
}

/** One entry per emitted module, leaf blocks first. */
export const MODULES: readonly ((cfg: BuildConfig) => Module)[] = [
  (c) => hasherFor(c).module,
  (c) => indirectionModule(c).module,
  (c) => vmqModule(c).module,
  (c) => metaFifoModule(c, metaLayout(c).width).module,
  (c) => topPart(c, 'nvgre_rx_csr'),
  (c) => topPart(c, 'nvgre_rx_capture'),
  (c) => topPart(c, 'nvgre_rx_parser'),
  (c) => topPart(c, 'nvgre_rx_rss_select'),
  (c) => topPart(c, 'nvgre_rx'),
];

/**
 * File name -> Verilog text, one file per module named for it. Throws ConfigError for a
 * metaFifoDepth below line rate unless the configuration allows it.
 */
export function generateAll(cfg: BuildConfig): Map<string, string> {
  checkLineRateFifo(cfg);
  const out = new Map<string, string>();
  const build = describeBuild(cfg);
  for (const make of MODULES) {
    const m = make(cfg);
    const file = `${m.name}.v`;
    if (out.has(file)) throw new Error(`two modules named ${m.name}`);
    out.set(file, emitModule(m, { build, generator: GENERATOR }));
  }
  return out;
}
