// SPDX-License-Identifier: MIT
// Logic laid out in LUT6-sized kept nets. abc maps for delay, and on wide AND-XOR arrays,
// compares and multiplexers it spends up to twice the LUTs of a layout where every LUT6
// takes six useful inputs; a net marked keep cannot be merged across, so the layout
// below is what synthesis builds (each function's figures: docs/RESULTS.md).

import { andAll, type Expr, mux, xorAll } from '../ir/expr.ts';
import type { Module } from '../ir/module.ts';

/**
 * XOR of xs as kept nets of six inputs each, one LUT6 apiece, until six or fewer remain
 * (the caller's register takes those in one more LUT): ceil((n-1)/5) LUTs, the fewest an
 * n-input XOR can take. Left to itself, abc maps a 16-input XOR into five LUT4s, not three.
 */
export function xorLut6(m: Module, name: string, xs: readonly Expr[]): Expr {
  const q = [...xs];
  for (let k = 0; q.length > 6; k++) {
    const w = m.keptWire(`${name}_x${k}`, xorAll(q.splice(0, 6)));
    q.push(w);
  }
  return xorAll(q);
}

/** f over three-bit slices of a and b (equal widths), each a kept net: one LUT6 apiece. */
function keptTriples(m: Module, name: string, a: Expr, b: Expr, f: (a3: Expr, b3: Expr) => Expr): Expr[] {
  const terms: Expr[] = [];
  for (let lo = 0, g = 0; lo < a.width; lo += 3, g++) {
    const hi = Math.min(a.width, lo + 3) - 1;
    terms.push(m.keptWire(`${name}_${g}`, f(a.slice(hi, lo), b.slice(hi, lo))));
  }
  return terms;
}

/**
 * XOR over i of a[i] & b[i] (equal widths), for a run-time key: laid out as kept nets of
 * three AND pairs each, one LUT6 apiece, then an XOR tree over them (xorLut6). Left to
 * itself, synthesis maps the AND-XOR array at about twice that (measured in docs/RESULTS.md).
 */
export function andXorTriples(m: Module, name: string, a: Expr, b: Expr): Expr {
  return xorLut6(
    m,
    name,
    keptTriples(m, name, a, b, (x, y) => x.and(y).parity()),
  );
}

/**
 * a == b (equal widths) as kept nets of three bit pairs each, one LUT6 apiece, ANDed
 * after. Left to itself, synthesis maps 16 filters' 84-bit compares at about 55 LUTs a
 * filter through wide-function muxes; laid out this way, about 36 (docs/RESULTS.md).
 */
export function eqTriples(m: Module, name: string, a: Expr, b: Expr): Expr {
  return andAll(keptTriples(m, name, a, b, (x, y) => x.eq(y)));
}

/**
 * items[sel] (sel < items.length, every item as wide) as a tree of kept 4:1 multiplexers,
 * one LUT6 a bit (four data inputs, two select bits), two select bits per level; the last
 * level, four or fewer items, is left to the caller's logic. An index past the end reads
 * the last item of its group (the caller's decode keeps such reads out).
 */
export function muxTree4(m: Module, name: string, sel: Expr, items: readonly Expr[]): Expr {
  let level = [...items];
  let lo = 0;
  for (let lv = 0; level.length > 4; lv++, lo += 2) {
    const next: Expr[] = [];
    for (let g = 0; g * 4 < level.length; g++) {
      const four = level.slice(g * 4, g * 4 + 4);
      if (four.length === 1) {
        next.push(four[0]!);
        continue;
      }
      const w = m.keptWire(`${name}_m${lv}_${g}`, mux4(sel, lo, four));
      next.push(w);
    }
    level = next;
  }
  return mux4(sel, lo, level);
}

/** items[sel[lo+1:lo]] for up to four items (missing ones repeat the last). */
function mux4(sel: Expr, lo: number, items: readonly Expr[]): Expr {
  return muxIndex(sel.slice(Math.min(lo + 1, sel.width - 1), lo), items);
}

/** items[index] as a binary tree of 2:1 multiplexers (index MSB first; past the end: the last item). */
export function muxIndex(index: Expr, items: readonly Expr[]): Expr {
  const go = (bit: number, lo: number, span: number): Expr => {
    if (lo >= items.length) return items[items.length - 1]!;
    if (span === 1) return items[lo]!;
    const half = span / 2;
    if (lo + half >= items.length) return go(bit - 1, lo, half);
    return mux(index.bit(bit), go(bit - 1, lo + half, half), go(bit - 1, lo, half));
  };
  const span = 2 ** index.width;
  return items.length === 1 ? items[0]! : go(index.width - 1, 0, span);
}
