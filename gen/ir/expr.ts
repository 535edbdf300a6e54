// SPDX-License-Identifier: MIT
// Expressions of the hardware IR. Every expression knows its width, and operators check
// widths when the IR is built, so the emitted Verilog never relies on implicit extension
// (which is what verilator -Wall's WIDTH warnings are about).

import type { Memory, Signal } from './module.ts';

export type BinOp = '&' | '|' | '^' | '+' | '-';
export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type RedOp = '&' | '|' | '^';

export type Node =
  | { k: 'sig'; s: Signal }
  /** A literal; a named one is bits [lo + width - 1 : lo] of a localparam (`decl`). */
  | { k: 'const'; v: bigint; decl?: NamedDecl; lo?: number }
  | { k: 'slice'; s: Signal; lo: number }
  | { k: 'cat'; parts: Expr[] }
  | { k: 'rep'; n: number; a: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'red'; op: RedOp; a: Expr }
  | { k: 'bin'; op: BinOp; a: Expr; b: Expr }
  | { k: 'cmp'; op: CmpOp; a: Expr; b: Expr }
  | { k: 'mux'; c: Expr; a: Expr; b: Expr }
  | { k: 'memrd'; m: Memory; addr: Expr };

/** A named constant as the Verilog declares it: localparam [width-1:0] name = value. */
export interface NamedDecl {
  readonly name: string;
  readonly width: number;
  readonly value: bigint;
}

export type ExprLike = Expr | number | bigint | boolean;

export class IrError extends Error {}

function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

export class Expr {
  constructor(
    readonly width: number,
    readonly node: Node,
  ) {
    if (!Number.isInteger(width) || width < 1) throw new IrError(`bad expression width ${width}`);
  }

  /** A literal takes the width of the expression it meets. */
  private lift(b: ExprLike, what: string): Expr {
    if (b instanceof Expr) {
      if (b.width !== this.width) throw new IrError(`${what}: width ${this.width} vs ${b.width}`);
      return b;
    }
    return lit(b, this.width);
  }

  bit(i: number): Expr {
    return this.slice(i, i);
  }

  /** Bits hi..lo inclusive, as in Verilog. Only signals (and constants) can be sliced. */
  slice(hi: number, lo: number): Expr {
    if (lo < 0 || hi < lo || hi >= this.width) throw new IrError(`slice [${hi}:${lo}] of width ${this.width}`);
    if (lo === 0 && hi === this.width - 1) return this;
    const n = this.node;
    if (n.k === 'sig') return new Expr(hi - lo + 1, { k: 'slice', s: n.s, lo });
    if (n.k === 'slice') return new Expr(hi - lo + 1, { k: 'slice', s: n.s, lo: n.lo + lo });
    if (n.k === 'const') {
      const v = (n.v >> BigInt(lo)) & mask(hi - lo + 1);
      // Bits of a named constant keep its name: ADDR_CTRL[9:2].
      return n.decl ? new Expr(hi - lo + 1, { k: 'const', v, decl: n.decl, lo: (n.lo ?? 0) + lo }) : lit(v, hi - lo + 1);
    }
    if (n.k === 'cat') {
      // Slicing a concatenation selects from its parts, so generators may slice freely.
      const out: Expr[] = [];
      let base = 0;
      for (let i = n.parts.length - 1; i >= 0; i--) {
        const p = n.parts[i]!;
        const pLo = base;
        const pHi = base + p.width - 1;
        base += p.width;
        const a = Math.max(lo, pLo);
        const b = Math.min(hi, pHi);
        if (a <= b) out.unshift(p.slice(b - pLo, a - pLo));
      }
      return cat(...out);
    }
    throw new IrError(`slice of a ${n.k} expression: name it with a wire first`);
  }

  /** Byte i counted from the most significant end: network byte order over a window. */
  byteBE(i: number): Expr {
    const hi = this.width - 1 - 8 * i;
    return this.slice(hi, hi - 7);
  }

  not(): Expr {
    if (this.node.k === 'const') return lit(~this.node.v & mask(this.width), this.width);
    return new Expr(this.width, { k: 'not', a: this });
  }
  and(b: ExprLike): Expr {
    return new Expr(this.width, { k: 'bin', op: '&', a: this, b: this.lift(b, '&') });
  }
  or(b: ExprLike): Expr {
    return new Expr(this.width, { k: 'bin', op: '|', a: this, b: this.lift(b, '|') });
  }
  xor(b: ExprLike): Expr {
    return new Expr(this.width, { k: 'bin', op: '^', a: this, b: this.lift(b, '^') });
  }
  add(b: ExprLike): Expr {
    return new Expr(this.width, { k: 'bin', op: '+', a: this, b: this.lift(b, '+') });
  }
  sub(b: ExprLike): Expr {
    return new Expr(this.width, { k: 'bin', op: '-', a: this, b: this.lift(b, '-') });
  }
  cmp(op: CmpOp, b: ExprLike): Expr {
    return new Expr(1, { k: 'cmp', op, a: this, b: this.lift(b, op) });
  }
  eq(b: ExprLike): Expr {
    return this.cmp('==', b);
  }
  ne(b: ExprLike): Expr {
    return this.cmp('!=', b);
  }
  lt(b: ExprLike): Expr {
    return this.cmp('<', b);
  }
  le(b: ExprLike): Expr {
    return this.cmp('<=', b);
  }
  gt(b: ExprLike): Expr {
    return this.cmp('>', b);
  }
  ge(b: ExprLike): Expr {
    return this.cmp('>=', b);
  }
  any(): Expr {
    return this.width === 1 ? this : new Expr(1, { k: 'red', op: '|', a: this });
  }
  all(): Expr {
    return this.width === 1 ? this : new Expr(1, { k: 'red', op: '&', a: this });
  }
  parity(): Expr {
    return this.width === 1 ? this : new Expr(1, { k: 'red', op: '^', a: this });
  }
  /** Zero-extend (or keep) to `w` bits. */
  zext(w: number): Expr {
    if (w < this.width) throw new IrError(`zext to ${w} narrower than ${this.width}`);
    return w === this.width ? this : cat(lit(0, w - this.width), this);
  }
  /** Keep the low `w` bits. */
  trunc(w: number): Expr {
    return this.slice(w - 1, 0);
  }
  /** Fit to `w` bits: zero-extend or keep the low bits. */
  resize(w: number): Expr {
    return w >= this.width ? this.zext(w) : this.trunc(w);
  }
}

export function lit(v: number | bigint | boolean, width: number): Expr {
  const b = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v);
  if (b < 0n || b > mask(width)) throw new IrError(`constant ${b} does not fit ${width} bits`);
  return new Expr(width, { k: 'const', v: b });
}

/** A group of named constants (ref/constants.ts): a prefix, the field width, the members. */
export interface NamedGroup<K extends string> {
  readonly prefix: string;
  readonly width: number;
  readonly values: Readonly<Record<K, number>>;
}

/**
 * The constant `key` of group `g`, reaching the Verilog as the localparam PREFIX_KEY of the
 * group's width; `width` narrows it to a field that holds fewer bits (ENCAP in a 2-bit field).
 */
export function named<K extends string>(g: NamedGroup<K>, key: K, width: number = g.width): Expr {
  const v = BigInt(g.values[key]);
  lit(v, width);
  if (width > g.width) throw new IrError(`${g.prefix}_${key}: ${width} bits, wider than its ${g.width}`);
  return namedLit(`${g.prefix}_${key}`, v, g.width).trunc(width);
}

/** A named constant outside the shared groups (a register address): localparam `name`. */
export function namedLit(name: string, v: number | bigint, width: number): Expr {
  const value = BigInt(v);
  lit(value, width);
  return new Expr(width, { k: 'const', v: value, decl: { name, width, value } });
}

export function cat(...parts: Expr[]): Expr {
  if (parts.length === 0) throw new IrError('empty concatenation');
  if (parts.length === 1) return parts[0]!;
  const flat = mergeAdjacent(parts.flatMap((p) => (p.node.k === 'cat' ? p.node.parts : [p])));
  if (flat.length === 1) return flat[0]!;
  return new Expr(
    flat.reduce((s, p) => s + p.width, 0),
    { k: 'cat', parts: flat },
  );
}

/** Bits [lo, lo + width) of a signal, or undefined when `e` is not a signal or a slice of one. */
function bitsOf(e: Expr): { s: Signal; lo: number } | undefined {
  const n = e.node;
  if (n.k === 'sig') return { s: n.s, lo: 0 };
  if (n.k === 'slice') return { s: n.s, lo: n.lo };
  return undefined;
}

/**
 * Adjacent parts of a concatenation (MSB first) that continue each other become one:
 * {a[7:4], a[3:0]} is a[7:0], {2'd0, 3'd1} is 5'd1 (named constants keep their names).
 */
function mergeAdjacent(parts: Expr[]): Expr[] {
  const out: Expr[] = [];
  for (const q of parts) {
    const p = out[out.length - 1];
    if (p) {
      const a = bitsOf(p);
      const b = bitsOf(q);
      if (a && b && a.s === b.s && a.lo === b.lo + q.width) {
        out[out.length - 1] = a.s.slice(b.lo + p.width + q.width - 1, b.lo);
        continue;
      }
      const pn = p.node;
      const qn = q.node;
      if (pn.k === 'const' && qn.k === 'const' && !pn.decl && !qn.decl) {
        out[out.length - 1] = lit((pn.v << BigInt(q.width)) | qn.v, p.width + q.width);
        continue;
      }
    }
    out.push(q);
  }
  return out;
}

export function rep(n: number, a: Expr): Expr {
  if (n === 1) return a;
  return new Expr(n * a.width, { k: 'rep', n, a });
}

export function mux(c: Expr, a: ExprLike, b: ExprLike): Expr {
  if (c.width !== 1) throw new IrError(`mux select width ${c.width}`);
  const w = a instanceof Expr ? a.width : b instanceof Expr ? b.width : 0;
  if (w === 0) throw new IrError('mux needs at least one sized arm');
  const ea = a instanceof Expr ? a : lit(a, w);
  const eb = b instanceof Expr ? b : lit(b, w);
  if (ea.width !== eb.width) throw new IrError(`mux arms ${ea.width} vs ${eb.width}`);
  return new Expr(w, { k: 'mux', c, a: ea, b: eb });
}

/** Balanced reduction, so generated trees have logarithmic depth. */
export function tree(xs: Expr[], f: (a: Expr, b: Expr) => Expr): Expr {
  if (xs.length === 0) throw new IrError('empty tree');
  let level = xs;
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? f(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

export const andAll = (xs: Expr[]): Expr => (xs.length === 0 ? lit(1, 1) : tree(xs, (a, b) => a.and(b)));
export const orAll = (xs: Expr[]): Expr => (xs.length === 0 ? lit(0, 1) : tree(xs, (a, b) => a.or(b)));
export const xorAll = (xs: Expr[]): Expr => tree(xs, (a, b) => a.xor(b));

/** Calls f on e and on every subexpression of it, parents first. */
export function walkExpr(e: Expr, f: (e: Expr) => void): void {
  f(e);
  const n = e.node;
  switch (n.k) {
    case 'cat':
      return n.parts.forEach((p) => walkExpr(p, f));
    case 'rep':
    case 'not':
    case 'red':
      return walkExpr(n.a, f);
    case 'bin':
    case 'cmp':
      walkExpr(n.a, f);
      return walkExpr(n.b, f);
    case 'mux':
      walkExpr(n.c, f);
      walkExpr(n.a, f);
      return walkExpr(n.b, f);
    case 'memrd':
      return walkExpr(n.addr, f);
    default:
      return;
  }
}

/** The bits of signal s that the expressions read (through slices and whole references). */
export function bitsRead(exprs: readonly Expr[], s: Signal): Set<number> {
  const out = new Set<number>();
  for (const e of exprs)
    walkExpr(e, (x) => {
      const n = x.node;
      if ((n.k === 'sig' || n.k === 'slice') && n.s === s) for (let i = 0; i < x.width; i++) out.add((n.k === 'slice' ? n.lo : 0) + i);
    });
  return out;
}
