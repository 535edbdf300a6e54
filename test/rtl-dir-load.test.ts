// SPDX-License-Identifier: MIT
// Simulating a directory of RTL: what a broken directory is told (one line each, the
// full Verilator log kept in a file), where the build parameters come from (CAP_*
// registers, a config file or the Build: line, the FIFO depth measured), and a copy of
// the default RTL passing the lockstep regression like the generated top does.

import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateAll } from '../gen/build-all.ts';
import { DEFAULT_CONFIG, parseBuildConfig } from '../gen/config.ts';
import { baseRtl } from '../tb/rtl-dir/mutants.ts';
import { loadRtlDir } from '../tb/rtl-dir/load.ts';
import { replayLine, runRtlDir } from '../tb/rtl-dir/run.ts';
import { declaredModules, portDiff, portsFromXml, RtlDirError, RTL_DIR_BUILD } from '../tb/rtl-dir/dir-model.ts';

const WORK = join(RTL_DIR_BUILD, 'test');
let base: string;

async function copyBase(name: string): Promise<string> {
  const d = join(WORK, name);
  await rm(d, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  await cp(base, d, { recursive: true });
  return d;
}

async function failure(p: Promise<unknown>): Promise<RtlDirError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RtlDirError) return e;
    throw e;
  }
  throw new Error('expected the directory to be refused');
}

function oneLine(e: RtlDirError): void {
  expect(e.message).not.toContain('\n');
  expect(e.message.length).toBeLessThan(500);
}

beforeAll(async () => {
  base = (await baseRtl()).dir;
});

describe('RTL directory: refused with one line', () => {
  it('a missing directory and one without Verilog', async () => {
    const e1 = await failure(loadRtlDir(join(WORK, 'does-not-exist')));
    expect(e1.message).toMatch(/does-not-exist: no such directory$/);
    const empty = join(WORK, 'empty');
    await mkdir(empty, { recursive: true });
    await writeFile(join(empty, 'notes.txt'), 'no verilog here\n');
    const e2 = await failure(loadRtlDir(empty));
    expect(e2.message).toMatch(/empty: no Verilog files/);
  });

  it('no top module: names the modules it did find', async () => {
    const d = await copyBase('no-top');
    await rm(join(d, 'nvgre_rx.v'));
    const e = await failure(loadRtlDir(d));
    oneLine(e);
    expect(e.message).toMatch(/no module nvgre_rx \(the top level\) in its 8 Verilog files; modules found: nvgre_rx_capture, /);
  });

  it('a compile error: the first error with file and line, the full log in a file', async () => {
    const d = await copyBase('syntax');
    const f = join(d, 'nvgre_rx_vmq.v');
    const lines = (await readFile(f, 'utf8')).split('\n');
    const at = lines.findIndex((l) => l.startsWith('assign out_hit'));
    lines[at] = 'assign out_hit = final_hit +;';
    await writeFile(f, lines.join('\n'));
    const e = await failure(loadRtlDir(d));
    oneLine(e);
    expect(e.message).toMatch(new RegExp(`syntax does not compile: %Error: .*nvgre_rx_vmq\\.v:${at + 1}:`));
    expect(e.logPath && existsSync(e.logPath)).toBeTruthy();
    expect(e.message).toContain(`(full log: ${e.logPath})`);
    expect((await readFile(e.logPath!, 'utf8')).split('\n').length).toBeGreaterThan(2);
  });

  it('ports that differ from the testbench: each difference named, before any C++ build', async () => {
    const d = await copyBase('ports');
    const f = join(d, 'nvgre_rx.v');
    const text = (await readFile(f, 'utf8'))
      .replace(/(?<!\.)\bs_axis_tuser\b/g, 's_axis_tuser_n')
      .replace(/^(\s*input\s+wire\s+clk,\n)/m, '$1    input  wire            debug_in,\n');
    await writeFile(f, text);
    const t0 = performance.now();
    const e = await failure(loadRtlDir(d));
    oneLine(e);
    expect(e.message).toContain('nvgre_rx ports differ from what the testbench expects');
    expect(e.message).toContain('missing input s_axis_tuser;');
    expect(e.message).toContain('unexpected input s_axis_tuser_n');
    expect(e.message).toContain('unexpected input debug_in');
    // Refused by the elaboration probe: no model was compiled.
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('a config file that disagrees with the capability registers', async () => {
    const d = await copyBase('config-mismatch');
    await writeFile(join(d, 'nvgre_rx.config.json'), JSON.stringify({ ipv6MaxExtHeaders: 2 }));
    const e = await failure(loadRtlDir(d));
    oneLine(e);
    expect(e.message).toMatch(/config-mismatch\/nvgre_rx\.config\.json says ipv6MaxExtHeaders 2, but CAP_IPV6_EXT_HEADERS reads 4$/);
  });
});

describe('RTL directory: build parameters from the hardware', () => {
  it('a copy of the default RTL is the default build, read from CAP_*; the FIFO depth is measured when nothing declares it', async () => {
    const d = await copyBase('default');
    const rd = await loadRtlDir(d);
    expect(rd.cfg).toEqual(DEFAULT_CONFIG);
    expect(rd.source).toMatch(/^CAP_\* registers, metaFifoDepth from the Build: line of /);
    const measured = await loadRtlDir(d, { measure: true });
    expect(measured.cfg).toEqual(DEFAULT_CONFIG);
    expect(measured.source).toBe('CAP_* registers, metaFifoDepth measured (64)');
  });

  it('the copy passes the lockstep regression', async () => {
    const d = await copyBase('default');
    const rd = await loadRtlDir(d);
    const r = await runRtlDir(rd, { seed: 5, frames: 250 });
    expect(r.report).toBeUndefined();
    expect(r.records).toBeGreaterThan(200);
  });
});

describe('RTL directory: a streaming-parser build', () => {
  it('is read from its CAP_* registers when nothing declares it (the streaming parser is the only one), and passes the lockstep regression', async () => {
    const cfg = parseBuildConfig({
      ipv6: false,
      parser: 'stream',
      vmqFilters: 4,
      indirectionEntries: 32,
      queueBits: 4,
      metaFifoDepth: 16,
      allowBackpressureFifo: true,
    });
    const d = join(WORK, 'stream');
    await rm(d, { recursive: true, force: true });
    await mkdir(d, { recursive: true });
    for (const [n, t] of generateAll(cfg)) if (n.endsWith('.v')) await writeFile(join(d, n), t);
    const rd = await loadRtlDir(d, { measure: true });
    // allowBackpressureFifo only gates generation; the hardware cannot tell it.
    expect(rd.cfg).toEqual({ ...cfg, allowBackpressureFifo: false });
    expect(rd.source).toBe('CAP_* registers, metaFifoDepth measured (16)');
    const r = await runRtlDir(rd, { seed: 6, frames: 250 });
    expect(r.report).toBeUndefined();
    expect(r.records).toBeGreaterThan(200);
  });
});

describe('RTL directory: helpers', () => {
  it('a report replays with RTL=DIR rather than a named configuration', () => {
    const rep = 'MISMATCH at cycle 9\n  signal:   s_axis_tready\n  replay:   make sim SEED=3 FRAMES=10 CONFIG=x SEEDS=1 JOBS=1\n  waveform: w.fst';
    expect(replayLine(rep, 'make sim RTL=/d SEED=3 FRAMES=10')).toBe(
      'MISMATCH at cycle 9\n  signal:   s_axis_tready\n  replay:   make sim RTL=/d SEED=3 FRAMES=10\n  waveform: w.fst',
    );
  });
  it('module declarations ignore comments', () => {
    expect(declaredModules('// module fake;\n/* module other */\nmodule real #(\nparameter A=1)(input wire a);\nendmodule\n  module b2(x);')).toEqual([
      'real',
      'b2',
    ]);
  });
  it('ports from Verilator XML, widths from the type table', () => {
    const xml = `<module name="nvgre_rx" topModule="1"><var name="clk" dtype_id="1" dir="input"/><var name="d" dtype_id="2" dir="output"/><var name="x" dtype_id="2"/></module>
      <typetable><basicdtype id="1" name="logic"/><basicdtype id="2" name="logic" left="63" right="0"/></typetable>`;
    expect(portsFromXml(xml)).toEqual([
      { name: 'clk', dir: 'input', width: 1 },
      { name: 'd', dir: 'output', width: 64 },
    ]);
  });
  it('port differences: missing, direction, width, extra', () => {
    const want = [
      { name: 'a', dir: 'input' as const, width: 1 },
      { name: 'b', dir: 'output' as const, width: 8 },
      { name: 'c', dir: 'output' as const, width: 4 },
    ];
    expect(
      portDiff(
        [
          { name: 'b', dir: 'input', width: 8 },
          { name: 'c', dir: 'output', width: 5 },
          { name: 'z', dir: 'input', width: 1 },
        ],
        want,
      ),
    ).toEqual(['missing input a', 'b is an input, expected an output', 'c is 5 bits, expected 4', 'unexpected input z']);
  });
});
