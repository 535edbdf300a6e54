// SPDX-License-Identifier: MIT
// nvgre_rx_toeplitz against the reference engine's bit-serial Toeplitz (the definition
// of docs/CONTRACT.md section 3) and the published Microsoft vectors: random keys changed while
// hashes are in flight, random inputs, runtime-key (IPv6, 36 bytes) and const-key
// (IPv4-only, 12 bytes) builds.

import { afterAll, describe, expect, it } from 'vitest';
import { toeplitzModule } from '../gen/blocks/toeplitz.ts';
import { parseBuildConfig } from '../gen/config.ts';
import { keyWord } from '../gen/regmap.ts';
import { hexToBytes, toeplitzBitSerial } from '../ref/toeplitz.ts';
import type { SimProcess } from '../tb/bridge/sim-process.ts';
import { bytesToBig, rng, startBlock } from './block-sim.ts';
import { keyWrite, padded, VECTORS } from './rss-vectors.ts';

const open: SimProcess[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

describe('nvgre_rx_toeplitz, runtime key, IPv6 build (36-byte input)', () => {
  const cfg = parseBuildConfig({});
  const { module, latency, keyStageDelay } = toeplitzModule(cfg);
  const IN = 36;

  it('hashes every input with the key in force in its input cycle, Microsoft vectors included', async () => {
    const sim = await startBlock(cfg, module);
    open.push(sim);
    const L = sim.layout;
    const r = rng(0x70e9);
    const cycles = 3000;
    const stim = L.alloc(cycles);
    const key = new Uint8Array(40);
    const expected: (number | undefined)[] = new Array<number | undefined>(cycles).fill(undefined);
    const vectorInputs: { bytes: Uint8Array; hash: number }[] = [];
    for (const v of VECTORS) {
      vectorInputs.push({ bytes: padded(hexToBytes(v.input_with_ports_hex), IN), hash: Number(v.hash_with_ports) });
      vectorInputs.push({ bytes: padded(hexToBytes(v.input_addr_only_hex), IN), hash: Number(v.hash_addr_only) });
    }
    const msKey = hexToBytes(VECTORS[0]!.key);
    let vecAt = -1;
    for (let c = 0; c < cycles; c++) {
      if (c < 2) {
        L.set(stim, c, 'rst', 1);
        continue;
      }
      // The hash input of cycle c uses the key as it stands after the writes of cycles < c.
      if (c >= 1000 && c < 1010) {
        // The Microsoft key, word by word, then its vectors.
        vecAt = 1010;
      }
      const inVectorWindow = vecAt > 0 && c >= vecAt && c < vecAt + vectorInputs.length;
      if (r.chance(0.8) || inVectorWindow) {
        const bytes = inVectorWindow ? vectorInputs[c - vecAt]!.bytes : r.chance(0.3) ? padded(r.bytes(12), IN) : r.bytes(IN);
        L.set(stim, c, 'in_valid', 1);
        L.set(stim, c, 'in_data', bytesToBig(bytes));
        expected[c] = toeplitzBitSerial(key, bytes);
        if (inVectorWindow) expect(expected[c], 'bit-serial oracle on the published vector').toBe(vectorInputs[c - vecAt]!.hash);
      }
      let k: number | undefined;
      let word = 0;
      if (c >= 1000 && c < 1010) {
        k = c - 1000;
        word = keyWord(msKey, k);
      } else if (!inVectorWindow && r.chance(0.1)) {
        k = r.int(16); // indexes 10..15 must be ignored
        word = r.u32();
      }
      if (k !== undefined) keyWrite(L, stim, c, k, word, key);
    }
    expect(keyStageDelay).toBe(0);
    const out = await sim.run(stim);
    let checked = 0;
    for (let c = 2; c + latency < cycles; c++) {
      const v = L.getNum(out, c + latency, 'out_valid');
      expect(v, `out_valid ${latency} cycles after cycle ${c}`).toBe(expected[c] === undefined ? 0 : 1);
      if (expected[c] !== undefined) {
        expect(L.getNum(out, c + latency, 'out_hash') >>> 0, `hash of the input of cycle ${c}`).toBe(expected[c]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });
});

describe('nvgre_rx_toeplitz, const key, IPv4-only build (12-byte input)', () => {
  const cfg = parseBuildConfig({ ipv6: false, toeplitz: 'const-key' });
  const { module, latency } = toeplitzModule(cfg);

  it('has no key port and reproduces the Microsoft IPv4 vectors and random inputs', async () => {
    expect(module.ports.some((p) => p.name.startsWith('cfg_'))).toBe(false);
    const sim = await startBlock(cfg, module);
    open.push(sim);
    const L = sim.layout;
    const key = hexToBytes(cfg.constKey);
    const r = rng(0x4444);
    const inputs: { bytes: Uint8Array; hash: number }[] = [];
    for (const v of VECTORS.filter((x) => x.family === 'ipv4')) {
      inputs.push({ bytes: padded(hexToBytes(v.input_with_ports_hex), 12), hash: Number(v.hash_with_ports) });
      inputs.push({ bytes: padded(hexToBytes(v.input_addr_only_hex), 12), hash: Number(v.hash_addr_only) });
    }
    expect(inputs.length).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < 500; i++) {
      const bytes = r.bytes(12);
      inputs.push({ bytes, hash: toeplitzBitSerial(key, bytes) });
    }
    const stim = L.alloc(inputs.length + 4);
    L.set(stim, 0, 'rst', 1);
    inputs.forEach((x, i) => {
      L.set(stim, i + 1, 'in_valid', 1);
      L.set(stim, i + 1, 'in_data', bytesToBig(x.bytes));
    });
    const out = await sim.run(stim);
    inputs.forEach((x, i) => {
      expect(L.getNum(out, i + 1 + latency, 'out_valid')).toBe(1);
      expect(L.getNum(out, i + 1 + latency, 'out_hash') >>> 0, `input ${i}`).toBe(x.hash);
    });
  });
});
