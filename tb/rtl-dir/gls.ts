// SPDX-License-Identifier: MIT
// Gate-level simulation: yosys synthesises the top to a generic gate netlist (flattened,
// `write_verilog -noattr`: gates become expressions, flip-flops always blocks, memories
// flip-flops), and the netlist runs through the same lockstep regression as the RTL, as
// an RTL directory of one file. The netlist is cached by the content of the RTL (the
// flow's runYosys keys its cache on sources and script), so a second `make gls` only
// simulates.

import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GENERATOR } from '../../gen/build-all.ts';
import { describeBuild, type BuildConfig } from '../../gen/config.ts';
import { emitModule } from '../../gen/emit/verilog.ts';
import { topModule } from '../../gen/top.ts';
import { runYosys } from '../../flow/yosys.ts';
import { parseStatJson } from '../../flow/reports.ts';
import type { RunResult } from '../lockstep/regress.ts';
import { loadRtlDir } from './load.ts';
import { runRtlDir, type DirRunOptions } from './run.ts';
import { RTL_DIR_BUILD, TOP, verilogFiles, type DirBuildFlags, type RtlDir } from './dir-model.ts';

export const GLS_ROOT = join(RTL_DIR_BUILD, '..', 'gls');

/**
 * Verilator on the flattened bit-level netlist of the whole top (about 60k flip-flops,
 * one always block each): the default -O3 grew past 13 GB before it was stopped, -O0
 * elaborates in about 20 s CPU and 1.1 GB. The C++ (about 70 MB of it) is compiled at
 * -O0 too: a GLS run is a few hundred frames, compile time dominates.
 */
export const GLS_BUILD_FLAGS: DirBuildFlags = { extraFlags: ['-O0'], makeFlags: 'OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O1' };

/** The yosys script: generic gates, flattened, checked, written without attributes. */
export const glsScript = (top = TOP): string[] => [
  `synth -top ${top} -flatten`,
  'check -assert',
  `write_verilog -noattr ${top}.v`,
  'tee -q -o stat.json stat -json',
];

/** The generated Verilog of a build, by file name. */
export function buildSources(cfg: BuildConfig): Map<string, string> {
  const t = topModule(cfg);
  const out = new Map<string, string>();
  const build = describeBuild(cfg);
  for (const m of t.modules) if (!out.has(`${m.name}.v`)) out.set(`${m.name}.v`, emitModule(m, { build, generator: GENERATOR }));
  return out;
}

export async function dirSources(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await verilogFiles(dir)) out.set(basename(f), await readFile(f, 'utf8'));
  return out;
}

export interface Netlist {
  /** A directory holding only the netlist, loadable with loadRtlDir. */
  dir: string;
  file: string;
  /** Seconds yosys took (when it ran; the cached figure otherwise). */
  yosysSeconds: number;
  cached: boolean;
  cells: number;
  logPath: string;
}

/** Synthesise sources to a gate netlist of `top` (cached by their content). */
export async function glsNetlist(sources: ReadonlyMap<string, string>, label: string, top = TOP): Promise<Netlist> {
  const r = await runYosys({ label: `gls-${label}`, sources, script: glsScript(top), outputs: [`${top}.v`, 'stat.json'] });
  // The yosys cache directory also holds the sources; the netlist gets a directory of its own.
  const dir = join(GLS_ROOT, `${label}-${basename(r.dir).replace(/^ys-/, '')}`);
  const file = join(dir, `${top}.v`);
  if (!existsSync(file)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await copyFile(join(r.dir, `${top}.v`), join(tmp, `${top}.v`));
    await writeFile(join(tmp, 'README'), `Gate-level netlist of ${label}, by: ${r.command}\nlog: ${r.logPath}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
  }
  const cells = parseStatJson(r.files.get('stat.json')!).cells;
  return { dir, file, yosysSeconds: r.seconds, cached: r.cached, cells, logPath: r.logPath };
}

export interface GlsRun {
  netlist: Netlist;
  rd: RtlDir;
  results: RunResult[];
  /** The first failing run's report. */
  report?: string;
}

/** Synthesise a build, then run the regression on the netlist for each seed (stops at the first failure). */
export async function runGls(
  cfg: BuildConfig,
  label: string,
  o: Omit<DirRunOptions, 'seed'> & { seeds: number[]; sources?: ReadonlyMap<string, string> },
): Promise<GlsRun> {
  const netlist = await glsNetlist(o.sources ?? buildSources(cfg), label);
  const rd = await loadRtlDir(netlist.dir, { cfg, label: `gls-${label}`, flags: GLS_BUILD_FLAGS });
  const results: RunResult[] = [];
  for (const seed of o.seeds) {
    const r = await runRtlDir(rd, { ...o, seed, replay: o.replay ?? `make gls SEED=${seed} FRAMES=${o.frames}` });
    results.push(r);
    if (r.report) return { netlist, rd, results, report: r.report };
  }
  return { netlist, rd, results };
}
