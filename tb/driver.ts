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
import type { Profile } from '../ref/profile.ts';
import type { LockstepModel, PortValue, PortValues } from './driver-model.ts';
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
  /** Cycle its record was taken from m_axis_meta (-1: not yet). */
  metaCycle: number;
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

interface Slots {
  [name: string]: PortSlot | undefined;
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
  private readonly s: Slots = {};
  private cycle = 0;
  private item = 0;
  private img: CsrImage;
  // Stream.
  private cur: FrameInfo | undefined;
  private beat = 0;
  private presenting = false;
  private duringCsr: Extract<ScriptItem, { k: 'csr' }> | undefined;
  private resetAt: { atBeat: number; cycles: number } | undefined;
  private blockOnCsr = false;
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
  private readonly zeroIn: PortValues;
  /** engineProfile(img), shared by the frames classified under the same state. */
  private snap: Profile | undefined;

  constructor(
    readonly cfg: BuildConfig,
    readonly layout: PortLayout,
    private readonly model: LockstepModel,
    readonly script: Script,
    readonly shape: TrafficShape = shapeOf(script.seed),
    /** Reset cycles at the start. */
    initialReset = 4,
  ) {
    this.r = mulberry32(script.seed ^ 0x5eed5eed);
    this.bytesPerBeat = cfg.dataWidth / 8;
    for (const sl of [...layout.inputs, ...layout.outputs]) this.s[sl.name] = sl;
    this.img = resetImage(cfg);
    this.rstLeft = initialReset;
    this.zeroIn = {};
    for (const sl of layout.inputs) this.zeroIn[sl.name] = sl.width > 32 ? 0n : 0;
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
      if (it.k === 'frame') {
        if (this.blockOnCsr && (this.writes.length || this.writePresented || this.bOutstanding)) return;
        if (this.resetAt && (this.writes.length || this.writePresented || this.bOutstanding || this.reads.length || this.readPresented || this.rOutstanding)) return;
        this.blockOnCsr = false;
        if (this.frames.length >= 2 * this.retainFrames) this.frames.splice(0, this.frames.length - this.retainFrames);
        this.cur = { id: this.frameIds++, frame: it.frame, firstCycle: -1, lastCycle: -1, profile: undefined, metaCycle: -1, cutCycle: -1, dropped: false };
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
      } else if (it.k === 'read') this.reads.push(...it.addrs);
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
    const c = this.cycle;
    this.advance();
    const out = this.model.outputs();
    const inp: PortValues = { ...this.zeroIn };
    const beats = this.cur ? Math.max(1, Math.ceil(this.cur.frame.data.length / this.bytesPerBeat)) : 0;

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
      inp.rst = 1;
      this.rstLeft--;
      this.idleLeft = 0;
    } else if (this.idleLeft > 0) this.idleLeft--;

    // Stream: hold a presented beat until it is taken; gaps only between beats.
    let tlast = false;
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
        inp.s_axis_tvalid = 1;
        inp.s_axis_tdata = f.data.subarray(off, off + nb);
        inp.s_axis_tkeep = keepOf(nb, this.bytesPerBeat);
        inp.s_axis_tlast = tlast ? 1 : 0;
        inp.s_axis_tuser = tlast && f.macError ? 1 : 0;
      }
    }

    // Metadata back-pressure.
    let metaReady = true;
    if (this.longStall > 0) {
      this.longStall--;
      metaReady = false;
    } else if (sh.longStallRate > 0 && r() < sh.longStallRate) {
      this.longStall = 1 + Math.floor(r() * sh.longStallCycles);
      metaReady = false;
    } else if (sh.metaStallRate > 0 && r() < sh.metaStallRate) metaReady = false;
    inp.m_axis_meta_tready = metaReady ? 1 : 0;

    // AXI4-Lite: one write and one read presented at a time, address and data together.
    if (!rst) {
      if (!this.writePresented && this.writes.length) this.writePresented = true;
      if (this.writePresented) {
        const w = this.writes[0]!;
        inp.s_axil_awaddr = w.addr;
        inp.s_axil_awvalid = 1;
        inp.s_axil_wdata = w.data >>> 0;
        inp.s_axil_wstrb = w.strb ?? 0xf;
        inp.s_axil_wvalid = 1;
      }
      inp.s_axil_bready = sh.respStallRate > 0 && r() < sh.respStallRate ? 0 : 1;
      if (!this.readPresented && this.reads.length) this.readPresented = true;
      if (this.readPresented) {
        inp.s_axil_araddr = this.reads[0]!;
        inp.s_axil_arvalid = 1;
      }
      inp.s_axil_rready = sh.respStallRate > 0 && r() < sh.respStallRate ? 0 : 1;
    }

    // Handshakes as the model predicts them (outputs are registered: known before the edge).
    const on = (name: string): boolean => truthy(out[name]);
    if (!rst && inp.s_axis_tvalid) {
      if (on('s_axis_tready')) {
        const f = this.cur!;
        if (this.beat === 0) f.firstCycle = c;
        this.presenting = false;
        this.beat++;
        this.lastProgress = c;
        if (this.duringCsr && this.beat > this.duringCsr.atBeat!) {
          this.writes.push(...this.duringCsr.writes);
          this.duringCsr = undefined;
        }
        if (tlast) {
          f.lastCycle = c;
          f.profile = this.snapshot();
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
    if (!rst && on('m_axis_meta_tvalid') && metaReady) {
      const f = this.inflight.shift();
      if (!f) throw new DriverError(`cycle ${c}: the cycle model delivers a record but no frame is in flight (seed ${this.script.seed})`);
      f.metaCycle = c;
      meta.push({ cycle: c, frame: f });
      this.stats.records++;
      this.lastProgress = c;
    } else if (!metaReady && on('m_axis_meta_tvalid')) this.stats.metaStallCycles++;
    if (!rst && this.writePresented && on('s_axil_awready')) {
      const w = this.writes.shift()!;
      applyWrite(this.img, w, this.cfg);
      this.snap = undefined;
      this.writePresented = false;
      this.bOutstanding++;
      this.stats.csrWrites++;
      this.lastProgress = c;
    }
    if (!rst && on('s_axil_bvalid') && inp.s_axil_bready) this.bOutstanding = Math.max(0, this.bOutstanding - 1);
    if (!rst && this.readPresented && on('s_axil_arready')) {
      this.reads.shift();
      this.readPresented = false;
      this.rOutstanding++;
      this.stats.csrReads++;
    }
    if (!rst && on('s_axil_rvalid') && inp.s_axil_rready) this.rOutstanding = Math.max(0, this.rOutstanding - 1);
    if (rst) {
      // Everything in flight is lost with the reset: registers, pipeline, FIFO.
      this.img = resetImage(this.cfg);
      this.snap = undefined;
      this.duringCsr = undefined;
      for (const f of this.inflight.splice(0)) {
        f.dropped = true;
        this.stats.recordsLost++;
      }
      this.presenting = false;
      this.bOutstanding = 0;
      this.rOutstanding = 0;
      this.lastProgress = c;
    }

    this.pack(stim, n, inp);
    this.packOut(expected, n, out);
    this.model.step(inp);
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

  private pack(buf: Uint32Array, n: number, inp: PortValues): void {
    const L = this.layout;
    const base = n * L.inWords;
    for (const name in inp) {
      const sl = this.s[name];
      if (!sl) continue;
      writeValue(buf, base + sl.offset, sl, inp[name]!);
    }
  }

  private packOut(buf: Uint32Array, n: number, out: PortValues): void {
    const base = n * this.layout.outWords;
    for (const sl of this.layout.outputs) {
      const v = out[sl.name];
      if (v === undefined) throw new DriverError(`the cycle model has no output '${sl.name}'`);
      writeValue(buf, base + sl.offset, sl, v);
    }
  }
}

function truthy(v: PortValue | undefined): boolean {
  return v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'bigint' && v !== 0n);
}

function keepOf(n: number, perBeat: number): number | bigint {
  if (perBeat <= 32) return n === 32 ? 0xffffffff : (1 << n) - 1 >>> 0;
  return (1n << BigInt(n)) - 1n;
}

/** Store a value into a slot's words (LSB first); bytes go in AXI lane order. */
export function writeValue(buf: Uint32Array, at: number, sl: PortSlot, v: PortValue): void {
  if (typeof v === 'boolean') buf[at] = v ? 1 : 0;
  else if (typeof v === 'number') {
    buf[at] = v >>> 0;
    if (sl.words > 1) buf[at + 1] = Math.floor(v / 4294967296) >>> 0;
  } else if (typeof v === 'bigint') {
    let x = v;
    for (let i = 0; i < sl.words; i++) {
      buf[at + i] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  } else {
    for (let i = 0; i < sl.words; i++) {
      const b = 4 * i;
      buf[at + i] = ((v[b] ?? 0) | ((v[b + 1] ?? 0) << 8) | ((v[b + 2] ?? 0) << 16) | ((v[b + 3] ?? 0) << 24)) >>> 0;
    }
  }
}
