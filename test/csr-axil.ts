// SPDX-License-Identifier: MIT
// A random AXI4-Lite master for the CSR tests: it reacts to the CSR model's outputs (the
// model is cycle-exact, so the same inputs are legal for the RTL, and any difference
// shows up in the lockstep comparison at the first cycle where they part).

import type { BuildConfig } from '../gen/config.ts';
import { COUNTER_BASE, COUNTER_NAMES, CTRL_BASE, FILTER_BASE, FILTER_STRIDE, INDIRECTION_BASE, KEY_BASE } from '../gen/regmap.ts';
import type { CsrInputs, CsrOutputs } from '../ref/cycle/csr-model.ts';
import type { rng } from './block-sim.ts';

type Rng = ReturnType<typeof rng>;

const INTERESTING = [0, 1, 2, 3, 7, 8, 63, 64, 65, 128, 255, 256, 257, 1023, 0x1000, 0xffff, 0x7fffffff, 0xffffffff];

export function randomAddress(r: Rng, cfg: BuildConfig): number {
  const k = r.int(100);
  let a: number;
  if (k < 30) a = r.chance(0.5) ? CTRL_BASE + 4 * r.int(7) : KEY_BASE + 4 * r.int(11);
  else if (k < 40) a = r.chance(0.5) ? 4 * r.int(17) : COUNTER_BASE + 4 * r.int(COUNTER_NAMES.length + 1);
  else if (k < 60) a = INDIRECTION_BASE + 4 * r.int(Math.min(256, cfg.indirectionEntries + 4));
  else if (k < 85) a = FILTER_BASE + FILTER_STRIDE * r.int(cfg.vmqFilters + 2) + 4 * r.int(8);
  else a = r.int(0x10000);
  // Address bits 1:0 are ignored by the block: exercise that too.
  return r.chance(0.1) ? (a | r.int(4)) & 0xffff : a;
}

export function randomData(r: Rng): number {
  return r.chance(0.4) ? INTERESTING[r.int(INTERESTING.length)]! : r.u32();
}

interface Txn {
  addr: number;
  data: number;
  strb: number;
  aw: number; // cycles until awvalid rises (then held until the handshake)
  w: number;
  awDone: boolean;
  wDone: boolean;
}

/** One cycle of a random master: inputs for this cycle given the CSR's outputs in it. */
export class RandomMaster {
  private wr: Txn | undefined;
  private wrGap = 0;
  private rd: { addr: number; delay: number } | undefined;
  private rdGap = 0;
  readonly log = { writes: 0, reads: 0, bresp: [0, 0, 0, 0], rresp: [0, 0, 0, 0] };

  constructor(
    private readonly r: Rng,
    private readonly cfg: BuildConfig,
    private readonly busy = 0.5,
  ) {}

  cycle(o: CsrOutputs): CsrInputs {
    const r = this.r;
    if (!this.wr && this.wrGap-- <= 0) {
      this.wr = {
        addr: randomAddress(r, this.cfg),
        data: randomData(r),
        strb: r.chance(0.6) ? 0xf : r.int(16),
        aw: r.int(4),
        w: r.int(4),
        awDone: false,
        wDone: false,
      };
    }
    if (!this.rd && this.rdGap-- <= 0) this.rd = { addr: randomAddress(r, this.cfg), delay: r.int(3) };
    const w = this.wr;
    const awvalid = !!w && !w.awDone && w.aw-- <= 0;
    const wvalid = !!w && !w.wDone && w.w-- <= 0;
    const arvalid = !!this.rd && this.rd.delay-- <= 0;
    const i: CsrInputs = {
      s_axil_awaddr: awvalid ? w!.addr : r.int(0x10000),
      s_axil_awvalid: awvalid,
      s_axil_wdata: wvalid ? w!.data : r.u32(),
      s_axil_wstrb: wvalid ? w!.strb : r.int(16),
      s_axil_wvalid: wvalid,
      s_axil_bready: r.chance(this.busy),
      s_axil_araddr: arvalid ? this.rd!.addr : r.int(0x10000),
      s_axil_arvalid: arvalid,
      s_axil_rready: r.chance(this.busy),
      cnt_valid: r.chance(0.3),
      cnt: COUNTER_NAMES.map(() => r.chance(0.5)),
    };
    if (w) {
      if (awvalid && o.s_axil_awready) w.awDone = true;
      if (wvalid && o.s_axil_wready) w.wDone = true;
      if (w.awDone && w.wDone) {
        this.wr = undefined;
        this.log.writes++;
        this.wrGap = r.chance(0.5) ? 0 : r.int(6);
      }
    }
    if (arvalid && o.s_axil_arready) {
      this.rd = undefined;
      this.log.reads++;
      this.rdGap = r.chance(0.5) ? 0 : r.int(6);
    }
    if (o.s_axil_bvalid && i.s_axil_bready) this.log.bresp[o.s_axil_bresp]!++;
    if (o.s_axil_rvalid && i.s_axil_rready) this.log.rresp[o.s_axil_rresp]!++;
    return i;
  }
}
