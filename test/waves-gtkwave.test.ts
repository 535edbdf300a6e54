// SPDX-License-Identifier: MIT
// The waveform a person opens: a traced run of the default build (what `make wave`
// writes) loaded into GTKWave itself, headless under Xvfb, with a Tcl script that asks
// GTKWave what it shows. GTKWave must report no error, show every trace of the save
// file (none dropped as unknown), open zoomed to the whole run (not to picoseconds), and
// show the metadata record as its named fields.

import { execa } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../gen/config.ts';
import { metaLayout } from '../gen/meta-layout.ts';

const DIR = 'build/wave-test';
let gtkw: string;
let fst: string;
let report: { end: number; maxTime: number; names: string[]; stderr: string };

const TCL = `
puts "END [gtkwave::getWindowEndTime]"
puts "MAX [gtkwave::getMaxTime]"
set n [gtkwave::getTotalNumTraces]
for {set i 0} {$i < $n} {incr i} { puts "TRACE [gtkwave::getTraceNameFromIndex $i]" }
gtkwave::/File/Quit
`;

beforeAll(async () => {
  await mkdir(DIR, { recursive: true });
  const r = await execa('npx', ['tsx', 'tb/cli/run-sim.ts', '--wave', '--frames', '30', '--seed', '5'], { reject: false, all: true });
  expect(r.exitCode, r.all).toBe(0);
  const m = /wrote (\S+\.fst)[\s\S]*?(\S+\.gtkw)/.exec(r.all ?? '');
  expect(m, r.all).toBeTruthy();
  [fst, gtkw] = [m![1]!, m![2]!];
  const tcl = join(DIR, 'ask.tcl');
  await writeFile(tcl, TCL);
  // A screen as large as the saved window, so GTKWave lays it out as a person sees it.
  const g = await execa('xvfb-run', ['-a', '-s', '-screen 0 1920x1200x24', 'gtkwave', '-S', tcl, fst, gtkw], { reject: false, timeout: 120_000 });
  expect(g.exitCode, g.stderr).toBe(0);
  const lines = g.stdout.split('\n');
  const num = (k: string): number => Number(lines.find((l) => l.startsWith(`${k} `))!.slice(k.length + 1));
  report = { end: num('END'), maxTime: num('MAX'), names: lines.filter((l) => l.startsWith('TRACE ')).map((l) => l.slice(6).trim()), stderr: g.stderr };
}, 600_000);

describe('make wave in GTKWave (headless)', () => {
  it('loads the FST and the save file without an error', () => {
    expect(report.stderr).not.toMatch(/error|cannot|could not|not found|unknown/i);
    expect(report.maxTime).toBeGreaterThan(0);
  });

  it('shows every trace of the save file, and no net twice', async () => {
    const text = await readFile(gtkw, 'utf8');
    const traceLines = text.split('\n').filter((l) => /^(TOP\.|#\{|-)/.test(l));
    expect(report.names.length).toBe(traceLines.length);
    const paths = traceLines.filter((l) => l.startsWith('TOP.'));
    expect(new Set(paths).size).toBe(paths.length);
    // The csr block's AXI4-Lite ports are the top's: shown once, as the top's.
    expect(paths.filter((p) => /\.s_axil_awaddr/.test(p))).toEqual([expect.stringMatching(/^TOP\.nvgre_rx\.s_axil_awaddr/)]);
  });

  it('opens zoomed to the whole run', () => {
    // The span GTKWave opens with (and fits to its wave pane once the window is shown).
    expect(report.end).toBeGreaterThan(0.95 * report.maxTime);
    expect(report.end).toBeLessThan(1.5 * report.maxTime);
  });

  it('shows the metadata record as its named fields', () => {
    const fields = metaLayout(DEFAULT_CONFIG).fields.map((f) => `${f.name}${f.width > 1 ? `[${f.width - 1}:0]` : ''}`);
    for (const f of fields) expect([f, report.names.includes(f)]).toEqual([f, true]);
  });
});
