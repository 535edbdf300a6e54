// SPDX-License-Identifier: MIT
// Synthesis of one module (and what it instantiates) for the four targets the area
// report uses, each a separate cached yosys run:
//   generic  `synth -top M; check -assert`            gate count, latch check
//   lut6     `synth -top M -flatten -lut 6; ltp -noff` LUT6 count, logic depth
//   xilinx   `synth_xilinx -top M -flatten`            7-series LUTs, FFs, BRAM, CARRY4
//   ice40    `synth_ice40 -top M`                      iCE40 LUT4s, FFs, BRAM, carries

import { parseLtp, parseStatJson, type CellCounts, type LongestPath } from './reports.ts';
import { pool, runYosys, type Sources, type YosysResult } from './yosys.ts';

export type Target = 'generic' | 'lut6' | 'xilinx' | 'ice40';
export const TARGETS: readonly Target[] = ['generic', 'lut6', 'xilinx', 'ice40'];

/** The depth gate of the project rules: LUT6 levels between registers. */
export const MAX_LUT_LEVELS = 8;

const STAT = 'tee -q -o stat.json stat -json';
const LTP = 'tee -q -o ltp.txt ltp -noff';

function script(target: Target, top: string, json: boolean): string[] {
  switch (target) {
    case 'generic':
      // Flattened after the check so the totals count every instance.
      return [`synth -top ${top}`, 'check -assert', 'flatten', STAT];
    case 'lut6':
      return [`synth -top ${top} -flatten -lut 6`, LTP, STAT];
    case 'xilinx':
      // No I/O buffers: a block is measured as it sits inside a bigger design.
      return [`synth_xilinx -top ${top} -flatten -noiopad`, 'check -assert', STAT];
    case 'ice40':
      return [`synth_ice40 -top ${top}${json ? ` -json ${top}.json` : ''}`, 'check -assert', STAT];
  }
}

export interface TargetRun {
  target: Target;
  top: string;
  counts: CellCounts;
  /** Only for lut6. */
  depth: LongestPath | undefined;
  result: YosysResult;
}

export async function synthTarget(
  label: string,
  sources: Sources,
  top: string,
  target: Target,
  opts: { json?: boolean; cacheDir?: string } = {},
): Promise<TargetRun> {
  const outputs = ['stat.json', ...(target === 'lut6' ? ['ltp.txt'] : []), ...(opts.json && target === 'ice40' ? [`${top}.json`] : [])];
  const result = await runYosys({
    label: `${label}-${top}-${target}`,
    sources,
    script: script(target, top, !!opts.json),
    outputs,
    cacheDir: opts.cacheDir,
  });
  const counts = parseStatJson(result.files.get('stat.json')!);
  const depth = target === 'lut6' ? pickPath(parseLtp(result.files.get('ltp.txt')!), top) : undefined;
  return { target, top, counts, depth, result };
}

function pickPath(paths: LongestPath[], top: string): LongestPath {
  const p = paths.find((x) => x.module === top) ?? paths[0];
  if (!p) throw new Error(`ltp printed no path for ${top}`);
  return p;
}

/** The rule's whole-design form: `synth -auto-top -flatten -lut 6; ltp -noff`. */
export async function autoTopDepth(label: string, sources: Sources, cacheDir?: string): Promise<{ path: LongestPath; result: YosysResult }> {
  const result = await runYosys({
    label: `${label}-autotop-lut6`,
    sources,
    script: ['synth -auto-top -flatten -lut 6', LTP],
    outputs: ['ltp.txt'],
    cacheDir,
  });
  const paths = parseLtp(result.files.get('ltp.txt')!);
  if (paths.length === 0) throw new Error('ltp printed no path');
  return { path: paths.reduce((a, b) => (b.length > a.length ? b : a)), result };
}

export interface AreaRow {
  module: string;
  /** LUT6 levels (ltp -noff after synth -lut 6) and the path. */
  depth: LongestPath;
  lut6: number;
  genericCells: number;
  latches: number;
  xcLuts: number;
  xcFfs: number;
  /** RAMB36E1 equivalents (a RAMB18E1 is half of one). */
  xcBram36: number;
  xcLutram: number;
  xcCarry4: number;
  iceLuts: number;
  iceFfs: number;
  iceBram: number;
  iceCarry: number;
  /** Seconds the four yosys runs took when they ran (cached or not). */
  seconds: number;
  commands: string[];
}

const sumWhere = (c: CellCounts, f: (t: string) => boolean): number => Object.entries(c.byType).reduce((s, [t, n]) => (f(t) ? s + n : s), 0);

const isLatch = (t: string): boolean => /DLATCH|\$_SR_|\$sr\b|\$dlatch|^LD[CP]E|^LDCE|SB_LATCH/i.test(t);

export function areaRow(module: string, runs: Record<Target, TargetRun>): AreaRow {
  const g = runs.generic.counts;
  const l = runs.lut6.counts;
  const x = runs.xilinx.counts;
  const i = runs.ice40.counts;
  return {
    module,
    depth: runs.lut6.depth!,
    lut6: sumWhere(l, (t) => t === '$lut'),
    genericCells: g.cells,
    latches: sumWhere(g, isLatch) + sumWhere(x, isLatch),
    xcLuts: sumWhere(x, (t) => /^LUT[1-6]$/.test(t)),
    xcFfs: sumWhere(x, (t) => /^FD[CPRS]E?$/.test(t)),
    xcBram36: sumWhere(x, (t) => t === 'RAMB36E1') + sumWhere(x, (t) => t === 'RAMB18E1') / 2,
    xcLutram: sumWhere(x, (t) => /^(RAM(32|64|128|256)[XM]|SRL)/.test(t)),
    xcCarry4: sumWhere(x, (t) => t === 'CARRY4'),
    iceLuts: sumWhere(i, (t) => t === 'SB_LUT4'),
    iceFfs: sumWhere(i, (t) => t.startsWith('SB_DFF')),
    iceBram: sumWhere(i, (t) => t.startsWith('SB_RAM40')),
    iceCarry: sumWhere(i, (t) => t === 'SB_CARRY'),
    seconds: TARGETS.reduce((s, t) => s + runs[t].result.seconds, 0),
    commands: TARGETS.map((t) => runs[t].result.command.replace(/read_verilog [^;]*;/, 'read_verilog <sources>;')),
  };
}

/** All four targets for one module. */
export async function synthModule(label: string, sources: Sources, top: string, opts: { cacheDir?: string; limit?: number } = {}): Promise<AreaRow> {
  const runs = await pool(TARGETS, (t) => synthTarget(label, sources, top, t, { cacheDir: opts.cacheDir }), opts.limit);
  return areaRow(top, Object.fromEntries(TARGETS.map((t, k) => [t, runs[k]!])) as Record<Target, TargetRun>);
}

/** LUT-depth only, for the gate: one cached yosys run per module. */
export async function depthOf(label: string, sources: Sources, top: string, cacheDir?: string): Promise<LongestPath> {
  return (await synthTarget(label, sources, top, 'lut6', { cacheDir })).depth!;
}
