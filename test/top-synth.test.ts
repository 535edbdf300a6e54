// SPDX-License-Identifier: MIT
// The top level's own modules (capture, parser, RSS select, nvgre_rx) on the default and
// the 512-bit builds: verilator --lint-only -Wall with no warnings, and at most 8 LUT6
// levels between registers (yosys synth -flatten -lut 6; ltp -noff, cached by flow/
// under build/synth and shared with test/synth-depth.test.ts, which runs the same
// default-build sources and also the whole design). RSS select does not depend on the
// data width (its 512-bit Verilog is checked to be the 64-bit one's but for the build
// line).

import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { moduleDepths, wholeDesignDepth } from '../flow/depth-gate.ts';
import { generatedSources } from '../flow/sources.ts';
import { MAX_LUT_LEVELS } from '../flow/synth.ts';
import { parseBuildConfig } from '../gen/config.ts';

const run = promisify(execFile);
const MINE = ['nvgre_rx_capture', 'nvgre_rx_parser', 'nvgre_rx_rss_select', 'nvgre_rx'];
const DEFAULT = parseBuildConfig({});
const WIDE = parseBuildConfig({ dataWidth: 512 });
// The streaming parser (gen/blocks/parser-stream.ts): the iCE40 build and a 512-bit one.
const STREAM = parseBuildConfig({
  ipv6: false,
  vmqFilters: 2,
  indirectionEntries: 16,
  queueBits: 4,
  toeplitz: 'const-key',
  maxHeaderBytes: 128,
  metaFifoDepth: 16,
  allowBackpressureFifo: true,
});
const STREAM_WIDE = parseBuildConfig({ dataWidth: 128, ipv6: false });

describe.each([
  ['default', DEFAULT],
  ['512-bit', WIDE],
  ['streaming', STREAM],
  ['streaming-128', STREAM_WIDE],
] as const)('%s build', (label, cfg) => {
  it('lints clean under verilator -Wall', async () => {
    const src = await generatedSources(cfg);
    const dir = join('build', 'top-lint', label);
    await mkdir(dir, { recursive: true });
    const files = await Promise.all([...src].map(async ([f, v]) => (await writeFile(join(dir, f), v), join(dir, f))));
    for (const m of MINE) {
      const r = await run('verilator', ['--lint-only', '-Wall', '--top-module', m, ...files]).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
      expect(r.stderr, m).toBe('');
    }
  });
});

describe(`at most ${MAX_LUT_LEVELS} LUT6 levels`, () => {
  it('default build: capture, parser, RSS select', async () => {
    const fs = await moduleDepths('top-default', await generatedSources(DEFAULT), MINE.slice(0, 3));
    for (const f of fs) {
      console.log(`depth default: ${f.text}`);
      expect(f.path.length, f.text).toBeLessThanOrEqual(MAX_LUT_LEVELS);
    }
  });
  it('streaming parser, small build: the whole design; 128-bit: the parser (its lane multiplexers grow with the beat)', async () => {
    const w = await wholeDesignDepth('top-stream', await generatedSources(STREAM));
    console.log(`depth streaming: ${w.text}`);
    expect(w.path.length, w.text).toBeLessThanOrEqual(MAX_LUT_LEVELS);
    const [f] = await moduleDepths('top-stream-128', await generatedSources(STREAM_WIDE), ['nvgre_rx_parser']);
    console.log(`depth streaming 128: ${f!.text}`);
    expect(f!.path.length, f!.text).toBeLessThanOrEqual(MAX_LUT_LEVELS);
  });
  it('512-bit build: capture and the streaming parser (its lane multiplexers are widest here); RSS select is width-independent', async () => {
    const a = await generatedSources(DEFAULT);
    const b = await generatedSources(WIDE);
    const body = (v: string): string => v.replace(/^ \* Build: .*$(\n \*  +\S.*$)*/m, '');
    expect(body(b.get('nvgre_rx_rss_select.v')!)).toBe(body(a.get('nvgre_rx_rss_select.v')!));
    for (const f of await moduleDepths('top-512', b, ['nvgre_rx_capture', 'nvgre_rx_parser'])) {
      console.log(`depth 512: ${f.text}`);
      expect(f.path.length, f.text).toBeLessThanOrEqual(MAX_LUT_LEVELS);
    }
  });
});
