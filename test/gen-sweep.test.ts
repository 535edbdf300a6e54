// SPDX-License-Identifier: MIT
// Every window size the configuration schema accepts must generate: generateAll for a
// sweep of maxHeaderBytes (the 64..1024 extremes, the sizes around the point where the
// deep layers stop fitting, and the default) with IPv6 on and off, and the whole core
// passes `verilator --lint-only -Wall` with zero warnings. A 64-byte window once threw
// "no field window" (inner TCP/UDP had no offset left inside it).

import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyseOffsets } from '../gen/blocks/offsets.ts';
import { generateAll } from '../gen/build-all.ts';
import { parseBuildConfig } from '../gen/config.ts';
import { topTiming } from '../gen/top.ts';
import { runTool } from '../flow/yosys.ts';
import { matrixNames, namedConfig } from '../tb/lockstep/regress-configs.ts';
import { buildLine } from '../tb/rtl-dir/caps.ts';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SIZES = [64, 72, 96, 128, 136, 256, 1024];
const BUILDS = SIZES.flatMap((maxHeaderBytes) => [true, false].map((ipv6) => ({ maxHeaderBytes, ipv6 })));

describe('the streaming parser, the only one', () => {
  it('is the default at every width; the removed window parser and unknown kinds are refused with the key named', () => {
    for (const dataWidth of [64, 128, 256, 512]) for (const ipv6 of [true, false]) expect(parseBuildConfig({ dataWidth, ipv6 }).parser).toBe('stream');
    expect(() => parseBuildConfig({ parser: 'fast' })).toThrow(/^config: parser: /);
    expect(() => parseBuildConfig({ parser: 'window' })).toThrow(/^config: parser: the window parser was removed/);
    expect(parseBuildConfig({ parser: 'stream' })).toEqual(parseBuildConfig({}));
  });
  it('has regression names: the 16 matrix builds, -s still accepted, -w refused', () => {
    expect(namedConfig('w256-v4-ck')).toEqual(parseBuildConfig({ dataWidth: 256, ipv6: false, toeplitz: 'const-key' }));
    expect(namedConfig('w256-v4-ck-s')).toEqual(namedConfig('w256-v4-ck'));
    expect(() => namedConfig('w64-v6-rk-w')).toThrow(/unknown configuration/);
    const names = matrixNames();
    expect(names).toHaveLength(18);
    expect(new Set(names.map((n) => `${namedConfig(n).dataWidth}-${namedConfig(n).ipv6}-${namedConfig(n).toeplitz}`)).size).toBe(18);
    expect(names.filter((n) => namedConfig(n).toeplitz === 'tables')).toEqual(['w64-v6-tk', 'w512-v4-tk']);
    expect(namedConfig('w512-v4-tk')).toEqual(parseBuildConfig({ dataWidth: 512, ipv6: false, toeplitz: 'tables' }));
  });
  it.each([{ toeplitz: 'tables' }, { toeplitz: 'tables', dataWidth: 512, ipv6: false }])(
    'toeplitz: "tables" (%o) generates and lints clean, key tables in RAM',
    async (c) => {
      const cfg = parseBuildConfig(c);
      const files = generateAll(cfg);
      expect(files.get('nvgre_rx.v')).toMatch(/Build: .*toeplitz=tables/m);
      expect(files.get('nvgre_rx_toeplitz.v')).toMatch(/reg\s+\[31:0\]\s+table_0 \[0:\d+\]/);
      const dir = join(REPO, 'build', 'lint', `tables-${cfg.dataWidth}-${cfg.ipv6}`);
      mkdirSync(dir, { recursive: true });
      for (const [n, t] of files) writeFileSync(join(dir, n), t);
      const r = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', 'nvgre_rx', ...files.keys()], dir);
      expect(r.out.trim()).toBe('');
      expect(r.code).toBe(0);
    },
  );
  it('has the latency docs/PIPELINE.md lists for every matrix build (P = 7 + E with the tunnel stage, K beats of a 60-byte frame, P + K + 7)', () => {
    const table: Record<number, [number, number]> = { 64: [26, 22], 128: [22, 18], 256: [20, 16], 512: [18, 14] };
    for (const n of matrixNames()) {
      const cfg = namedConfig(n);
      if (cfg.toeplitz === 'tables') continue;
      const t = topTiming(cfg);
      expect(t.parserLatency, n).toBe(cfg.ipv6 ? 11 : 7);
      expect(t.latency, n).toBe(table[cfg.dataWidth]![cfg.ipv6 ? 0 : 1]);
    }
    expect(topTiming(parseBuildConfig({ ipv6MaxExtHeaders: 8 })).latency).toBe(30);
  });
  it('keeps no header window: no window registers in capture, no in_window port on the parser', () => {
    const cfg = parseBuildConfig({ ipv6: false });
    const files = generateAll(cfg);
    expect(files.get('nvgre_rx_capture.v')).not.toMatch(/window/);
    expect(files.get('nvgre_rx_parser.v')).not.toMatch(/in_window/);
    expect(buildLine(files.get('nvgre_rx.v')!)?.parser).toBe('stream');
  });
});

describe('maxHeaderBytes sweep', () => {
  it.concurrent.each(BUILDS)('maxHeaderBytes=$maxHeaderBytes ipv6=$ipv6: generates and lints clean', async (c) => {
    const cfg = parseBuildConfig(c);
    const files = generateAll(cfg);
    expect(files.has('nvgre_rx.v')).toBe(true);
    // The parser keeps its stage count whatever fits: empty layers still take their stages
    // (Ethernet and one decide stage a layer).
    const ext = c.ipv6 ? cfg.ipv6MaxExtHeaders : 0;
    // A tunnel port table adds the UDP tunnel layer's stage.
    expect(topTiming(cfg).parserLatency).toBe(6 + ext + (cfg.udpTunnelPorts > 0 ? 1 : 0));
    const h = createHash('sha256');
    for (const [n, t] of files) h.update(n).update('\0').update(t).update('\0');
    const dir = join(REPO, 'build', 'lint', `sweep-${h.digest('hex').slice(0, 16)}`);
    mkdirSync(dir, { recursive: true });
    for (const [n, t] of files) writeFileSync(join(dir, n), t);
    const r = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', 'nvgre_rx', ...files.keys()], dir);
    expect(r.out.trim()).toBe('');
    expect(r.code).toBe(0);
  });

  it('a 64-byte window leaves deep layers without a reachable offset (the case that used to throw)', () => {
    const v6 = analyseOffsets(parseBuildConfig({ maxHeaderBytes: 64 }));
    expect(v6.innerL4.offsets).toEqual([]);
    expect(v6.ipv6Ext.slice(1).map((l) => l.offsets)).toEqual([[], [], []]);
    const v4 = analyseOffsets(parseBuildConfig({ maxHeaderBytes: 64, ipv6: false }));
    expect(v4.innerL4.offsets).toEqual([]);
    expect(v4.innerL3.offsets.length).toBeGreaterThan(0);
  });
});
