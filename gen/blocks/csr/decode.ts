// SPDX-License-Identifier: MIT
// Address decode of the CSR block: the localparam names of word addresses, and which
// region (low registers, indirection table, filter table) a byte address falls in.

import { type Expr, lit, namedLit } from '../../ir/expr.ts';
import type { Signal } from '../../ir/module.ts';
import type { BuildConfig } from '../../config.ts';
import { clog2, log2 } from '../../../ref/bits.ts';
import { FILTER_BASE, INDIRECTION_BASE, type RegMap } from '../../regmap.ts';
import { FILTER_WORDS } from '../filter-regs.ts';

export interface AddrDecode {
  low: Expr;
  ind: Expr;
  indIdx: Expr;
  flt: Expr;
  fIdx: Expr;
  fWord: Expr;
}

/** addrOf and word8 of CsrCtx, over the register map `rm`. */
export function wordAddressing(rm: RegMap): { addrOf: (wordAddr: number) => Expr; word8: (wordAddr: number) => Expr } {
  const addrOf = (wordAddr: number): Expr => {
    const a = wordAddr * 4;
    const r = rm.regs.find((x) => a >= x.offset && a < x.offset + x.count * x.stride && (a - x.offset) % x.stride === 0);
    if (!r) throw new Error(`csr: no register at 0x${a.toString(16)}`);
    return namedLit(`ADDR_${r.name}${r.count > 1 ? `_${(a - r.offset) / r.stride}` : ''}`, a, 16);
  };
  return { addrOf, word8: (wordAddr) => addrOf(wordAddr).slice(9, 2) };
}

export function decodeAddr(cfg: BuildConfig, addr: Signal): AddrDecode {
  const nf = cfg.vmqFilters;
  const fBits = clog2(nf);
  const iBits = log2(cfg.indirectionEntries);
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
    .and(fWord.lt(FILTER_WORDS));
  return { low, ind, indIdx: addr.slice(1 + iBits, 2), flt, fIdx, fWord };
}
