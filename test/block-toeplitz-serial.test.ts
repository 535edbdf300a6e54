// SPDX-License-Identifier: MIT
// The rate-aware Toeplitz hasher (gen/blocks/toeplitz-serial.ts) against the reference
// engine's bit-serial Toeplitz and the published Microsoft vectors: inputs as often as
// the block allows (every STEPS cycles, with random extra gaps), random key writes in any
// cycle (a hash uses the key of its input cycle), several widths and step counts.

import { afterAll, describe, expect, it } from 'vitest';
import { toeplitzSerialModule } from '../gen/blocks/toeplitz-serial.ts';
import { toeplitzInBytes } from '../gen/blocks/toeplitz.ts';
import { parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { keyWord } from '../gen/regmap.ts';
import { hexToBytes, toeplitzBitSerial } from '../ref/toeplitz.ts';
import type { SimProcess } from '../tb/bridge/sim-process.ts';
import { bytesToBig, rng, startBlock } from './block-sim.ts';
import { keyWrite, padded, VECTORS } from './rss-vectors.ts';

const open: SimProcess[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

describe('nvgre_rx_toeplitz, rate-aware (serial) form', () => {
  it.each([
    ['64-bit, IPv6, runtime key (36 bytes in 8 steps)', parseBuildConfig({}), 8],
    ['64-bit, IPv4, runtime key (12 bytes in 8 steps)', parseBuildConfig({ ipv6: false }), 8],
    ['128-bit, IPv6, runtime key (4 steps)', parseBuildConfig({ dataWidth: 128 }), 4],
    ['64-bit, minFrameBytes 41 (6 steps, uneven chunks)', parseBuildConfig({ minFrameBytes: 41 }), 6],
    ['64-bit, IPv4, const key', parseBuildConfig({ ipv6: false, toeplitz: 'const-key' }), 8],
  ])('%s', async (_n, cfg: BuildConfig, wantSteps: number) => {
    const { module, latency, steps, keyStageDelay } = toeplitzSerialModule(cfg);
    expect(steps).toBe(wantSteps);
    expect(latency).toBe(steps + 2);
    expect(keyStageDelay).toBe(0);
    const runtime = cfg.toeplitz === 'runtime-key';
    expect(module.ports.some((p) => p.name === 'cfg_wr_en')).toBe(runtime);
    const IN = toeplitzInBytes(cfg);
    const sim = await startBlock(cfg, module);
    open.push(sim);
    const L = sim.layout;
    const r = rng(0x5e41 + steps + IN);
    const cycles = 6000;
    const stim = L.alloc(cycles);
    const key = runtime ? new Uint8Array(40) : hexToBytes(cfg.constKey);
    const msKey = hexToBytes(VECTORS[0]!.key);
    const vectors = VECTORS.filter((v) => IN === 36 || v.family === 'ipv4').flatMap((v) => [
      { bytes: padded(hexToBytes(v.input_with_ports_hex), IN), hash: Number(v.hash_with_ports) },
      { bytes: padded(hexToBytes(v.input_addr_only_hex), IN), hash: Number(v.hash_addr_only) },
    ]);
    const expected: (number | undefined)[] = [];
    let next = 2;
    let vec = -1;
    for (let c = 0; c < cycles; c++) {
      if (c < 2) {
        L.set(stim, c, 'rst', 1);
        continue;
      }
      // The Microsoft key from cycle 3000 on (written in 3000..3009), then its vectors.
      if (c === 3000) vec = 0;
      const vecTime = vec >= 0 && c >= (runtime ? 3010 : 3000) && vec < vectors.length;
      if (c >= next) {
        const bytes = vecTime ? vectors[vec]!.bytes : r.chance(0.3) ? padded(r.bytes(12), IN) : r.bytes(IN);
        L.set(stim, c, 'in_valid', 1);
        L.set(stim, c, 'in_data', bytesToBig(bytes));
        expected[c] = toeplitzBitSerial(key, bytes);
        if (vecTime && (!runtime || key.every((b, i) => b === msKey[i]))) expect(expected[c]).toBe(vectors[vec]!.hash);
        if (vecTime) vec++;
        next = c + steps + (r.chance(0.5) ? 0 : r.int(4));
      }
      if (!runtime) continue;
      let k: number | undefined;
      let word = 0;
      if (c >= 3000 && c < 3010) {
        k = c - 3000;
        word = keyWord(msKey, k);
      } else if (!(vec >= 0 && vec < vectors.length) && r.chance(0.15)) {
        k = r.int(16); // indexes 10..15 must be ignored
        word = r.u32();
      }
      if (k !== undefined) keyWrite(L, stim, c, k, word, key);
    }
    const out = await sim.run(stim);
    let checked = 0;
    for (let c = 2; c + latency < cycles; c++) {
      expect(L.getNum(out, c + latency, 'out_valid'), `out_valid ${latency} cycles after cycle ${c}`).toBe(expected[c] === undefined ? 0 : 1);
      if (expected[c] === undefined) continue;
      expect(L.getNum(out, c + latency, 'out_hash') >>> 0, `hash of the input of cycle ${c}`).toBe(expected[c]);
      checked++;
    }
    expect(checked).toBeGreaterThan(cycles / (steps + 3));
    expect(vec).toBe(vectors.length);
  });
});
