// Cycle-exact model of the CSR block (nvgre_rx_csr): the same AXI4-Lite handshake timing,
// the same read data (counters included) and the same write-event stream, so the top
// level's cycle model can embed it and the block can be checked against it in lockstep.
//
// Timing, with H the handshake cycle (see gen/blocks/csr.ts, which this mirrors):
//  write: awready = wready = 1 in the cycle after one with awvalid && wvalid && !awready
//         && (!bvalid || bready); in force from H+1; bvalid from H+1; cfg_wr_en in H+3.
//  read:  arready in the cycle after one with arvalid && !arready && no read in progress
//         && (!rvalid || rready); data = registers during H; rvalid from H+2.
// `outputs` are the registered outputs during the current cycle; `step(inputs)` is the
// rising edge that ends it. Offsets come from ref/regmap.generated.ts (build-independent).

import type { BuildParams } from '../build.ts';
import { CAPS, COUNTERS, FIELD, FILTER_BASE, FILTER_WORD, ID_VALUE, REG, RESP, VERSION_VALUE } from '../regmap.generated.ts';

export type CounterName = (typeof COUNTERS)[number];

export interface CsrInputs {
  s_axil_awaddr: number;
  s_axil_awvalid: boolean;
  s_axil_wdata: number;
  s_axil_wstrb: number;
  s_axil_wvalid: boolean;
  s_axil_bready: boolean;
  s_axil_araddr: number;
  s_axil_arvalid: boolean;
  s_axil_rready: boolean;
  cnt_valid: boolean;
  /** One flag per counter, in COUNTERS order. */
  cnt: readonly boolean[];
}

export interface CsrOutputs {
  s_axil_awready: boolean;
  s_axil_wready: boolean;
  s_axil_bvalid: boolean;
  s_axil_bresp: number;
  s_axil_arready: boolean;
  s_axil_rvalid: boolean;
  s_axil_rdata: number;
  s_axil_rresp: number;
  cfg_rss_enable: boolean;
  cfg_vmq_enable: boolean;
  cfg_encap_rss_enable: boolean;
  cfg_encap_vmq_enable: boolean;
  cfg_hash_types: number;
  cfg_rss_default_queue: number;
  cfg_vmq_default_queue: number;
  cfg_indirection_bits: number;
  cfg_max_header_bytes: number;
  cfg_wr_en: boolean;
  cfg_wr_addr: number;
  cfg_wr_data: number;
}

export interface CsrFilter {
  valid: boolean;
  macHi: number;
  macLo: number;
  matchVlan: boolean;
  vlan: number;
  matchVsid: boolean;
  vsid: number;
  queue: number;
}

export interface CsrModelOptions {
  build: BuildParams;
  /** CAP_LATENCY. */
  latency: number;
  /** A const-key build's key (KEY then reads it and is read-only). */
  constKey?: Uint8Array;
}

/** Stage-1 registers of a read path: the region values of one address. */
interface Stage1 {
  low: number;
  lowHit: boolean;
  ind: number;
  indHit: boolean;
  flt: number;
  fltHit: boolean;
}

const HASH_TYPES_MASK =
  (1 << FIELD.HASH_TYPES_IPV4.lsb) |
  (1 << FIELD.HASH_TYPES_TCP_IPV4.lsb) |
  (1 << FIELD.HASH_TYPES_IPV6.lsb) |
  (1 << FIELD.HASH_TYPES_TCP_IPV6.lsb) |
  (1 << FIELD.HASH_TYPES_UDP_IPV4.lsb) |
  (1 << FIELD.HASH_TYPES_UDP_IPV6.lsb);
const KEY_WORDS = 10;

const log2 = (n: number): number => 31 - Math.clz32(n);
const clog2 = (n: number): number => Math.max(1, Math.ceil(Math.log2(n)));

function merge(old: number, data: number, strb: number): number {
  let v = 0;
  for (let l = 0; l < 4; l++) {
    const m = 0xff << (8 * l);
    v |= (strb >> l) & 1 ? data & m : old & m;
  }
  return v >>> 0;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export class CsrModel {
  readonly build: BuildParams;
  private readonly qMask: number;
  private readonly mhbMask: number;
  private readonly caps: number[];
  private readonly constKey: number[] | undefined;

  // Stored registers.
  ctrl = 0;
  hashTypes = 0;
  rssDefaultQueue = 0;
  vmqDefaultQueue = 0;
  indirectionBits: number;
  maxHeaderBytes: number;
  readonly key: number[] = new Array<number>(KEY_WORDS).fill(0);
  readonly table: number[];
  readonly filters: CsrFilter[];
  readonly counters: number[] = new Array<number>(COUNTERS.length).fill(0);

  // Write channel.
  private awReady = false;
  private wrAddr = 0;
  private wrData = 0;
  private wrStrb = 0;
  private bvalid = false;
  private bresp = 0;
  private evPend = false;
  private evAddr = 0;
  private evS1 = false;
  private ev: Stage1;
  private wrEnOut = false;
  private wrAddrOut = 0;
  private wrDataOut = 0;
  // Read channel.
  private arReady = false;
  private rdAddr = 0;
  private rdS1 = false;
  private rd: Stage1;
  private rvalid = false;
  private rdata = 0;
  private rresp = 0;

  constructor(opts: CsrModelOptions) {
    const b = (this.build = opts.build);
    this.qMask = (1 << b.queueBits) - 1;
    this.mhbMask = (1 << Math.ceil(Math.log2(b.maxHeaderBytes + 1))) - 1;
    this.indirectionBits = log2(b.indirectionEntries);
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.table = new Array<number>(b.indirectionEntries).fill(0);
    this.filters = Array.from({ length: b.vmqFilters }, () => ({
      valid: false,
      macHi: 0,
      macLo: 0,
      matchVlan: false,
      vlan: 0,
      matchVsid: false,
      vsid: 0,
      queue: 0,
    }));
    const k = opts.constKey;
    this.constKey = k
      ? Array.from({ length: KEY_WORDS }, (_, i) => ((k[4 * i]! << 24) | (k[4 * i + 1]! << 16) | (k[4 * i + 2]! << 8) | k[4 * i + 3]!) >>> 0)
      : undefined;
    const ndis = b.ipv6 ? 0xf : 0x3;
    const capValues: Record<(typeof CAPS)[number], number> = {
      CAP_DATA_WIDTH: b.dataWidth,
      CAP_IPV6: b.ipv6 ? 1 : 0,
      CAP_VMQ_FILTERS: b.vmqFilters,
      CAP_INDIRECTION_ENTRIES: b.indirectionEntries,
      CAP_MAX_HEADER_BYTES: b.maxHeaderBytes,
      CAP_QUEUE_BITS: b.queueBits,
      CAP_RSS_ENCAP: ndis,
      CAP_VMQ_ENCAP: ndis,
      CAP_MAX_HEADER_SIZE: b.maxHeaderBytes,
      CAP_LATENCY: opts.latency,
      CAP_IPV6_EXT_HEADERS: b.ipv6MaxExtHeaders,
      CAP_TOEPLITZ: k ? 1 : 0,
    };
    this.caps = CAPS.map((n) => capValues[n]);
    // The stage-1 registers have no reset: during reset they sample address 0.
    this.ev = this.stage1(0);
    this.rd = this.stage1(0);
  }

  get outputs(): CsrOutputs {
    return {
      s_axil_awready: this.awReady,
      s_axil_wready: this.awReady,
      s_axil_bvalid: this.bvalid,
      s_axil_bresp: this.bresp,
      s_axil_arready: this.arReady,
      s_axil_rvalid: this.rvalid,
      s_axil_rdata: this.rdata,
      s_axil_rresp: this.rresp,
      cfg_rss_enable: (this.ctrl & 1) !== 0,
      cfg_vmq_enable: (this.ctrl & 2) !== 0,
      cfg_encap_rss_enable: (this.ctrl & 4) !== 0,
      cfg_encap_vmq_enable: (this.ctrl & 8) !== 0,
      cfg_hash_types: this.hashTypes,
      cfg_rss_default_queue: this.rssDefaultQueue,
      cfg_vmq_default_queue: this.vmqDefaultQueue,
      cfg_indirection_bits: this.indirectionBits,
      cfg_max_header_bytes: this.maxHeaderBytes,
      cfg_wr_en: this.wrEnOut,
      cfg_wr_addr: this.wrAddrOut,
      cfg_wr_data: this.wrDataOut,
    };
  }

  /** The 40-byte key as the CSR holds it. */
  keyBytes(): Uint8Array {
    const out = new Uint8Array(40);
    const words = this.constKey ?? this.key;
    words.forEach((w, i) => {
      out[4 * i] = w >>> 24;
      out[4 * i + 1] = (w >>> 16) & 0xff;
      out[4 * i + 2] = (w >>> 8) & 0xff;
      out[4 * i + 3] = w & 0xff;
    });
    return out;
  }

  private filterWords(f: CsrFilter): number[] {
    return [
      f.macHi,
      f.macLo >>> 0,
      ((f.matchVlan ? 1 : 0) << FIELD.FILTER_VLAN_MATCH.lsb) | f.vlan,
      (((f.matchVsid ? 1 : 0) << FIELD.FILTER_VSID_MATCH.lsb) | f.vsid) >>> 0,
      f.queue,
      f.valid ? 1 : 0,
    ];
  }

  /** Low region (below the indirection table): word index -> [value, writable]. */
  private lowWord(word: number): { value: number; rw: boolean } | undefined {
    const off = word * 4;
    if (off === REG.ID) return { value: ID_VALUE, rw: false };
    if (off === REG.VERSION) return { value: VERSION_VALUE, rw: false };
    const cap = (off - REG.CAP_DATA_WIDTH) / 4;
    if (cap >= 0 && cap < this.caps.length && Number.isInteger(cap)) return { value: this.caps[cap]!, rw: false };
    switch (off) {
      case REG.CTRL:
        return { value: this.ctrl, rw: true };
      case REG.HASH_TYPES:
        return { value: this.hashTypes, rw: true };
      case REG.RSS_DEFAULT_QUEUE:
        return { value: this.rssDefaultQueue, rw: true };
      case REG.VMQ_DEFAULT_QUEUE:
        return { value: this.vmqDefaultQueue, rw: true };
      case REG.INDIRECTION_BITS:
        return { value: this.indirectionBits, rw: true };
      case REG.MAX_HEADER_BYTES:
        return { value: this.maxHeaderBytes, rw: true };
    }
    const k = (off - REG.KEY) / 4;
    if (k >= 0 && k < KEY_WORDS && Number.isInteger(k)) {
      return this.constKey ? { value: this.constKey[k]!, rw: false } : { value: this.key[k]!, rw: true };
    }
    const c = (off - REG.CNT_FRAMES) / 4;
    if (c >= 0 && c < COUNTERS.length && Number.isInteger(c)) return { value: this.counters[c]!, rw: false };
    return undefined;
  }

  private decode(addr: number): { low: boolean; ind: boolean; indIdx: number; flt: boolean; fIdx: number; fWord: number } {
    const b = this.build;
    const iBits = log2(b.indirectionEntries);
    const fBits = clog2(b.vmqFilters);
    const low = addr >>> 10 === 0;
    const ind = addr >>> 10 === REG.INDIRECTION >>> 10 && ((addr >>> 2) & 0xff) >>> iBits === 0;
    const fIdx = (addr >>> 5) & ((1 << fBits) - 1);
    const fWord = (addr >>> 2) & 7;
    const flt = addr >>> (5 + fBits) === FILTER_BASE >>> (5 + fBits) && fIdx < b.vmqFilters && fWord < 6;
    return { low, ind, indIdx: (addr >>> 2) & ((1 << iBits) - 1), flt, fIdx, fWord };
  }

  private stage1(addr: number): Stage1 {
    const d = this.decode(addr);
    const lw = this.lowWord((addr >>> 2) & 0xff);
    const f = this.filters[d.fIdx];
    return {
      low: lw?.value ?? 0,
      lowHit: d.low && lw !== undefined,
      ind: this.table[d.indIdx]!,
      indHit: d.ind,
      flt: f ? (this.filterWords(f)[d.fWord] ?? 0) : 0,
      fltHit: d.flt,
    };
  }

  private static combine(s: Stage1): { data: number; hit: boolean } {
    const data = s.lowHit ? s.low : s.indHit ? s.ind : s.fltHit ? s.flt : 0;
    return { data: data >>> 0, hit: s.lowHit || s.indHit || s.fltHit };
  }

  /** Apply a write of the handshake cycle to the stored registers. */
  private write(addr: number, data: number, strb: number): void {
    const d = this.decode(addr);
    if (d.low) {
      const off = addr & 0x3fc;
      const lw = this.lowWord(off >>> 2)!;
      const v = merge(lw.value, data, strb);
      switch (off) {
        case REG.CTRL:
          this.ctrl = v & 0xf;
          return;
        case REG.HASH_TYPES:
          this.hashTypes = v & HASH_TYPES_MASK;
          return;
        case REG.RSS_DEFAULT_QUEUE:
          this.rssDefaultQueue = v & this.qMask;
          return;
        case REG.VMQ_DEFAULT_QUEUE:
          this.vmqDefaultQueue = v & this.qMask;
          return;
        case REG.INDIRECTION_BITS:
          this.indirectionBits = clamp(v, 1, log2(this.build.indirectionEntries)) & 7;
          return;
        case REG.MAX_HEADER_BYTES:
          this.maxHeaderBytes = clamp(v, 64, this.build.maxHeaderBytes) & this.mhbMask;
          return;
      }
      this.key[(off - REG.KEY) / 4] = v;
      return;
    }
    if (d.ind) {
      if (strb & 1) this.table[d.indIdx] = data & this.qMask;
      return;
    }
    const f = this.filters[d.fIdx]!;
    const old = this.filterWords(f)[d.fWord]!;
    const v = merge(old, data, strb);
    switch (d.fWord * 4) {
      case FILTER_WORD.MAC_HI:
        f.macHi = v & 0xffff;
        break;
      case FILTER_WORD.MAC_LO:
        f.macLo = v;
        break;
      case FILTER_WORD.VLAN:
        f.matchVlan = ((v >>> FIELD.FILTER_VLAN_MATCH.lsb) & 1) === 1;
        f.vlan = v & 0xfff;
        break;
      case FILTER_WORD.VSID:
        f.matchVsid = ((v >>> FIELD.FILTER_VSID_MATCH.lsb) & 1) === 1;
        f.vsid = v & 0xffffff;
        break;
      case FILTER_WORD.QUEUE:
        f.queue = v & this.qMask;
        break;
      case FILTER_WORD.CTRL:
        f.valid = (v & 1) === 1;
        break;
    }
  }

  /** One rising clock edge ending the current cycle, whose inputs are `i`. */
  step(i: CsrInputs): void {
    // Everything below reads the state of the ending cycle; assignments form the next.
    const wTake = i.s_axil_awvalid && i.s_axil_wvalid && !this.awReady && (!this.bvalid || i.s_axil_bready);
    const rTake = i.s_axil_arvalid && !this.arReady && !this.rdS1 && (!this.rvalid || i.s_axil_rready);

    const wd = this.decode(this.wrAddr);
    const lw = wd.low ? this.lowWord((this.wrAddr >>> 2) & 0xff) : undefined;
    const wOk = (lw?.rw ?? false) || wd.ind || wd.flt;
    const wRo = lw !== undefined && !lw.rw;
    const wDo = this.awReady && wOk;

    const evNext = this.stage1(this.evAddr);
    const rdNext = this.stage1(this.rdAddr);
    const ev = CsrModel.combine(this.ev);
    const rd = CsrModel.combine(this.rd);

    // Write event outputs and pipeline.
    this.wrEnOut = this.evS1;
    this.wrAddrOut = this.evAddr;
    this.wrDataOut = ev.data;
    this.evS1 = this.evPend;
    this.evPend = wDo;
    const evAddrNext = this.awReady ? this.wrAddr & 0xfffc : this.evAddr;
    this.ev = evNext;

    // Read data.
    let rvalid = this.rvalid && !i.s_axil_rready;
    if (this.rdS1) {
      rvalid = true;
      this.rdata = rd.data;
      this.rresp = rd.hit ? RESP.OKAY : RESP.DECERR;
    }
    this.rvalid = rvalid;
    this.rd = rdNext;
    this.rdS1 = this.arReady;
    this.arReady = rTake;
    if (rTake) this.rdAddr = i.s_axil_araddr & 0xffff;

    // Write response, then the write itself (stage-1 values above were taken before it).
    let bvalid = this.bvalid && !i.s_axil_bready;
    if (this.awReady) {
      bvalid = true;
      this.bresp = wOk ? RESP.OKAY : wRo ? RESP.SLVERR : RESP.DECERR;
    }
    this.bvalid = bvalid;
    if (wDo) this.write(this.wrAddr, this.wrData, this.wrStrb);
    this.evAddr = evAddrNext;
    this.awReady = wTake;
    if (wTake) {
      this.wrAddr = i.s_axil_awaddr & 0xffff;
      this.wrData = i.s_axil_wdata >>> 0;
      this.wrStrb = i.s_axil_wstrb & 0xf;
    }

    // Counters.
    if (i.cnt_valid) {
      for (let k = 0; k < this.counters.length; k++) if (i.cnt[k]) this.counters[k] = (this.counters[k]! + 1) >>> 0;
    }
  }
}
