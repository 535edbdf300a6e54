// SPDX-License-Identifier: MIT
// The bridge against TypeScript models of the fixtures: every output of every cycle,
// random stimulus, random batch boundaries, both transports, pipelined and parallel runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { ADDER_WIDTH, adderReference, counterReference, fixtureModel, widthsReference, type AdderIn, type WidthsIn } from '../tb/bridge/fixtures.ts';
import type { Model } from '../tb/bridge/verilator.ts';

/** Deterministic xorshift32, so a failure reproduces. */
function rng(seed: number): { u32: () => number; big: (bits: number) => bigint; chance: (p: number) => boolean } {
  let x = seed >>> 0 || 1;
  const u32 = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
  const big = (bits: number): bigint => {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(u32());
    return v & ((1n << BigInt(bits)) - 1n);
  };
  return { u32, big, chance: (p) => u32() / 2 ** 32 < p };
}

/** Run `stim` in batches of random sizes (some issued before the previous resolved). */
async function runInPieces(sim: SimProcess, stim: Uint32Array, seed: number): Promise<Uint32Array> {
  const L = sim.layout;
  const n = L.cycles(stim);
  const r = rng(seed);
  const parts: Promise<Uint32Array>[] = [];
  for (let c = 0; c < n;) {
    const k = Math.min(n - c, 1 + (r.u32() % 700));
    parts.push(sim.run(stim.subarray(c * L.inWords, (c + k) * L.inWords)));
    c += k;
    if (r.chance(0.5)) await parts[parts.length - 1];
  }
  const outs = await Promise.all(parts);
  const all = new Uint32Array(n * L.outWords);
  let at = 0;
  for (const o of outs) {
    all.set(o, at);
    at += o.length;
  }
  return all;
}

let adder: Model;
let counter: Model;
let widths: Model;
const open: SimProcess[] = [];

beforeAll(async () => {
  [adder, counter, widths] = await Promise.all([fixtureModel('adder'), fixtureModel('counter'), fixtureModel('widths')]);
});

afterAll(async () => {
  for (const s of open) s.kill();
});

async function start(m: Model, transport: 'shm' | 'pipe'): Promise<SimProcess> {
  const s = await SimProcess.start(m, { transport });
  open.push(s);
  return s;
}

function adderStimulus(seed: number, cycles: number): AdderIn[] {
  const r = rng(seed);
  return Array.from({ length: cycles }, (_, c) => {
    const a = r.big(ADDER_WIDTH);
    return { rst: c === 0 || r.chance(0.01) ? 1 : 0, en: r.chance(0.8) ? 1 : 0, a, b: r.chance(0.1) ? a : r.big(ADDER_WIDTH) };
  });
}

describe.each(['shm', 'pipe'] as const)('bridge over %s', (transport) => {
  it('runs a registered 300-bit adder cycle for cycle like its TypeScript model', async () => {
    const sim = await start(adder, transport);
    const L = sim.layout;
    const ins = adderStimulus(transport === 'shm' ? 1 : 2, 3000);
    const stim = L.alloc(ins.length);
    ins.forEach((c, i) => {
      L.set(stim, i, 'rst', c.rst);
      L.set(stim, i, 'en', c.en);
      L.set(stim, i, 'a', c.a);
      L.set(stim, i, 'b', c.b);
    });
    const out = await runInPieces(sim, stim, 7);
    const want = adderReference(ins);
    let eqs = 0;
    for (let c = 0; c < ins.length; c++) {
      // Cycle 0 shows the registers before the first reset edge: not defined.
      if (c > 0) expect(L.getBig(out, c, 'sum'), `sum, cycle ${c}`).toBe(want[c]!.sum);
      expect(L.getNum(out, c, 'eq'), `eq, cycle ${c}`).toBe(want[c]!.eq);
      eqs += want[c]!.eq;
    }
    expect(eqs).toBeGreaterThan(100);
    expect(sim.cycle).toBe(3000);
    await sim.close();
  });

  it('counts through a 16-bit wrap with reset and enable, batches pipelined', async () => {
    const sim = await start(counter, transport);
    const L = sim.layout;
    const r = rng(3);
    const n = 140_000;
    const ins = Array.from({ length: n }, (_, c) => ({ rst: c === 0 || c === 70_000 ? 1 : 0, en: r.chance(0.97) ? 1 : 0 }));
    const stim = L.alloc(n);
    ins.forEach((c, i) => {
      L.set(stim, i, 'rst', c.rst);
      L.set(stim, i, 'en', c.en);
    });
    const batches: Promise<Uint32Array>[] = [];
    for (let c = 0; c < n; c += 10_000) batches.push(sim.run(stim.subarray(c * L.inWords, (c + 10_000) * L.inWords)));
    const outs = await Promise.all(batches);
    const want = counterReference(ins);
    let wraps = 0;
    for (let c = 1; c < n; c++) {
      const o = outs[Math.floor(c / 10_000)]!;
      const k = c % 10_000;
      const got = { count: L.getNum(o, k, 'count'), wrapped: L.getNum(o, k, 'wrapped') };
      if (got.count !== want[c]!.count || got.wrapped !== want[c]!.wrapped) expect(got, `cycle ${c}`).toEqual(want[c]);
      wraps += got.wrapped;
    }
    expect(wraps).toBe(want.reduce((s, w) => s + w.wrapped, 0));
    expect(wraps).toBeGreaterThanOrEqual(1);
    await sim.close();
  });

  it('moves 1-, 33-, 64- and 2048-bit ports intact, registered and combinational', async () => {
    const sim = await start(widths, transport);
    const L = sim.layout;
    const r = rng(transport === 'shm' ? 4 : 5);
    const ins: WidthsIn[] = Array.from({ length: 1500 }, (_, c) => ({
      rst: c === 0 || r.chance(0.02) ? 1 : 0,
      p1: r.u32() & 1,
      p33: r.big(33),
      // Extremes too: all ones, top bit only.
      p64: r.chance(0.1) ? (1n << 64n) - 1n : r.big(64),
      p2048: r.chance(0.1) ? 1n << 2047n : r.big(2048),
    }));
    const stim = L.alloc(ins.length);
    ins.forEach((c, i) => {
      for (const k of ['rst', 'p1', 'p33', 'p64', 'p2048'] as const) L.set(stim, i, k, c[k]);
    });
    const out = await runInPieces(sim, stim, 11);
    const want = widthsReference(ins);
    for (let c = 0; c < ins.length; c++) {
      const got = {
        q1: L.getNum(out, c, 'q1'),
        q33: L.getBig(out, c, 'q33'),
        q64: L.getBig(out, c, 'q64'),
        q2048: L.getBig(out, c, 'q2048'),
        c64: L.getBig(out, c, 'c64'),
        c1: L.getNum(out, c, 'c1'),
      };
      const w = want[c]!;
      if (c === 0) expect({ c64: got.c64, c1: got.c1 }).toEqual({ c64: w.c64, c1: w.c1 });
      else expect(got, `cycle ${c}`).toEqual(w);
    }
    await sim.close();
  });
});

describe('several models at once', () => {
  it('runs two processes of the same model in parallel without mixing them up', async () => {
    const [s1, s2] = await Promise.all([start(adder, 'shm'), start(adder, 'shm')]);
    expect(s1.pid).not.toBe(s2.pid);
    const L = adder.layout;
    const i1 = adderStimulus(21, 2000);
    const i2 = adderStimulus(22, 2000);
    const pack = (ins: AdderIn[]): Uint32Array => {
      const st = L.alloc(ins.length);
      ins.forEach((c, i) => {
        L.set(st, i, 'rst', c.rst);
        L.set(st, i, 'en', c.en);
        L.set(st, i, 'a', c.a);
        L.set(st, i, 'b', c.b);
      });
      return st;
    };
    const [o1, o2] = await Promise.all([runInPieces(s1, pack(i1), 1), runInPieces(s2, pack(i2), 2)]);
    const w1 = adderReference(i1);
    const w2 = adderReference(i2);
    for (let c = 1; c < 2000; c++) {
      expect(L.getBig(o1, c, 'sum')).toBe(w1[c]!.sum);
      expect(L.getBig(o2, c, 'sum')).toBe(w2[c]!.sum);
    }
    await Promise.all([s1.close(), s2.close()]);
  });
});
