// SPDX-License-Identifier: MIT
// The AXI4-Lite master on s_axil (what cocotbext-axi calls an AxiLiteMaster): register
// writes and reads queued by the script, one write and one read presented at a time
// (address and data together), bready / rready stalls from the traffic shape. It also
// keeps what the registers hold as the written values take effect (a write is in force
// from the cycle after its address handshake; tb/stimulus/csr.ts applyWrite), which is
// the control state each frame is classified with at its tlast.

import type { BuildConfig } from '../../gen/config.ts';
import type { Rand } from '../../ref/packets/index.ts';
import type { Profile } from '../../ref/profile.ts';
import type { PortLayout } from '../bridge/ports.ts';
import { applyWrite, engineProfile, resetImage, type CsrImage } from '../stimulus/csr.ts';
import type { CsrWrite } from '../stimulus/script.ts';
import type { DriverStats, TrafficShape } from './driver.ts';
import { inputAt, isOn, outputAt, put } from './port-words.ts';

export class AxilMaster {
  private readonly awaddr: number;
  private readonly awvalid: number;
  private readonly wdata: number;
  private readonly wstrb: number;
  private readonly wvalid: number;
  private readonly bready: number;
  private readonly araddr: number;
  private readonly arvalid: number;
  private readonly rready: number;
  private readonly awready: number;
  private readonly bvalid: number;
  private readonly arready: number;
  private readonly rvalid: number;
  private readonly writes: CsrWrite[] = [];
  private writePresented = false;
  private bOutstanding = 0;
  private readonly reads: number[] = [];
  private readPresented = false;
  private rOutstanding = 0;
  /** This cycle's bready / rready. */
  private bReady = false;
  private rReady = false;
  private img: CsrImage;
  /** engineProfile(img), shared by the frames classified under the same state. */
  private snap: Profile | undefined;

  constructor(
    private readonly cfg: BuildConfig,
    layout: PortLayout,
    private readonly r: Rand,
    private readonly shape: TrafficShape,
    private readonly stats: DriverStats,
  ) {
    this.awaddr = inputAt(layout, 's_axil_awaddr');
    this.awvalid = inputAt(layout, 's_axil_awvalid');
    this.wdata = inputAt(layout, 's_axil_wdata');
    this.wstrb = inputAt(layout, 's_axil_wstrb');
    this.wvalid = inputAt(layout, 's_axil_wvalid');
    this.bready = inputAt(layout, 's_axil_bready');
    this.araddr = inputAt(layout, 's_axil_araddr');
    this.arvalid = inputAt(layout, 's_axil_arvalid');
    this.rready = inputAt(layout, 's_axil_rready');
    this.awready = outputAt(layout, 's_axil_awready');
    this.bvalid = outputAt(layout, 's_axil_bvalid');
    this.arready = outputAt(layout, 's_axil_arready');
    this.rvalid = outputAt(layout, 's_axil_rvalid');
    this.img = resetImage(cfg);
  }

  /** Queue register writes, sent in order. */
  write(ws: readonly CsrWrite[]): void {
    this.writes.push(...ws);
  }

  /** Queue register reads, sent in order. */
  read(addrs: readonly number[]): void {
    this.reads.push(...addrs);
  }

  /** A write is queued, presented, or waiting for its response. */
  get writing(): boolean {
    return this.writes.length > 0 || this.writePresented || this.bOutstanding > 0;
  }

  /** A read is queued, presented, or waiting for its data. */
  get reading(): boolean {
    return this.reads.length > 0 || this.readPresented || this.rOutstanding > 0;
  }

  /** The control state in force now, as the reference engine takes it. */
  snapshot(): Profile {
    this.snap ??= engineProfile(this.img);
    return this.snap;
  }

  /** This cycle's s_axil inputs (all low during reset). */
  drive(stim: Uint32Array, ib: number, rst: boolean): void {
    if (rst) {
      this.bReady = false;
      this.rReady = false;
      return;
    }
    const sh = this.shape;
    if (!this.writePresented && this.writes.length) this.writePresented = true;
    if (this.writePresented) {
      const w = this.writes[0]!;
      put(stim, ib, this.awaddr, w.addr);
      put(stim, ib, this.awvalid, 1);
      put(stim, ib, this.wdata, w.data >>> 0);
      put(stim, ib, this.wstrb, w.strb ?? 0xf);
      put(stim, ib, this.wvalid, 1);
    }
    this.bReady = !(sh.respStallRate > 0 && this.r() < sh.respStallRate);
    put(stim, ib, this.bready, this.bReady ? 1 : 0);
    if (!this.readPresented && this.reads.length) this.readPresented = true;
    if (this.readPresented) {
      put(stim, ib, this.araddr, this.reads[0]!);
      put(stim, ib, this.arvalid, 1);
    }
    this.rReady = !(sh.respStallRate > 0 && this.r() < sh.respStallRate);
    put(stim, ib, this.rready, this.rReady ? 1 : 0);
  }

  /** This cycle's AW/W, B, AR and R handshakes as the model predicts them; true when a write was taken. */
  handshakes(expected: Uint32Array, ob: number, rst: boolean): boolean {
    if (rst) return false;
    let wrote = false;
    if (this.writePresented && isOn(expected, ob, this.awready)) {
      const w = this.writes.shift()!;
      applyWrite(this.img, w, this.cfg);
      this.snap = undefined;
      this.writePresented = false;
      this.bOutstanding++;
      this.stats.csrWrites++;
      wrote = true;
    }
    if (this.bReady && isOn(expected, ob, this.bvalid)) this.bOutstanding = Math.max(0, this.bOutstanding - 1);
    if (this.readPresented && isOn(expected, ob, this.arready)) {
      this.reads.shift();
      this.readPresented = false;
      this.rOutstanding++;
      this.stats.csrReads++;
    }
    if (this.rReady && isOn(expected, ob, this.rvalid)) this.rOutstanding = Math.max(0, this.rOutstanding - 1);
    return wrote;
  }

  /** A reset: the registers return to their reset values and no response is owed; queued and presented requests stay. */
  reset(): void {
    this.img = resetImage(this.cfg);
    this.snap = undefined;
    this.bOutstanding = 0;
    this.rOutstanding = 0;
  }
}
