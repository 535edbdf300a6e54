// SPDX-License-Identifier: MIT
// Every Verilog file of one build: the modules the top level instantiates (the one list
// of modules, topModule(...).modules) and the top. Everything else (CLI, rtl/, the flow)
// goes through generateAll.

import { describeBuild, type BuildConfig } from './config.ts';
import { emitModule } from './emit/verilog.ts';
import type { Module } from './ir/module.ts';
import type { RegmapExtras } from './regmap.ts';
import { checkLineRateFifo, topModule, topTiming } from './top.ts';

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

/** Every module of the build, leaf blocks first, the top last (as the top level lists them). */
export function buildModules(cfg: BuildConfig): readonly Module[] {
  return topModule(cfg).modules;
}

/**
 * File name -> Verilog text, one file per module named for it. Throws ConfigError for a
 * metaFifoDepth below line rate unless the configuration allows it.
 */
export function generateAll(cfg: BuildConfig): Map<string, string> {
  checkLineRateFifo(cfg);
  const out = new Map<string, string>();
  const build = describeBuild(cfg);
  for (const m of buildModules(cfg)) {
    const file = `${m.name}.v`;
    if (out.has(file)) throw new Error(`two modules named ${m.name}`);
    out.set(file, emitModule(m, { build, generator: GENERATOR }));
  }
  return out;
}
