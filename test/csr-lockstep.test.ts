// SPDX-License-Identifier: MIT
// The Verilated CSR block against ref/cycle/csr-model.ts, every output in every cycle:
// random AXI4-Lite traffic (address and data in either order, random back-pressure on
// B and R, random strobes, mapped/read-only/unmapped addresses) and random counter pulses.

import { afterAll, describe, expect, it } from 'vitest';
import { csrModule } from '../gen/blocks/csr.ts';
import type { FilterSchedule } from '../gen/blocks/filter-regs.ts';
import { FILTER_BASE, FILTER_STRIDE } from '../gen/regmap.ts';
import { buildParamsOf, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { COUNTER_NAMES } from '../gen/regmap.ts';
import { CsrModel, type CsrOutputs, idleAxil } from '../ref/cycle/csr-model.ts';
import { hexToBytes } from '../ref/toeplitz.ts';
import type { SimProcess } from '../tb/bridge/sim-process.ts';
import { rng, startBlock } from './block-sim.ts';
import { RandomMaster } from './csr-axil.ts';

const open: SimProcess[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

const LATENCY = 17;
const RESET = 2;

describe('nvgre_rx_csr in lockstep with CsrModel', () => {
  it.each([
    // The last figures are filterApplyDelay (the top passes its VMQ read distance, 12 in
    // the default build) and the filter table's banks x steps (gen/blocks/filter-regs.ts;
    // the top's default build: 2 x 8 in LUT RAM; absent: every filter in registers).
    ['default build', parseBuildConfig({}), 0x5eed, 0.5, 12, { banks: 2, steps: 8 }],
    ['default build, registers', parseBuildConfig({}), 0x5eef, 0.5, 12],
    ['default build, slow master', parseBuildConfig({}), 0x5100, 0.15, 8, { banks: 2, steps: 8 }],
    ['17 filters in 3 banks of 6', parseBuildConfig({ vmqFilters: 17 }), 0x1717, 0.5, 5, { banks: 3, steps: 6 }],
    // Registers read through 4:1 multiplexer trees with an uneven last group (4 + 2).
    ['6 filters in registers', parseBuildConfig({ vmqFilters: 6, queueBits: 3, dataWidth: 512 }), 0x0606, 0.5, 13],
    [
      'small const-key IPv4 build',
      parseBuildConfig({ ipv6: false, toeplitz: 'const-key', indirectionEntries: 16, vmqFilters: 3, queueBits: 4, maxHeaderBytes: 128, dataWidth: 512 }),
      0xc0de,
      0.6,
      5,
    ],
  ])('%s', async (_n, cfg: BuildConfig, seed: number, busy: number, filterApplyDelay: number, filterSchedule?: FilterSchedule) => {
    const m = csrModule(cfg, { latency: LATENCY, filterApplyDelay, filterSchedule }).module;
    const sim = await startBlock(cfg, m);
    open.push(sim);
    const L = sim.layout;
    const model = new CsrModel({
      build: buildParamsOf(cfg),
      latency: LATENCY,
      filterApplyDelay,
      filterBanks: filterSchedule?.banks,
      ...(cfg.toeplitz === 'const-key' ? { constKey: hexToBytes(cfg.constKey) } : {}),
    });
    const master = new RandomMaster(rng(seed), cfg, busy);
    const cycles = 20000;
    const stim = L.alloc(cycles);
    const want: CsrOutputs[] = [];
    for (let c = 0; c < RESET; c++) L.set(stim, c, 'rst', 1);
    for (let c = RESET; c < cycles; c++) {
      const o = model.outputs;
      want[c] = o;
      const i = master.cycle(o);
      L.set(stim, c, 's_axil_awaddr', i.s_axil_awaddr);
      L.set(stim, c, 's_axil_awvalid', +i.s_axil_awvalid);
      L.set(stim, c, 's_axil_wdata', i.s_axil_wdata >>> 0);
      L.set(stim, c, 's_axil_wstrb', i.s_axil_wstrb);
      L.set(stim, c, 's_axil_wvalid', +i.s_axil_wvalid);
      L.set(stim, c, 's_axil_bready', +i.s_axil_bready);
      L.set(stim, c, 's_axil_araddr', i.s_axil_araddr);
      L.set(stim, c, 's_axil_arvalid', +i.s_axil_arvalid);
      L.set(stim, c, 's_axil_rready', +i.s_axil_rready);
      L.set(stim, c, 'cnt_valid', +i.cnt_valid);
      COUNTER_NAMES.forEach((n, k) => L.set(stim, c, `cnt_${n}`, +i.cnt[k]!));
      model.step(i);
    }
    const out = await sim.run(stim);
    const names = Object.keys(want[RESET]!) as (keyof CsrOutputs)[];
    for (let c = RESET; c < cycles; c++) {
      const w = want[c]!;
      for (const n of names) {
        const got = L.getNum(out, c, n);
        const exp = typeof w[n] === 'boolean' ? +w[n] : (w[n] as number) >>> 0;
        if (got !== exp) expect.fail(`cycle ${c}: ${n} is ${got.toString(16)}, model says ${exp.toString(16)}`);
      }
    }
    const log = master.log;
    // The traffic really covered what it is meant to.
    expect(log.writes).toBeGreaterThan(1500);
    expect(log.reads).toBeGreaterThan(1500);
    expect(log.bresp[0]).toBeGreaterThan(300);
    expect(log.bresp[2]).toBeGreaterThan(50);
    expect(log.bresp[3]).toBeGreaterThan(50);
    expect(log.rresp[0]).toBeGreaterThan(300);
    expect(log.rresp[3]).toBeGreaterThan(50);
    console.log(
      `${_n}: ${log.writes} writes (OKAY ${log.bresp[0]}, SLVERR ${log.bresp[2]}, DECERR ${log.bresp[3]}), ${log.reads} reads (OKAY ${log.rresp[0]}, DECERR ${log.rresp[3]})`,
    );
  });
});

describe('nvgre_rx_csr filter table in LUT RAM', () => {
  it('reads every filter word back as 0 after a reset, from the first read on (the clear sequence), and as written before it', async () => {
    const cfg = parseBuildConfig({});
    const sched = { banks: 2, steps: 8 };
    const F = 12;
    const m = csrModule(cfg, { latency: LATENCY, filterApplyDelay: F, filterSchedule: sched }).module;
    const sim = await startBlock(cfg, m);
    open.push(sim);
    const L = sim.layout;
    const mk = (): CsrModel => new CsrModel({ build: buildParamsOf(cfg), latency: LATENCY, filterApplyDelay: F, filterBanks: sched.banks });
    let model = mk();
    const words = Array.from({ length: cfg.vmqFilters * 6 }, (_, i) => FILTER_BASE + FILTER_STRIDE * Math.floor(i / 6) + 4 * (i % 6));
    // Phase 1: write all-ones to every filter word (the master holds awvalid/wvalid and
    // moves to the next word after each handshake); phase 2: read them all; then a reset
    // and phase 3: read them all again, starting in the cycle after the reset.
    const cycles = 6000;
    const stim = L.alloc(cycles);
    const want: CsrOutputs[] = [];
    L.set(stim, 0, 'rst', 1);
    let phase = 1;
    let wi = 0;
    let ri = 0;
    let resetAt = -1;
    const readsBefore: number[] = [];
    const readsAfter: { data: number; cycle: number }[] = [];
    for (let c = 1; c < cycles; c++) {
      if (c === resetAt) {
        L.set(stim, c, 'rst', 1);
        model = mk();
        phase = 3;
        ri = 0;
        continue;
      }
      const o = model.outputs;
      want[c] = o;
      if (o.s_axil_awready) wi++;
      if (o.s_axil_arready) ri++;
      if (o.s_axil_rvalid && phase === 2) readsBefore.push(o.s_axil_rdata);
      if (o.s_axil_rvalid && phase === 3) readsAfter.push({ data: o.s_axil_rdata, cycle: c });
      if (phase === 1 && wi >= words.length && o.s_axil_bvalid) phase = 2;
      if (phase === 2 && readsBefore.length >= words.length) resetAt = c + 1;
      const i = {
        ...idleAxil(true),
        s_axil_awaddr: words[Math.min(wi, words.length - 1)]!,
        s_axil_awvalid: phase === 1 && wi < words.length,
        s_axil_wvalid: phase === 1 && wi < words.length,
        s_axil_wdata: 0xffffffff,
        s_axil_wstrb: 0xf,
        s_axil_araddr: words[Math.min(ri, words.length - 1)]!,
        s_axil_arvalid: phase !== 1 && ri < words.length,
        cnt_valid: false,
        cnt: COUNTER_NAMES.map(() => false),
      };
      L.set(stim, c, 's_axil_awaddr', i.s_axil_awaddr);
      L.set(stim, c, 's_axil_awvalid', +i.s_axil_awvalid);
      L.set(stim, c, 's_axil_wdata', i.s_axil_wdata >>> 0);
      L.set(stim, c, 's_axil_wstrb', i.s_axil_wstrb);
      L.set(stim, c, 's_axil_wvalid', +i.s_axil_wvalid);
      L.set(stim, c, 's_axil_bready', 1);
      L.set(stim, c, 's_axil_araddr', i.s_axil_araddr);
      L.set(stim, c, 's_axil_arvalid', +i.s_axil_arvalid);
      L.set(stim, c, 's_axil_rready', 1);
      model.step(i);
      if (phase === 3 && readsAfter.length >= words.length) break;
    }
    expect(readsBefore.length).toBe(words.length);
    expect(readsAfter.length).toBe(words.length);
    // As written: each word's writable bits set.
    expect(readsBefore.slice(0, 6)).toEqual([0xffff, 0xffffffff, 0x10fff, 0x1ffffff, (1 << cfg.queueBits) - 1, 1]);
    expect(readsAfter.every((x) => x.data === 0)).toBe(true);
    // The first reads come while the clear sequence is still running.
    expect(readsAfter[0]!.cycle - resetAt).toBeLessThan(sched.steps);
    const out = await sim.run(stim);
    for (let c = 1; c < want.length; c++) {
      const w = want[c];
      if (!w) continue;
      for (const n of Object.keys(w) as (keyof CsrOutputs)[]) {
        const exp = typeof w[n] === 'boolean' ? +w[n] : (w[n] as number) >>> 0;
        const got = L.getNum(out, c, n);
        if (got !== exp) expect.fail(`cycle ${c}: ${n} is ${got.toString(16)}, model says ${exp.toString(16)}`);
      }
    }
  });
});
