// SPDX-License-Identifier: MIT
// Every block this generator emits, on four builds (default; 512-bit with 64 filters,
// 8-bit queues and a deep FIFO; const-key IPv6; small const-key IPv4-only): verilator
// -Wall with zero warnings, yosys `synth -top M; check -assert` without latches, and at
// most 8 LUT6 levels between registers (`synth -top M -flatten -lut 6; ltp -noff`).
// Yosys results are cached by the Verilog's hash under build/synth (flow/yosys.ts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildModules } from '../gen/build-all.ts';
import { describeBuild, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { emitModule } from '../gen/emit/verilog.ts';
import { describePath } from '../flow/reports.ts';
import { MAX_LUT_LEVELS, synthTarget } from '../flow/synth.ts';
import { runTool } from '../flow/yosys.ts';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BLOCKS = ['nvgre_rx_toeplitz', 'nvgre_rx_indirection', 'nvgre_rx_vmq', 'nvgre_rx_meta_fifo', 'nvgre_rx_csr'];

// The const-key build changes only the hasher and the CSR (KEY read-only), so only those
// two are synthesised for it: yosys time is the bulk of this file's first run.
const BUILDS: [string, BuildConfig, string[]][] = [
  ['default', parseBuildConfig({}), BLOCKS],
  ['big512', parseBuildConfig({ dataWidth: 512, vmqFilters: 64, queueBits: 8, metaFifoDepth: 256 }), BLOCKS],
  ['constkey', parseBuildConfig({ dataWidth: 512, toeplitz: 'const-key' }), ['nvgre_rx_toeplitz', 'nvgre_rx_csr']],
  [
    'small4',
    parseBuildConfig({ ipv6: false, toeplitz: 'const-key', indirectionEntries: 16, vmqFilters: 3, queueBits: 4, maxHeaderBytes: 128, metaFifoDepth: 4 }),
    BLOCKS,
  ],
];

function blocksOf(cfg: BuildConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of buildModules(cfg)) {
    if (BLOCKS.includes(m.name)) out.set(m.name, emitModule(m, { build: describeBuild(cfg), generator: 'nvgre-rx gen' }));
  }
  return out;
}

describe.each(BUILDS)('blocks of the %s build', (label, cfg, synthBlocks) => {
  const blocks = blocksOf(cfg);

  it('emits all five blocks', () => {
    expect([...blocks.keys()].sort()).toEqual([...BLOCKS].sort());
  });

  it.each(BLOCKS)('%s: verilator --lint-only -Wall prints nothing', async (name) => {
    const text = blocks.get(name)!;
    const dir = join(REPO, 'build', 'lint', createHash('sha256').update(text).digest('hex').slice(0, 16));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.v`), text);
    const r = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', name, `${name}.v`], dir);
    expect(r.out.trim()).toBe('');
    expect(r.code).toBe(0);
  });

  it.each(synthBlocks)('%s: synthesises without latches, at most 8 LUT6 levels', async (name) => {
    const sources = new Map([[`${name}.v`, blocks.get(name)!]]);
    // check -assert is in the generic script: a failing check throws.
    const generic = await synthTarget(`blk-${label}`, sources, name, 'generic');
    const latches = Object.keys(generic.counts.byType).filter((t) => /latch/i.test(t));
    expect(latches).toEqual([]);
    expect(generic.result.log).not.toMatch(/Latch inferred/);
    const lut = await synthTarget(`blk-${label}`, sources, name, 'lut6');
    const depth = lut.depth!;
    console.log(`${label} ${describePath(depth)}`);
    expect(depth.length, describePath(depth)).toBeLessThanOrEqual(MAX_LUT_LEVELS);
    expect(depth.length).toBeGreaterThan(0);
  });
});
