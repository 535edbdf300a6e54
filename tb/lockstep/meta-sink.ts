// SPDX-License-Identifier: MIT
// The metadata sink on m_axis_meta (what cocotbext-axi calls an AxiStreamSink): drives
// m_axis_meta_tready with the traffic shape's back-pressure (single-cycle stalls, and
// long stalls that fill the metadata FIFO until s_axis_tready drops) and takes a record
// whenever the cycle model predicts tvalid while tready is high. Records come in frame
// order, so the sink keeps the frames whose tlast was taken and pairs each record with
// the oldest; the scoreboard (tb/lockstep/scoreboard.ts) compares the record itself.

import type { Rand } from '../../ref/packets/index.ts';
import type { PortLayout } from '../bridge/ports.ts';
import type { DriverStats, FrameInfo, TrafficShape } from './driver.ts';
import { inputAt, isOn, outputAt, put } from './port-words.ts';

export class MetaSink {
  private readonly tready: number;
  private readonly tvalid: number;
  /** Frames whose tlast was taken, oldest first: their records are due in this order. */
  private readonly inflight: FrameInfo[] = [];
  private longStall = 0;
  /** This cycle's m_axis_meta_tready. */
  private ready = true;

  constructor(
    layout: PortLayout,
    private readonly r: Rand,
    private readonly shape: TrafficShape,
    private readonly stats: DriverStats,
  ) {
    this.tready = inputAt(layout, 'm_axis_meta_tready');
    this.tvalid = outputAt(layout, 'm_axis_meta_tvalid');
  }

  /** No record is due. */
  get idle(): boolean {
    return this.inflight.length === 0;
  }

  /** Hold m_axis_meta_tready low for at least `cycles` cycles from now (a script's stall item). */
  stall(cycles: number): void {
    this.longStall = Math.max(this.longStall, cycles);
  }

  /** A frame whose tlast was taken: its record is due after those of the frames before it. */
  expect(f: FrameInfo): void {
    this.inflight.push(f);
  }

  /** This cycle's m_axis_meta_tready (drawn in reset cycles too). */
  drive(stim: Uint32Array, ib: number): void {
    const sh = this.shape;
    let ready = true;
    if (this.longStall > 0) {
      this.longStall--;
      ready = false;
    } else if (sh.longStallRate > 0 && this.r() < sh.longStallRate) {
      this.longStall = 1 + Math.floor(this.r() * sh.longStallCycles);
      ready = false;
    } else if (sh.metaStallRate > 0 && this.r() < sh.metaStallRate) ready = false;
    put(stim, ib, this.tready, ready ? 1 : 0);
    this.ready = ready;
  }

  /** Whether a record is taken this cycle (the model's tvalid with this cycle's tready, out of reset); counts stalled cycles. */
  handshake(expected: Uint32Array, ob: number, rst: boolean): boolean {
    const valid = isOn(expected, ob, this.tvalid);
    if (!rst && valid && this.ready) return true;
    if (!this.ready && valid) this.stats.metaStallCycles++;
    return false;
  }

  /** The frame the record taken in cycle `c` belongs to; undefined when none is in flight. */
  take(c: number): FrameInfo | undefined {
    const f = this.inflight.shift();
    if (f) {
      f.metaCycle = c;
      this.stats.records++;
    }
    return f;
  }

  /** A reset: every record still in the core is lost with its pipeline and FIFO. */
  reset(): void {
    for (const f of this.inflight.splice(0)) {
      f.dropped = true;
      this.stats.recordsLost++;
    }
  }
}
