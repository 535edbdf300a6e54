// SPDX-License-Identifier: MIT
// nvgre_rx_csr: the AXI4-Lite register block of docs/ARCHITECTURE.md, built from the one
// register map in gen/regmap.ts.
//
// Timing (cycle-exact; ref/cycle/csr-model.ts is the same machine in TypeScript):
//   Write. In a cycle D with awvalid && wvalid && !awready && (!bvalid || bready) the
//   address, data and strobes are latched and awready = wready = 1 in D+1 (= H, the
//   handshake cycle; the slave waits for both valids, so they may come in either order).
//   The write takes effect at the end of H: the CSR's copy and the cfg_* outputs show it
//   from H+1. bvalid/bresp from H+1 until bready. cfg_wr_en/addr/data is high in H+3
//   only, for an accepted write (OKAY), carrying the word as stored (merged with the old
//   value per wstrb, masked), read back from the CSR's copy, for the words that have
//   event consumers (indirection table, KEY when it is a register); 0 for the others,
//   which the pipeline takes from cfg_* instead.
//   Filter writes are the exception: the filter table is stored once, here, and it is the
//   VMQ block's working copy (cfg_filter_* buses), so a filter write is applied at the end
//   of cycle H+F (F = filterApplyDelay, the distance at which the VMQ block reads the
//   filters for a frame whose tlast is in H+1: frame-atomic as the event streams are).
//   Its bvalid comes from H+F+1, and no other write is taken before then, so a read
//   issued after the write response returns the new value.
//   Read. In a cycle D with arvalid && !arready && no read in progress && (!rvalid ||
//   rready) the address is latched; arready = 1 in D+1 (= H). The data is the registers'
//   content during H (counters count the cnt_* pulses of cycles before H); rvalid/rdata/
//   rresp from H+2 until rready. Reads and writes run independently.
//   Address bits 1:0 are ignored.
// Responses: OKAY; SLVERR for a write to a read-only register (nothing changes);
// DECERR for an unmapped address (reads return 0).

import { cat, Expr, lit, mux, namedLit, orAll } from '../ir/expr.ts';
import { Module, type Body, type Signal } from '../ir/module.ts';
import type { BuildConfig } from '../config.ts';
import { clog2, log2 } from '../../ref/bits.ts';
import {
  CAP_BASE,
  capabilities,
  COUNTER_BASE,
  COUNTER_NAMES,
  CTRL_BASE,
  FILTER_BASE,
  HASH_TYPES_MASK,
  ID_VALUE,
  INDIRECTION_BASE,
  KEY_BASE,
  KEY_WORDS,
  regmap,
  RESP_DECERR,
  RESP_OKAY,
  RESP_SLVERR,
  VERSION_VALUE,
  type Clamp,
} from '../regmap.ts';
import { FILTER_WORDS, filterFieldWidths, type FilterSchedule, filterStore, type FilterStore, filterWord } from './filter-regs.ts';
import { tunnelRegs } from './tunnel-regs.ts';
import { zeroedTable } from './zeroed-table.ts';

/** Cycles from the write handshake cycle H to the cycle cfg_wr_en is high. */
export const CSR_WRITE_EVENT_DELAY = 3;
/** Cycles from the read handshake cycle to the first cycle of rvalid. */
export const CSR_READ_DELAY = 2;

/** A stored register: how it reads as a 32-bit word and how a written word is stored. */
interface Stored {
  wordAddr: number;
  view: Expr;
  store: (b: Body, v: Expr) => void;
  clamp?: Clamp;
  mask: number;
}

function mergeLanes(old: Expr, data: Expr, strb: Expr): Expr {
  const lanes: Expr[] = [];
  for (let l = 3; l >= 0; l--) lanes.push(mux(strb.bit(l), data.slice(8 * l + 7, 8 * l), old.slice(8 * l + 7, 8 * l)));
  return cat(...lanes);
}

export function csrModule(
  cfg: BuildConfig,
  extras: { latency: number; filterApplyDelay?: number; filterSchedule?: FilterSchedule },
): { module: Module; writeEventDelay: number; readDelay: number } {
  const q = cfg.queueBits;
  const filterApply = extras.filterApplyDelay ?? 1;
  const entries = cfg.indirectionEntries;
  const nf = cfg.vmqFilters;
  // Default: every filter in registers, compared at once (steps 1).
  const sched = extras.filterSchedule ?? { banks: nf, steps: 1 };
  if (filterApply < 1) throw new Error(`csr: filterApplyDelay ${filterApply}, want >= 1`);
  // A filter write lands at least filterApplyDelay + 2 cycles after a reset; the clear
  // sequence of the table's RAM writes its last entry `steps` cycles after it.
  if (filterApply + 1 < sched.steps) throw new Error(`csr: filterApplyDelay ${filterApply} is too short for a ${sched.steps}-entry clear sequence`);
  const rm = regmap(cfg, extras);
  /** Word `wordAddr`'s byte address as the localparam ADDR_<register>[_<index>]: compares and case items read its bits. */
  const addrOf = (wordAddr: number): Expr => {
    const a = wordAddr * 4;
    const r = rm.regs.find((x) => a >= x.offset && a < x.offset + x.count * x.stride && (a - x.offset) % x.stride === 0);
    if (!r) throw new Error(`csr: no register at 0x${a.toString(16)}`);
    return namedLit(`ADDR_${r.name}${r.count > 1 ? `_${(a - r.offset) / r.stride}` : ''}`, a, 16);
  };
  const word8 = (wordAddr: number): Expr => addrOf(wordAddr).slice(9, 2);
  const mhbBits = Math.ceil(Math.log2(cfg.maxHeaderBytes + 1));
  const constKey = cfg.toeplitz === 'const-key';
  const m = new Module('nvgre_rx_csr', [
    'NVGRE receive classifier: control and status registers (AXI4-Lite slave).',
    '',
    'Holds the small configuration (enables, hash types, default queues, indirection_bits,',
    'max_header_bytes) as cfg_* outputs, a copy of the key and indirection table for reads,',
    sched.steps === 1
      ? 'the VMQ filter table (the one copy, in registers, on the cfg_filter_* buses), the counters, and emits'
      : `the VMQ filter table (the one copy: ${sched.banks} LUT RAM banks of ${sched.steps} entries, entry cfg_filter_addr of each on cfg_filter_*), the counters, and emits`,
    'one write-event stream (cfg_wr_*) from which the top level updates the working copies',
    `inside the classification blocks. A filter write is applied ${filterApply} cycles after its handshake`,
    'and its write response follows it.',
    'Write: awready/wready one cycle after both valids; in force the cycle after the',
    'handshake; cfg_wr_en three cycles after the handshake. Read: rvalid two cycles after',
    'the arready handshake. SLVERR on writes to read-only registers, DECERR unmapped.',
  ]);
  m.param('DATA_WIDTH', 32, 'width of the AXI4-Lite data bus');
  m.param('ADDR_WIDTH', 16, 'width of the AXI4-Lite address bus');
  m.param('STRB_WIDTH', 4, 'byte lanes of the data bus');
  const awaddr = m.input('s_axil_awaddr', 16, { param: 'ADDR_WIDTH' });
  m.input('s_axil_awprot', 3);
  const awvalid = m.input('s_axil_awvalid', 1);
  const awready = m.output('s_axil_awready', 1);
  const wdata = m.input('s_axil_wdata', 32, { param: 'DATA_WIDTH' });
  const wstrb = m.input('s_axil_wstrb', 4, { param: 'STRB_WIDTH' });
  const wvalid = m.input('s_axil_wvalid', 1);
  const wready = m.output('s_axil_wready', 1);
  const bresp = m.output('s_axil_bresp', 2);
  const bvalid = m.output('s_axil_bvalid', 1);
  const bready = m.input('s_axil_bready', 1);
  const araddr = m.input('s_axil_araddr', 16, { param: 'ADDR_WIDTH' });
  m.input('s_axil_arprot', 3);
  const arvalid = m.input('s_axil_arvalid', 1);
  const arready = m.output('s_axil_arready', 1);
  const rdata = m.output('s_axil_rdata', 32, { param: 'DATA_WIDTH' });
  const rresp = m.output('s_axil_rresp', 2);
  const rvalid = m.output('s_axil_rvalid', 1);
  const rready = m.input('s_axil_rready', 1);

  const oRss = m.output('cfg_rss_enable', 1);
  const oVmq = m.output('cfg_vmq_enable', 1);
  const oErss = m.output('cfg_encap_rss_enable', 1);
  const oEvmq = m.output('cfg_encap_vmq_enable', 1);
  const oHt = m.output('cfg_hash_types', 16);
  const oRdq = m.output('cfg_rss_default_queue', q);
  const oVdq = m.output('cfg_vmq_default_queue', q);
  const oIb = m.output('cfg_indirection_bits', 3);
  const oMhb = m.output('cfg_max_header_bytes', mhbBits);
  const oWrEn = m.output('cfg_wr_en', 1);
  const oWrAddr = m.output('cfg_wr_addr', 16);
  const oWrData = m.output('cfg_wr_data', 32);
  // Filter f is entry f div banks of bank f mod banks (gen/blocks/filter-regs.ts); the
  // buses carry bank c's entry cfg_filter_addr at bits w*c and up.
  const oFlt = filterFieldWidths(q).map(([field, port, w]) => ({ field, sig: m.output(`cfg_filter_${port}`, w * sched.banks) }));
  const fltAddrIn = sched.steps > 1 ? m.input('cfg_filter_addr', clog2(sched.steps)) : undefined;
  const cntValid = m.input('cnt_valid', 1);
  const cntIn = COUNTER_NAMES.map((n) => m.input(`cnt_${n}`, 1));

  // ---- state ----
  const ctrlReg = m.reg('ctrl_reg', 4, 0, 'rss, vmq, encap rss, encap vmq enables');
  const htReg = m.reg('hash_types_reg', 16, 0);
  const rdqReg = m.reg('rss_default_queue_reg', q, 0);
  const vdqReg = m.reg('vmq_default_queue_reg', q, 0);
  const ibReg = m.reg('indirection_bits_reg', 3, log2(entries));
  const mhbReg = m.reg('max_header_bytes_reg', mhbBits, cfg.maxHeaderBytes);
  const keyRegs = constKey ? [] : Array.from({ length: KEY_WORDS }, (_, k) => m.reg(`key_reg_${k}`, 32, 0, `key bytes ${4 * k}..${4 * k + 3}`));
  const keyDef = rm.regs.find((r) => r.name === 'KEY')!;
  const table = zeroedTable(m, 'ind_table', q, entries, 'copy of the indirection table, for reads');
  const counters = COUNTER_NAMES.map((n) => m.reg(`cnt_${n}_reg`, 32, 0));

  m.assign(oRss, ctrlReg.bit(0));
  m.assign(oVmq, ctrlReg.bit(1));
  m.assign(oErss, ctrlReg.bit(2));
  m.assign(oEvmq, ctrlReg.bit(3));
  m.assign(oHt, htReg);
  m.assign(oRdq, rdqReg);
  m.assign(oVdq, vdqReg);
  m.assign(oIb, ibReg);
  m.assign(oMhb, mhbReg);

  const z32 = (e: Expr): Expr => e.zext(32);
  // Stored registers of the low region (below the indirection table), word address -> view/store.
  const stored: Stored[] = [
    { wordAddr: CTRL_BASE / 4, view: z32(ctrlReg), store: (b, v) => b.set(ctrlReg, v.slice(3, 0)), mask: 0xf },
    { wordAddr: CTRL_BASE / 4 + 1, view: z32(htReg), store: (b, v) => b.set(htReg, v.slice(15, 0)), mask: HASH_TYPES_MASK },
    { wordAddr: CTRL_BASE / 4 + 2, view: z32(rdqReg), store: (b, v) => b.set(rdqReg, v.slice(q - 1, 0)), mask: (1 << q) - 1 },
    { wordAddr: CTRL_BASE / 4 + 3, view: z32(vdqReg), store: (b, v) => b.set(vdqReg, v.slice(q - 1, 0)), mask: (1 << q) - 1 },
    {
      wordAddr: CTRL_BASE / 4 + 4,
      view: z32(ibReg),
      store: (b, v) => b.set(ibReg, v.slice(2, 0)),
      mask: 0x7,
      clamp: rm.regs.find((r) => r.name === 'INDIRECTION_BITS')!.clamp!,
    },
    {
      wordAddr: CTRL_BASE / 4 + 5,
      view: z32(mhbReg),
      store: (b, v) => b.set(mhbReg, v.slice(mhbBits - 1, 0)),
      mask: (1 << mhbBits) - 1,
      clamp: rm.regs.find((r) => r.name === 'MAX_HEADER_BYTES')!.clamp!,
    },
    ...keyRegs.map((r, k): Stored => ({ wordAddr: KEY_BASE / 4 + k, view: r, store: (b, v) => b.set(r, v), mask: 0xffffffff })),
    ...tunnelRegs(m, cfg.udpTunnelPorts),
  ];
  // Read-only words of the low region.
  const roWords: { wordAddr: number; view: Expr }[] = [
    { wordAddr: 0, view: lit(ID_VALUE, 32) },
    { wordAddr: 1, view: lit(VERSION_VALUE, 32) },
    ...capabilities(cfg, extras).map((c, i) => ({ wordAddr: CAP_BASE / 4 + i, view: lit(c.value, 32) })),
    ...(constKey ? Array.from({ length: KEY_WORDS }, (_, k) => ({ wordAddr: KEY_BASE / 4 + k, view: lit(keyDef.reset(k), 32) })) : []),
    ...counters.map((c, k) => ({ wordAddr: COUNTER_BASE / 4 + k, view: c as Expr })),
  ];
  const nWords = FILTER_WORDS;
  let store: FilterStore | undefined;

  // ---- address decode helpers ----
  const fBits = clog2(nf);
  const iBits = log2(entries);
  const decode = (addr: Signal): { low: Expr; ind: Expr; indIdx: Expr; flt: Expr; fIdx: Expr; fWord: Expr } => {
    const low = addr.slice(15, 10).eq(0);
    const ind = addr
      .slice(15, 10)
      .eq(INDIRECTION_BASE >> 10)
      .and(iBits === 8 ? lit(1, 1) : addr.slice(9, 2 + iBits).eq(0));
    const fHi = addr.slice(15, 5 + fBits);
    const fIdx = addr.slice(4 + fBits, 5);
    const fWord = addr.slice(4, 2);
    const flt = fHi
      .eq(FILTER_BASE >> (5 + fBits))
      .and(nf === 1 << fBits ? lit(1, 1) : fIdx.lt(nf))
      .and(fWord.lt(nWords));
    return { low, ind, indIdx: addr.slice(1 + iBits, 2), flt, fIdx, fWord };
  };

  /**
   * A two-stage read path over the whole map: stage-1 registers sample the region values
   * of `addr` every cycle; the returned data/hit combine them (read them one cycle later).
   */
  const readPath = (
    p: string,
    addr: Signal,
    lowWords: { stored: Stored[]; ro: { wordAddr: number; view: Expr }[] },
    filters: boolean,
  ): { data: Expr; hit: Expr } => {
    const d = decode(addr);
    const lowW = addr.slice(9, 2);
    const lowVal = m.reg(`${p}_low`, 32, undefined, 'value of a low-region register');
    const lowHit = m.reg(`${p}_low_hit`, 1, undefined);
    const lowArms: [Expr[], (b: Body) => void][] = [
      ...lowWords.ro.map((w): [Expr[], (b: Body) => void] => [
        [word8(w.wordAddr)],
        (b) => {
          b.set(lowVal, w.view);
          b.set(lowHit, d.low);
        },
      ]),
      ...lowWords.stored.map((s): [Expr[], (b: Body) => void] => [
        [word8(s.wordAddr)],
        (b) => {
          b.set(lowVal, s.view);
          b.set(lowHit, d.low);
        },
      ]),
    ];
    m.sync((b) => {
      b.set(lowVal, lit(0, 32));
      b.set(lowHit, lit(0, 1));
      b.switch(lowW, lowArms);
    }, `${p}: low-region registers`);
    const indVal = m.reg(`${p}_ind`, q, undefined);
    const indHit = m.reg(`${p}_ind_hit`, 1, undefined);
    m.sync((b) => {
      b.set(indVal, table.read(d.indIdx));
      b.set(indHit, d.ind);
    }, `${p}: indirection table`);
    if (!filters) return { data: mux(lowHit, lowVal, mux(indHit, indVal.zext(32), lit(0, 32))), hit: orAll([lowHit, indHit]) };
    // Filter words, from the one table: its entry in every bank, then the bank, then the word.
    const st = store!;
    const fltVal = m.reg(`${p}_flt`, 32, undefined);
    const fltHit = m.reg(`${p}_flt_hit`, 1, undefined);
    const fAddr = st.addrOf(d.fIdx, p);
    const fBank = st.bankOf(d.fIdx, p);
    const perWord = Array.from({ length: nWords }, (_, w) => m.signal(`${p}_flt_word_${w}`, 32));
    m.comb((b) => {
      const words = (bb: Body, c: number): void => {
        const f = st.read(c, fAddr);
        perWord.forEach((s, i) => bb.set(s, filterWord(f, i)));
      };
      if (sched.banks === 1) words(b, 0);
      else {
        for (const s of perWord) b.set(s, lit(0, 32));
        b.switch(
          fBank,
          Array.from({ length: sched.banks }, (_, c): [number[], (b: Body) => void] => [[c], (bb) => words(bb, c)]),
        );
      }
    }, `${p}: the words of the addressed filter`);
    m.sync((b) => {
      b.set(fltVal, lit(0, 32));
      const pick = (bb: Body): void =>
        bb.switch(
          d.fWord,
          perWord.map((s, w): [number[], (b: Body) => void] => [[w], (b3) => b3.set(fltVal, s)]),
        );
      // An entry the clear sequence after reset has not reached reads 0.
      if (sched.steps === 1) pick(b);
      else b.if(st.cleared(fAddr), pick);
      b.set(fltHit, d.flt);
    }, `${p}: filter word`);
    const data = mux(lowHit, lowVal, mux(indHit, indVal.zext(32), mux(fltHit, fltVal, lit(0, 32))));
    return { data, hit: orAll([lowHit, indHit, fltHit]) };
  };

  // ---- write channel ----
  const awReady = m.reg('s_axil_awready_reg', 1, 0, 'awready and wready: the write handshake cycle');
  const wrAddr = m.reg('wr_addr_reg', 16, 0);
  const wrData = m.reg('wr_data_reg', 32, 0);
  const wrStrb = m.reg('wr_strb_reg', 4, 0);
  const bvalidReg = m.reg('s_axil_bvalid_reg', 1, 0);
  const brespReg = m.reg('s_axil_bresp_reg', 2, 0);
  m.assign(awready, awReady);
  m.assign(wready, awReady);
  m.assign(bvalid, bvalidReg);
  m.assign(bresp, brespReg);
  const fltPending = m.reg('filter_pending_reg', 1, 0, 'a filter write waits for its turn to reach the table');
  const wTake = m.wire(
    'wr_take',
    awvalid.and(wvalid).and(awReady.not()).and(bvalidReg.not().or(bready)).and(fltPending.not()),
    'latch a write; handshake next cycle',
  );
  m.sync((b) => {
    b.set(awReady, wTake);
    b.if(wTake, (t) => {
      t.set(wrAddr, awaddr);
      t.set(wrData, wdata);
      t.set(wrStrb, wstrb);
    });
  }, 'write address and data, taken together');

  // Write decode: which register, and whether it may be written.
  const wd = decode(wrAddr);
  const wLowRw = m.signal('wr_low_rw', 1);
  const wLowRo = m.signal('wr_low_ro', 1);
  m.comb((b) => {
    b.set(wLowRw, lit(0, 1));
    b.set(wLowRo, lit(0, 1));
    b.switch(wrAddr.slice(9, 2), [
      ...(stored.length ? [[stored.map((s) => word8(s.wordAddr)), (bb: Body) => bb.set(wLowRw, wd.low)] as [Expr[], (b: Body) => void]] : []),
      [roWords.map((w) => word8(w.wordAddr)), (bb) => bb.set(wLowRo, wd.low)],
    ]);
  }, 'write decode of the low region');
  const wOk = m.wire('wr_ok', orAll([wLowRw, wd.ind, wd.flt]), 'a writable register is addressed');
  const wDo = m.wire('wr_do', awReady.and(wOk), 'the write takes effect at the end of this cycle (a filter write later)');
  const fltDo = m.wire('filter_do', wDo.and(wd.flt), 'a filter write: applied filterApplyDelay cycles on');
  // wr_addr/data/strb stay as they are meanwhile: no write is taken while one is pending.
  // Filter f is applied filterApplyDelay + (f div banks) cycles after the handshake: the
  // VMQ block reads it that many cycles after a frame's read distance (its step).
  const fltApply = m.signal('filter_apply', 1);
  store = filterStore(m, nf, q, sched, { apply: fltApply, index: wd.fIdx, word: wd.fWord, data: wrData, strb: wrStrb });
  for (const o of oFlt) {
    const bus = Array.from({ length: sched.banks }, (_, c) => store!.read(c, fltAddrIn ?? lit(0, 1))[o.field]);
    m.assign(o.sig, cat(...bus.reverse()));
  }
  const waitBits = clog2(filterApply + sched.steps);
  const fltWait = m.reg('filter_wait_reg', waitBits, 0, 'cycles until the pending filter write lands');
  m.assign(fltApply, fltPending.and(fltWait.eq(0)));
  m.sync((b) => {
    b.if(fltDo, (t) => {
      t.set(fltPending, lit(1, 1));
      t.set(fltWait, lit(filterApply - 1, waitBits).add(store!.writeAddr.resize(waitBits)));
    });
    b.if(fltPending.and(fltWait.ne(0)), (t) => t.set(fltWait, fltWait.sub(1)));
    b.if(fltApply, (t) => t.set(fltPending, lit(0, 1)));
  }, 'filter write in flight');
  const wResp = mux(wOk, lit(RESP_OKAY, 2), mux(wLowRo, lit(RESP_SLVERR, 2), lit(RESP_DECERR, 2)));
  m.sync((b) => {
    b.if(bvalidReg.and(bready), (t) => t.set(bvalidReg, lit(0, 1)));
    b.if(awReady.and(fltDo.not()), (t) => {
      t.set(bvalidReg, lit(1, 1));
      t.set(brespReg, wResp);
    });
    b.if(fltApply, (t) => {
      t.set(bvalidReg, lit(1, 1));
      t.set(brespReg, lit(RESP_OKAY, 2));
    });
  }, 'write response');

  const fit = (v: Expr, s: Stored): Expr => {
    let e = v;
    if (s.clamp) e = mux(v.lt(s.clamp.min), lit(s.clamp.min, 32), mux(v.gt(s.clamp.max), lit(s.clamp.max, 32), v));
    return s.mask === 0xffffffff ? e : e.and(lit(s.mask, 32));
  };
  for (const s of stored) {
    const merged = mergeLanes(s.view, wrData, wrStrb);
    const sel = wrAddr.slice(15, 2).eq(addrOf(s.wordAddr).slice(15, 2));
    const v = m.wire(`wr_value_${(s.wordAddr * 4).toString(16).padStart(4, '0')}`, fit(merged, s), 'the word as it would be stored');
    m.sync((b) => b.if(wDo.and(sel), (t) => s.store(t, v)));
  }
  m.sync((b) => b.if(wDo.and(wd.ind).and(wrStrb.bit(0)), (t) => table.write(t, wd.indIdx, wrData.slice(q - 1, 0))), 'indirection table copy');
  // ---- write events: read back what was stored ----
  const evPend = m.reg('ev_pend_reg', 1, 0);
  const evAddr = m.reg('ev_addr_reg', 16, 0);
  const evS1 = m.reg('ev_s1_reg', 1, 0);
  m.sync((b) => {
    b.set(evPend, wDo);
    b.if(awReady, (t) => t.set(evAddr, cat(wrAddr.slice(15, 2), lit(0, 2))));
    b.set(evS1, evPend);
  }, 'write event pipeline');
  // Only the indirection table and the key have consumers of write events (the other
  // registers reach the pipeline through cfg_* and the capture snapshot, the filters
  // through cfg_filter_*), so the event path reads back only those: the low-region words
  // but KEY read 0 here, and the filter words too.
  const ev = readPath('ev', evAddr, { stored: stored.filter((s) => s.wordAddr >= KEY_BASE / 4 && s.wordAddr < KEY_BASE / 4 + KEY_WORDS), ro: [] }, false);
  const wrEnReg = m.reg('cfg_wr_en_reg', 1, 0);
  const wrAddrOut = m.reg('cfg_wr_addr_reg', 16, 0);
  const wrDataOut = m.reg('cfg_wr_data_reg', 32, 0);
  m.sync((b) => {
    b.set(wrEnReg, evS1);
    b.set(wrAddrOut, evAddr);
    b.set(wrDataOut, ev.data);
  }, 'write event outputs');
  m.assign(oWrEn, wrEnReg);
  m.assign(oWrAddr, wrAddrOut);
  m.assign(oWrData, wrDataOut);

  // ---- read channel ----
  const arReady = m.reg('s_axil_arready_reg', 1, 0);
  const rdAddr = m.reg('rd_addr_reg', 16, 0);
  const rdS1 = m.reg('rd_s1_reg', 1, 0);
  const rvalidReg = m.reg('s_axil_rvalid_reg', 1, 0);
  const rdataReg = m.reg('s_axil_rdata_reg', 32, 0);
  const rrespReg = m.reg('s_axil_rresp_reg', 2, 0);
  m.assign(arready, arReady);
  m.assign(rvalid, rvalidReg);
  m.assign(rdata, rdataReg);
  m.assign(rresp, rrespReg);
  const rTake = m.wire('rd_take', arvalid.and(arReady.not()).and(rdS1.not()).and(rvalidReg.not().or(rready)), 'latch a read address');
  m.sync((b) => {
    b.set(arReady, rTake);
    b.if(rTake, (t) => t.set(rdAddr, araddr));
    b.set(rdS1, arReady);
  }, 'read address');
  const rd = readPath('rd', rdAddr, { stored, ro: roWords }, true);
  m.sync((b) => {
    b.if(rvalidReg.and(rready), (t) => t.set(rvalidReg, lit(0, 1)));
    b.if(rdS1, (t) => {
      t.set(rvalidReg, lit(1, 1));
      t.set(rdataReg, rd.data);
      t.set(rrespReg, mux(rd.hit, lit(RESP_OKAY, 2), lit(RESP_DECERR, 2)));
    });
  }, 'read data');

  // ---- counters ----
  counters.forEach((c, k) => {
    m.sync((b) => b.if(cntValid.and(cntIn[k]!), (t) => t.set(c, c.add(1))));
  });
  return { module: m, writeEventDelay: CSR_WRITE_EVENT_DELAY, readDelay: CSR_READ_DELAY };
}
