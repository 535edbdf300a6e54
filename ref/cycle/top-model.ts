// SPDX-License-Identifier: MIT
// Cycle-exact model of the top level (nvgre_rx): given each cycle's inputs it predicts
// every output of that cycle. The classification itself is the reference engine's; what
// this adds is time: which configuration a frame sees (the CSR state in force in its
// tlast cycle), when its record is pushed and counted, the meta FIFO's output register,
// s_axis_tready, and synchronous reset at any point (also inside a frame).
//
// It knows nothing of gen/: the generator's figures come in as TopModelParams (see
// topModelParams in gen/top/model-params.ts). A cycle is: read `outputs` (registered state, what the
// hardware shows before the rising edge), then `step(inputs)` (the rising edge).

import type { BuildParams } from '../build.ts';
import { RefEngine } from '../engine.ts';
import type { Filter, Profile, UdpTunnel } from '../profile.ts';
import type { MetaRecord } from '../record.ts';
import { COUNTERS } from '../regmap.generated.ts';
import { type CsrInputs, CsrModel, type CsrOutputs, idleCsrInputs } from './csr-model.ts';

export interface TopModelParams {
  build: BuildParams;
  /** Cycles from the tlast cycle T to the cycle the record is pushed and counted. */
  pushDelay: number;
  /** s_axis_tready needs frames-in-flight-or-queued + 1 <= capacity. */
  capacity: number;
  /** The CAP_LATENCY register value. */
  latency: number;
  /** A const-key build's key. */
  constKey?: Uint8Array;
  /** CsrModelOptions.filterApplyDelay: when a filter write reaches the table reads return. */
  filterApplyDelay: number;
  /** CsrModelOptions.filterBanks: filter f is applied filterApplyDelay + (f div filterBanks) cycles after its handshake. */
  filterBanks: number;
  /**
   * Fewest cycles between two accepted tlast beats (1: no limit). A build whose hasher
   * takes K cycles per frame holds a tlast beat that comes sooner: s_axis_tready is then
   * low in that beat's cycle (it depends on s_axis_tlast; see treadyFor).
   */
  tlastGap: number;
  /**
   * `toeplitz: "tables"` builds: the key a frame hashes with is the one in force when the
   * tables' last rebuild ended. A KEY write with handshake H (any strobes) reaches frames
   * with T >= H + 1 + keyRebuild, unless another KEY write comes in H+1 .. H+keyRebuild
   * (it restarts the rebuild); frames before see the previous key whole. Undefined: the
   * key is read directly (T >= H+1).
   */
  keyRebuild?: number;
}

export interface TopInputs extends Omit<CsrInputs, 'cnt_valid' | 'cnt'> {
  rst: boolean;
  /** The beat's bytes in lane order (lane i = bits 8i+7..8i); missing lanes read as 0. */
  s_axis_tdata: Uint8Array;
  /** The same beat as 32-bit words (the packed driver's form), copied word by word when present. */
  s_axis_tdata_words?: Uint32Array;
  s_axis_tkeep: bigint;
  /** The same bits as 32-bit words, least significant first; used instead of s_axis_tkeep when present. */
  s_axis_tkeep_words?: Uint32Array;
  s_axis_tvalid: boolean;
  s_axis_tlast: boolean;
  s_axis_tuser: boolean;
  m_axis_meta_tready: boolean;
}

export interface TopOutputs extends Omit<CsrOutputs, `cfg_${string}`> {
  s_axis_tready: boolean;
  m_axis_meta_tvalid: boolean;
  /** The record on m_axis_meta_tdata: the last one loaded since the reset (undefined: the register reads 0). */
  meta: MetaRecord | undefined;
}

/** Bytes a tlast beat adds for its tkeep, as nvgre_rx_capture counts them. */
export function lastBeatBytes(tkeep: bigint | Uint32Array, beatBytes: number): number {
  const words = typeof tkeep === 'bigint' ? keepWords(tkeep, beatBytes) : tkeep;
  const bit = (i: number): number => (words[i >>> 5]! >>> (i & 31)) & 1;
  if (bit(beatBytes - 1)) return beatBytes;
  let v = 0;
  for (let i = 0; i < beatBytes - 1; i++) if (bit(i) && !bit(i + 1)) v |= i + 1;
  return v;
}

function keepWords(tkeep: bigint, beatBytes: number): Uint32Array {
  const w = new Uint32Array(Math.ceil(beatBytes / 32));
  for (let i = 0; i < w.length; i++) w[i] = Number((tkeep >> BigInt(32 * i)) & 0xffffffffn);
  return w;
}

export class TopModel {
  readonly beatBytes: number;
  private csr!: CsrModel;
  private engine!: RefEngine;
  private profileDirty = true;
  /** The cycle about to be stepped. */
  cycle = 0;
  /** Records accepted since the model was made (the `frame` field of records). */
  frames = 0;

  // Capture.
  private window!: Uint8Array;
  /** The window as words, when its length is whole words. */
  private window32: Uint32Array | undefined;
  private beats = 0;
  /**
   * The tunnel port table in force when the current frame's first beat was accepted: the
   * parser's taps locate the tunnel layers as the beats pass, so this table is frame-atomic
   * at the first beat (docs/PIPELINE.md, "UDP tunnels"), the rest of the configuration at tlast.
   */
  private frameTunnels: UdpTunnel[] = [];
  private engineTunnels: UdpTunnel[] = [];

  // Records on their way to the FIFO, in order.
  // The push cycle of each, and its record (parallel queues).
  private flightAt: number[] = [];
  private flightRec: MetaRecord[] = [];
  // Meta FIFO: memory and output register.
  private mem: MetaRecord[] = [];
  private outValid = false;
  private outRec: MetaRecord | undefined;
  private occupancy = 0;
  private ready = true;
  /** Cycles since the last accepted tlast beat, saturating at tlastGap. */
  private gap = 1;
  /** Tables builds: the key frames hash with, and the first frame cycle of the pending switch. */
  private tablesKey: Uint8Array = new Uint8Array(40);
  private switchAt: number | undefined;
  /** A frame longer than the window, for the engine: the window's bytes then zeros (never written past the window). */
  private long = new Uint8Array(0);
  /** The CSR block's inputs, one object refilled every cycle. */
  private readonly csrIn: CsrInputs;
  private readonly cntFlags = new Array<boolean>(COUNTERS.length).fill(false);

  constructor(readonly p: TopModelParams) {
    this.beatBytes = p.build.dataWidth / 8;
    this.csrIn = { ...idleCsrInputs(), cnt: NO_COUNTS };
    this.reset();
  }

  private reset(): void {
    this.csr = new CsrModel({
      build: this.p.build,
      latency: this.p.latency,
      constKey: this.p.constKey,
      keyTables: this.p.keyRebuild !== undefined,
      events: false,
      filterApplyDelay: this.p.filterApplyDelay,
      filterBanks: this.p.filterBanks,
    });
    this.profileDirty = true;
    this.window = new Uint8Array(this.p.build.maxHeaderBytes);
    this.window32 = this.window.length % 4 === 0 ? new Uint32Array(this.window.buffer) : undefined;
    this.beats = 0;
    this.frameTunnels = [];
    this.flightAt = [];
    this.flightRec = [];
    this.mem = [];
    // The output register resets to 0 (gen/blocks/meta-fifo.ts): m_axis_meta_tdata reads 0
    // until the first record after the reset is loaded.
    this.outValid = false;
    this.outRec = undefined;
    this.occupancy = 0;
    this.ready = true;
    this.gap = this.p.tlastGap;
    this.tablesKey = new Uint8Array(40);
    this.switchAt = undefined;
  }

  get csrModel(): CsrModel {
    return this.csr;
  }

  // The stream outputs one by one, without the `outputs` object (read every cycle by the
  // lockstep loop; the AXI4-Lite ones are csrModel's).
  /** s_axis_tready for a cycle whose beat is not a tlast (or no beat). */
  get sAxisTready(): boolean {
    return this.ready;
  }
  /**
   * s_axis_tready in this cycle given its s_axis_tlast: a tlast beat less than tlastGap
   * cycles after the previous accepted one is held (the only output that depends on an
   * input of its own cycle).
   */
  treadyFor(tlast: boolean): boolean {
    return this.ready && !(tlast && this.gap < this.p.tlastGap);
  }
  get metaValid(): boolean {
    return this.outValid;
  }
  /** The record on m_axis_meta_tdata (see TopOutputs.meta). */
  get metaRecord(): MetaRecord | undefined {
    return this.outRec;
  }

  get outputs(): TopOutputs {
    const c = this.csr.outputs;
    return {
      s_axil_awready: c.s_axil_awready,
      s_axil_wready: c.s_axil_wready,
      s_axil_bvalid: c.s_axil_bvalid,
      s_axil_bresp: c.s_axil_bresp,
      s_axil_arready: c.s_axil_arready,
      s_axil_rvalid: c.s_axil_rvalid,
      s_axil_rdata: c.s_axil_rdata,
      s_axil_rresp: c.s_axil_rresp,
      s_axis_tready: this.ready,
      m_axis_meta_tvalid: this.outValid,
      meta: this.outRec,
    };
  }

  /** The profile the CSR block holds in force now. */
  profile(): Profile {
    const s = this.csr;
    const filters: Filter[] = s.filters.map((f) => ({
      valid: f.valid,
      mac: Uint8Array.of(f.macHi >>> 8, f.macHi & 0xff, f.macLo >>> 24, (f.macLo >>> 16) & 0xff, (f.macLo >>> 8) & 0xff, f.macLo & 0xff),
      matchVlan: f.matchVlan,
      vlanId: f.vlan,
      matchVsid: f.matchVsid,
      vsid: f.vsid,
      queue: f.queue,
    }));
    return {
      key: this.p.keyRebuild === undefined ? s.keyBytes() : this.tablesKey,
      hashTypes: s.hashTypes,
      rssEnable: (s.ctrl & 1) !== 0,
      vmqEnable: (s.ctrl & 2) !== 0,
      encapRssEnable: (s.ctrl & 4) !== 0,
      encapVmqEnable: (s.ctrl & 8) !== 0,
      indirection: s.table.slice(0, 1 << s.indirectionBits),
      rssDefaultQueue: s.rssDefaultQueue,
      vmqDefaultQueue: s.vmqDefaultQueue,
      filters,
      maxHeaderBytes: s.maxHeaderBytes,
      udpTunnels: s.udpTunnels(),
    };
  }

  private classify(len: number, macError: boolean): MetaRecord {
    if (!this.profileDirty && !sameTunnels(this.engineTunnels, this.frameTunnels)) this.profileDirty = true;
    if (this.profileDirty) {
      const prof = { ...this.profile(), udpTunnels: this.frameTunnels };
      this.engineTunnels = this.frameTunnels;
      if (this.engine) this.engine.setProfile(prof);
      else this.engine = new RefEngine(prof, this.p.build);
      this.profileDirty = false;
    }
    // Only the window is ever read (the limit is at most max_header_bytes): the engine
    // sees the window's first `len` bytes, zeros after the window.
    let frame: Uint8Array;
    if (len <= this.window.length) frame = this.window.subarray(0, len);
    else {
      if (this.long.length < len) this.long = new Uint8Array(Math.max(len, 2 * this.long.length));
      this.long.set(this.window);
      frame = this.long.subarray(0, len);
    }
    return this.engine.classify(frame, { frameIndex: this.frames++, macError });
  }

  /** The rising edge that ends the current cycle, whose inputs are `i`. */
  step(i: TopInputs): void {
    const t = this.cycle++;
    if (i.rst) {
      this.reset();
      return;
    }
    // Tables builds: the rebuild of the last KEY write has ended for frames from this cycle.
    if (this.switchAt !== undefined && t >= this.switchAt) {
      this.tablesKey = this.csr.keyBytes();
      this.switchAt = undefined;
      this.profileDirty = true;
    }
    const W = this.beatBytes;
    const accept = i.s_axis_tvalid && this.treadyFor(i.s_axis_tlast);

    // Records pushed this cycle: counted now, stored at the FIFO's tail.
    let pushed: MetaRecord | undefined;
    if (this.flightAt.length && this.flightAt[0] === t) {
      this.flightAt.shift();
      pushed = this.flightRec.shift();
    }

    // A frame ending this cycle is classified with the configuration in force now.
    if (accept) {
      if (this.beats === 0) this.frameTunnels = this.p.build.udpTunnelPorts > 0 ? this.csr.udpTunnels() : [];
      const base = this.beats * W;
      const n = Math.min(W, this.window.length - base);
      const tw = i.s_axis_tdata_words;
      const w32 = this.window32;
      // n <= 0 once the frame is past the window: nothing is stored then.
      if (n > 0 && tw && w32 && (n & 3) === 0 && (base & 3) === 0 && tw.length * 4 >= n) {
        for (let k = 0; k < n >>> 2; k++) w32[(base >>> 2) + k] = tw[k]!;
      } else for (let k = 0; k < n; k++) this.window[base + k] = i.s_axis_tdata[k] ?? 0;
      if (i.s_axis_tlast) {
        const full = this.beats * W + lastBeatBytes(i.s_axis_tkeep_words ?? i.s_axis_tkeep, W);
        const rec = this.classify(Math.min(full, 0xffff), i.s_axis_tuser);
        this.flightAt.push(t + this.p.pushDelay);
        this.flightRec.push(rec);
        this.beats = 0;
      } else {
        this.beats++;
      }
    }

    // Meta FIFO (gen/blocks/meta-fifo.ts): decisions on this cycle's state.
    const take = this.outValid && i.m_axis_meta_tready;
    const load = this.mem.length > 0 && (!this.outValid || take);
    if (load) {
      this.outRec = this.mem.shift();
      this.outValid = true;
    } else if (take) {
      this.outValid = false;
    }
    if (pushed) this.mem.push(pushed);

    // Occupancy and s_axis_tready.
    const inc = accept && i.s_axis_tlast ? 1 : 0;
    if (inc) this.gap = 1;
    else if (this.gap < this.p.tlastGap) this.gap++;
    this.occupancy += inc - (take ? 1 : 0);
    this.ready = this.occupancy < this.p.capacity;

    // The CSR block; a write handshake now changes the configuration from the next cycle.
    if (this.csr.awready) this.profileDirty = true;
    if (this.p.keyRebuild !== undefined && this.csr.keyWriteNow) this.switchAt = t + 1 + this.p.keyRebuild;
    const c = this.csrIn;
    c.s_axil_awaddr = i.s_axil_awaddr;
    c.s_axil_awvalid = i.s_axil_awvalid;
    c.s_axil_wdata = i.s_axil_wdata;
    c.s_axil_wstrb = i.s_axil_wstrb;
    c.s_axil_wvalid = i.s_axil_wvalid;
    c.s_axil_bready = i.s_axil_bready;
    c.s_axil_araddr = i.s_axil_araddr;
    c.s_axil_arvalid = i.s_axil_arvalid;
    c.s_axil_rready = i.s_axil_rready;
    c.cnt_valid = pushed !== undefined;
    c.cnt = pushed ? counterFlags(pushed, this.cntFlags) : NO_COUNTS;
    this.csr.step(c);
  }
}

function sameTunnels(a: readonly UdpTunnel[], b: readonly UdpTunnel[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.valid !== b[i]!.valid || a[i]!.port !== b[i]!.port || a[i]!.type !== b[i]!.type) return false;
  return true;
}

const NO_COUNTS: readonly boolean[] = COUNTERS.map(() => false);

/** Counter names a record can increment (the register map's). */
export type CountedName = (typeof COUNTERS)[number];

/** Whether a record increments one counter. */
export function counts(n: CountedName, r: MetaRecord): boolean {
  switch (n) {
    case 'frames':
      return true;
    case 'encap':
      return r.encap !== 'none';
    case 'nvgre':
      return r.encap === 'nvgre';
    case 'vxlan':
      return r.encap === 'vxlan';
    case 'geneve':
      return r.encap === 'geneve';
    case 'four_tuple':
      return r.hash_input === '4tuple' || r.hash_input === 'inner-4tuple';
    case 'outer_2tuple':
      return r.hash_input === 'outer-2tuple';
    case 'no_hash':
      return r.hash_input === 'none';
    case 'vmq_hit':
      return r.vmq_hit;
    case 'parse_error':
      for (const e of r.errors) if (e !== 'mac_error') return true;
      return false;
    case 'mac_error':
      return r.errors.includes('mac_error');
  }
}

/** The counter increments of one record, in COUNTERS order (into `out` when given). */
export function counterFlags(r: MetaRecord, out: boolean[] = new Array<boolean>(COUNTERS.length)): boolean[] {
  for (let k = 0; k < COUNTERS.length; k++) out[k] = counts(COUNTERS[k]!, r);
  return out;
}
