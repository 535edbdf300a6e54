// SPDX-License-Identifier: MIT
// The gate-level flow of tb/rtl-dir/gls.ts on blocks small enough for every `make test`: yosys
// turns the block into a flattened generic gate netlist (no behavioural operators left),
// and the netlist, Verilated like any RTL, gives the same outputs as the RTL on every
// cycle of random stimulus (reset in the middle included). The full top goes through the
// same flow and the lockstep regression with `make gls` (minutes: see docs/GLS.md).

import { describe, expect, it } from 'vitest';
import { describeBuild, parseBuildConfig } from '../gen/config.ts';
import { emitModule } from '../gen/emit/verilog.ts';
import type { Module } from '../gen/ir/module.ts';
import { indirectionModule } from '../gen/blocks/indirection.ts';
import { vmqModule } from '../gen/blocks/vmq.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { glsNetlist } from '../tb/rtl-dir/gls.ts';
import { buildModel } from '../tb/bridge/verilator.ts';

async function rtlVsGates(
  m: Module,
  label: string,
  cycles: number,
  seed: number,
  watch: string,
): Promise<{ cells: number; differences: string[]; outputsSeen: number }> {
  const cfgLine = describeBuild(parseBuildConfig({}));
  const text = emitModule(m, { build: cfgLine, generator: 'test/gls-blocks.test.ts' });
  const net = await glsNetlist(new Map([[`${m.name}.v`, text]]), `block-${label}`, m.name);
  const netText = await import('node:fs/promises').then((fs) => fs.readFile(net.file, 'utf8'));
  // A gate netlist: flip-flops and bit operators only, no word-level arithmetic or compares.
  expect(netText).not.toMatch(/ (\+|-|==|<|>) /);
  const rtlDir = `build/rtl-dir/gls-block-${label}`;
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(rtlDir, { recursive: true });
  await writeFile(`${rtlDir}/${m.name}.v`, text);
  const [rtl, gates] = await Promise.all([
    buildModel({ name: `gls-block-${label}-rtl`, verilogFiles: [`${rtlDir}/${m.name}.v`], top: m }),
    buildModel({ name: `gls-block-${label}-gates`, verilogFiles: [net.file], top: m }),
  ]);
  const L = rtl.layout;
  const stim = L.alloc(cycles);
  const r = mulberry32(seed);
  for (let c = 0; c < cycles; c++) {
    for (const s of L.inputs) {
      const max = (1n << BigInt(s.width)) - 1n;
      const x = r();
      // Mostly 0, 1 or all ones, so keys written into tables are also looked up (hits).
      let v = x < 0.3 ? 0n : x < 0.55 ? 1n : x < 0.8 ? max : 0n;
      if (x >= 0.8) for (let b = 0; b < s.width; b += 16) v = (v << 16n) | BigInt(Math.floor(r() * 65536));
      if (s.name === 'rst') v = c < 3 || (c > cycles / 2 && c < cycles / 2 + 2) ? 1n : 0n;
      L.set(stim, c, s.name, s.width <= 32 ? Number(v & max) : v & max);
    }
  }
  const run = async (model: typeof rtl): Promise<Uint32Array> => {
    const sim = await SimProcess.start(model);
    try {
      return await sim.run(stim);
    } finally {
      await sim.close();
    }
  };
  const [a, b] = await Promise.all([run(rtl), run(gates)]);
  const differences: string[] = [];
  let outputsSeen = 0;
  for (let c = 3; c < cycles && differences.length < 5; c++) {
    for (const s of L.outputs) {
      const x = L.get(a, c, s.name);
      const y = L.get(b, c, s.name);
      if (s.name === watch && x !== 0 && x !== 0n) outputsSeen++;
      if (x !== y) differences.push(`cycle ${c} ${s.name}: rtl ${x}, gates ${y}`);
    }
  }
  return { cells: net.cells, differences, outputsSeen };
}

describe('gate-level netlist vs RTL, cycle by cycle', () => {
  it('nvgre_rx_indirection (128 x 6-bit table): writes and lookups', async () => {
    const r = await rtlVsGates(indirectionModule(parseBuildConfig({})).module, 'indirection', 4000, 3, 'out_queue');
    expect(r.differences).toEqual([]);
    expect(r.cells).toBeGreaterThan(500);
    // Lookups of entries that were written non-zero.
    expect(r.outputsSeen).toBeGreaterThan(500);
  });
  it('nvgre_rx_vmq (4 filters): filter writes, matches, priority', async () => {
    const r = await rtlVsGates(vmqModule(parseBuildConfig({ vmqFilters: 4 })).module, 'vmq4', 4000, 4, 'out_hit');
    expect(r.differences).toEqual([]);
    // Lookups that hit a filter (so the priority among several matches is exercised).
    expect(r.outputsSeen).toBeGreaterThan(100);
  });
});
