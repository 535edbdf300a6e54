// SPDX-License-Identifier: MIT
// Cycle-exact model of the CSR block (nvgre_rx_csr): the same AXI4-Lite handshake timing,
// the same read data (counters included) and the same write-event stream, so the top
// level's cycle model can embed it and the block can be checked against it in lockstep.
//
// Timing, with H the handshake cycle (see gen/blocks/csr.ts, which this mirrors):
//  write: awready = wready = 1 in the cycle after one with awvalid && wvalid && !awready
//         && (!bvalid || bready) && no filter write pending; in force from H+1; bvalid
//         from H+1; cfg_wr_en in H+3. A filter write: in force from H+1 for frames (the
//         `filters` the top model classifies with), applied to the table that reads see
//         at the end of H+F (F = filterApplyDelay + (filter index div filterBanks), the
//         VMQ block's step for that filter), bvalid from H+F+1.
//  read:  arready in the cycle after one with arvalid && !arready && no read in progress
//         && (!rvalid || rready); data = registers during H; rvalid from H+2.
// `outputs` are the registered outputs during the current cycle; `step(inputs)` is the
// rising edge that ends it. Offsets come from ref/regmap.generated.ts (build-independent).

import { clog2, log2 } from '../bits.ts';
import type { BuildParams } from '../build.ts';
import type { UdpTunnel } from '../profile.ts';
import { CAPS, COUNTERS, FIELD, FILTER_BASE, FILTER_WORD, ID_VALUE, REG, RESP, VERSION_VALUE } from '../regmap.generated.ts';

/** TUNNEL_PORT's stored bits (gen/regmap.ts). */
const TUNNEL_WORD_MASK = 0x8001ffff;

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

/** The AXI4-Lite inputs with no transaction; `ready`: bready and rready high. */
export function idleAxil(ready = false): Omit<CsrInputs, 'cnt_valid' | 'cnt'> {
  return {
    s_axil_awaddr: 0,
    s_axil_awvalid: false,
    s_axil_wdata: 0,
    s_axil_wstrb: 0,
    s_axil_wvalid: false,
    s_axil_bready: ready,
    s_axil_araddr: 0,
    s_axil_arvalid: false,
    s_axil_rready: ready,
  };
}

/** The CSR block's inputs with no transaction and no counter pulse. */
export function idleCsrInputs(): CsrInputs {
  return { ...idleAxil(), cnt_valid: false, cnt: COUNTERS.map(() => false) };
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

/** Word `w` (0..7) of a filter's register block, laid out by the register map's FIELD; words 6 and 7 read 0. */
export function filterWordValue(f: CsrFilter, w: number): number {
  switch (w) {
    case FILTER_WORD.MAC_HI / 4:
      return put(f.macHi, FIELD.FILTER_MAC_HI_MAC_HI);
    case FILTER_WORD.MAC_LO / 4:
      return put(f.macLo, FIELD.FILTER_MAC_LO_MAC_LO);
    case FILTER_WORD.VLAN / 4:
      return (put(f.matchVlan ? 1 : 0, FIELD.FILTER_VLAN_MATCH) | put(f.vlan, FIELD.FILTER_VLAN_ID)) >>> 0;
    case FILTER_WORD.VSID / 4:
      return (put(f.matchVsid ? 1 : 0, FIELD.FILTER_VSID_MATCH) | put(f.vsid, FIELD.FILTER_VSID_VSID)) >>> 0;
    case FILTER_WORD.QUEUE / 4:
      // The queue field is as wide as the build's queue numbers (FIELD holds the default build's).
      return f.queue;
    case FILTER_WORD.CTRL / 4:
      return put(f.valid ? 1 : 0, FIELD.FILTER_CTRL_VALID);
    default:
      return 0;
  }
}

/** Filter `f` after its word `word` (0..5) is stored with the whole value `v`; the queue kept to `qMask`. */
export function storeFilterWord(f: CsrFilter, word: number, v: number, qMask: number): void {
  switch (word * 4) {
    case FILTER_WORD.MAC_HI:
      f.macHi = get(v, FIELD.FILTER_MAC_HI_MAC_HI);
      break;
    case FILTER_WORD.MAC_LO:
      f.macLo = get(v, FIELD.FILTER_MAC_LO_MAC_LO);
      break;
    case FILTER_WORD.VLAN:
      f.matchVlan = get(v, FIELD.FILTER_VLAN_MATCH) === 1;
      f.vlan = get(v, FIELD.FILTER_VLAN_ID);
      break;
    case FILTER_WORD.VSID:
      f.matchVsid = get(v, FIELD.FILTER_VSID_MATCH) === 1;
      f.vsid = get(v, FIELD.FILTER_VSID_VSID);
      break;
    case FILTER_WORD.QUEUE:
      f.queue = v & qMask;
      break;
    case FILTER_WORD.CTRL:
      f.valid = get(v, FIELD.FILTER_CTRL_VALID) === 1;
      break;
  }
}

export interface CsrModelOptions {
  build: BuildParams;
  /** CAP_LATENCY. */
  latency: number;
  /** A const-key build's key (KEY then reads it and is read-only). */
  constKey?: Uint8Array;
  /** A `toeplitz: "tables"` build (CAP_TOEPLITZ bit 1: KEY writes reach frames after the tables' rebuild). */
  keyTables?: boolean;
  /**
   * Model the write-event outputs cfg_wr_en/addr/data (default true). The top level's
   * model reads the registers directly and turns this off: the event pipeline's
   * stage-1 sampling is then skipped every cycle and those three outputs stay 0.
   */
  events?: boolean;
  /**
   * Cycles from a filter write's handshake H to the end of the cycle that applies it to
   * the one filter table (gen/blocks/csr/filter-write.ts; default 1, the CSR block on its own).
   */
  filterApplyDelay?: number;
  /**
   * Comparators of a time-shared VMQ block (gen/blocks/filter-regs.ts): filter f is read
   * f div filterBanks cycles after the first step, and applied that much later (default:
   * every filter at once).
   */
  filterBanks?: number;
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

/** Field `f` of register word `v`. */
const get = (v: number, f: { lsb: number; width: number }): number => (f.width === 32 ? v >>> 0 : (v >>> f.lsb) & ((1 << f.width) - 1));
/** `x` placed in field `f` of a register word. */
const put = (x: number, f: { lsb: number; width: number }): number => (f.width === 32 ? x >>> 0 : ((x & ((1 << f.width) - 1)) << f.lsb) >>> 0);

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
  private readonly iBits: number;
  private readonly fBits: number;
  private readonly events: boolean;

  // Stored registers.
  ctrl = 0;
  hashTypes = 0;
  rssDefaultQueue = 0;
  vmqDefaultQueue = 0;
  indirectionBits: number;
  maxHeaderBytes: number;
  readonly key: number[] = new Array<number>(KEY_WORDS).fill(0);
  /** The UDP tunnel port table as TUNNEL_PORT words (valid in bit 31, GENEVE in bit 16, the port in 15:0). */
  readonly tunnels: number[];
  readonly table: number[];
  /** The filters in force for frames (a write from H+1), what the top model classifies with. */
  readonly filters: CsrFilter[];
  /** The filter table the hardware holds and reads return: a write lands at the end of H+F. */
  private readonly work: CsrFilter[];
  private readonly filterApply: number;
  private readonly filterBanks: number;
  private fltPending = false;
  private fltDue = 0;
  /** Cycles stepped since construction. */
  private now = 0;
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
  /** The other half of ev's double buffer (stage-1 values are sampled every cycle). */
  private evSpare: Stage1;
  private wrEnOut = false;
  private wrAddrOut = 0;
  private wrDataOut = 0;
  // Read channel.
  private arReady = false;
  private rdAddr = 0;
  private rdS1 = false;
  private rd: Stage1;
  private rdSpare: Stage1;
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
    this.tunnels = new Array<number>(b.udpTunnelPorts).fill(0);
    const noFilters = (): CsrFilter[] =>
      Array.from({ length: b.vmqFilters }, () => ({ valid: false, macHi: 0, macLo: 0, matchVlan: false, vlan: 0, matchVsid: false, vsid: 0, queue: 0 }));
    this.filters = noFilters();
    this.work = noFilters();
    this.filterApply = opts.filterApplyDelay ?? 1;
    this.filterBanks = opts.filterBanks ?? b.vmqFilters;
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
      CAP_TOEPLITZ: k ? 1 : opts.keyTables ? 2 : 0,
      CAP_UDP_TUNNEL_PORTS: b.udpTunnelPorts,
    };
    this.caps = CAPS.map((n) => capValues[n]);
    this.events = opts.events ?? true;
    this.iBits = log2(b.indirectionEntries);
    this.fBits = clog2(b.vmqFilters);
    // The stage-1 registers have no reset: during reset they sample address 0.
    this.ev = this.stage1(0, true);
    this.rd = this.stage1(0);
    this.evSpare = this.stage1(0, true);
    this.rdSpare = this.stage1(0);
  }

  // The AXI4-Lite outputs one by one (the lockstep loop reads these every cycle; the
  // `outputs` object is for tests and tools).
  get awready(): boolean {
    return this.awReady;
  }
  get bvalidOut(): boolean {
    return this.bvalid;
  }
  get brespOut(): number {
    return this.bresp;
  }
  get arready(): boolean {
    return this.arReady;
  }
  get rvalidOut(): boolean {
    return this.rvalid;
  }
  get rdataOut(): number {
    return this.rdata;
  }
  get rrespOut(): number {
    return this.rresp;
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

  /** This cycle is the handshake of an accepted KEY write (any strobes; runtime key only). */
  get keyWriteNow(): boolean {
    if (!this.awReady || this.constKey) return false;
    const k = ((this.wrAddr & 0xfffc) - REG.KEY) / 4;
    return k >= 0 && k < KEY_WORDS && Number.isInteger(k);
  }

  /** The tunnel port table as a profile's entries (docs/CONTRACT.md section 8.1). */
  udpTunnels(): UdpTunnel[] {
    return this.tunnels.map((w) => ({ valid: w >>> 31 === 1, port: w & 0xffff, type: (w >>> 16) & 1 ? 'geneve' : 'vxlan' }));
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

  /** Low region (below the indirection table): word index -> [value, writable]. */
  private lowWord(word: number): { value: number; rw: boolean } | undefined {
    const value = this.lowValue(word);
    return value < 0 ? undefined : { value, rw: this.lowRw(word) };
  }

  /** A low-region word's value, -1 where no register answers (values are unsigned). */
  private lowValue(word: number): number {
    const off = word * 4;
    if (off === REG.ID) return ID_VALUE;
    if (off === REG.VERSION) return VERSION_VALUE;
    const cap = (off - REG.CAP_DATA_WIDTH) / 4;
    if (cap >= 0 && cap < this.caps.length && Number.isInteger(cap)) return this.caps[cap]!;
    switch (off) {
      case REG.CTRL:
        return this.ctrl;
      case REG.HASH_TYPES:
        return this.hashTypes;
      case REG.RSS_DEFAULT_QUEUE:
        return this.rssDefaultQueue;
      case REG.VMQ_DEFAULT_QUEUE:
        return this.vmqDefaultQueue;
      case REG.INDIRECTION_BITS:
        return this.indirectionBits;
      case REG.MAX_HEADER_BYTES:
        return this.maxHeaderBytes;
    }
    const k = (off - REG.KEY) / 4;
    if (k >= 0 && k < KEY_WORDS && Number.isInteger(k)) return this.constKey ? this.constKey[k]! : this.key[k]!;
    const t = (off - REG.TUNNEL_PORT) / 4;
    if (t >= 0 && t < this.tunnels.length && Number.isInteger(t)) return this.tunnels[t]!;
    const c = (off - REG.CNT_FRAMES) / 4;
    if (c >= 0 && c < COUNTERS.length && Number.isInteger(c)) return this.counters[c]!;
    return -1;
  }

  /** A low-region word that answers is writable (ID, VERSION, CAP_*, a const key and the counters are not). */
  private lowRw(word: number): boolean {
    const off = word * 4;
    switch (off) {
      case REG.CTRL:
      case REG.HASH_TYPES:
      case REG.RSS_DEFAULT_QUEUE:
      case REG.VMQ_DEFAULT_QUEUE:
      case REG.INDIRECTION_BITS:
      case REG.MAX_HEADER_BYTES:
        return true;
    }
    const t = (off - REG.TUNNEL_PORT) / 4;
    if (t >= 0 && t < this.tunnels.length && Number.isInteger(t)) return true;
    const k = (off - REG.KEY) / 4;
    return !this.constKey && k >= 0 && k < KEY_WORDS && Number.isInteger(k);
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

  private stage1(addr: number, event = false): Stage1 {
    const s = { low: 0, lowHit: false, ind: 0, indHit: false, flt: 0, fltHit: false };
    this.stage1Into(s, addr, event);
    return s;
  }

  /**
   * The stage-1 values of `addr` (decode() and lowWord() without their objects). The
   * write-event path (`event`) reads back only what has a consumer: the tables and, in
   * runtime-key builds, the KEY words; every other low-region word reads 0 there.
   */
  private stage1Into(s: Stage1, addr: number, event = false): void {
    const iBits = this.iBits;
    const fBits = this.fBits;
    const word = (addr >>> 2) & 0xff;
    const lv = event && !this.eventWord(word) ? -1 : this.lowValue(word);
    const fIdx = (addr >>> 5) & ((1 << fBits) - 1);
    const fWord = (addr >>> 2) & 7;
    const f = event ? undefined : this.work[fIdx];
    s.low = lv < 0 ? 0 : lv;
    s.lowHit = addr >>> 10 === 0 && lv >= 0;
    s.ind = this.table[(addr >>> 2) & ((1 << iBits) - 1)]!;
    s.indHit = addr >>> 10 === REG.INDIRECTION >>> 10 && ((addr >>> 2) & 0xff) >>> iBits === 0;
    s.flt = f ? filterWordValue(f, fWord) : 0;
    s.fltHit = !event && addr >>> (5 + fBits) === FILTER_BASE >>> (5 + fBits) && fIdx < this.build.vmqFilters && fWord < 6;
  }

  /** A low-region word the write-event stream carries: KEY, when the key is a register. */
  private eventWord(word: number): boolean {
    const k = (word * 4 - REG.KEY) / 4;
    return !this.constKey && k >= 0 && k < KEY_WORDS && Number.isInteger(k);
  }

  private static data(s: Stage1): number {
    return (s.lowHit ? s.low : s.indHit ? s.ind : s.fltHit ? s.flt : 0) >>> 0;
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
      if (off >= REG.TUNNEL_PORT && off < REG.TUNNEL_PORT + 4 * this.tunnels.length) {
        this.tunnels[(off - REG.TUNNEL_PORT) / 4] = (v & TUNNEL_WORD_MASK) >>> 0;
        return;
      }
      this.key[(off - REG.KEY) / 4] = v;
      return;
    }
    if (d.ind) {
      if (strb & 1) this.table[d.indIdx] = data & this.qMask;
      return;
    }
    this.writeFilter(this.filters[d.fIdx]!, d.fWord, data, strb);
  }

  private writeFilter(f: CsrFilter, word: number, data: number, strb: number): void {
    storeFilterWord(f, word, merge(filterWordValue(f, word), data, strb), this.qMask);
  }

  /** One rising clock edge ending the current cycle, whose inputs are `i`. */
  step(i: CsrInputs): void {
    // Everything below reads the state of the ending cycle; assignments form the next.
    const t = this.now++;
    const wTake = i.s_axil_awvalid && i.s_axil_wvalid && !this.awReady && (!this.bvalid || i.s_axil_bready) && !this.fltPending;
    // The pending filter write lands at the end of its due cycle; wr_* still hold it.
    const fltApply = this.fltPending && t === this.fltDue;
    const rTake = i.s_axil_arvalid && !this.arReady && !this.rdS1 && (!this.rvalid || i.s_axil_rready);

    // The write address is decoded only in the handshake cycle H (awready), the only
    // cycle its result is used in.
    let wOk = false;
    let wRo = false;
    if (this.awReady) {
      const wd = this.decode(this.wrAddr);
      const lw = wd.low ? this.lowWord((this.wrAddr >>> 2) & 0xff) : undefined;
      wOk = (lw?.rw ?? false) || wd.ind || wd.flt;
      wRo = lw !== undefined && !lw.rw;
    }
    const wDo = this.awReady && wOk;
    const fltDo = wDo && this.decode(this.wrAddr).flt;

    // Stage-1 registers sample their address every cycle: the next values go into the
    // spare half of each double buffer, read before anything below changes the state.
    // The read path's are only ever used in the cycle after arready (rdS1), so they are
    // sampled only then; the event path's feed cfg_wr_data every cycle.
    const rdNext = this.rdSpare;
    if (this.arReady) this.stage1Into(rdNext, this.rdAddr);

    // Write event outputs and pipeline.
    if (this.events) {
      const evNext = this.evSpare;
      this.stage1Into(evNext, this.evAddr, true);
      this.wrEnOut = this.evS1;
      this.wrAddrOut = this.evAddr;
      this.wrDataOut = CsrModel.data(this.ev);
      this.evSpare = this.ev;
      this.ev = evNext;
    }
    this.evS1 = this.evPend;
    this.evPend = wDo;
    const evAddrNext = this.awReady ? this.wrAddr & 0xfffc : this.evAddr;

    // Read data.
    let rvalid = this.rvalid && !i.s_axil_rready;
    if (this.rdS1) {
      const rd = this.rd;
      rvalid = true;
      this.rdata = CsrModel.data(rd);
      this.rresp = rd.lowHit || rd.indHit || rd.fltHit ? RESP.OKAY : RESP.DECERR;
    }
    this.rvalid = rvalid;
    this.rdSpare = this.rd;
    this.rd = rdNext;
    this.rdS1 = this.arReady;
    this.arReady = rTake;
    if (rTake) this.rdAddr = i.s_axil_araddr & 0xffff;

    // Write response, then the write itself (stage-1 values above were taken before it).
    let bvalid = this.bvalid && !i.s_axil_bready;
    if (this.awReady && !fltDo) {
      bvalid = true;
      this.bresp = wOk ? RESP.OKAY : wRo ? RESP.SLVERR : RESP.DECERR;
    }
    if (fltApply) {
      bvalid = true;
      this.bresp = RESP.OKAY;
      this.fltPending = false;
      const d = this.decode(this.wrAddr);
      this.writeFilter(this.work[d.fIdx]!, d.fWord, this.wrData, this.wrStrb);
    }
    this.bvalid = bvalid;
    if (wDo) this.write(this.wrAddr, this.wrData, this.wrStrb);
    if (fltDo) {
      this.fltPending = true;
      this.fltDue = t + this.filterApply + Math.floor(this.decode(this.wrAddr).fIdx / this.filterBanks);
    }
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
