// SPDX-License-Identifier: MIT
// The CSR block's two-stage read path over the register map, shared by the read channel
// and the write-event stream: stage-1 registers sample each region's value at the address
// every cycle, and a mux of them is the data one cycle later.

import { type Expr, lit, mux, orAll } from '../../ir/expr.ts';
import type { Body, Signal } from '../../ir/module.ts';
import { FILTER_WORDS, filterFieldWidths, type FilterFields, filterWord, type FilterStore } from '../filter-regs.ts';
import { muxTree4 } from '../lut-shapes.ts';
import type { ZeroedTable } from '../zeroed-table.ts';
import type { CsrCtx, LowWords } from './context.ts';
import { type AddrDecode, decodeAddr } from './decode.ts';

/** What a read path reads: the low words it decodes, the indirection copy and, for full reads, the filter table. */
export interface ReadSource {
  low: LowWords;
  table: ZeroedTable;
  filters?: FilterStore;
}

/** One region's stage-1 value and whether the address hit it. */
interface Region {
  val: Signal;
  hit: Signal;
}

/** `p` prefixes the stage-1 registers; the returned data/hit are valid the cycle after `addr`. */
export function readPath(ctx: CsrCtx, p: string, addr: Signal, src: ReadSource): { data: Expr; hit: Expr } {
  const d = decodeAddr(ctx.cfg, addr);
  const low = lowRegion(ctx, p, addr, d, src.low);
  const ind = indirectionRegion(ctx, p, d, src.table);
  if (!src.filters) return { data: mux(low.hit, low.val, mux(ind.hit, ind.val.zext(32), lit(0, 32))), hit: orAll([low.hit, ind.hit]) };
  const flt = filterRegion(ctx, p, d, src.filters);
  const data = mux(low.hit, low.val, mux(ind.hit, ind.val.zext(32), mux(flt.hit, flt.val, lit(0, 32))));
  return { data, hit: orAll([low.hit, ind.hit, flt.hit]) };
}

function lowRegion(ctx: CsrCtx, p: string, addr: Signal, d: AddrDecode, words: LowWords): Region {
  const { m } = ctx;
  const val = m.reg(`${p}_low`, 32, undefined, 'value of a low-region register');
  const hit = m.reg(`${p}_low_hit`, 1, undefined);
  const arms = [...words.ro, ...words.stored].map((w): [Expr[], (b: Body) => void] => [
    [ctx.word8(w.wordAddr)],
    (b) => {
      b.set(val, w.view);
      b.set(hit, d.low);
    },
  ]);
  m.sync((b) => {
    b.set(val, lit(0, 32));
    b.set(hit, lit(0, 1));
    b.switch(addr.slice(9, 2), arms);
  }, `${p}: low-region registers`);
  return { val, hit };
}

function indirectionRegion(ctx: CsrCtx, p: string, d: AddrDecode, table: ZeroedTable): Region {
  const { m } = ctx;
  const val = m.reg(`${p}_ind`, ctx.q, undefined);
  const hit = m.reg(`${p}_ind_hit`, 1, undefined);
  m.sync((b) => {
    b.set(val, table.read(d.indIdx));
    b.set(hit, d.ind);
  }, `${p}: indirection table`);
  return { val, hit };
}

/** Filter words, from the one table: its entry in every bank, then the bank, then the word. */
function filterRegion(ctx: CsrCtx, p: string, d: AddrDecode, st: FilterStore): Region {
  const { m, sched } = ctx;
  const val = m.reg(`${p}_flt`, 32, undefined);
  const hit = m.reg(`${p}_flt_hit`, 1, undefined);
  const fAddr = st.addrOf(d.fIdx, p);
  const fBank = st.bankOf(d.fIdx, p);
  const perWord = Array.from({ length: FILTER_WORDS }, (_, w) => m.signal(`${p}_flt_word_${w}`, 32));
  if (sched.steps === 1 && sched.banks > 1) {
    // Registers: each field through a tree of 4:1 multiplexers over the filters (a case
    // over the index maps at about twice the LUTs: docs/RESULTS.md), then the word.
    const f = {} as FilterFields;
    for (const [field] of filterFieldWidths(ctx.q))
      f[field] = m.keptWire(
        `${p}_flt_${field}`,
        muxTree4(
          m,
          `${p}_flt_${field}`,
          fBank,
          Array.from({ length: sched.banks }, (_, c) => st.read(c, fAddr)[field]),
        ),
      );
    m.comb((b) => perWord.forEach((s, i) => b.set(s, filterWord(f, i))), `${p}: the words of the addressed filter`);
  } else
    m.comb((b) => {
      const words = (bb: Body, c: number): void => {
        const f = st.read(c, fAddr);
        perWord.forEach((s, i) => bb.set(s, filterWord(f, i)));
      };
      if (sched.banks === 1) {
        words(b, 0);
        return;
      }
      for (const s of perWord) b.set(s, lit(0, 32));
      b.switch(
        fBank,
        Array.from({ length: sched.banks }, (_, c): [number[], (b: Body) => void] => [[c], (bb) => words(bb, c)]),
      );
    }, `${p}: the words of the addressed filter`);
  m.sync((b) => {
    b.set(val, lit(0, 32));
    const pick = (bb: Body): void =>
      bb.switch(
        d.fWord,
        perWord.map((s, w): [number[], (b: Body) => void] => [[w], (b3) => b3.set(val, s)]),
      );
    // An entry the clear sequence after reset has not reached reads 0.
    if (sched.steps === 1) pick(b);
    else b.if(st.cleared(fAddr), pick);
    b.set(hit, d.flt);
  }, `${p}: filter word`);
  return { val, hit };
}
