// SPDX-License-Identifier: MIT
// Lane selection for the streaming parser's taps (gen/blocks/parser-stream.ts): `n` bytes
// at `rel` past a cursor, taken off the beats a tap sees. The cursor is relative to the
// tap's beat (byte offset minus beat index x W, modulo 2^CW): its low log2(W) bits `lo`
// are the lane the layer starts at in every beat, its high bits `hi` minus the number of
// beats between the cursor's beat and this one. Only the lanes the layer can really start
// at (its reachable offsets modulo W, gen/blocks/offsets.ts) are selected from.
//
// Two equivalent forms, the generator picks the smaller for each field:
//  - one-hot: each reachable lane selected by one compare of the whole cursor with a
//    constant (few lanes: 64 and 128 bits); byte i is an AND-OR over two lanes, or from
//    three a multiplexer indexed by the selects' binary encoding;
//  - shifter: the beat is rotated by `lo` in stages, one 2:1 stage per bit of `lo` that
//    tells the reachable lanes apart, most significant first, each stage computing only the
//    byte positions later stages need, so the stages are shared by every byte of the field
//    (a 32-byte address pair from 32 lanes: 212 2:1 multiplexers a bit plane instead of
//    32 x 31); byte i then takes its rotated position when `hi` says the beat holds it.
//    The rotation's selects are register bits, so its depth is about three LUT6 levels.
// In both forms a byte keeps its value (a clock enable) in every beat that does not hold
// it. For a cursor at a reachable lane both give the same bytes; at other lanes (only
// rejected layers have them) the bytes are garbage either way and never read.

import { bitsRead, cat, type Expr, lit, mux, orAll } from '../ir/expr.ts';
import type { Module, Signal } from '../ir/module.ts';
import { muxIndex } from './lut-shapes.ts';

export interface LaneTap {
  k: number;
  valid: Expr;
  /** The beat, lane l (the beat's byte l) in bits [8l+7, 8l]. */
  data: Expr;
}

export interface LaneGeometry {
  /** Bytes per beat (a power of two, at least 8). */
  W: number;
  /** Cursor width. */
  CW: number;
}

/** 2:1 multiplexers per bit plane of the shifter form, and the positions each stage computes. */
export function shifterPlan(lanes: number[], n: number, rel: number, W: number): { muxes: number; bits: number[]; fixed: number; need: number[][] } {
  const vary = lanes.reduce((a, l) => a | (l ^ lanes[0]!), 0);
  const fixed = lanes[0]! & ~vary;
  const bits: number[] = [];
  for (let b = Math.log2(W) - 1; b >= 0; b--) if ((vary >> b) & 1) bits.push(b);
  // need[s]: positions stage s (1-based; 0 = the beat) must compute; the last stage the field's.
  const need: number[][] = new Array(bits.length + 1);
  let cur = [...new Set(Array.from({ length: n }, (_, i) => (rel + i) & (W - 1)))].sort((a, b) => a - b);
  need[bits.length] = cur;
  for (let s = bits.length; s >= 1; s--) {
    const b = bits[s - 1]!;
    cur = [...new Set([...cur, ...cur.map((x) => (x + (1 << b)) & (W - 1))])].sort((a, b2) => a - b2);
    need[s - 1] = cur;
  }
  let muxes = 0;
  for (let s = 1; s <= bits.length; s++) muxes += need[s]!.length;
  return { muxes, bits, fixed, need };
}

export interface LaneField {
  reg: Signal;
  next: Expr;
  /** Given the caller's expressions that read `next`, completes the register's input (an `early` extraction in the encoded form only). */
  finish?: (readers: readonly Expr[]) => void;
}

/**
 * The register of `n` bytes at `rel` past `cursor` (byte 0 in the MSBs) and its next value
 * (what it holds after this cycle's beat). `early`: the caller computes from the next
 * value in the same cycle, so it gets the shallowest form of it (see the one-hot form).
 */
export function laneExtract(
  m: Module,
  g: LaneGeometry,
  name: string,
  t: LaneTap,
  cursor: Expr,
  offsets: number[],
  n: number,
  rel: number,
  early = false,
): LaneField {
  const { W, CW } = g;
  const lw = Math.log2(W);
  const reg = m.reg(name, 8 * n, undefined, `layer bytes taken at tap ${t.k}, byte 0 in the MSBs`);
  const lanes = [...new Set(offsets.map((o) => o & (W - 1)))].sort((a, b) => a - b);
  const lane = (l: number): Expr => t.data.slice(8 * l + 7, 8 * l);
  const plan = shifterPlan(lanes, n, rel, W);
  const nexts: Expr[] = [];
  if (plan.muxes < n * (lanes.length - 1)) {
    // Shifter form. Stage s holds R_s[x] = beat[(x + fixed + the lo bits of stages <= s) mod W].
    const lo = cursor.slice(lw - 1, 0);
    const hi = cursor.slice(CW - 1, lw);
    let prev = (x: number): Expr => lane((x + plan.fixed) & (W - 1));
    plan.bits.forEach((b, i) => {
      const pos = plan.need[i + 1]!;
      const from = prev;
      const w = m.wire(
        `${name}_rot${i}`,
        cat(...pos.map((x) => mux(lo.bit(b), from((x + (1 << b)) & (W - 1)), from(x)))),
        `beat rotated by the cursor's lane bits down to bit ${b}`,
      );
      const at = new Map(pos.map((x, j) => [x, j]));
      prev = (x: number): Expr => {
        const j = at.get(x);
        if (j === undefined) throw new Error(`${name}: position ${x} not computed at stage ${i}`);
        return w.byteBE(j);
      };
    });
    const hiIs = new Map<number, Signal>();
    const hiEq = (j: number): Signal => {
      const key = ((-j % 2 ** (CW - lw)) + 2 ** (CW - lw)) % 2 ** (CW - lw);
      let s = hiIs.get(key);
      if (!s) {
        s = m.wire(`${name}_beat${hiIs.size}`, t.valid.and(hi.eq(key)), `the cursor's beat is ${j} beats before this one`);
        hiIs.set(key, s);
      }
      return s;
    };
    for (let i = 0; i < n; i++) {
      const k = rel + i;
      // Byte i is at lane (l + k) mod W of the beat (l + k) div W beats after the cursor's:
      // for lanes l below the boundary B one beat, at or above it the next.
      const j0 = Math.floor(k / W);
      const B = (j0 + 1) * W - k;
      const inJ0 = lanes.some((l) => l < B);
      const inJ1 = lanes.some((l) => l >= B);
      const holds =
        inJ0 && inJ1
          ? hiEq(j0)
              .and(lo.lt(B))
              .or(hiEq(j0 + 1).and(lo.ge(B)))
          : hiEq(inJ0 ? j0 : j0 + 1);
      nexts.push(mux(holds, prev(k & (W - 1)), reg.byteBE(i)));
    }
  } else {
    // One-hot form: one constant compare per lane, an AND-OR tree per byte.
    const at = new Map<number, Signal>();
    const cursorIs = (v: number): Signal => {
      const key = ((v % 2 ** CW) + 2 ** CW) % 2 ** CW;
      let w = at.get(key);
      if (!w) {
        w = m.wire(`${name}_at${at.size}`, t.valid.and(cursor.eq(key)), `the cursor is ${v} bytes from this beat's start`);
        at.set(key, w);
      }
      return w;
    };
    // The lane selects are one-hot (one cursor value each), so from three lanes on the
    // lane's index is their binary encoding, shared by every byte with the same selects:
    // each bit is then one multiplexer over the lanes (one LUT6 up to four lanes, with
    // MUXF7/F8 up to 16) and its hold a clock enable, where an AND-OR over the selects
    // takes a LUT per three lanes and another for the hold (the 512-bit parser: 1,018
    // LUTs less, docs/RESULTS.md).
    const encoded = new Map<string, { any: Signal; index: Expr }>();
    const encode = (ats: Signal[]): { any: Signal; index: Expr } => {
      const key = ats.map((a) => a.name).join(',');
      let e = encoded.get(key);
      if (!e) {
        const k = encoded.size;
        const bits = Math.max(1, Math.ceil(Math.log2(ats.length)));
        const any = m.wire(`${name}_take${k}`, orAll(ats), 'the beat holds these bytes');
        const index =
          ats.length === 1
            ? lit(0, 1)
            : m.wire(
                `${name}_lane${k}`,
                cat(...Array.from({ length: bits }, (_, b) => orAll(ats.filter((_, j) => (j >> (bits - 1 - b)) & 1)))),
                'which of the selected lanes: the encoded selects',
              );
        e = { any, index };
        encoded.set(key, e);
      }
      return e;
    };
    // The encoding costs a LUT level, so for a caller that computes from the next value in
    // the same cycle (a cursor advance) the next value is the AND-OR, `${name}_early`, and
    // the bytes it reads (`finish`) load the register from there too; only the others are
    // encoded.
    const bytes = Array.from({ length: n }, (_, i) => {
      const sel = lanes.map((l) => ({ l, at: cursorIs(l - W * ((l + rel + i) >> lw)) }));
      const data = sel.map(({ l }) => lane((l + rel + i) & (W - 1)));
      const zero = lit(0, 8);
      const andOr = mux(orAll(sel.map((x) => x.at)), orAll(sel.map(({ at: a }, j) => mux(a, data[j]!, zero))), reg.byteBE(i));
      // Two lanes: two selects, two bytes and the hold are one LUT6 a bit as they stand
      // (encoded, the default build's parser measured 48 LUTs more).
      const encodedByte = (): Expr => {
        const { any, index } = encode(sel.map((x) => x.at));
        return mux(any, muxIndex(index, data), reg.byteBE(i));
      };
      return { andOr, encoded: sel.length >= 3 ? encodedByte : undefined };
    });
    if (early && bytes.some((x) => x.encoded)) {
      const earlyNext = m.wire(`${name}_early`, cat(...bytes.map((x) => x.andOr)), 'the next value as an AND-OR, a LUT level earlier');
      const next = m.signal(`${name}_next`, 8 * n);
      m.sync((b) => b.set(reg, next), `${name}: bytes at tap ${t.k}`);
      const finish = (readers: readonly Expr[]): void => {
        const read = bitsRead(readers, earlyNext);
        // Byte i is bits 8(n-1-i)+7 .. 8(n-1-i).
        const used = (i: number): boolean => Array.from({ length: 8 }, (_, b) => 8 * (n - 1 - i) + b).some((bit) => read.has(bit));
        m.assign(next, cat(...bytes.map((x, i) => (x.encoded && !used(i) ? x.encoded() : earlyNext.byteBE(i)))));
      };
      return { reg, next: earlyNext, finish };
    }
    for (const x of bytes) nexts.push(x.encoded ? x.encoded() : x.andOr);
  }
  const next = m.wire(`${name}_next`, cat(...nexts));
  m.sync((b) => b.set(reg, next), `${name}: bytes at tap ${t.k}`);
  return { reg, next };
}
