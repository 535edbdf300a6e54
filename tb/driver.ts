// SPDX-License-Identifier: MIT
// The driver: turns a script (tb/stimulus.ts) into cycles of top-level inputs, ahead of
// the simulation. The cycle model predicts s_axis_tready and the AXI4-Lite ready
// signals exactly, so the driver knows every handshake without asking the RTL; each
// batch it returns holds the packed inputs and the packed outputs the model predicts,
// ready to be sent to the harness in one message and compared when it comes back.
//
// Alongside, it follows which control state each frame is classified with (a write is
// in force from the cycle after its handshake; a frame uses the state of the cycle its
// tlast beat is accepted), so the scoreboard can also check every record against the
// reference engine, independently of the cycle model.

import type { BuildConfig } from '../gen/config.ts';
import { mulberry32, type Rand } from '../ref/packets/index.ts';
import type { Profile, UdpTunnel } from '../ref/profile.ts';
import type { MetaRecord } from '../ref/record.ts';
import type { LockstepModel, PackedLockstepModel } from './driver-model.ts';
import { packedModel } from './driver-packed.ts';
import type { PortLayout, PortSlot } from './ports.ts';
import { applyWrite, engineProfile, resetImage, type CsrImage } from './stimulus-csr.ts';
import type { CsrWrite, Script, ScriptItem, StimFrame } from './stimulus.ts';

export interface TrafficShape {
  /** Probability that a beat is held back one cycle (s_axis_tvalid low). */
  gapRate: number;
  /** Probability per cycle that m_axis_meta_tready is low. */
  metaStallRate: number;
  /** Probability per cycle that a long metadata stall (fills the FIFO) starts. */
  longStallRate: number;
  longStallCycles: number;
  /** Probability per cycle that bready / rready are low. */
  respStallRate: number;
}

export const SHAPES: Record<string, TrafficShape> = {
  smooth: { gapRate: 0.01, metaStallRate: 0.01, longStallRate: 0.00003, longStallCycles: 3000, respStallRate: 0.01 },
  gappy: { gapRate: 0.2, metaStallRate: 0.1, longStallRate: 0.00005, longStallCycles: 3000, respStallRate: 0.2 },
  bursty: { gapRate: 0.02, metaStallRate: 0.02, longStallRate: 0.0002, longStallCycles: 3000, respStallRate: 0.05 },
};

/** The traffic shape a seed runs with (every shape is reached by some seed). */
export function shapeOf(seed: number): TrafficShape {
  return Object.values(SHAPES)[seed % 3]!;
}

export interface FrameInfo {
  id: number;
  frame: StimFrame;
  /** Cycle of the first accepted beat, -1 before. */
  firstCycle: number;
  /** Cycle its tlast beat was accepted (-1: not yet, or dropped by reset). */
  lastCycle: number;
  /** The control state it is classified with (set at tlast). */
  profile: Profile | undefined;
  /** The tunnel port table in force at its first beat (the parser's taps use that one). */
  tunnels?: UdpTunnel[];
  /** Cycle its record was taken from m_axis_meta (-1: not yet). */
  metaCycle: number;
  /** The reference engine's record under `profile`, once the scoreboard has computed it. */
  reference?: MetaRecord;
  /** Cycle a reset cut it (-1: not cut). */
  cutCycle: number;
  dropped: boolean;
}

/** One m_axis_meta handshake the model predicts. */
export interface MetaEvent {
  cycle: number;
  frame: FrameInfo;
}

export interface Batch {
  /** Absolute cycle of the batch's first cycle. */
  start: number;
  cycles: number;
  stim: Uint32Array;
  expected: Uint32Array;
  meta: MetaEvent[];
}

export interface DriverStats {
  cycles: number;
  framesSent: number;
  framesDropped: number;
  /** Frames whose tlast was taken but whose record a reset discarded. */
  recordsLost: number;
  records: number;
  csrWrites: number;
  csrReads: number;
  rewritesBetween: number;
  rewritesDuring: number;
  resets: number;
  metaStallCycles: number;
  treadyLowCycles: number;
  gapCycles: number;
}

export class DriverError extends Error {}

/** Word offsets of the ports the driver writes and reads within one cycle's record (-1: no such port). */
interface Offsets {
  rst: number;
  tdata: number;
  tkeep: number;
  tkeepWords: number;
  tvalid: number;
  tlast: number;
  tuser: number;
  metaReady: number;
  awaddr: number;
  awvalid: number;
  wdata: number;
  wstrb: number;
  wvalid: number;
  bready: number;
  araddr: number;
  arvalid: number;
  rready: number;
  // Outputs.
  tready: number;
  metaValid: number;
  awready: number;
  bvalid: number;
  arready: number;
  rvalid: number;
}

function offsets(L: PortLayout): Offsets {
  const at = (list: readonly PortSlot[], name: string): PortSlot | undefined => list.find((s) => s.name === name);
  const i = (name: string): number => at(L.inputs, name)?.offset ?? -1;
  const o = (name: string): number => at(L.outputs, name)?.offset ?? -1;
  return {
    rst: i('rst'),
    tdata: i('s_axis_tdata'),
    tkeep: i('s_axis_tkeep'),
    tkeepWords: at(L.inputs, 's_axis_tkeep')?.words ?? 0,
    tvalid: i('s_axis_tvalid'),
    tlast: i('s_axis_tlast'),
    tuser: i('s_axis_tuser'),
    metaReady: i('m_axis_meta_tready'),
    awaddr: i('s_axil_awaddr'),
    awvalid: i('s_axil_awvalid'),
    wdata: i('s_axil_wdata'),
    wstrb: i('s_axil_wstrb'),
    wvalid: i('s_axil_wvalid'),
    bready: i('s_axil_bready'),
    araddr: i('s_axil_araddr'),
    arvalid: i('s_axil_arvalid'),
    rready: i('s_axil_rready'),
    tready: o('s_axis_tready'),
    metaValid: o('m_axis_meta_tvalid'),
    awready: o('s_axil_awready'),
    bvalid: o('s_axil_bvalid'),
    arready: o('s_axil_arready'),
    rvalid: o('s_axil_rvalid'),
  };
}

const IDLE_LIMIT = 200_000;

export class Driver {
  readonly frames: FrameInfo[] = [];
  /** Finished frames kept in `frames` (a soak keeps a bounded window; ids go on counting). */
  retainFrames = Infinity;
  private frameIds = 0;
  private moreEnded = false;
  readonly stats: DriverStats = {
    cycles: 0,
    framesSent: 0,
    framesDropped: 0,
    recordsLost: 0,
    records: 0,
    csrWrites: 0,
    csrReads: 0,
    rewritesBetween: 0,
    rewritesDuring: 0,
    resets: 0,
    metaStallCycles: 0,
    treadyLowCycles: 0,
    gapCycles: 0,
  };
  private readonly r: Rand;
  private readonly bytesPerBeat: number;
  private readonly o: Offsets;
  private readonly pm: PackedLockstepModel;
  /** The batch being filled, as bytes (beats are copied in lane order, no conversion). */
  private stimBytes: Uint8Array = new Uint8Array(0);
  private cycle = 0;
  private item = 0;
  private img: CsrImage;
  // Stream.
  private cur: FrameInfo | undefined;
  private beat = 0;
  /** Beats of the current frame. */
  private beats = 0;
  /** The current frame's whole 32-bit words (lane order), when its bytes are word-aligned in memory. */
  private curWords: Uint32Array | undefined;
  private presenting = false;
  private duringCsr: Extract<ScriptItem, { k: 'csr' }> | undefined;
  private resetAt: { atBeat: number; cycles: number } | undefined;
  private blockOnCsr = false;
  private settleReads = false;
  private idleLeft = 0;
  private rstLeft: number;
  private readonly inflight: FrameInfo[] = [];
  // AXI4-Lite.
  private readonly writes: CsrWrite[] = [];
  private writePresented = false;
  private bOutstanding = 0;
  private readonly reads: number[] = [];
  private readPresented = false;
  private rOutstanding = 0;
  private longStall = 0;
  private lastProgress = 0;
  /** engineProfile(img), shared by the frames classified under the same state. */
  private snap: Profile | undefined;

  constructor(
    readonly cfg: BuildConfig,
    readonly layout: PortLayout,
    model: LockstepModel,
    readonly script: Script,
    readonly shape: TrafficShape = shapeOf(script.seed),
    /** Reset cycles at the start. */
    initialReset = 4,
  ) {
    this.r = mulberry32(script.seed ^ 0x5eed5eed);
    this.bytesPerBeat = cfg.dataWidth / 8;
    if (this.bytesPerBeat % 4 !== 0) throw new DriverError(`data width ${cfg.dataWidth}: beats must be whole 32-bit words`);
    this.o = offsets(layout);
    const td = layout.inputs.find((sl) => sl.name === 's_axis_tdata');
    if (td && td.width !== cfg.dataWidth) throw new DriverError(`s_axis_tdata is ${td.width} bits, the build says ${cfg.dataWidth}`);
    this.pm = packedModel(model, layout);
    this.img = resetImage(cfg);
    this.rstLeft = initialReset;
  }

  get done(): boolean {
    return (
      this.item >= this.script.items.length &&
      (!this.script.more || this.moreEnded) &&
      !this.cur &&
      this.idleLeft === 0 &&
      this.rstLeft === 0 &&
      this.writes.length === 0 &&
      !this.writePresented &&
      this.bOutstanding === 0 &&
      this.reads.length === 0 &&
      !this.readPresented &&
      this.rOutstanding === 0 &&
      this.inflight.length === 0
    );
  }

  get now(): number {
    return this.cycle;
  }

  /** The frame a signal at `cycle` concerns: the record being delivered, else the frame being sent. */
  frameAt(cycle: number, metaSide: boolean): FrameInfo | undefined {
    if (metaSide) {
      const waiting = this.frames.find((f) => f.lastCycle >= 0 && f.lastCycle <= cycle && !f.dropped && (f.metaCycle < 0 || f.metaCycle >= cycle));
      if (waiting) return waiting;
    }
    const sending = (f: FrameInfo): boolean => (f.lastCycle >= 0 ? f.lastCycle >= cycle : f.cutCycle < 0 || f.cutCycle >= cycle);
    return this.frames.find((f) => f.firstCycle >= 0 && f.firstCycle <= cycle && sending(f)) ?? [...this.frames].reverse().find((f) => f.firstCycle >= 0 && f.firstCycle <= cycle);
  }

  /** Up to `max` more cycles; undefined once the script has run out and everything drained. */
  next(max: number): Batch | undefined {
    if (this.done) return undefined;
    const L = this.layout;
    const stim = L.alloc(max);
    this.stimBytes = new Uint8Array(stim.buffer, stim.byteOffset, stim.byteLength);
    const expected = new Uint32Array(max * L.outWords);
    const meta: MetaEvent[] = [];
    const start = this.cycle;
    let n = 0;
    while (n < max && !this.done) {
      this.stepOne(stim, expected, n, meta);
      n++;
    }
    return { start, cycles: n, stim: stim.subarray(0, n * L.inWords), expected: expected.subarray(0, n * L.outWords), meta };
  }

  /** Take script items that can start now. */
  private advance(): void {
    if (this.item >= this.script.items.length && this.script.more && !this.moreEnded) {
      const next = this.script.more();
      if (next) {
        this.script.items = next;
        this.item = 0;
      } else this.moreEnded = true;
    }
    const items = this.script.items;
    while (this.item < items.length && !this.cur && this.idleLeft === 0 && this.rstLeft === 0) {
      const it = items[this.item]!;
      // A read item with `settle` holds everything after it until its reads are answered.
      if (this.settleReads) {
        if (this.reads.length || this.readPresented || this.rOutstanding) return;
        this.settleReads = false;
      }
      if (it.k === 'frame') {
        if (this.blockOnCsr && (this.writes.length || this.writePresented || this.bOutstanding)) return;
        if (this.resetAt && (this.writes.length || this.writePresented || this.bOutstanding || this.reads.length || this.readPresented || this.rOutstanding)) return;
        this.blockOnCsr = false;
        if (this.frames.length >= 2 * this.retainFrames) this.frames.splice(0, this.frames.length - this.retainFrames);
        this.cur = { id: this.frameIds++, frame: it.frame, firstCycle: -1, lastCycle: -1, profile: undefined, metaCycle: -1, cutCycle: -1, dropped: false };
        this.beats = Math.max(1, Math.ceil(it.frame.data.length / this.bytesPerBeat));
        const d = it.frame.data;
        this.curWords = d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.length >>> 2) : undefined;
        this.frames.push(this.cur);
        this.beat = 0;
        this.item++;
        return;
      }
      if (it.k === 'csr') {
        if (it.during) {
          this.duringCsr = it;
          this.stats.rewritesDuring++;
        } else {
          this.writes.push(...it.writes);
          this.blockOnCsr = true;
          this.stats.rewritesBetween++;
        }
      } else if (it.k === 'read') {
        this.reads.push(...it.addrs);
        this.settleReads = !!it.settle;
      }
      else if (it.k === 'reset') this.resetAt = { atBeat: it.atBeat, cycles: it.cycles };
      else if (it.k === 'stall') this.longStall = Math.max(this.longStall, it.cycles);
      else if (it.k === 'idle') {
        if (this.writes.length || this.writePresented || this.bOutstanding) return;
        this.idleLeft = it.cycles;
      }
      this.item++;
    }
  }

  private stepOne(stim: Uint32Array, expected: Uint32Array, n: number, meta: MetaEvent[]): void {
    const r = this.r;
    const sh = this.shape;
    const o = this.o;
    const c = this.cycle;
    // Inputs go straight into this cycle's record of the (zeroed) batch; the prediction
    // straight into its record of the expected outputs, where the handshakes are read.
    const ib = n * this.layout.inWords;
    const ob = n * this.layout.outWords;
    this.advance();
    this.pm.packOutputs(expected, ob);
    const beats = this.cur ? this.beats : 0;

    // Reset in the middle of a frame: it replaces the frame's beat `atBeat`.
    if (this.rstLeft === 0 && this.cur && this.resetAt && !this.presenting && this.beat >= Math.min(this.resetAt.atBeat, beats - 1)) {
      this.rstLeft = this.resetAt.cycles;
      this.resetAt = undefined;
      this.cur.dropped = true;
      this.cur.cutCycle = c;
      this.stats.framesDropped++;
      this.stats.resets++;
      this.cur = undefined;
    }
    const rst = this.rstLeft > 0;
    if (rst) {
      put(stim, ib, o.rst, 1);
      this.rstLeft--;
      this.idleLeft = 0;
    } else if (this.idleLeft > 0) this.idleLeft--;

    // Stream: hold a presented beat until it is taken; gaps only between beats.
    let tlast = false;
    let tvalid = false;
    if (!rst && this.cur) {
      if (!this.presenting) {
        if (sh.gapRate > 0 && r() < sh.gapRate) this.stats.gapCycles++;
        else this.presenting = true;
      }
      if (this.presenting) {
        const f = this.cur.frame;
        const off = this.beat * this.bytesPerBeat;
        const nb = Math.min(this.bytesPerBeat, f.data.length - off);
        tlast = this.beat === beats - 1;
        tvalid = true;
        put(stim, ib, o.tvalid, 1);
        if (o.tdata >= 0) {
          // Byte i of the beat is lane i (bits 8i+7..8i); lanes past the frame stay 0.
          // Whole words where the frame's memory allows, the bytes of a last partial word.
          let k = 0;
          const cw = this.curWords;
          if (cw) {
            const w0 = off >>> 2;
            const nw = nb >>> 2;
            for (; k < nw; k++) stim[ib + o.tdata + k] = cw[w0 + k]!;
            k *= 4;
          }
          const sb = this.stimBytes;
          const d = f.data;
          const at = 4 * (ib + o.tdata);
          for (; k < nb; k++) sb[at + k] = d[off + k]!;
        }
        if (o.tkeep >= 0) {
          for (let k = 0; k < o.tkeepWords; k++) {
            const bits = nb - 32 * k;
            stim[ib + o.tkeep + k] = bits >= 32 ? 0xffffffff : bits <= 0 ? 0 : (1 << bits) - 1;
          }
        }
        put(stim, ib, o.tlast, tlast ? 1 : 0);
        put(stim, ib, o.tuser, tlast && f.macError ? 1 : 0);
      }
    }

    // A tready that depends on this cycle's tlast (multi-cycle hasher builds).
    if (this.pm.treadyFor && o.tready >= 0) put(expected, ob, o.tready, this.pm.treadyFor(tlast) ? 1 : 0);

    // Metadata back-pressure.
    let metaReady = true;
    if (this.longStall > 0) {
      this.longStall--;
      metaReady = false;
    } else if (sh.longStallRate > 0 && r() < sh.longStallRate) {
      this.longStall = 1 + Math.floor(r() * sh.longStallCycles);
      metaReady = false;
    } else if (sh.metaStallRate > 0 && r() < sh.metaStallRate) metaReady = false;
    put(stim, ib, o.metaReady, metaReady ? 1 : 0);

    // AXI4-Lite: one write and one read presented at a time, address and data together.
    let bready = false;
    let rready = false;
    if (!rst) {
      if (!this.writePresented && this.writes.length) this.writePresented = true;
      if (this.writePresented) {
        const w = this.writes[0]!;
        put(stim, ib, o.awaddr, w.addr);
        put(stim, ib, o.awvalid, 1);
        put(stim, ib, o.wdata, w.data >>> 0);
        put(stim, ib, o.wstrb, w.strb ?? 0xf);
        put(stim, ib, o.wvalid, 1);
      }
      bready = !(sh.respStallRate > 0 && r() < sh.respStallRate);
      put(stim, ib, o.bready, bready ? 1 : 0);
      if (!this.readPresented && this.reads.length) this.readPresented = true;
      if (this.readPresented) {
        put(stim, ib, o.araddr, this.reads[0]!);
        put(stim, ib, o.arvalid, 1);
      }
      rready = !(sh.respStallRate > 0 && r() < sh.respStallRate);
      put(stim, ib, o.rready, rready ? 1 : 0);
    }

    // Handshakes as the model predicts them (outputs are registered: known before the edge).
    if (!rst && tvalid) {
      if (isOn(expected, ob, o.tready)) {
        const f = this.cur!;
        if (this.beat === 0) {
          f.firstCycle = c;
          // The tunnel port table is frame-atomic at the first beat (gen/blocks/parser-udp-tunnel.ts).
          f.tunnels = this.img.p.udpTunnels.map((t) => ({ ...t }));
        }
        this.presenting = false;
        this.beat++;
        this.lastProgress = c;
        if (this.duringCsr && this.beat > this.duringCsr.atBeat!) {
          this.writes.push(...this.duringCsr.writes);
          this.duringCsr = undefined;
        }
        if (tlast) {
          f.lastCycle = c;
          f.profile = withTunnels(this.snapshot(), f.tunnels);
          this.inflight.push(f);
          this.stats.framesSent++;
          this.cur = undefined;
          if (this.duringCsr) {
            // A one-beat frame: the "during" writes go out right after it.
            this.writes.push(...this.duringCsr.writes);
            this.duringCsr = undefined;
          }
        }
      } else this.stats.treadyLowCycles++;
    }
    const metaValid = isOn(expected, ob, o.metaValid);
    if (!rst && metaValid && metaReady) {
      const f = this.inflight.shift();
      if (!f) throw new DriverError(`cycle ${c}: the cycle model delivers a record but no frame is in flight (seed ${this.script.seed})`);
      f.metaCycle = c;
      meta.push({ cycle: c, frame: f });
      this.stats.records++;
      this.lastProgress = c;
    } else if (!metaReady && metaValid) this.stats.metaStallCycles++;
    if (!rst && this.writePresented && isOn(expected, ob, o.awready)) {
      const w = this.writes.shift()!;
      applyWrite(this.img, w, this.cfg);
      this.snap = undefined;
      this.writePresented = false;
      this.bOutstanding++;
      this.stats.csrWrites++;
      this.lastProgress = c;
    }
    if (!rst && bready && isOn(expected, ob, o.bvalid)) this.bOutstanding = Math.max(0, this.bOutstanding - 1);
    if (!rst && this.readPresented && isOn(expected, ob, o.arready)) {
      this.reads.shift();
      this.readPresented = false;
      this.rOutstanding++;
      this.stats.csrReads++;
    }
    if (!rst && rready && isOn(expected, ob, o.rvalid)) this.rOutstanding = Math.max(0, this.rOutstanding - 1);
    if (rst) {
      // Everything in flight is lost with the reset: registers, pipeline, FIFO.
      this.img = resetImage(this.cfg);
      this.snap = undefined;
      this.duringCsr = undefined;
      // Its remaining beats start a new frame, whose first beat sees the reset table.
      if (this.cur) this.cur.tunnels = this.img.p.udpTunnels.map((t) => ({ ...t }));
      for (const f of this.inflight.splice(0)) {
        f.dropped = true;
        this.stats.recordsLost++;
      }
      this.presenting = false;
      this.bOutstanding = 0;
      this.rOutstanding = 0;
      this.lastProgress = c;
    }

    this.pm.stepPacked(stim, ib);
    this.cycle++;
    this.stats.cycles++;
    if (c - this.lastProgress > IDLE_LIMIT && this.idleLeft === 0) {
      throw new DriverError(`cycle ${c}: no progress for ${IDLE_LIMIT} cycles (cycle model stuck? seed ${this.script.seed})`);
    }
  }

  private snapshot(): Profile {
    this.snap ??= engineProfile(this.img);
    return this.snap;
  }
}

/** The profile in force at tlast with the tunnel table of the frame's first beat (shared when they agree). */
function withTunnels(p: Profile, t: UdpTunnel[] | undefined): Profile {
  if (!t || (t.length === p.udpTunnels.length && t.every((e, i) => e.valid === p.udpTunnels[i]!.valid && e.port === p.udpTunnels[i]!.port && e.type === p.udpTunnels[i]!.type))) return p;
  return { ...p, udpTunnels: t };
}

// Per-cycle helpers are plain functions: a closure made every cycle costs more than
// the work it does (tsx also wraps every closure it creates to keep its name).

/** Store an input word of this cycle's record (off -1: a port the layout lacks). */
function put(stim: Uint32Array, ib: number, off: number, v: number): void {
  if (off >= 0) stim[ib + off] = v;
}

/** A 1-bit output of this cycle's prediction is high (a port the layout lacks is low). */
function isOn(expected: Uint32Array, ob: number, off: number): boolean {
  return off >= 0 && expected[ob + off] !== 0;
}

export { writeValue } from './driver-packed.ts';
