// SPDX-License-Identifier: MIT
// The VMQ filter table: the one copy, in the CSR block. The VMQ block reads it on the
// cfg_filter_* buses and AXI4-Lite reads return it.
//
// Time-shared (gen/blocks/vmq.ts): a frame of minFrameBytes spans K beats, so the VMQ
// block may take up to K cycles per lookup. The table is `banks` = ceil(filters / steps)
// banks of `steps` entries; filter f is entry f div banks of bank f mod banks, and the
// VMQ block compares bank c's entry s with the key in its step s (filters s*banks ..
// s*banks + banks - 1 together: the lowest step, then the lowest bank, wins, which is the
// lowest filter index). Where steps is 1 (K = 1, or a single filter per bank) the banks
// are registers and every filter is compared at once; otherwise each bank is LUT RAM
// with two read ports (the VMQ block's step address, the AXI4-Lite read address) and one
// write port, split by register word and byte lane so a write with any wstrb writes
// only its lanes (no read-modify-write).
//
// Reset reads back zero through a clear sequence, not valid bits: in the `steps` cycles
// after a reset the write port writes zeros to entry 0, 1, ... of every bank and field,
// and an AXI4-Lite read of an entry the sequence has not reached yet returns 0. Lookups
// never see an entry before its clear (a frame whose tlast follows the reset reads entry
// s at least 8 + s cycles later), and filter writes, applied at least 8 cycles after
// their handshake, never meet the sequence on the write port (steps <= 8).

import { cat, type Expr, lit, mux } from '../ir/expr.ts';
import type { Body, Module, Signal } from '../ir/module.ts';
import { type BuildConfig, minFrameBeats } from '../config.ts';
import { clog2 } from '../meta-layout.ts';

/** Most steps a lookup takes: the clear sequence must end before the first filter write lands. */
export const MAX_FILTER_STEPS = 8;

export interface FilterSchedule {
  /** Comparators, and banks of the table. */
  banks: number;
  /** Cycles a lookup reads the table for (entries per bank). */
  steps: number;
}

/** The VMQ block's time-sharing: ceil(filters / K) comparators over K = min(minFrameBeats, 8) steps. */
export function filterSchedule(c: BuildConfig): FilterSchedule {
  const k = Math.max(1, Math.min(minFrameBeats(c), MAX_FILTER_STEPS, c.vmqFilters));
  const banks = Math.ceil(c.vmqFilters / k);
  return { banks, steps: Math.ceil(c.vmqFilters / banks) };
}

export type FieldName = 'valid' | 'mac' | 'matchVlan' | 'vlan' | 'matchVsid' | 'vsid' | 'queue';
export type FilterFields = Record<FieldName, Expr>;

/** The fields in port order, with their widths. */
export function filterFieldWidths(queueBits: number): [FieldName, string, number][] {
  return [
    ['valid', 'valid', 1],
    ['mac', 'mac', 48],
    ['matchVlan', 'match_vlan', 1],
    ['vlan', 'vlan', 12],
    ['matchVsid', 'match_vsid', 1],
    ['vsid', 'vsid', 24],
    ['queue', 'queue', queueBits],
  ];
}

/** Register words of a filter: [field, field bit lo, width, bit in the word]. */
function wordLayout(q: number): [FieldName, number, number, number][][] {
  return [
    [['mac', 32, 16, 0]],
    [['mac', 0, 32, 0]],
    [
      ['vlan', 0, 12, 0],
      ['matchVlan', 0, 1, 16],
    ],
    [
      ['vsid', 0, 24, 0],
      ['matchVsid', 0, 1, 24],
    ],
    [['queue', 0, q, 0]],
    [['valid', 0, 1, 0]],
  ];
}

/** Register words a filter answers (word 6 and 7 of its block are unmapped). */
export const FILTER_WORDS = 6;

/** A piece of a field that one byte lane of one register word writes. */
interface Piece {
  word: number;
  lane: number;
  field: FieldName;
  fieldLo: number;
  width: number;
  wordLsb: number;
}

function pieces(q: number): Piece[] {
  const out: Piece[] = [];
  wordLayout(q).forEach((fields, word) => {
    for (const [field, lo, width, lsb] of fields) {
      let i = 0;
      while (i < width) {
        const lane = (lsb + i) >> 3;
        const n = Math.min(width - i, 8 - ((lsb + i) & 7));
        out.push({ word, lane, field, fieldLo: lo + i, width: n, wordLsb: lsb + i });
        i += n;
      }
    }
  });
  return out;
}

/** A filter's register word `w` as AXI4-Lite reads it. */
export function filterWord(f: FilterFields, w: number): Expr {
  const z32 = (e: Expr): Expr => e.zext(32);
  switch (w) {
    case 0:
      return z32(f.mac.slice(47, 32));
    case 1:
      return f.mac.slice(31, 0);
    case 2:
      return cat(lit(0, 15), f.matchVlan, lit(0, 4), f.vlan);
    case 3:
      return cat(lit(0, 7), f.matchVsid, f.vsid);
    case 4:
      return z32(f.queue);
    default:
      return z32(f.valid);
  }
}

export interface FilterWrite {
  /** The write lands at the end of this cycle (the other fields hold it). */
  apply: Expr;
  /** Filter index, register word and data/strobes of the write. */
  index: Expr;
  word: Expr;
  data: Expr;
  strb: Expr;
}

export interface FilterStore {
  schedule: FilterSchedule;
  /** Entry `addr` of bank `bank` (an asynchronous read: a LUT RAM read port). */
  read(bank: number, addr: Expr): FilterFields;
  /** Entry address (= step) and bank of a filter index (`tag` names the lookup signals where they are needed). */
  addrOf(index: Expr, tag: string): Expr;
  bankOf(index: Expr, tag: string): Expr;
  /** 1 unless the clear sequence has not reached entry `addr` yet (its RAM words are not zero yet). */
  cleared(addr: Expr): Expr;
  /** Width of an entry address. */
  addrWidth: number;
  /** The entry address of the filter being written. */
  writeAddr: Expr;
}

/**
 * Lookup of a constant function of a filter index as a small case (identity slices when
 * `banks` is a power of two).
 */
function indexMap(m: Module, name: string, index: Expr, nf: number, width: number, f: (i: number) => number): Signal {
  const s = m.signal(name, width);
  m.comb((b) => {
    b.set(s, lit(0, width));
    b.switch(
      index,
      Array.from({ length: nf }, (_, i): [number[], (b: Body) => void] => [[i], (bb) => bb.set(s, lit(f(i), width))]),
    );
  }, `${name} of the filter index`);
  return s;
}

/** The filter table of `nf` filters, written by `wr` (one write port per bank memory). */
export function filterStore(m: Module, nf: number, q: number, schedule: FilterSchedule, wr: FilterWrite): FilterStore {
  const { banks, steps } = schedule;
  const aw = clog2(steps);
  const ps = pieces(q);
  const pow2 = (n: number): boolean => (n & (n - 1)) === 0;
  const fb = clog2(nf);
  const bw = clog2(banks);
  const addrOf = (index: Expr, tag: string): Expr => {
    if (steps === 1) return lit(0, 1);
    if (pow2(banks)) return banks === 1 ? index.resize(aw) : index.slice(Math.min(fb - 1, Math.log2(banks) + aw - 1), Math.log2(banks)).resize(aw);
    return indexMap(m, `${tag}_filter_addr`, index, nf, aw, (i) => Math.floor(i / banks));
  };
  const bankOf = (index: Expr, tag: string): Expr => {
    if (banks === 1) return lit(0, 1);
    if (pow2(banks)) return index.slice(Math.log2(banks) - 1, 0);
    return indexMap(m, `${tag}_filter_bank`, index, nf, bw, (i) => i % banks);
  };

  // The clear sequence (RAM builds only).
  let cleared: (addr: Expr) => Expr = () => lit(1, 1);
  let clearBusy: Expr = lit(0, 1);
  let clearPtr: Expr = lit(0, aw);
  if (steps > 1) {
    const busy = m.reg('filter_clear_reg', 1, 1, 'clear sequence after reset: writing zeros to entry filter_clear_ptr');
    const ptr = m.reg('filter_clear_ptr', aw, 0);
    m.sync((b) => {
      b.if(busy, (t) => {
        t.set(ptr, ptr.add(1));
        t.if(ptr.eq(steps - 1), (tt) => tt.set(busy, lit(0, 1)));
      });
    }, 'clear sequence: one entry of every bank per cycle');
    clearBusy = busy;
    clearPtr = ptr;
    cleared = (addr) => busy.not().or(addr.lt(ptr));
  }

  const wrAddr = addrOf(wr.index, 'wr');
  const wrBank = bankOf(wr.index, 'wr');
  // Per bank and piece: registers (steps 1, reset 0) or a RAM with no reset.
  const store = Array.from({ length: banks }, (_, c) =>
    ps.map((p) => {
      const name = `filter_b${c}_w${p.word}_l${p.lane}`;
      const en = wr.apply
        .and(banks === 1 ? lit(1, 1) : wrBank.eq(c))
        .and(wr.word.eq(p.word))
        .and(wr.strb.bit(p.lane));
      const data = wr.data.slice(p.wordLsb + p.width - 1, p.wordLsb);
      if (steps === 1) {
        const r = m.reg(name, p.width, 0);
        m.sync((b) => b.if(en, (t) => t.set(r, data)), `filter ${c}, word ${p.word} lane ${p.lane}`);
        return { piece: p, read: (_a: Expr): Expr => r };
      }
      const mem = m.memory(name, p.width, steps, `bank ${c}, word ${p.word} lane ${p.lane} (no reset: cleared after reset)`);
      m.sync((b) => {
        b.if(clearBusy.or(en), (t) => t.memWrite(mem, mux(clearBusy, clearPtr, wrAddr), mux(clearBusy, lit(0, p.width), data)));
      }, `bank ${c}, word ${p.word} lane ${p.lane}: writes and the clear sequence`);
      return { piece: p, read: (a: Expr): Expr => mem.read(a) };
    }),
  );
  const read = (bank: number, addr: Expr): FilterFields => {
    const out = {} as FilterFields;
    for (const [name] of filterFieldWidths(q)) {
      const parts = store[bank]!.filter((x) => x.piece.field === name).sort((a, b) => b.piece.fieldLo - a.piece.fieldLo);
      out[name] = cat(...parts.map((x) => x.read(addr)));
    }
    return out;
  };
  return { schedule, read, addrOf, bankOf, cleared, addrWidth: aw, writeAddr: wrAddr };
}
