// SPDX-License-Identifier: MIT
// `make synth`: yosys area and depth of every module of a build, the whole-design depth
// gate, the Toeplitz implementations compared, and nextpnr-ice40 place and route of the
// small build. Results print as markdown and, with --write-docs, replace their blocks in
// docs/RESULTS.md.

import { basename } from 'node:path';
import { Command } from 'commander';
import { describeBuild, type BuildConfig } from '../gen/config.ts';
import { wholeDesignDepth } from '../flow/depth-gate.ts';
import { HX8K, placeAndRoute, UP5K, type PnrResult } from '../flow/pnr.ts';
import { describePath } from '../flow/reports.ts';
import { writeResultBlock } from '../flow/results-doc.ts';
import { generatedSources, loadConfigFile, modulesOf, rtlSources, TOP_MODULE } from '../flow/sources.ts';
import { MAX_LUT_LEVELS, synthModule, type AreaRow } from '../flow/synth.ts';
import { areaTable, pnrTable } from '../flow/table.ts';
import { compareToeplitz, toeplitzTable } from '../flow/toeplitz-variants.ts';
import { pool, type Sources } from '../flow/yosys.ts';

export interface Build {
  name: string;
  cfg: BuildConfig;
  sources: Sources;
  origin: string;
}

/** The default build is rtl/ as checked in; any other comes from the generator. */
export async function loadBuild(configPath: string | undefined): Promise<Build> {
  const cfg = await loadConfigFile(configPath);
  const name = configPath ? basename(configPath).replace(/\.json$/, '') : 'default';
  if (!configPath) {
    const rtl = await rtlSources();
    if (rtl.size > 0) return { name, cfg, sources: rtl, origin: 'rtl/' };
  }
  return { name, cfg, sources: await generatedSources(cfg), origin: `generateAll(${configPath ?? 'defaults'})` };
}

export interface BuildArea {
  build: Build;
  rows: AreaRow[];
  whole: string | undefined;
  seconds: number;
}

export async function synthBuild(b: Build, log: (s: string) => void = () => {}): Promise<BuildArea> {
  const t0 = performance.now();
  const modules = modulesOf(b.sources);
  // Modules in parallel, each module's four targets one after another: two yosys at a time.
  const rows = await pool(modules, async (m) => {
    const r = await synthModule(`${b.name}`, b.sources, m, { limit: 1 });
    log(`  ${m}: ${r.depth.length} LUT6 levels, ${r.xcLuts} xc7 LUTs (${r.seconds.toFixed(1)} s of yosys)`);
    return r;
  });
  let whole: string | undefined;
  if (modules.includes(TOP_MODULE)) whole = (await wholeDesignDepth(b.name, b.sources)).text;
  return { build: b, rows, whole, seconds: (performance.now() - t0) / 1000 };
}

export function buildSection(a: BuildArea): string {
  const over = a.rows.filter((r) => r.depth.length > MAX_LUT_LEVELS);
  const cmd = a.rows[0]?.commands ?? [];
  return [
    `Build \`${a.build.name}\` (${describeBuild(a.build.cfg)}), sources: ${a.build.origin}.`,
    '',
    areaTable(a.rows),
    '',
    a.whole
      ? `Whole design, \`synth -auto-top -flatten -lut 6; ltp -noff\`: ${a.whole}`
      : `No top level (\`${TOP_MODULE}\`) in this build yet: per-module figures only.`,
    `Latch cells (generic and xc7): ${a.rows.reduce((s, r) => s + r.latches, 0)}; \`check -assert\` passed for every module and target.`,
    over.length ? `**Over ${MAX_LUT_LEVELS} levels:** ${over.map((r) => r.module).join(', ')}` : `Every module is within ${MAX_LUT_LEVELS} LUT6 levels.`,
    '',
    'Longest path per module:',
    '',
    ...a.rows.map((r) => `- ${describePath(r.depth)}`),
    '',
    'Commands (per module M; `<sources>` is every file of the build):',
    '',
    ...cmd.map((c) => `    ${c.replace(new RegExp(a.rows[0]!.module, 'g'), 'M')}`),
  ].join('\n');
}

export function pnrSection(b: Build, rs: PnrResult[]): string {
  return [
    `Build \`${b.name}\` (${describeBuild(b.cfg)}), top \`${TOP_MODULE}\` inside a scan wrapper (flow/wrapper.ts: inputs from a shift register, outputs captured and shifted out, so the core's pins do not count), seed 1.`,
    '',
    pnrTable(rs),
    '',
    ...rs.filter((r) => !r.fits).map((r) => `${r.device} does not fit: ${r.error ?? 'see log'}`),
    'Commands:',
    '',
    ...(rs[0]?.commands ?? []).map((c) => `    ${c}`),
    ...rs.slice(1).map((r) => `    ${r.commands.at(-1)}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const p = new Command('synth')
    .description('yosys area/depth tables, Toeplitz comparison, nextpnr-ice40 place and route')
    .option('--config <file>', 'build configuration JSON (default: rtl/, the default build)')
    .option('--pnr <file>', 'place and route this build on iCE40 HX8K and UP5K')
    .option('--toeplitz', 'compare the Toeplitz implementations')
    .option('--no-area', 'skip the area tables of --config')
    .option('--write-docs', 'replace the generated blocks of docs/RESULTS.md');
  p.parse();
  const o = p.opts<{ config?: string; pnr?: string; toeplitz?: boolean; area: boolean; writeDocs?: boolean }>();
  const out = async (block: string, text: string): Promise<void> => {
    console.log(`\n${text}\n`);
    if (o.writeDocs) await writeResultBlock(block, text);
  };

  if (o.area) {
    const b = await loadBuild(o.config);
    console.log(`synthesising ${b.name} (${b.sources.size} modules from ${b.origin})`);
    const a = await synthBuild(b, (s) => console.log(s));
    await out(`synth-${b.name}`, buildSection(a));
    console.log(`${a.build.name}: ${a.seconds.toFixed(0)} s`);
    const over = a.rows.filter((r) => r.depth.length > MAX_LUT_LEVELS);
    if (over.length) {
      console.error(`over ${MAX_LUT_LEVELS} LUT6 levels:\n${over.map((r) => `  ${describePath(r.depth)}`).join('\n')}`);
      process.exitCode = 1;
    }
  }
  if (o.toeplitz) {
    const t0 = performance.now();
    await out('toeplitz', toeplitzTable(await compareToeplitz()));
    console.log(`toeplitz comparison: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  if (o.pnr) {
    const b = await loadBuild(o.pnr);
    const rs: PnrResult[] = [];
    for (const d of [HX8K, UP5K]) {
      const r = await placeAndRoute(b.name, b.sources, TOP_MODULE, d);
      console.log(`${r.device}: ${r.fits ? `fits, ${r.fmaxMHz} MHz` : `does not fit: ${r.error}`}`);
      rs.push(r);
    }
    await out(`pnr-${b.name}`, pnrSection(b, rs));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
