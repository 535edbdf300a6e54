// SPDX-License-Identifier: MIT
// rtl/ and ref/regmap.generated.ts are what the generator emits now (`make rtl`
// regenerates them), and `nvgre-rx gen` writes a build's files or refuses a bad config
// (also a metadata FIFO below line rate) with one line and exit status 2. The register
// map's C header compiles and its JSON agrees with the TypeScript module.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { genFiles } from '../cli/gen.ts';
import { regmapExtras } from '../gen/build-all.ts';
import { DEFAULT_CONFIG } from '../gen/config.ts';
import { regmapTsModule } from '../gen/outputs/ts-module.ts';
import { FILTER_BASE, REG } from '../ref/regmap.generated.ts';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const RTL = join(REPO, 'rtl');

const files = await genFiles(DEFAULT_CONFIG);

describe('checked-in generated files', () => {
  it('rtl/ holds exactly what `nvgre-rx gen` emits for the default build (run `make rtl`)', () => {
    const onDisk = readdirSync(RTL)
      .filter((f) => f.startsWith('nvgre_rx') && /\.(v|h|md|json|ts)$/.test(f))
      .sort();
    expect(onDisk, 'files in rtl/').toEqual([...files.keys()].sort());
    for (const [name, text] of files) expect(readFileSync(join(RTL, name), 'utf8') === text, `rtl/${name} is stale: run make rtl`).toBe(true);
  });

  it('ref/regmap.generated.ts is the default layout (run `make rtl`)', () => {
    const text = readFileSync(join(REPO, 'ref', 'regmap.generated.ts'), 'utf8');
    expect(text === regmapTsModule(DEFAULT_CONFIG, regmapExtras(DEFAULT_CONFIG)), 'ref/regmap.generated.ts is stale').toBe(true);
  });

  it('the JSON register map agrees with the TypeScript one', () => {
    const j = JSON.parse(files.get('nvgre_rx_regs.json')!) as { registers: { name: string; offset: number }[]; filters: { offset: number } };
    for (const r of j.registers) expect(REG[r.name as keyof typeof REG], r.name).toBe(r.offset);
    expect(j.registers.length).toBe(Object.keys(REG).length);
    expect(j.filters.offset).toBe(FILTER_BASE);
  });

  const cc = ['cc', 'gcc', 'clang'].find((c) => {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  it.skipIf(!cc)('the C header compiles with -Wall -Wextra -Werror and gives the same offsets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nvgre-h-'));
    writeFileSync(join(dir, 'nvgre_rx_regs.h'), files.get('nvgre_rx_regs.h')!);
    writeFileSync(
      join(dir, 't.c'),
      '#include <stdio.h>\n#include "nvgre_rx_regs.h"\nint main(void) { printf("%u %u %u %u\\n", NVGRE_RX_CTRL, NVGRE_RX_KEY(3), NVGRE_RX_INDIRECTION(5), NVGRE_RX_FILTER(2) + NVGRE_RX_FILTER_VSID); return 0; }\n',
    );
    execFileSync(cc!, ['-Wall', '-Wextra', '-Werror', '-o', join(dir, 't'), join(dir, 't.c')]);
    const got = execFileSync(join(dir, 't'), { encoding: 'utf8' }).trim();
    expect(got).toBe(`${REG.CTRL} ${REG.KEY + 12} ${REG.INDIRECTION + 20} ${FILTER_BASE + 64 + 12}`);
  });
});

describe('nvgre-rx gen', () => {
  const cli = (args: string[]) => execa('npx', ['--no-install', 'tsx', join(REPO, 'cli', 'main.ts'), ...args], { reject: false, cwd: REPO });

  it('writes the Verilog and register map files of a configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nvgre-gen-'));
    const cfgFile = join(dir, 'c.json');
    writeFileSync(cfgFile, JSON.stringify({ ipv6: false, vmqFilters: 4, toeplitz: 'const-key' }));
    const r = await cli(['gen', '--config', cfgFile, '--out', join(dir, 'out')]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const f of ['nvgre_rx_toeplitz.v', 'nvgre_rx_csr.v', 'nvgre_rx_regs.h', 'nvgre_rx_regs.md', 'nvgre_rx_regs.json', 'nvgre_rx_regs.ts']) {
      expect(existsSync(join(dir, 'out', f)), f).toBe(true);
    }
    const v = readFileSync(join(dir, 'out', 'nvgre_rx_toeplitz.v'), 'utf8');
    expect(v).toMatch(/parameter IN_BYTES = 12/);
    expect(v).not.toMatch(/cfg_wr_en/);
    expect(readFileSync(join(dir, 'out', 'nvgre_rx_regs.json'), 'utf8')).toMatch(/"count": 4,/);
  });

  it.each([
    ['an unknown key', { dataWidth: 64, bogus: 1 }],
    ['a bad value', { indirectionEntries: 100 }],
    ['not JSON', 'not json'],
  ])('refuses %s with one line and exit status 2', async (_n, content) => {
    const dir = mkdtempSync(join(tmpdir(), 'nvgre-gen-'));
    const cfgFile = join(dir, 'c.json');
    writeFileSync(cfgFile, typeof content === 'string' ? content : JSON.stringify(content));
    const r = await cli(['gen', '--config', cfgFile, '--out', join(dir, 'out')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^nvgre-rx: /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses a metadata FIFO below line rate with one line naming metaFifoDepth and the minimum, exit status 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nvgre-gen-'));
    const cfgFile = join(dir, 'c.json');
    writeFileSync(cfgFile, JSON.stringify({ ipv6: false, metaFifoDepth: 16 }));
    const r = await cli(['gen', '--config', cfgFile, '--out', join(dir, 'out')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^nvgre-rx: .*c\.json: config: metaFifoDepth: 16 is below the line-rate minimum of 23 .*allowBackpressureFifo/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
