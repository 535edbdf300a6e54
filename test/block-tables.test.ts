// SPDX-License-Identifier: MIT
// nvgre_rx_indirection and nvgre_rx_vmq against small models of docs/CONTRACT.md sections 3 and 4:
// random table/filter writes interleaved with random lookups, every output checked at
// the block's stated latency, with writes seen from the cycle after they are made.

import { afterAll, describe, expect, it } from 'vitest';
import { indirectionModule } from '../gen/blocks/indirection.ts';
import { vmqModule } from '../gen/blocks/vmq.ts';
import { parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import type { SimProcess } from '../tb/bridge/sim-process.ts';
import { rng, startBlock } from './block-sim.ts';

const open: SimProcess[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

describe('nvgre_rx_indirection', () => {
  it.each([
    ['default build (128 x 6)', parseBuildConfig({})],
    ['small build (8 x 3)', parseBuildConfig({ indirectionEntries: 8, queueBits: 3 })],
  ])('%s: lookups return the entry as written before the lookup cycle, zero after a reset', async (_n, cfg: BuildConfig) => {
    const { module, latency } = indirectionModule(cfg);
    const sim = await startBlock(cfg, module);
    open.push(sim);
    const L = sim.layout;
    const r = rng(0x1d1 + cfg.indirectionEntries);
    const n = cfg.indirectionEntries;
    const table = new Array<number>(n).fill(0);
    const cycles = 4000;
    const stim = L.alloc(cycles);
    const want: (number | undefined)[] = [];
    L.set(stim, 0, 'rst', 1);
    // A reset half way: the RAM keeps its entries (it has no reset), the valid bits must
    // make every entry not written since read 0.
    const resetAt = cycles / 2;
    L.set(stim, resetAt, 'rst', 1);
    let zeroAfterReset = 0;
    for (let c = 1; c < cycles; c++) {
      if (c === resetAt) {
        table.fill(0);
        continue;
      }
      if (r.chance(0.7)) {
        const i = r.int(n);
        L.set(stim, c, 'in_valid', 1);
        L.set(stim, c, 'in_index', i);
        want[c] = table[i];
        if (c > resetAt && table[i] === 0) zeroAfterReset++;
      }
      if (r.chance(c < 400 ? 0.6 : 0.1)) {
        const i = r.int(n);
        const q = r.int(1 << cfg.queueBits);
        L.set(stim, c, 'cfg_wr_en', 1);
        L.set(stim, c, 'cfg_wr_index', i);
        L.set(stim, c, 'cfg_wr_data', q);
        table[i] = q;
      }
    }
    const out = await sim.run(stim);
    let hits = 0;
    for (let c = 1; c + latency < cycles; c++) {
      expect(L.getNum(out, c + latency, 'out_valid'), `cycle ${c}`).toBe(want[c] === undefined ? 0 : 1);
      if (want[c] !== undefined) {
        expect(L.getNum(out, c + latency, 'out_queue'), `lookup of cycle ${c}`).toBe(want[c]);
        if (want[c] !== 0) hits++;
      }
    }
    expect(hits).toBeGreaterThan(1000);
    expect(zeroAfterReset).toBeGreaterThan(100);
  });
});

interface F {
  valid: boolean;
  mac: bigint;
  matchVlan: boolean;
  vlan: number;
  matchVsid: boolean;
  vsid: number;
  queue: number;
}
interface Key {
  enable: boolean;
  mac: bigint;
  vlan: number | undefined;
  vsid: number | undefined;
}

/** docs/CONTRACT.md section 4: valid, MAC equal, each enabled condition equal; lowest index wins. */
function vmqOracle(fs: F[], k: Key): { hit: boolean; filter: number; queue: number } {
  if (!k.enable) return { hit: false, filter: 0, queue: 0 };
  const i = fs.findIndex((f) => f.valid && f.mac === k.mac && (!f.matchVlan || f.vlan === k.vlan) && (!f.matchVsid || f.vsid === k.vsid));
  return i < 0 ? { hit: false, filter: 0, queue: 0 } : { hit: true, filter: i, queue: fs[i]!.queue };
}

describe('nvgre_rx_vmq', () => {
  it.each([
    ['default build (16 filters: 2 comparators over 8 steps)', parseBuildConfig({})],
    ['64 filters, 8-bit queues (8 comparators)', parseBuildConfig({ vmqFilters: 64, queueBits: 8 })],
    ['5 filters (1 comparator over 5 steps)', parseBuildConfig({ vmqFilters: 5, queueBits: 2 })],
    ['17 filters (3 comparators over 6 steps)', parseBuildConfig({ vmqFilters: 17 })],
    ['512-bit build (16 filters at once)', parseBuildConfig({ dataWidth: 512 })],
    ['512-bit, 6 filters (at once)', parseBuildConfig({ dataWidth: 512, vmqFilters: 6, queueBits: 3 })],
  ])('%s: random filters and keys give the lowest matching filter', async (_n, cfg: BuildConfig) => {
    const { module, latency, readDelay, schedule } = vmqModule(cfg);
    const { banks, steps } = schedule;
    expect(latency).toBe(steps + 2);
    // Compared straight off the buses where every filter is compared at once.
    expect(readDelay).toBe(steps === 1 ? 1 : 0);
    expect(banks * steps).toBeGreaterThanOrEqual(cfg.vmqFilters);
    expect(banks * (steps - 1)).toBeLessThan(cfg.vmqFilters);
    const sim = await startBlock(cfg, module);
    open.push(sim);
    const L = sim.layout;
    const nf = cfg.vmqFilters;
    const r = rng(0x7a0 + nf + cfg.dataWidth);
    // Few distinct values, so that keys collide with filters and with each other often.
    const macs = Array.from({ length: 4 }, () => r.big(48));
    const vlans = [0, 1, 4095];
    const vsids = [0, 0x123456, 0xffffff];
    const fs: F[] = Array.from({ length: nf }, () => ({ valid: false, mac: 0n, matchVlan: false, vlan: 0, matchVsid: false, vsid: 0, queue: 0 }));
    const cycles = 6000;
    const stim = L.alloc(cycles);
    // The table as the CSR block presents it in each cycle; a lookup of cycle c reads
    // filter f in cycle c + (f div banks), its step.
    const snaps: F[][] = [];
    const lookups: { c: number; k: Key }[] = [];
    const addrAt = new Array<number>(cycles).fill(0);
    L.set(stim, 0, 'rst', 1);
    snaps[0] = fs.map((x) => ({ ...x }));
    let next = 1;
    for (let c = 1; c < cycles; c++) {
      if (c >= next && r.chance(0.7)) {
        const k: Key = {
          enable: r.chance(0.9),
          mac: macs[r.int(macs.length)]!,
          vlan: r.chance(0.3) ? undefined : vlans[r.int(3)],
          vsid: r.chance(0.3) ? undefined : vsids[r.int(3)],
        };
        L.set(stim, c, 'in_valid', 1);
        L.set(stim, c, 'in_enable', k.enable ? 1 : 0);
        L.set(stim, c, 'in_mac', k.mac);
        L.set(stim, c, 'in_has_vlan', k.vlan === undefined ? 0 : 1);
        // The value beside a has_* of 0 must not matter: drive garbage there.
        L.set(stim, c, 'in_vlan', k.vlan ?? r.int(4096));
        L.set(stim, c, 'in_has_vsid', k.vsid === undefined ? 0 : 1);
        L.set(stim, c, 'in_vsid', k.vsid ?? r.int(1 << 24));
        // The key inputs change in later cycles: the block must hold what it took.
        lookups.push({ c, k });
        for (let s = 0; s < steps && c + s < cycles; s++) addrAt[c + s] = s;
        // At most one lookup every `steps` cycles, sometimes exactly that.
        next = c + steps + (r.chance(0.5) ? 0 : r.int(3));
      } else if (r.chance(0.5)) {
        L.set(stim, c, 'in_mac', macs[r.int(macs.length)]!);
        L.set(stim, c, 'in_vlan', vlans[r.int(3)]!);
        L.set(stim, c, 'in_vsid', vsids[r.int(3)]!);
        L.set(stim, c, 'in_has_vlan', r.int(2));
        L.set(stim, c, 'in_has_vsid', r.int(2));
        L.set(stim, c, 'in_enable', r.int(2));
      }
      snaps[c] = fs.map((x) => ({ ...x }));
      // Bank b's entry of this cycle's step on the flt_* buses (every filter where steps is 1).
      const shown = Array.from({ length: banks }, (_, b) => fs[addrAt[c]! * banks + b]);
      const pack = (w: number, v: (x: F) => bigint): bigint => shown.reduce((acc, x, b) => acc | ((x ? v(x) : 0n) << BigInt(w * b)), 0n);
      L.set(
        stim,
        c,
        'flt_valid',
        pack(1, (x) => (x.valid ? 1n : 0n)),
      );
      L.set(
        stim,
        c,
        'flt_mac',
        pack(48, (x) => x.mac),
      );
      L.set(
        stim,
        c,
        'flt_match_vlan',
        pack(1, (x) => (x.matchVlan ? 1n : 0n)),
      );
      L.set(
        stim,
        c,
        'flt_vlan',
        pack(12, (x) => BigInt(x.vlan)),
      );
      L.set(
        stim,
        c,
        'flt_match_vsid',
        pack(1, (x) => (x.matchVsid ? 1n : 0n)),
      );
      L.set(
        stim,
        c,
        'flt_vsid',
        pack(24, (x) => BigInt(x.vsid)),
      );
      L.set(
        stim,
        c,
        'flt_queue',
        pack(cfg.queueBits, (x) => BigInt(x.queue)),
      );
      // Then a change, shown from the next cycle: often enough to land inside lookups.
      if (r.chance(0.3)) {
        const x = fs[r.int(nf)]!;
        switch (r.int(6)) {
          case 0:
            x.mac = macs[r.int(macs.length)]!;
            break;
          case 1:
            x.matchVlan = r.chance(0.5);
            x.vlan = vlans[r.int(3)]!;
            break;
          case 2:
            x.matchVsid = r.chance(0.5);
            x.vsid = vsids[r.int(3)]!;
            break;
          case 3:
            x.queue = r.int(1 << cfg.queueBits);
            break;
          default:
            x.valid = r.chance(0.8);
            break;
        }
      }
    }
    const out = await sim.run(stim);
    if (steps > 1)
      for (let c = 1; c < cycles; c++)
        if (L.getNum(out, c, 'flt_addr') !== addrAt[c]) expect.fail(`cycle ${c}: flt_addr ${L.getNum(out, c, 'flt_addr')}, want ${addrAt[c]}`);
    const at = new Map(lookups.map((l) => [l.c + latency, l]));
    let hits = 0;
    let misses = 0;
    let late = 0;
    for (let c = 1; c < cycles; c++) {
      const l = at.get(c);
      expect(L.getNum(out, c, 'out_valid'), `cycle ${c}`).toBe(l ? 1 : 0);
      if (!l) continue;
      // Filter f as shown in its step's cycle.
      const seen = fs.map((_, f) => snaps[l.c + readDelay + Math.floor(f / banks)]![f]!);
      const w = vmqOracle(seen, l.k);
      const got = { hit: L.getNum(out, c, 'out_hit') === 1, filter: L.getNum(out, c, 'out_filter'), queue: L.getNum(out, c, 'out_queue') };
      expect(got, `lookup of cycle ${l.c}`).toEqual(w);
      if (w.hit) hits++;
      else misses++;
      if (w.hit && w.filter >= banks) late++;
    }
    expect(hits).toBeGreaterThan(150);
    expect(misses).toBeGreaterThan(100);
    if (steps > 1) expect(late).toBeGreaterThan(50);
  });
});
