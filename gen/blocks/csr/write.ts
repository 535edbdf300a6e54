// SPDX-License-Identifier: MIT
// The CSR block's write channel: the AXI4-Lite write handshake, the decode of the latched
// address, the write response, and the stores into the low-region registers and the
// indirection copy. Filter writes take their own path (filter-write.ts).

import { cat, type Expr, lit, mux, orAll } from '../../ir/expr.ts';
import type { Body, Signal } from '../../ir/module.ts';
import { RESP_DECERR, RESP_OKAY, RESP_SLVERR } from '../../regmap.ts';
import type { FilterStore } from '../filter-regs.ts';
import type { ZeroedTable } from '../zeroed-table.ts';
import type { CsrCtx, LowWords, Stored } from './context.ts';
import { type AddrDecode, decodeAddr } from './decode.ts';
import { filterWrite } from './filter-write.ts';
import type { CsrPorts } from './ports.ts';

/** The latched write: address, data, strobes, and the registers of the handshake and the response. */
export interface WriteLatch {
  /** awready = wready: high in the handshake cycle. */
  awReady: Signal;
  wrAddr: Signal;
  wrData: Signal;
  wrStrb: Signal;
  bvalidReg: Signal;
  brespReg: Signal;
  fltPending: Signal;
}

/** The decode of the latched write. */
export interface WriteDecode {
  wd: AddrDecode;
  wLowRo: Signal;
  wOk: Signal;
  /** The write takes effect at the end of this cycle (a filter write later). */
  wDo: Signal;
  fltDo: Signal;
}

export interface WriteChannel {
  awReady: Signal;
  wrAddr: Signal;
  wDo: Signal;
  store: FilterStore;
}

export function writeChannel(ctx: CsrCtx, ports: CsrPorts, state: { low: LowWords; table: ZeroedTable }): WriteChannel {
  const hs = writeHandshake(ctx, ports);
  const dec = writeDecode(ctx, hs, state.low);
  const flt = filterWrite(ctx, ports, hs, dec);
  writeResponse(ctx, ports, hs, dec, flt.apply);
  storeWrites(ctx, hs, dec, state.low.stored, state.table);
  return { awReady: hs.awReady, wrAddr: hs.wrAddr, wDo: dec.wDo, store: flt.store };
}

function writeHandshake(ctx: CsrCtx, ports: CsrPorts): WriteLatch {
  const { m } = ctx;
  const p = ports.axil;
  const awReady = m.reg('s_axil_awready_reg', 1, 0, 'awready and wready: the write handshake cycle');
  const wrAddr = m.reg('wr_addr_reg', 16, 0);
  const wrData = m.reg('wr_data_reg', 32, 0);
  const wrStrb = m.reg('wr_strb_reg', 4, 0);
  const bvalidReg = m.reg('s_axil_bvalid_reg', 1, 0);
  const brespReg = m.reg('s_axil_bresp_reg', 2, 0);
  m.assign(p.awready, awReady);
  m.assign(p.wready, awReady);
  m.assign(p.bvalid, bvalidReg);
  m.assign(p.bresp, brespReg);
  const fltPending = m.reg('filter_pending_reg', 1, 0, 'a filter write waits for its turn to reach the table');
  const wTake = m.wire(
    'wr_take',
    p.awvalid.and(p.wvalid).and(awReady.not()).and(bvalidReg.not().or(p.bready)).and(fltPending.not()),
    'latch a write; handshake next cycle',
  );
  m.sync((b) => {
    b.set(awReady, wTake);
    b.if(wTake, (t) => {
      t.set(wrAddr, p.awaddr);
      t.set(wrData, p.wdata);
      t.set(wrStrb, p.wstrb);
    });
  }, 'write address and data, taken together');
  return { awReady, wrAddr, wrData, wrStrb, bvalidReg, brespReg, fltPending };
}

/** Which register the latched write addresses, and whether it may be written. */
function writeDecode(ctx: CsrCtx, hs: WriteLatch, low: LowWords): WriteDecode {
  const { m, word8 } = ctx;
  const wd = decodeAddr(ctx.cfg, hs.wrAddr);
  const wLowRw = m.signal('wr_low_rw', 1);
  const wLowRo = m.signal('wr_low_ro', 1);
  const rwArm: [Expr[], (b: Body) => void][] = low.stored.length ? [[low.stored.map((s) => word8(s.wordAddr)), (bb) => bb.set(wLowRw, wd.low)]] : [];
  m.comb((b) => {
    b.set(wLowRw, lit(0, 1));
    b.set(wLowRo, lit(0, 1));
    b.switch(hs.wrAddr.slice(9, 2), [...rwArm, [low.ro.map((w) => word8(w.wordAddr)), (bb) => bb.set(wLowRo, wd.low)]]);
  }, 'write decode of the low region');
  const wOk = m.wire('wr_ok', orAll([wLowRw, wd.ind, wd.flt]), 'a writable register is addressed');
  const wDo = m.wire('wr_do', hs.awReady.and(wOk), 'the write takes effect at the end of this cycle (a filter write later)');
  const fltDo = m.wire('filter_do', wDo.and(wd.flt), 'a filter write: applied filterApplyDelay cycles on');
  return { wd, wLowRo, wOk, wDo, fltDo };
}

/** A filter write answers when it lands (filterApply), every other write the cycle after its handshake. */
function writeResponse(ctx: CsrCtx, ports: CsrPorts, hs: WriteLatch, dec: WriteDecode, fltApply: Signal): void {
  const { bvalidReg, brespReg } = hs;
  const wResp = mux(dec.wOk, lit(RESP_OKAY, 2), mux(dec.wLowRo, lit(RESP_SLVERR, 2), lit(RESP_DECERR, 2)));
  ctx.m.sync((b) => {
    b.if(bvalidReg.and(ports.axil.bready), (t) => t.set(bvalidReg, lit(0, 1)));
    b.if(hs.awReady.and(dec.fltDo.not()), (t) => {
      t.set(bvalidReg, lit(1, 1));
      t.set(brespReg, wResp);
    });
    b.if(fltApply, (t) => {
      t.set(bvalidReg, lit(1, 1));
      t.set(brespReg, lit(RESP_OKAY, 2));
    });
  }, 'write response');
}

function mergeLanes(old: Expr, data: Expr, strb: Expr): Expr {
  const lanes: Expr[] = [];
  for (let l = 3; l >= 0; l--) lanes.push(mux(strb.bit(l), data.slice(8 * l + 7, 8 * l), old.slice(8 * l + 7, 8 * l)));
  return cat(...lanes);
}

/** The word as a register stores it: clamped to its range, then masked to its bits. */
function fit(v: Expr, s: Stored): Expr {
  let e = v;
  if (s.clamp) e = mux(v.lt(s.clamp.min), lit(s.clamp.min, 32), mux(v.gt(s.clamp.max), lit(s.clamp.max, 32), v));
  return s.mask === 0xffffffff ? e : e.and(lit(s.mask, 32));
}

function storeWrites(ctx: CsrCtx, hs: WriteLatch, dec: WriteDecode, stored: Stored[], table: ZeroedTable): void {
  const { m } = ctx;
  const { wrAddr, wrData, wrStrb } = hs;
  for (const s of stored) {
    const merged = mergeLanes(s.view, wrData, wrStrb);
    const sel = wrAddr.slice(15, 2).eq(ctx.addrOf(s.wordAddr).slice(15, 2));
    const v = m.wire(`wr_value_${(s.wordAddr * 4).toString(16).padStart(4, '0')}`, fit(merged, s), 'the word as it would be stored');
    m.sync((b) => b.if(dec.wDo.and(sel), (t) => s.store(t, v)));
  }
  m.sync((b) => b.if(dec.wDo.and(dec.wd.ind).and(wrStrb.bit(0)), (t) => table.write(t, dec.wd.indIdx, wrData.slice(ctx.q - 1, 0))), 'indirection table copy');
}
