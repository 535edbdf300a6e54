// SPDX-License-Identifier: MIT
// The driver: turns a script (tb/stimulus/script.ts) into cycles of top-level inputs, ahead of
// the simulation. The cycle model predicts s_axis_tready and the AXI4-Lite ready
// signals exactly, so the driver knows every handshake without asking the RTL; each
// batch it returns holds the packed inputs and the packed outputs the model predicts,
// ready to be sent to the harness in one message and compared when it comes back.
//
// One class per interface, as cocotbext-axi has sources, sinks and masters:
// AxisSource (s_axis frames, tb/lockstep/axis-source.ts), MetaSink (m_axis_meta
// back-pressure and records, tb/lockstep/meta-sink.ts), AxilMaster (s_axil register
// writes and reads, tb/lockstep/axil-master.ts) and ResetControl (rst, tb/lockstep/reset-control.ts).
// The Driver takes the script's items in order, hands them to those classes, and runs
// one cycle: drive every interface, let the cycle model predict the outputs, take the
// handshakes it predicts, step the model.
//
// Alongside, it follows which control state each frame is classified with (a write is
// in force from the cycle after its handshake; a frame uses the state of the cycle its
// tlast beat is accepted), so the scoreboard can also check every record against the
// reference engine, independently of the cycle model.

import type { BuildConfig } from '../../gen/config.ts';
import { mulberry32 } from '../../ref/packets/index.ts';
import type { Profile, UdpTunnel } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import type { LockstepModel, PackedLockstepModel } from './model.ts';
import { packedModel } from './packed-model.ts';
import type { PortLayout } from '../bridge/ports.ts';
import type { Script, ScriptItem, StimFrame } from '../stimulus/script.ts';
import { AxilMaster } from './axil-master.ts';
import { AxisSource, LAST_BEAT, NO_BEAT } from './axis-source.ts';
import { MetaSink } from './meta-sink.ts';
import { outputAt, put } from './port-words.ts';
import { ResetControl } from './reset-control.ts';

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
  /** Frames whose tunnel port table changed between their first beat and their tlast. */
  tunnelTableChangedInFrame: number;
  resets: number;
  metaStallCycles: number;
  treadyLowCycles: number;
  gapCycles: number;
}

export class DriverError extends Error {}

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
    tunnelTableChangedInFrame: 0,
    resets: 0,
    metaStallCycles: 0,
    treadyLowCycles: 0,
    gapCycles: 0,
  };
  private readonly pm: PackedLockstepModel;
  private readonly source: AxisSource;
  private readonly sink: MetaSink;
  private readonly axil: AxilMaster;
  private readonly rst: ResetControl;
  /** Word of s_axis_tready in an output record (-1: none). */
  private readonly treadyAt: number;
  private cycle = 0;
  private item = 0;
  // Script items in progress.
  private duringCsr: Extract<ScriptItem, { k: 'csr' }> | undefined;
  private blockOnCsr = false;
  private settleReads = false;
  private idleLeft = 0;
  private lastProgress = 0;

  constructor(
    readonly cfg: BuildConfig,
    readonly layout: PortLayout,
    model: LockstepModel,
    readonly script: Script,
    readonly shape: TrafficShape = shapeOf(script.seed),
    /** Reset cycles at the start. */
    initialReset = 4,
  ) {
    // One random source for the whole traffic shape, drawn in a fixed order every cycle:
    // stream gap, metadata stalls, bready, rready.
    const r = mulberry32(script.seed ^ 0x5eed5eed);
    const bytesPerBeat = cfg.dataWidth / 8;
    if (bytesPerBeat % 4 !== 0) throw new DriverError(`data width ${cfg.dataWidth}: beats must be whole 32-bit words`);
    const td = layout.inputs.find((sl) => sl.name === 's_axis_tdata');
    if (td && td.width !== cfg.dataWidth) throw new DriverError(`s_axis_tdata is ${td.width} bits, the build says ${cfg.dataWidth}`);
    this.pm = packedModel(model, layout);
    this.source = new AxisSource(layout, bytesPerBeat, r, shape, this.stats);
    this.sink = new MetaSink(layout, r, shape, this.stats);
    this.axil = new AxilMaster(cfg, layout, r, shape, this.stats);
    this.rst = new ResetControl(layout, initialReset, this.stats);
    this.treadyAt = outputAt(layout, 's_axis_tready');
  }

  get done(): boolean {
    return (
      this.item >= this.script.items.length &&
      (!this.script.more || this.moreEnded) &&
      !this.source.frame &&
      this.idleLeft === 0 &&
      !this.rst.active &&
      !this.axil.writing &&
      !this.axil.reading &&
      this.sink.idle
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
    return (
      this.frames.find((f) => f.firstCycle >= 0 && f.firstCycle <= cycle && sending(f)) ??
      [...this.frames].reverse().find((f) => f.firstCycle >= 0 && f.firstCycle <= cycle)
    );
  }

  /** Up to `max` more cycles; undefined once the script has run out and everything drained. */
  next(max: number): Batch | undefined {
    if (this.done) return undefined;
    const L = this.layout;
    const stim = L.alloc(max);
    this.source.batch(stim);
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
    while (this.item < items.length && !this.source.frame && this.idleLeft === 0 && !this.rst.active) {
      const it = items[this.item]!;
      // A read item with `settle` holds everything after it until its reads are answered.
      if (this.settleReads) {
        if (this.axil.reading) return;
        this.settleReads = false;
      }
      if (it.k === 'frame') {
        if (this.blockOnCsr && this.axil.writing) return;
        if (this.rst.pending && (this.axil.writing || this.axil.reading)) return;
        this.blockOnCsr = false;
        if (this.frames.length >= 2 * this.retainFrames) this.frames.splice(0, this.frames.length - this.retainFrames);
        const f: FrameInfo = {
          id: this.frameIds++,
          frame: it.frame,
          firstCycle: -1,
          lastCycle: -1,
          profile: undefined,
          metaCycle: -1,
          cutCycle: -1,
          dropped: false,
        };
        this.frames.push(f);
        this.source.send(f);
        this.item++;
        return;
      }
      if (it.k === 'csr') {
        if (it.during) {
          this.duringCsr = it;
          this.stats.rewritesDuring++;
        } else {
          this.axil.write(it.writes);
          this.blockOnCsr = true;
          this.stats.rewritesBetween++;
        }
      } else if (it.k === 'read') {
        this.axil.read(it.addrs);
        this.settleReads = !!it.settle;
      } else if (it.k === 'reset') this.rst.schedule(it.atBeat, it.cycles);
      else if (it.k === 'stall') this.sink.stall(it.cycles);
      else if (it.k === 'idle') {
        if (this.axil.writing) return;
        this.idleLeft = it.cycles;
      }
      this.item++;
    }
  }

  /**
   * One cycle: its inputs go straight into record `n` of the (zeroed) batch, the cycle
   * model's prediction straight into record `n` of the expected outputs, where the
   * handshakes are read.
   */
  private stepOne(stim: Uint32Array, expected: Uint32Array, n: number, meta: MetaEvent[]): void {
    const c = this.cycle;
    const ib = n * this.layout.inWords;
    const ob = n * this.layout.outWords;
    this.advance();
    this.pm.packOutputs(expected, ob);

    // Drive every interface (the order of the traffic shape's random draws).
    if (this.rst.cuts(this.source)) this.source.cut(c);
    const rst = this.rst.drive(stim, ib);
    if (rst) this.idleLeft = 0;
    else if (this.idleLeft > 0) this.idleLeft--;
    if (this.source.held && (rst || !this.axil.writing)) this.source.held = false;
    const beat = this.source.drive(stim, ib, rst);
    // A tready that depends on this cycle's tlast (multi-cycle hasher builds).
    if (this.pm.treadyFor && this.treadyAt >= 0) put(expected, ob, this.treadyAt, this.pm.treadyFor(beat === LAST_BEAT) ? 1 : 0);
    this.sink.drive(stim, ib);
    this.axil.drive(stim, ib, rst);

    // Handshakes as the model predicts them (outputs are registered: known before the edge).
    if (beat !== NO_BEAT) {
      const f = this.source.accept(expected, ob, c);
      if (f) this.beatTaken(f, beat === LAST_BEAT, c);
    }
    if (this.sink.handshake(expected, ob, rst)) this.recordTaken(c, meta);
    if (this.axil.handshakes(expected, ob, rst)) this.lastProgress = c;
    if (rst) this.resetCycle(c);

    this.pm.stepPacked(stim, ib);
    this.cycle++;
    this.stats.cycles++;
    if (c - this.lastProgress > IDLE_LIMIT && this.idleLeft === 0) {
      throw new DriverError(`cycle ${c}: no progress for ${IDLE_LIMIT} cycles (cycle model stuck? seed ${this.script.seed})`);
    }
  }

  /** A beat of `f` was taken in cycle `c`; at its tlast the frame takes the control state in force. */
  private beatTaken(f: FrameInfo, last: boolean, c: number): void {
    this.lastProgress = c;
    // "During" writes go out once the frame's beat atBeat is taken (a frame too short for it: right after its tlast).
    const during = this.duringCsr;
    if (during && (last || this.source.beatsTaken > during.atBeat!)) {
      this.axil.write(during.writes);
      if (during.hold && !last) this.source.held = true;
      this.duringCsr = undefined;
    }
    // The tunnel port table is frame-atomic at the first beat (gen/blocks/parser-udp-tunnel.ts).
    if (f.firstCycle === c) f.tunnels = this.axil.snapshot().udpTunnels.map((t) => ({ ...t }));
    if (last) {
      const now = this.axil.snapshot();
      f.profile = withTunnels(now, f.tunnels);
      // The one case where the first-beat rule and a tlast rule can give different records.
      if (f.profile !== now) this.stats.tunnelTableChangedInFrame++;
      this.sink.expect(f);
    }
  }

  /** A record was taken from m_axis_meta in cycle `c`: it belongs to the oldest frame in flight. */
  private recordTaken(c: number, meta: MetaEvent[]): void {
    const f = this.sink.take(c);
    if (!f) throw new DriverError(`cycle ${c}: the cycle model delivers a record but no frame is in flight (seed ${this.script.seed})`);
    meta.push({ cycle: c, frame: f });
    this.lastProgress = c;
  }

  /** A reset cycle: everything in flight is lost with it (registers, pipeline, FIFO). */
  private resetCycle(c: number): void {
    this.axil.reset();
    // The remaining beats of a frame cut by the reset start a new frame, whose first beat sees the reset table.
    const cur = this.source.frame;
    if (cur) cur.tunnels = this.axil.snapshot().udpTunnels.map((t) => ({ ...t }));
    this.sink.reset();
    this.source.reset();
    this.duringCsr = undefined;
    this.lastProgress = c;
  }
}

/** The profile in force at tlast with the tunnel table of the frame's first beat (shared when they agree). */
function withTunnels(p: Profile, t: UdpTunnel[] | undefined): Profile {
  if (
    !t ||
    (t.length === p.udpTunnels.length &&
      t.every((e, i) => e.valid === p.udpTunnels[i]!.valid && e.port === p.udpTunnels[i]!.port && e.type === p.udpTunnels[i]!.type))
  )
    return p;
  return { ...p, udpTunnels: t };
}

export { writeValue } from './packed-model.ts';
