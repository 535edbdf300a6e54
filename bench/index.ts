// SPDX-License-Identifier: MIT
// `make bench`: for the default and the 512-bit build, simulation speed driven from
// TypeScript against the bare C++ loop, reference-engine speed, latency, bubbles at full
// rate, and the area figures of `make synth` (cached); then `nvgre-rx classify` end to end
// on captures (bench/classify.bench.ts: needs dist/, `make build`). Every section that
// cannot run yet (a missing generator, a failing build) says why and the others still run.
//
//   npx tsx bench/index.ts [--frames N] [--no-area] [--no-sim] [--no-classify] [--no-big] [--write-docs]

import { Command } from 'commander';
import { describeBuild } from '../gen/config.ts';
import { writeResultBlock } from '../flow/results-doc.ts';
import { simBench, type SimBench } from '../flow/sim-bench.ts';
import { markdownTable } from '../flow/table.ts';
import { TOP_MODULE } from '../flow/sources.ts';
import { classifyBench, classifyRows, FLOOR_E2E } from './classify.bench.ts';
import { loadBuild, synthBuild, type BuildArea } from './synth.ts';

const BUILDS: { name: string; config: string | undefined }[] = [
  { name: 'default', config: undefined },
  { name: '512-bit', config: 'synth/w512.json' },
];

const M = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));
const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);

function simRows(name: string, s: SimBench): (string | number)[][] {
  return [
    [name, 'frames in the run (bytes)', `${s.frames} (${s.bytes})`],
    [name, 'cycles at full rate', s.cycles],
    [name, 'reference engine, frames/s', M(s.refFramesPerS)],
    [name, 'regression loop (TypeScript, every output every cycle checked), frames/s', M(s.loopFramesPerS)],
    [name, 'regression loop, cycles/s (best of 3)', M(s.loopCyclesPerS)],
    [name, 'regression loop, first run (JIT cold), cycles/s', M(s.coldCyclesPerS)],
    [name, 'bridge replay (TypeScript, no checks), cycles/s', M(s.replayCyclesPerS)],
    [name, 'bare C++ loop, cycles/s', M(s.bareCyclesPerS)],
    [name, 'bare C++ / regression loop', `${(s.bareCyclesPerS / s.loopCyclesPerS).toFixed(1)}x`],
    [name, 'regression loop / bare C++ (target >= 0.5)', (s.loopCyclesPerS / s.bareCyclesPerS).toFixed(2)],
    [name, 'bare C++ / bridge replay', `${(s.bareCyclesPerS / s.replayCyclesPerS).toFixed(1)}x`],
    [name, 'reference engine / regression loop (frames/s)', `${(s.refFramesPerS / s.loopFramesPerS).toFixed(1)}x`],
    [name, 'latency, cycles (measured min..max; stated)', `${s.latencyMin}..${s.latencyMax}; ${s.latencyStated}`],
    [name, 'bubbles at full rate', s.bubbles],
    [name, 'cycles held to space tlast beats (frames < minFrameBytes back to back)', s.spacingHolds],
    [name, 'bare C++ and bridge outputs identical', s.sameOutputs ? 'yes' : 'NO'],
    [name, 'records match the reference', s.mismatch ? `NO (${s.mismatch})` : 'yes'],
  ];
}

function areaRows(name: string, a: BuildArea): (string | number)[][] {
  const top = a.rows.find((r) => r.module === TOP_MODULE);
  if (!top) {
    const s = (f: (r: BuildArea['rows'][number]) => number): number => a.rows.reduce((x, r) => x + f(r), 0);
    return [
      [
        name,
        `area (no top yet: sum of ${a.rows.length} blocks) xc7 LUTs / FFs / BRAM36`,
        `${s((r) => r.xcLuts)} / ${s((r) => r.xcFfs)} / ${s((r) => r.xcBram36)}`,
      ],
    ];
  }
  return [
    [name, 'xc7 LUTs / FFs / BRAM36 / LUTRAM / CARRY4', `${top.xcLuts} / ${top.xcFfs} / ${top.xcBram36} / ${top.xcLutram} / ${top.xcCarry4}`],
    [name, 'iCE40 LUT4 / FFs / BRAM / carry', `${top.iceLuts} / ${top.iceFfs} / ${top.iceBram} / ${top.iceCarry}`],
    [name, 'LUT6 levels (worst module; whole design)', `${Math.max(...a.rows.map((r) => r.depth.length))}; ${a.whole ?? '-'}`],
  ];
}

async function main(): Promise<void> {
  const p = new Command('bench')
    .option('--frames <n>', 'frames per simulation run', '20000')
    .option('--no-area', 'skip the area figures')
    .option('--no-sim', 'skip the simulation figures')
    .option('--no-classify', 'skip the classify figures')
    .option('--no-big', 'classify figures without the > 2 GiB capture')
    .option('--classify-frames <n>', 'frames of the classify capture', '1000000')
    .option('--write-docs', 'replace the bench block of docs/RESULTS.md');
  p.parse();
  const o = p.opts<{ frames: string; area: boolean; sim: boolean; classify: boolean; big: boolean; classifyFrames: string; writeDocs?: boolean }>();
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const b of BUILDS) {
    let build;
    try {
      build = await loadBuild(b.config);
    } catch (e) {
      notes.push(`${b.name}: no sources: ${why(e)}`);
      continue;
    }
    console.log(`${b.name}: ${describeBuild(build.cfg)}`);
    if (o.sim) {
      try {
        const s = await simBench(build.cfg, b.name, Number(o.frames), (x) => console.log(x));
        rows.push(...simRows(b.name, s));
        for (const r of simRows(b.name, s)) console.log(`  ${r[1]}: ${r[2]}`);
      } catch (e) {
        notes.push(`${b.name}: simulation not measured: ${why(e)}`);
      }
    }
    if (o.area) {
      try {
        const a = await synthBuild(build, (x) => console.log(x));
        rows.push(...areaRows(b.name, a));
      } catch (e) {
        notes.push(`${b.name}: area not measured: ${why(e)}`);
      }
    }
  }
  let classifySlow = false;
  if (o.classify) {
    try {
      const c = await classifyBench({ frames: Number(o.classifyFrames), big: o.big, log: (x) => console.log(x) });
      for (const r of classifyRows(c)) console.log(`  ${r[1]}: ${r[2]}`);
      rows.push(...classifyRows(c));
      classifySlow = c.e2eFramesPerCpuS < FLOOR_E2E;
    } catch (e) {
      notes.push(`classify: not measured: ${why(e)}`);
    }
  }
  const text = [
    `\`make bench\` (\`npx tsx bench/index.ts --frames ${o.frames}\`), ${new Date().toISOString().slice(0, 10)}, ${process.env.CI ? 'CI' : 'dev'} machine, node ${process.version}.`,
    '',
    markdownTable(['build', 'figure', 'value'], rows),
    '',
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
  console.log(`\n${text}\n`);
  if (o.writeDocs) await writeResultBlock('bench', text);
  const bad = rows.some((r) => (r[1] === 'bubbles at full rate' && r[2] !== 0) || r[2] === 'NO' || String(r[2]).startsWith('NO ('));
  if (bad || classifySlow) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(why(e));
  process.exit(1);
});
