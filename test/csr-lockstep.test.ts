// SPDX-License-Identifier: MIT
// The Verilated CSR block against ref/cycle/csr-model.ts, every output in every cycle:
// random AXI4-Lite traffic (address and data in either order, random back-pressure on
// B and R, random strobes, mapped/read-only/unmapped addresses) and random counter pulses.

import { afterAll, describe, expect, it } from 'vitest';
import { csrModule } from '../gen/blocks/csr.ts';
import { buildParamsOf, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { COUNTER_NAMES } from '../gen/regmap.ts';
import { CsrModel, type CsrOutputs } from '../ref/cycle/csr-model.ts';
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
    // The last figure is filterApplyDelay (the top passes its VMQ read distance, 21 in the default build).
    ['default build', parseBuildConfig({}), 0x5eed, 0.5, 12],
    ['default build, slow master', parseBuildConfig({}), 0x5100, 0.15, 1],
    [
      'small const-key IPv4 build',
      parseBuildConfig({ ipv6: false, toeplitz: 'const-key', indirectionEntries: 16, vmqFilters: 3, queueBits: 4, maxHeaderBytes: 128, dataWidth: 512 }),
      0xc0de,
      0.6,
      5,
    ],
  ])('%s', async (_n, cfg: BuildConfig, seed: number, busy: number, filterApplyDelay: number) => {
    const m = csrModule(cfg, { latency: LATENCY, filterApplyDelay }).module;
    const sim = await startBlock(cfg, m);
    open.push(sim);
    const L = sim.layout;
    const model = new CsrModel({
      build: buildParamsOf(cfg),
      latency: LATENCY,
      filterApplyDelay,
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
    console.log(`${_n}: ${log.writes} writes (OKAY ${log.bresp[0]}, SLVERR ${log.bresp[2]}, DECERR ${log.bresp[3]}), ${log.reads} reads (OKAY ${log.rresp[0]}, DECERR ${log.rresp[3]})`);
  });
});
