// SPDX-License-Identifier: MIT
// Shared by test/top-*.test.ts: builds the nvgre_rx Verilator model of a configuration
// once (tb/bridge/verilator.ts caches by content, so test files share builds), and drives a
// tb stimulus Script reactively off the cycle model: every cycle the driver reads the
// model's outputs (tready, awready, ...) to decide its inputs, records them, and
// records the model's outputs. The hardware then runs the same inputs and every output
// of every cycle is compared.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeBuild, type BuildConfig } from '../gen/config.ts';
import { emitModule } from '../gen/emit/verilog.ts';
import { unpackMeta } from '../gen/meta-layout.ts';
import { topModelParams, topModule } from '../gen/top.ts';
import { idleAxil } from '../ref/cycle/csr-model.ts';
import { TopModel, type TopInputs, type TopOutputs } from '../ref/cycle/top-model.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import type { MetaRecord } from '../ref/record.ts';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import type { CsrWrite, Script } from '../tb/stimulus/script.ts';
import { buildModel, type Model } from '../tb/bridge/verilator.ts';

export interface TopBuild {
  model: Model;
  latency: number;
}

export async function buildTop(cfg: BuildConfig): Promise<TopBuild> {
  const top = topModule(cfg);
  const dir = join('build', 'top-test', describeBuild(cfg).replace(/[^A-Za-z0-9=]+/g, '_'));
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const m of top.modules) {
    const f = join(dir, `${m.name}.v`);
    await writeFile(f, emitModule(m, { build: describeBuild(cfg), generator: 'test/top-support.ts' }));
    files.push(f);
  }
  const model = await buildModel({ name: `nvgre_rx-w${cfg.dataWidth}-${cfg.ipv6 ? 'v6' : 'v4'}`, verilogFiles: files, top: top.module });
  return { model, latency: top.latency };
}

export interface DriveOptions {
  seed: number;
  /** Probability that the stream source inserts an idle cycle before a beat. */
  gapRate: number;
  /** Probability that m_axis_meta_tready is high in a cycle. */
  readyRate: number;
  /** Probability that rready/bready are high in a cycle. */
  axilReadyRate?: number;
}

export interface Driven {
  inputs: TopInputs[];
  expected: TopOutputs[];
  /** Records the model put on m_axis_meta (each once, when taken). */
  records: MetaRecord[];
  /** Cycles in which s_axis_tready was low. */
  notReady: number;
}

const IDLE_AXIL = idleAxil(true);

/** Runs `script` against the cycle model, choosing inputs from its outputs. */
export function driveScript(cfg: BuildConfig, script: Script, o: DriveOptions): Driven {
  const model = new TopModel(topModelParams(cfg));
  const r = mulberry32(o.seed);
  const W = cfg.dataWidth / 8;
  const allKeep = (1n << BigInt(W)) - 1n;
  const inputs: TopInputs[] = [];
  const expected: TopOutputs[] = [];
  const records: MetaRecord[] = [];
  let notReady = 0;
  const writes: CsrWrite[] = [];
  const reads: number[] = [];
  const axr = o.axilReadyRate ?? 1;
  let stallLeft = 0;

  const cycle = (i: Partial<TopInputs>): TopOutputs => {
    const out = model.outputs;
    const inp: TopInputs = {
      rst: false,
      s_axis_tdata: new Uint8Array(0),
      s_axis_tkeep: 0n,
      s_axis_tvalid: false,
      s_axis_tlast: false,
      s_axis_tuser: false,
      m_axis_meta_tready: r() < o.readyRate,
      ...IDLE_AXIL,
      s_axil_bready: r() < axr,
      s_axil_rready: r() < axr,
      ...i,
    };
    // A metadata stall holds m_axis_meta_tready low whatever else goes on.
    if (stallLeft > 0) {
      stallLeft--;
      inp.m_axis_meta_tready = false;
    }
    // Register traffic runs alongside whatever else happens.
    if (!inp.rst) {
      const w = writes[0];
      if (w) {
        Object.assign(inp, { s_axil_awaddr: w.addr, s_axil_awvalid: true, s_axil_wdata: w.data >>> 0, s_axil_wstrb: w.strb ?? 15, s_axil_wvalid: true });
        if (out.s_axil_awready) writes.shift();
      }
      const a = reads[0];
      if (a !== undefined) {
        Object.assign(inp, { s_axil_araddr: a, s_axil_arvalid: true });
        if (out.s_axil_arready) reads.shift();
      }
    }
    // s_axis_tready depends on this cycle's tlast in multi-cycle hasher builds.
    out.s_axis_tready = model.treadyFor(inp.s_axis_tvalid && inp.s_axis_tlast);
    if (!out.s_axis_tready) notReady++;
    if (out.m_axis_meta_tvalid && inp.m_axis_meta_tready && out.meta) records.push(out.meta);
    inputs.push(inp);
    expected.push(out);
    model.step(inp);
    return out;
  };

  // Registers have no defined value before the first reset.
  cycle({ rst: true });
  cycle({ rst: true });
  let resetAt: { atBeat: number; cycles: number } | undefined;
  for (const it of script.items) {
    // Item kinds this driver does not know (newer tb scripts) are stalls or skipped.
    const kind: string = it.k;
    if (kind === 'stall') {
      stallLeft = (it as unknown as { cycles: number }).cycles;
      continue;
    }
    if (it.k === 'csr') {
      // A switch between frames lets every earlier write finish first.
      if (!it.during) while (writes.length) cycle({});
      writes.push(...it.writes);
      if (!it.during) while (writes.length) cycle({});
    } else if (it.k === 'read') {
      reads.push(...it.addrs);
    } else if (it.k === 'idle') {
      for (let k = 0; k < it.cycles; k++) cycle({});
    } else if (it.k === 'reset') {
      resetAt = { atBeat: it.atBeat, cycles: it.cycles };
    } else if (it.k === 'frame') {
      const d = it.frame.data;
      const nBeats = Math.max(1, Math.ceil(d.length / W));
      for (let b = 0; b < nBeats;) {
        if (resetAt && b === resetAt.atBeat) {
          for (let k = 0; k < resetAt.cycles; k++) cycle({ rst: true });
          writes.length = 0;
          reads.length = 0;
          break;
        }
        if (r() < o.gapRate) {
          cycle({});
          continue;
        }
        const last = b === nBeats - 1;
        const bytes = d.subarray(b * W, b * W + W);
        const keep = last ? (bytes.length === W ? allKeep : (1n << BigInt(bytes.length)) - 1n) : allKeep;
        const out = cycle({
          s_axis_tdata: bytes,
          s_axis_tkeep: keep,
          s_axis_tvalid: true,
          s_axis_tlast: last,
          s_axis_tuser: last && it.frame.macError,
        });
        if (out.s_axis_tready) b++;
      }
      resetAt = undefined;
    }
  }
  // Drain: outstanding register traffic and every record.
  for (let k = 0; k < 400 || writes.length || reads.length; k++) cycle({ m_axis_meta_tready: true });
  return { inputs, expected, records, notReady };
}

/** Runs the driven inputs on the hardware and compares every output of every cycle. */
export async function runLockstep(b: TopBuild, cfg: BuildConfig, d: Driven): Promise<{ cycles: number; records: number; mismatches: string[] }> {
  const L = b.model.layout;
  const n = d.inputs.length;
  const stim = L.alloc(n);
  d.inputs.forEach((i, c) => {
    L.set(stim, c, 'rst', i.rst ? 1 : 0);
    if (i.s_axis_tvalid) {
      L.setBytes(stim, c, 's_axis_tdata', i.s_axis_tdata);
      L.set(stim, c, 's_axis_tkeep', i.s_axis_tkeep);
      L.set(stim, c, 's_axis_tvalid', 1);
      L.set(stim, c, 's_axis_tlast', i.s_axis_tlast ? 1 : 0);
      L.set(stim, c, 's_axis_tuser', i.s_axis_tuser ? 1 : 0);
    }
    L.set(stim, c, 'm_axis_meta_tready', i.m_axis_meta_tready ? 1 : 0);
    L.set(stim, c, 's_axil_awaddr', i.s_axil_awaddr);
    L.set(stim, c, 's_axil_awvalid', i.s_axil_awvalid ? 1 : 0);
    L.set(stim, c, 's_axil_wdata', i.s_axil_wdata);
    L.set(stim, c, 's_axil_wstrb', i.s_axil_wstrb);
    L.set(stim, c, 's_axil_wvalid', i.s_axil_wvalid ? 1 : 0);
    L.set(stim, c, 's_axil_bready', i.s_axil_bready ? 1 : 0);
    L.set(stim, c, 's_axil_araddr', i.s_axil_araddr);
    L.set(stim, c, 's_axil_arvalid', i.s_axil_arvalid ? 1 : 0);
    L.set(stim, c, 's_axil_rready', i.s_axil_rready ? 1 : 0);
  });
  const sim = await SimProcess.start(b.model);
  let out: Uint32Array;
  try {
    out = await sim.run(stim);
  } finally {
    await sim.close();
  }
  const mismatches: string[] = [];
  let records = 0;
  const strip = (m: MetaRecord): Omit<MetaRecord, 'frame'> => {
    const { frame: _f, ...rest } = m;
    return rest;
  };
  // Before the first reset edge the registers hold whatever the simulator starts with.
  const first = d.inputs.findIndex((i) => i.rst) + 1;
  for (let c = first; c < n && mismatches.length < 10; c++) {
    const e = d.expected[c]!;
    const g = (p: string): number => L.getNum(out, c, p);
    const got: Record<string, unknown> = {
      s_axis_tready: g('s_axis_tready') === 1,
      m_axis_meta_tvalid: g('m_axis_meta_tvalid') === 1,
      s_axil_awready: g('s_axil_awready') === 1,
      s_axil_wready: g('s_axil_wready') === 1,
      s_axil_bvalid: g('s_axil_bvalid') === 1,
      s_axil_arready: g('s_axil_arready') === 1,
      s_axil_rvalid: g('s_axil_rvalid') === 1,
    };
    const want: Record<string, unknown> = {
      s_axis_tready: e.s_axis_tready,
      m_axis_meta_tvalid: e.m_axis_meta_tvalid,
      s_axil_awready: e.s_axil_awready,
      s_axil_wready: e.s_axil_wready,
      s_axil_bvalid: e.s_axil_bvalid,
      s_axil_arready: e.s_axil_arready,
      s_axil_rvalid: e.s_axil_rvalid,
    };
    if (e.s_axil_bvalid) {
      got.bresp = g('s_axil_bresp');
      want.bresp = e.s_axil_bresp;
    }
    if (e.s_axil_rvalid) {
      got.rdata = g('s_axil_rdata');
      want.rdata = e.s_axil_rdata >>> 0;
      got.rresp = g('s_axil_rresp');
      want.rresp = e.s_axil_rresp;
    }
    if (e.m_axis_meta_tvalid && e.meta) {
      records++;
      got.meta = strip(unpackMeta(cfg, L.getBig(out, c, 'm_axis_meta_tdata'), 0));
      want.meta = strip(e.meta);
    }
    const gs = JSON.stringify(got);
    const ws = JSON.stringify(want);
    if (gs !== ws) mismatches.push(`cycle ${c}: rtl ${gs}\n           model ${ws}`);
  }
  return { cycles: n, records, mismatches };
}
