// SPDX-License-Identifier: MIT
// A behavioural stand-in for the top level's cycle model: the real CSR cycle model
// (ref/cycle/csr-model.ts) for the AXI4-Lite side, the reference engine for each frame
// at its tlast, a fixed latency and a small output queue. It is not the RTL's timing;
// it lets the driver and scoreboard be tested on their own (two instances of it, one
// perturbed, must be told apart cycle by cycle), and documents the LockstepModel shape.

import type { BuildConfig } from '../../gen/config.ts';
import { metaLayout } from '../../gen/meta-layout.ts';
import { CsrModel } from '../../ref/cycle/csr-model.ts';
import { RefEngine } from '../../ref/engine.ts';
import type { Profile } from '../../ref/profile.ts';
import { ENCAPS, ERROR_NAMES, HASH_INPUTS, type MetaRecord } from '../../ref/record.ts';
import { hexToBytes } from '../../ref/toeplitz.ts';
import type { LockstepModel, PortValue, PortValues } from './model.ts';

/** Pack a record into an m_axis_meta_tdata beat (the inverse of gen/meta-layout unpackMeta). */
export function packMeta(cfg: BuildConfig, r: MetaRecord): bigint {
  let v = 0n;
  for (const f of metaLayout(cfg).fields) {
    const x = r[f.name];
    let n: number;
    if (f.name === 'hash_input') n = HASH_INPUTS.indexOf(r.hash_input);
    else if (f.name === 'encap') n = ENCAPS.indexOf(r.encap);
    else if (f.name === 'errors') n = ERROR_NAMES.reduce((m, e, i) => (r.errors.includes(e) ? m | (1 << i) : m), 0);
    else if (f.name === 'vmq_filter') n = r.vmq_hit ? r.vmq_filter : 0;
    else n = typeof x === 'boolean' ? (x ? 1 : 0) : (x as number);
    v |= (BigInt(n >>> 0) & ((1n << BigInt(f.width)) - 1n)) << BigInt(f.lsb);
  }
  return v;
}

const num = (v: PortValue | undefined): number =>
  v === undefined ? 0 : typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0;

export class BehaviouralTop implements LockstepModel {
  private csr: CsrModel;
  private bytes: number[] = [];
  private readonly queue: { at: number; beat: bigint }[] = [];
  private cycle = 0;
  private engine: RefEngine | undefined;
  /** The tunnel port table in force at the current frame's first beat (docs/BEHAVIOUR.md: the RTL takes it there). */
  private tunnelsAtFirstBeat: Profile['udpTunnels'] = [];
  private midFrame = false;

  constructor(
    readonly cfg: BuildConfig,
    readonly latency = 6,
    readonly depth = 16,
  ) {
    this.csr = this.newCsr();
  }

  private newCsr(): CsrModel {
    return new CsrModel({
      build: this.cfg,
      latency: this.latency,
      constKey: this.cfg.toeplitz === 'const-key' ? hexToBytes(this.cfg.constKey) : undefined,
      keyTables: this.cfg.toeplitz === 'tables',
    });
  }

  private profile(): Profile {
    const c = this.csr;
    const o = c.outputs;
    return {
      key: c.keyBytes(),
      hashTypes: o.cfg_hash_types,
      rssEnable: o.cfg_rss_enable,
      vmqEnable: o.cfg_vmq_enable,
      encapRssEnable: o.cfg_encap_rss_enable,
      encapVmqEnable: o.cfg_encap_vmq_enable,
      indirection: c.table.slice(0, 1 << o.cfg_indirection_bits),
      rssDefaultQueue: o.cfg_rss_default_queue,
      vmqDefaultQueue: o.cfg_vmq_default_queue,
      maxHeaderBytes: o.cfg_max_header_bytes,
      // The rest at tlast; this table as the frame's first beat found it, as the RTL takes it.
      udpTunnels: this.tunnelsAtFirstBeat,
      filters: c.filters.map((f) => ({
        valid: f.valid,
        mac: Uint8Array.of(f.macHi >> 8, f.macHi & 0xff, f.macLo >>> 24, (f.macLo >>> 16) & 0xff, (f.macLo >>> 8) & 0xff, f.macLo & 0xff),
        matchVlan: f.matchVlan,
        vlanId: f.vlan,
        matchVsid: f.matchVsid,
        vsid: f.vsid,
        queue: f.queue,
      })),
    };
  }

  outputs(): PortValues {
    const o = this.csr.outputs;
    const head = this.queue[0];
    const valid = head !== undefined && head.at <= this.cycle;
    return {
      s_axis_tready: this.queue.length < this.depth,
      m_axis_meta_tvalid: valid,
      m_axis_meta_tdata: valid ? head.beat : 0n,
      s_axil_awready: o.s_axil_awready,
      s_axil_wready: o.s_axil_wready,
      s_axil_bvalid: o.s_axil_bvalid,
      s_axil_bresp: o.s_axil_bresp,
      s_axil_arready: o.s_axil_arready,
      s_axil_rvalid: o.s_axil_rvalid,
      s_axil_rdata: o.s_axil_rdata,
      s_axil_rresp: o.s_axil_rresp,
    };
  }

  step(i: PortValues): void {
    const out = this.outputs();
    this.cycle++;
    if (num(i.rst)) {
      this.csr = this.newCsr();
      this.bytes = [];
      this.midFrame = false;
      this.queue.length = 0;
      return;
    }
    if (out.m_axis_meta_tvalid && num(i.m_axis_meta_tready)) this.queue.shift();
    if (num(i.s_axis_tvalid) && out.s_axis_tready) {
      const data = i.s_axis_tdata as Uint8Array;
      const k = i.s_axis_tkeep;
      const keep = typeof k === 'bigint' ? k : BigInt(num(k));
      if (!this.midFrame) this.tunnelsAtFirstBeat = this.csr.udpTunnels();
      this.midFrame = num(i.s_axis_tlast) !== 1;
      for (let b = 0; b < data.length; b++) if ((keep >> BigInt(b)) & 1n) this.bytes.push(data[b]!);
      if (num(i.s_axis_tlast)) {
        const p = this.profile();
        this.engine = new RefEngine(p, this.cfg, this.engine?.toeplitz);
        const rec = this.engine.classify(Uint8Array.from(this.bytes), { macError: num(i.s_axis_tuser) === 1 });
        this.queue.push({ at: this.cycle + this.latency, beat: packMeta(this.cfg, rec) });
        this.bytes = [];
      }
    }
    this.csr.step({
      s_axil_awaddr: num(i.s_axil_awaddr),
      s_axil_awvalid: num(i.s_axil_awvalid) === 1,
      s_axil_wdata: num(i.s_axil_wdata),
      s_axil_wstrb: num(i.s_axil_wstrb),
      s_axil_wvalid: num(i.s_axil_wvalid) === 1,
      s_axil_bready: num(i.s_axil_bready) === 1,
      s_axil_araddr: num(i.s_axil_araddr),
      s_axil_arvalid: num(i.s_axil_arvalid) === 1,
      s_axil_rready: num(i.s_axil_rready) === 1,
      cnt_valid: false,
      cnt: [],
    });
  }
}

/** Port list of the top level as the driver packs it (for tests without the RTL). */
export function behaviouralPorts(cfg: BuildConfig): { name: string; width: number; kind: string }[] {
  const ins: [string, number][] = [
    ['rst', 1],
    ['s_axis_tdata', cfg.dataWidth],
    ['s_axis_tkeep', cfg.dataWidth / 8],
    ['s_axis_tvalid', 1],
    ['s_axis_tlast', 1],
    ['s_axis_tuser', 1],
    ['m_axis_meta_tready', 1],
    ['s_axil_awaddr', 16],
    ['s_axil_awvalid', 1],
    ['s_axil_wdata', 32],
    ['s_axil_wstrb', 4],
    ['s_axil_wvalid', 1],
    ['s_axil_bready', 1],
    ['s_axil_araddr', 16],
    ['s_axil_arvalid', 1],
    ['s_axil_rready', 1],
  ];
  const outs: [string, number][] = [
    ['s_axis_tready', 1],
    ['m_axis_meta_tdata', metaLayout(cfg).width],
    ['m_axis_meta_tvalid', 1],
    ['s_axil_awready', 1],
    ['s_axil_wready', 1],
    ['s_axil_bresp', 2],
    ['s_axil_bvalid', 1],
    ['s_axil_arready', 1],
    ['s_axil_rdata', 32],
    ['s_axil_rresp', 2],
    ['s_axil_rvalid', 1],
  ];
  return [
    { name: 'clk', width: 1, kind: 'input' },
    ...ins.map(([name, width]) => ({ name, width, kind: 'input' })),
    ...outs.map(([name, width]) => ({ name, width, kind: 'output' })),
  ];
}
