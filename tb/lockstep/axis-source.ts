// SPDX-License-Identifier: MIT
// The AXI4-Stream frame source on s_axis (what cocotbext-axi calls an AxiStreamSource):
// presents the current frame one beat per cycle and holds a beat until the cycle model
// says s_axis_tready takes it; between beats, s_axis_tvalid drops for a cycle with the
// traffic shape's gap rate. Beats are written straight into the packed input batch,
// byte i of a beat on lane i, tkeep for the bytes present, tuser on the last beat of a
// frame with a MAC error. It records each frame's first and tlast cycles; what the frame
// is classified with is the driver's business (tb/lockstep/driver.ts).

import type { Rand } from '../../ref/packets/index.ts';
import type { PortLayout } from '../bridge/ports.ts';
import type { DriverStats, FrameInfo, TrafficShape } from './driver.ts';
import { inputAt, inputSlot, isOn, outputAt, put } from './port-words.ts';

/** What drive() presented this cycle. */
export const NO_BEAT = 0;
export const BEAT = 1;
export const LAST_BEAT = 2;
export type Presented = typeof NO_BEAT | typeof BEAT | typeof LAST_BEAT;

export class AxisSource {
  private readonly tdata: number;
  private readonly tkeep: number;
  private readonly tkeepWords: number;
  private readonly tvalid: number;
  private readonly tlast: number;
  private readonly tuser: number;
  private readonly tready: number;
  /** The batch being filled, as bytes (beats are copied in lane order, no conversion). */
  private stimBytes: Uint8Array = new Uint8Array(0);
  private cur: FrameInfo | undefined;
  private beat = 0;
  /** Beats of the current frame. */
  private beats = 0;
  /** The current frame's whole 32-bit words (lane order), when its bytes are word-aligned in memory. */
  private curWords: Uint32Array | undefined;
  private presenting = false;
  /** Present no new beat (the driver holds the frame while a register write lands between two of its beats). */
  held = false;

  constructor(
    layout: PortLayout,
    private readonly bytesPerBeat: number,
    private readonly r: Rand,
    private readonly shape: TrafficShape,
    private readonly stats: DriverStats,
  ) {
    this.tdata = inputAt(layout, 's_axis_tdata');
    this.tkeep = inputAt(layout, 's_axis_tkeep');
    this.tkeepWords = inputSlot(layout, 's_axis_tkeep')?.words ?? 0;
    this.tvalid = inputAt(layout, 's_axis_tvalid');
    this.tlast = inputAt(layout, 's_axis_tlast');
    this.tuser = inputAt(layout, 's_axis_tuser');
    this.tready = outputAt(layout, 's_axis_tready');
  }

  /** The frame being sent (undefined between frames). */
  get frame(): FrameInfo | undefined {
    return this.cur;
  }

  /** Beats of the current frame taken so far. */
  get beatsTaken(): number {
    return this.beat;
  }

  /** The packed input batch the next cycles are written into. */
  batch(stim: Uint32Array): void {
    this.stimBytes = new Uint8Array(stim.buffer, stim.byteOffset, stim.byteLength);
  }

  /** Start sending a frame (the previous one has been taken whole, or cut). */
  send(f: FrameInfo): void {
    this.cur = f;
    this.beats = Math.max(1, Math.ceil(f.frame.data.length / this.bytesPerBeat));
    const d = f.frame.data;
    this.curWords = d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.length >>> 2) : undefined;
    this.beat = 0;
  }

  /** No beat is presented and the frame has reached beat `atBeat` (or its last beat): a reset may replace the next beat. */
  between(atBeat: number): boolean {
    return this.cur !== undefined && !this.presenting && this.beat >= Math.min(atBeat, this.beats - 1);
  }

  /** A reset cuts the current frame at cycle `c`: it is dropped, its record never comes. */
  cut(c: number): void {
    const f = this.cur!;
    f.dropped = true;
    f.cutCycle = c;
    this.stats.framesDropped++;
    this.cur = undefined;
  }

  /** This cycle's s_axis inputs: hold a presented beat until it is taken; gaps only between beats. */
  drive(stim: Uint32Array, ib: number, rst: boolean): Presented {
    if (rst || !this.cur) return NO_BEAT;
    const sh = this.shape;
    if (!this.presenting && this.held) return NO_BEAT;
    if (!this.presenting) {
      if (sh.gapRate > 0 && this.r() < sh.gapRate) this.stats.gapCycles++;
      else this.presenting = true;
    }
    if (!this.presenting) return NO_BEAT;
    const f = this.cur.frame;
    const off = this.beat * this.bytesPerBeat;
    const nb = Math.min(this.bytesPerBeat, f.data.length - off);
    const tlast = this.beat === this.beats - 1;
    put(stim, ib, this.tvalid, 1);
    if (this.tdata >= 0) {
      // Byte i of the beat is lane i (bits 8i+7..8i); lanes past the frame stay 0.
      // Whole words where the frame's memory allows, the bytes of a last partial word.
      let k = 0;
      const cw = this.curWords;
      if (cw) {
        const w0 = off >>> 2;
        const nw = nb >>> 2;
        for (; k < nw; k++) stim[ib + this.tdata + k] = cw[w0 + k]!;
        k *= 4;
      }
      const sb = this.stimBytes;
      const d = f.data;
      const at = 4 * (ib + this.tdata);
      for (; k < nb; k++) sb[at + k] = d[off + k]!;
    }
    if (this.tkeep >= 0) {
      for (let k = 0; k < this.tkeepWords; k++) {
        const bits = nb - 32 * k;
        stim[ib + this.tkeep + k] = bits >= 32 ? 0xffffffff : bits <= 0 ? 0 : (1 << bits) - 1;
      }
    }
    put(stim, ib, this.tlast, tlast ? 1 : 0);
    put(stim, ib, this.tuser, tlast && f.macError ? 1 : 0);
    return tlast ? LAST_BEAT : BEAT;
  }

  /**
   * The handshake of a presented beat, as the model predicts s_axis_tready: the frame
   * whose beat was taken (its tlast cycle set when it was the last), else undefined.
   */
  accept(expected: Uint32Array, ob: number, c: number): FrameInfo | undefined {
    if (!isOn(expected, ob, this.tready)) {
      this.stats.treadyLowCycles++;
      return undefined;
    }
    const f = this.cur!;
    if (this.beat === 0) f.firstCycle = c;
    this.presenting = false;
    this.beat++;
    if (this.beat === this.beats) {
      f.lastCycle = c;
      this.stats.framesSent++;
      this.cur = undefined;
    }
    return f;
  }

  /** A reset: a presented beat is withdrawn. */
  reset(): void {
    this.presenting = false;
  }
}
