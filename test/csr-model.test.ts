// SPDX-License-Identifier: MIT
// What the CSR block does, stated against its cycle model (test/csr-lockstep.test.ts
// holds the RTL to the same model cycle by cycle): register map values, reset values,
// clamps, strobes, SLVERR/DECERR, counters, and the handshake and write-event timing.

import { describe, expect, it } from 'vitest';
import { parseBuildConfig, buildParamsOf } from '../gen/config.ts';
import { capabilities } from '../gen/regmap.ts';
import { CsrModel, type CsrInputs, idleCsrInputs } from '../ref/cycle/csr-model.ts';
import { COUNTERS, FILTER_BASE, FILTER_WORD, ID_VALUE, REG, RESP, STRIDE } from '../ref/regmap.generated.ts';
import { hexToBytes } from '../ref/toeplitz.ts';

const idle = idleCsrInputs;

/** A simple master on the model: counts cycles and records the write events it sees. */
class Bus {
  cycle = 0;
  readonly events: { cycle: number; addr: number; data: number }[] = [];
  constructor(readonly m: CsrModel) {}
  tick(i: CsrInputs): void {
    const o = this.m.outputs;
    if (o.cfg_wr_en) this.events.push({ cycle: this.cycle, addr: o.cfg_wr_addr, data: o.cfg_wr_data });
    this.m.step(i);
    this.cycle++;
  }
  /** Returns the response and the handshake cycle. */
  write(addr: number, data: number, strb = 0xf): { resp: number; h: number } {
    let h = -1;
    for (let n = 0; h < 0; n++) {
      if (n > 10) throw new Error('no awready');
      const ready = this.m.outputs.s_axil_awready;
      if (ready) h = this.cycle;
      this.tick({ ...idle(), s_axil_awaddr: addr, s_axil_awvalid: true, s_axil_wdata: data, s_axil_wstrb: strb, s_axil_wvalid: true });
    }
    for (let n = 0; ; n++) {
      if (n > 10) throw new Error('no bvalid');
      const o = this.m.outputs;
      this.tick({ ...idle(), s_axil_bready: true });
      if (o.s_axil_bvalid) return { resp: o.s_axil_bresp, h };
    }
  }
  read(addr: number): { resp: number; data: number; h: number; r: number } {
    let h = -1;
    for (let n = 0; h < 0; n++) {
      if (n > 10) throw new Error('no arready');
      if (this.m.outputs.s_axil_arready) h = this.cycle;
      this.tick({ ...idle(), s_axil_araddr: addr, s_axil_arvalid: true });
    }
    for (let n = 0; ; n++) {
      if (n > 10) throw new Error('no rvalid');
      const o = this.m.outputs;
      const r = this.cycle;
      this.tick({ ...idle(), s_axil_rready: true });
      if (o.s_axil_rvalid) return { resp: o.s_axil_rresp, data: o.s_axil_rdata, h, r };
    }
  }
}

const cfg = parseBuildConfig({});
const fresh = (): Bus => new Bus(new CsrModel({ build: buildParamsOf(cfg), latency: 9 }));

describe('CSR register semantics', () => {
  it('identifies itself and reports the build as capabilities', () => {
    const b = fresh();
    expect(b.read(REG.ID).data).toBe(ID_VALUE);
    expect(b.read(REG.VERSION).data).toBe(0x00010000);
    expect(b.read(REG.CAP_DATA_WIDTH).data).toBe(64);
    expect(b.read(REG.CAP_VMQ_FILTERS).data).toBe(16);
    expect(b.read(REG.CAP_INDIRECTION_ENTRIES).data).toBe(128);
    expect(b.read(REG.CAP_RSS_ENCAP).data).toBe(0xf);
    expect(b.read(REG.CAP_MAX_HEADER_SIZE).data).toBe(512);
    expect(b.read(REG.CAP_LATENCY).data).toBe(9);
  });

  it('resets with every enable off, hash types 0, tables zero, clamped registers at the build maximum', () => {
    const b = fresh();
    const o = b.m.outputs;
    expect([o.cfg_rss_enable, o.cfg_vmq_enable, o.cfg_encap_rss_enable, o.cfg_encap_vmq_enable]).toEqual([false, false, false, false]);
    expect(o.cfg_hash_types).toBe(0);
    expect(o.cfg_indirection_bits).toBe(7);
    expect(o.cfg_max_header_bytes).toBe(512);
    expect(b.read(REG.KEY + 36).data).toBe(0);
    expect(b.read(REG.INDIRECTION + 4 * 127).data).toBe(0);
    expect(b.read(FILTER_BASE + STRIDE.FILTER * 15 + FILTER_WORD.CTRL).data).toBe(0);
  });

  it('clamps indirection_bits and max_header_bytes, keeps only the six hash-type bits and queueBits of a queue', () => {
    const b = fresh();
    const cases: [number, number, number][] = [
      [REG.INDIRECTION_BITS, 0, 1],
      [REG.INDIRECTION_BITS, 3, 3],
      [REG.INDIRECTION_BITS, 9, 7],
      [REG.MAX_HEADER_BYTES, 10, 64],
      [REG.MAX_HEADER_BYTES, 200, 200],
      [REG.MAX_HEADER_BYTES, 0x10000, 512],
      [REG.HASH_TYPES, 0xffffffff, 0xd700],
      [REG.RSS_DEFAULT_QUEUE, 0xff, 0x3f],
      [REG.INDIRECTION + 8, 0x1c5, 0x05],
    ];
    for (const [a, v, want] of cases) {
      expect(b.write(a, v).resp).toBe(RESP.OKAY);
      expect(b.read(a).data, `${a.toString(16)} <- ${v}`).toBe(want);
    }
    expect(b.m.outputs.cfg_hash_types).toBe(0xd700);
  });

  it('honours wstrb byte lanes', () => {
    const b = fresh();
    b.write(REG.KEY, 0x11223344);
    b.write(REG.KEY, 0xaabbccdd, 0b0101);
    expect(b.read(REG.KEY).data).toBe(0x11bb33dd);
    const vsid = FILTER_BASE + STRIDE.FILTER * 2 + FILTER_WORD.VSID;
    b.write(vsid, 0x01abcdef, 0b1000);
    expect(b.read(vsid).data).toBe(0x01000000);
    b.write(REG.INDIRECTION, 5, 0b1110);
    expect(b.read(REG.INDIRECTION).data).toBe(0);
  });

  it('answers SLVERR on read-only registers without changing them, DECERR on unmapped addresses', () => {
    const b = fresh();
    expect(b.write(REG.ID, 0).resp).toBe(RESP.SLVERR);
    expect(b.read(REG.ID).data).toBe(ID_VALUE);
    expect(b.write(REG.CNT_FRAMES, 5).resp).toBe(RESP.SLVERR);
    expect(b.read(REG.CNT_FRAMES).data).toBe(0);
    for (const a of [0x0008, 0x0118, 0x0228, 0x032c, 0x013c, 0x0150, 0x0600, 0x1018, 0x1000 + 32 * 16, 0x8000]) {
      expect(b.write(a, 1).resp, a.toString(16)).toBe(RESP.DECERR);
      expect(b.read(a), a.toString(16)).toMatchObject({ resp: RESP.DECERR, data: 0 });
    }
    expect(b.events.map((e) => e.addr)).toEqual([]);
  });

  it('stores the tunnel port table: port, type and valid bits, the rest dropped; reset invalid', () => {
    const b = fresh();
    expect(b.read(REG.CAP_UDP_TUNNEL_PORTS).data).toBe(4);
    for (let i = 0; i < 4; i++) expect(b.read(REG.TUNNEL_PORT + 4 * i).data).toBe(0);
    expect(b.write(REG.TUNNEL_PORT + 12, 0xffffffff).resp).toBe(RESP.OKAY);
    expect(b.read(REG.TUNNEL_PORT + 12).data).toBe(0x8001ffff);
    expect(b.write(REG.TUNNEL_PORT, 0x800012b5).resp).toBe(RESP.OKAY);
    expect(b.m.udpTunnels()[0]).toEqual({ valid: true, port: 4789, type: 'vxlan' });
    expect(b.m.udpTunnels()[3]).toEqual({ valid: true, port: 0xffff, type: 'geneve' });
  });

  it('makes a const-key build read its key and refuse writes to it', () => {
    const key = hexToBytes(parseBuildConfig({}).constKey);
    const b = new Bus(new CsrModel({ build: buildParamsOf(cfg), latency: 0, constKey: key }));
    expect(b.read(REG.KEY).data).toBe(0x6d5a56da);
    expect(b.write(REG.KEY, 0).resp).toBe(RESP.SLVERR);
    expect(b.read(REG.CAP_TOEPLITZ).data).toBe(1);
  });

  it('reports the Toeplitz implementation in CAP_TOEPLITZ: 0 run-time key, 1 const key, 2 key-derived tables', () => {
    expect(fresh().read(REG.CAP_TOEPLITZ).data).toBe(0);
    const b = new Bus(new CsrModel({ build: buildParamsOf(cfg), latency: 0, keyTables: true }));
    expect(b.read(REG.CAP_TOEPLITZ).data).toBe(2);
    expect(b.write(REG.KEY, 0x12345678).resp).toBe(RESP.OKAY);
    expect(b.read(REG.KEY).data).toBe(0x12345678);
    // The generator's register map gives the same values.
    const cap = (t: 'runtime-key' | 'const-key' | 'tables'): number | undefined =>
      capabilities(parseBuildConfig({ toeplitz: t }), { latency: 0 }).find((x) => x.name === 'CAP_TOEPLITZ')?.value;
    expect([cap('runtime-key'), cap('const-key'), cap('tables')]).toEqual([0, 1, 2]);
  });

  it('counts the pulses of cycles before the read handshake, wrapping at 32 bits', () => {
    const b = fresh();
    for (let n = 0; n < 5; n++) b.tick({ ...idle(), cnt_valid: true, cnt: COUNTERS.map((c) => c !== 'nvgre') });
    b.tick({ ...idle(), cnt_valid: false, cnt: COUNTERS.map(() => true) });
    expect(b.read(REG.CNT_FRAMES).data).toBe(5);
    expect(b.read(REG.CNT_NVGRE).data).toBe(0);
    b.m.counters[0] = 0xffffffff;
    b.tick({ ...idle(), cnt_valid: true, cnt: COUNTERS.map(() => true) });
    expect(b.read(REG.CNT_FRAMES).data).toBe(0);
  });
});

describe('CSR timing', () => {
  it('puts a write in force the cycle after its handshake and emits its event three cycles after it', () => {
    const b = fresh();
    const before = b.m.outputs.cfg_rss_enable;
    const { h } = b.write(REG.CTRL, 0x5);
    expect(before).toBe(false);
    expect(b.m.outputs.cfg_rss_enable).toBe(true);
    b.write(REG.KEY + 4, 0xdeadbeef, 0b0011);
    b.write(FILTER_BASE + STRIDE.FILTER + FILTER_WORD.VLAN, 0xffffffff);
    for (let n = 0; n < 5; n++) b.tick(idle());
    // CTRL has no event consumer (the pipeline reads cfg_*): its event carries 0; nor
    // have the filters (the VMQ block reads the CSR block's one table on cfg_filter_*).
    expect(b.events[0]).toEqual({ cycle: h + 3, addr: REG.CTRL, data: 0 });
    expect(b.events.slice(1).map((e) => [e.addr, e.data])).toEqual([
      [REG.KEY + 4, 0x0000beef],
      [FILTER_BASE + STRIDE.FILTER + FILTER_WORD.VLAN, 0],
    ]);
  });

  it.each([
    // filterBanks (undefined: every filter at once), filter index, its step (f div banks).
    [undefined, 2, 0],
    [2, 5, 2],
    [2, 15, 7],
    [3, 7, 2],
  ])(
    'applies a filter write to the table F + its step cycles after its handshake (banks %s, filter %s), answers it after that, and takes no write meanwhile',
    (banks, f, step) => {
      const F = 12 + step;
      const m = new CsrModel({ build: buildParamsOf(cfg), latency: 9, filterApplyDelay: 12, filterBanks: banks });
      const addr = FILTER_BASE + f * STRIDE.FILTER + FILTER_WORD.QUEUE;
      let cycle = 0;
      let h = -1;
      let h2 = -1;
      let bvalidAt = -1;
      let readH = -1;
      const reads: { h: number; data: number }[] = [];
      let inForce = -1;
      // The write, then a second write (CTRL) offered at once, and a read of the filter word
      // offered at once and again after the write response.
      while (cycle < 60 && (bvalidAt < 0 || reads.length < 2 || m.outputs.cfg_rss_enable === false)) {
        const o = m.outputs;
        if (o.s_axil_awready && h >= 0 && h2 < 0) h2 = cycle;
        if (o.s_axil_awready && h < 0) h = cycle;
        if (o.s_axil_bvalid && bvalidAt < 0) bvalidAt = cycle;
        if (o.s_axil_arready) readH = cycle;
        if (o.s_axil_rvalid) reads.push({ h: readH, data: o.s_axil_rdata });
        if (inForce < 0 && m.filters[f]!.queue === 5) inForce = cycle;
        const first = h < 0;
        m.step({
          ...idle(),
          s_axil_awaddr: first ? addr : REG.CTRL,
          s_axil_wdata: first ? 5 : 1,
          s_axil_awvalid: h2 < 0,
          s_axil_wvalid: h2 < 0,
          s_axil_wstrb: 0xf,
          s_axil_bready: true,
          s_axil_araddr: addr,
          s_axil_arvalid: reads.length < 2 && (reads.length === 0 || bvalidAt >= 0),
          s_axil_rready: true,
        });
        cycle++;
      }
      // In force for frames from H+1 (the top model classifies with m.filters).
      expect(inForce).toBe(h + 1);
      expect(bvalidAt).toBe(h + F + 1);
      // A read during the wait sees the table before the write; one after the response the new entry.
      expect(reads[0]!.h).toBeLessThanOrEqual(h + F);
      expect(reads[0]!.data).toBe(0);
      expect(reads[1]!.h).toBeGreaterThan(h + F);
      expect(reads[1]!.data).toBe(5);
      // The CTRL write offered all along is taken only after the filter write's response.
      expect(h2).toBeGreaterThan(bvalidAt);
      expect(m.outputs.cfg_rss_enable).toBe(true);
    },
  );

  it('answers a read two cycles after its handshake with the registers of the handshake cycle', () => {
    const b = fresh();
    const r = b.read(REG.CTRL);
    expect(r.r - r.h).toBe(2);
  });
});
