// SPDX-License-Identifier: MIT
// The key-derived table hasher (gen/blocks/toeplitz-tables.ts) against the reference
// engine's bit-serial Toeplitz, with the exact switch rule: a key word write in cycle E
// reaches the inputs with in_valid >= E + REBUILD + 1, unless another key write comes in
// E+1 .. E+REBUILD (it restarts the rebuild; one in the rebuild's last cycle too); before
// the first rebuild after a reset ends, hashes are 0 (the all-zero reset key). Inputs are
// placed on both sides of every switch, one cycle apart, besides random ones.

import { afterAll, describe, expect, it } from 'vitest';
import { tablesRebuildCycles, toeplitzTablesModule } from '../gen/blocks/toeplitz-tables.ts';
import { toeplitzInBytes } from '../gen/blocks/toeplitz.ts';
import { parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { keyWord } from '../gen/regmap.ts';
import { hexToBytes, toeplitzBitSerial } from '../ref/toeplitz.ts';
import type { SimProcess } from '../tb/bridge/sim-process.ts';
import { bytesToBig, rng, startBlock } from './block-sim.ts';
import { keyWrite, VECTORS } from './rss-vectors.ts';

const open: SimProcess[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

describe('nvgre_rx_toeplitz, key-derived tables', () => {
  it.each([
    ['64-bit, IPv4 (12 tables: 2 lanes x 6 steps)', parseBuildConfig({ ipv6: false, toeplitz: 'tables' }), 6],
    ['512-bit, IPv4 (12 tables at once)', parseBuildConfig({ ipv6: false, dataWidth: 512, toeplitz: 'tables' }), 1],
    ['128-bit, IPv6 (36 tables: 9 lanes x 4 steps)', parseBuildConfig({ dataWidth: 128, toeplitz: 'tables' }), 4],
  ])('%s', async (_n, cfg: BuildConfig, wantSteps: number) => {
    const { module, latency, steps, rebuildCycles: R } = toeplitzTablesModule(cfg);
    expect(steps).toBe(wantSteps);
    expect(latency).toBe(steps + 2);
    const IN = toeplitzInBytes(cfg);
    expect(R).toBe(tablesRebuildCycles(cfg));
    expect(R).toBe(5 + 256 * IN);
    const sim = await startBlock(cfg, module);
    open.push(sim);
    const L = sim.layout;
    const r = rng(0x7ab + IN + steps);
    const msKey = hexToBytes(VECTORS[0]!.key);
    // Key events: the Microsoft key (10 words), then single words; E_a's rebuild ends
    // untouched, E_c's is restarted by E_d in its last cycle.
    const ea = 20 + R + 300;
    const eb = ea + R + 300;
    const ec = eb + R + 300;
    const ed = ec + R;
    const cycles = ed + R + 300;
    const events = new Map<number, { k: number; word: number }>();
    for (let k = 0; k < 10; k++) events.set(10 + k, { k, word: keyWord(msKey, k) });
    // Words the hash uses (key bits up to 8 x IN + 30), so that old and new keys differ in the hash.
    const usedWords = Math.min(10, Math.ceil((8 * IN + 31) / 32));
    for (const e of [ea, eb, ec, ed]) events.set(e, { k: r.int(usedWords), word: r.u32() });
    // Inputs right before and right at each switch (in_valid at E+R and E+R+1 cannot both
    // be, steps apart: before one switch, at the other), and at the restart's would-be switch.
    const forced = new Set([19 + R, 19 + R + 1 + steps, ea + R, eb + R + 1, ec + R + 1, ed + R, ed + R + 1 + steps]);
    const stim = L.alloc(cycles);
    const cur = new Uint8Array(40);
    let tab = new Uint8Array(40);
    let switchAt = -1;
    let switchKey = new Uint8Array(40);
    const expected: (number | undefined)[] = [];
    const sides = { old: 0, fresh: 0 };
    let next = 2;
    for (let c = 0; c < cycles; c++) {
      if (c < 2) {
        L.set(stim, c, 'rst', 1);
        continue;
      }
      if (switchAt >= 0 && c >= switchAt) {
        tab = switchKey;
        switchAt = -1;
      }
      const soonForced = [...forced].some((f) => f > c && f < c + steps);
      if (forced.has(c) || (c >= next && !soonForced && r.chance(0.6))) {
        expect(c >= next, `input of cycle ${c} comes too soon`).toBe(true);
        const bytes = r.bytes(IN);
        L.set(stim, c, 'in_valid', 1);
        L.set(stim, c, 'in_data', bytesToBig(bytes));
        expected[c] = toeplitzBitSerial(tab, bytes);
        if (forced.has(c)) {
          if (toeplitzBitSerial(cur, bytes) === expected[c] && tab.some((b, i) => b !== cur[i])) throw new Error('indistinct keys');
          if (tab.every((b, i) => b === cur[i])) sides.fresh++;
          else sides.old++;
        }
        next = c + steps;
      }
      const ev = events.get(c);
      if (ev) {
        keyWrite(L, stim, c, ev.k, ev.word, cur);
        switchAt = c + R + 1;
        switchKey = cur.slice();
      }
    }
    // Both sides of the switches were really probed.
    expect(sides.old).toBeGreaterThanOrEqual(3);
    expect(sides.fresh).toBeGreaterThanOrEqual(3);
    const out = await sim.run(stim);
    let checked = 0;
    for (let c = 2; c + latency < cycles; c++) {
      expect(L.getNum(out, c + latency, 'out_valid'), `out_valid ${latency} cycles after cycle ${c}`).toBe(expected[c] === undefined ? 0 : 1);
      if (expected[c] === undefined) continue;
      expect(L.getNum(out, c + latency, 'out_hash') >>> 0, `hash of the input of cycle ${c}`).toBe(expected[c]);
      checked++;
    }
    expect(checked).toBeGreaterThan(cycles / (steps + 4) / 2);
  });
});
