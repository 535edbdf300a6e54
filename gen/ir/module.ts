// SPDX-License-Identifier: MIT
// Modules of the hardware IR: ports, signals, memories, instances, continuous assignments,
// combinational and clocked processes. A block generator is a function that builds one
// of these; only gen/emit turns it into Verilog.

import { clog2 } from '../../ref/bits.ts';
import { cat, Expr, IrError, lit, type ExprLike } from './expr.ts';

export type Dir = 'input' | 'output';
export type SignalKind = Dir | 'wire';

/** A port width written in terms of a module parameter, e.g. DATA_WIDTH/8. */
export interface WidthParam {
  param: string;
  div?: number;
  /** e.g. IN_BYTES*8 */
  mul?: number;
}

export class Signal extends Expr {
  /** Set when the signal is a register with a synchronous reset value. */
  resetValue: bigint | undefined;
  widthParam: WidthParam | undefined;
  comment: string | undefined;
  /** Emitted with (* keep *): synthesis keeps it as a net, so logic is not merged across it. */
  keep = false;

  constructor(
    readonly name: string,
    width: number,
    readonly kind: SignalKind,
  ) {
    const node = { k: 'sig' as const, s: undefined as unknown as Signal };
    super(width, node);
    node.s = this;
  }
}

export class Memory {
  resetToZero = false;
  constructor(
    readonly name: string,
    readonly width: number,
    readonly depth: number,
    readonly comment: string | undefined,
  ) {}

  get addrWidth(): number {
    return clog2(this.depth);
  }

  read(addr: Expr): Expr {
    if (addr.width !== this.addrWidth) throw new IrError(`${this.name}: address width ${addr.width}, want ${this.addrWidth}`);
    return new Expr(this.width, { k: 'memrd', m: this, addr });
  }
}

export type LValue = { s: Signal; hi: number; lo: number };

export type Stmt =
  | { k: 'set'; lhs: LValue; rhs: Expr }
  | { k: 'if'; c: Expr; then: Stmt[]; else: Stmt[] }
  | { k: 'case'; sel: Expr; arms: { values: Expr[]; body: Stmt[] }[]; dflt: Stmt[] }
  | { k: 'memwr'; m: Memory; addr: Expr; data: Expr };

/** Collects the statements of one process body. */
export class Body {
  readonly stmts: Stmt[] = [];

  set(lhs: Signal | LValue, rhs: ExprLike): void {
    const lv: LValue = lhs instanceof Signal ? { s: lhs, hi: lhs.width - 1, lo: 0 } : lhs;
    const w = lv.hi - lv.lo + 1;
    const e = rhs instanceof Expr ? rhs : lit(rhs, w);
    if (e.width !== w) throw new IrError(`${lv.s.name}: assigning ${e.width} bits to ${w}`);
    if (lv.s.kind === 'input') throw new IrError(`${lv.s.name}: cannot assign an input`);
    this.stmts.push({ k: 'set', lhs: lv, rhs: e });
  }

  if(c: Expr, then: (b: Body) => void, otherwise?: (b: Body) => void): void {
    if (c.width !== 1) throw new IrError(`if condition of width ${c.width}`);
    const t = new Body();
    then(t);
    const e = new Body();
    otherwise?.(e);
    this.stmts.push({ k: 'if', c, then: t.stmts, else: e.stmts });
  }

  /** A case statement; every arm lists the values (constants, named or not) that select it. */
  switch(sel: Expr, arms: [values: (number | bigint | Expr)[], body: (b: Body) => void][], dflt?: (b: Body) => void): void {
    const out = arms.map(([values, f]) => {
      const b = new Body();
      f(b);
      // lit() checks that every value fits the selector.
      const vs = values.map((v) => {
        if (!(v instanceof Expr)) return lit(v, sel.width);
        if (v.node.k !== 'const' || v.width !== sel.width) throw new IrError(`case value: a ${sel.width}-bit constant`);
        return v;
      });
      return { values: vs, body: b.stmts };
    });
    const d = new Body();
    dflt?.(d);
    this.stmts.push({ k: 'case', sel, arms: out, dflt: d.stmts });
  }

  memWrite(m: Memory, addr: Expr, data: Expr): void {
    if (addr.width !== m.addrWidth || data.width !== m.width) throw new IrError(`${m.name}: write widths`);
    this.stmts.push({ k: 'memwr', m, addr, data });
  }
}

export interface Param {
  name: string;
  value: number;
  comment: string;
}

export interface Instance {
  module: Module;
  name: string;
  conns: Map<string, Expr>;
}

export type Item =
  | { k: 'assign'; lhs: Signal; rhs: Expr }
  | { k: 'comb'; body: Stmt[]; comment: string | undefined }
  | { k: 'sync'; body: Stmt[]; comment: string | undefined }
  | { k: 'inst'; inst: Instance }
  | { k: 'note'; text: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class Module {
  readonly params: Param[] = [];
  readonly ports: Signal[] = [];
  readonly signals: Signal[] = [];
  readonly memories: Memory[] = [];
  readonly items: Item[] = [];
  /** Lines of the header comment: what the module does, then the build that made it. */
  readonly doc: string[] = [];
  private readonly names = new Set<string>();
  readonly clk: Signal;
  readonly rst: Signal;

  constructor(
    readonly name: string,
    doc: string[],
    opts: { clock?: boolean } = {},
  ) {
    this.doc.push(...doc);
    this.claim(name);
    if (opts.clock === false) {
      this.clk = new Signal('clk', 1, 'input');
      this.rst = new Signal('rst', 1, 'input');
    } else {
      this.clk = this.input('clk', 1);
      this.rst = this.input('rst', 1);
    }
  }

  private claim(name: string): void {
    if (!IDENT.test(name)) throw new IrError(`bad identifier '${name}'`);
    if (this.names.has(name)) throw new IrError(`${this.name}: '${name}' declared twice`);
    this.names.add(name);
  }

  param(name: string, value: number, comment: string): Param {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new IrError(`parameter '${name}' must be UPPER_CASE`);
    this.claim(name);
    const p = { name, value, comment };
    this.params.push(p);
    return p;
  }

  private port(name: string, width: number, dir: Dir, wp?: WidthParam): Signal {
    this.claim(name);
    const s = new Signal(name, width, dir);
    if (wp) {
      const p = this.params.find((q) => q.name === wp.param);
      if (!p || (p.value * (wp.mul ?? 1)) / (wp.div ?? 1) !== width) throw new IrError(`${name}: width ${width} vs ${wp.param}`);
      s.widthParam = wp;
    }
    this.ports.push(s);
    return s;
  }
  input(name: string, width: number, wp?: WidthParam): Signal {
    return this.port(name, width, 'input', wp);
  }
  output(name: string, width: number, wp?: WidthParam): Signal {
    return this.port(name, width, 'output', wp);
  }

  /** A wire or register; which one is decided by what drives it. */
  signal(name: string, width: number, comment?: string): Signal {
    this.claim(name);
    const s = new Signal(name, width, 'wire');
    s.comment = comment;
    this.signals.push(s);
    return s;
  }

  /** A register with a synchronous reset value (driven from a sync process). */
  reg(name: string, width: number, reset: number | bigint | undefined, comment?: string): Signal {
    const s = this.signal(name, width, comment);
    if (reset !== undefined) {
      lit(reset, width);
      s.resetValue = BigInt(reset);
    }
    return s;
  }

  /** A wire driven by `e`, named so that it reaches the Verilog (and the waveform). */
  wire(name: string, e: Expr, comment?: string): Signal {
    const s = this.signal(name, e.width, comment);
    this.assign(s, e);
    return s;
  }

  /** A wire emitted with (* keep *): synthesis builds the logic on each side of it separately (gen/blocks/lut-shapes.ts). */
  keptWire(name: string, e: Expr, comment?: string): Signal {
    const s = this.wire(name, e, comment);
    s.keep = true;
    return s;
  }

  memory(name: string, width: number, depth: number, comment?: string): Memory {
    this.claim(name);
    const m = new Memory(name, width, depth, comment);
    this.memories.push(m);
    return m;
  }

  assign(lhs: Signal, rhs: ExprLike): void {
    const e = rhs instanceof Expr ? rhs : lit(rhs, lhs.width);
    if (e.width !== lhs.width) throw new IrError(`${lhs.name}: assigning ${e.width} bits to ${lhs.width}`);
    if (lhs.kind === 'input') throw new IrError(`${lhs.name}: cannot assign an input`);
    this.items.push({ k: 'assign', lhs, rhs: e });
  }

  comb(f: (b: Body) => void, comment?: string): void {
    const b = new Body();
    f(b);
    this.items.push({ k: 'comb', body: b.stmts, comment });
  }

  sync(f: (b: Body) => void, comment?: string): void {
    const b = new Body();
    f(b);
    this.items.push({ k: 'sync', body: b.stmts, comment });
  }

  note(text: string): void {
    this.items.push({ k: 'note', text });
  }

  instance(module: Module, name: string, conns: Record<string, Expr>): void {
    this.claim(name);
    const map = new Map<string, Expr>();
    for (const p of module.ports) {
      const e = conns[p.name] ?? (p.name === 'clk' ? this.clk : p.name === 'rst' ? this.rst : undefined);
      if (!e) throw new IrError(`${this.name}.${name}: port ${p.name} not connected`);
      if (e.width !== p.width) throw new IrError(`${this.name}.${name}.${p.name}: ${e.width} bits to ${p.width}`);
      if (p.kind === 'output' && !(e instanceof Signal)) throw new IrError(`${name}.${p.name}: outputs connect to signals`);
      map.set(p.name, e);
    }
    for (const k of Object.keys(conns)) if (!module.ports.some((p) => p.name === k)) throw new IrError(`${name}: no port ${k}`);
    this.items.push({ k: 'inst', inst: { module, name, conns: map } });
  }

  /**
   * Delay `e` by `n` cycles through a small memory instead of n registers per bit: words
   * written every cycle at a free-running pointer, read n-1 words behind it into a
   * register. Block RAM on iCE40, LUT RAM on 7-series, so long wide delays cost no
   * flip-flops. The contents have no reset: for data whose valid bit travels in `delay`.
   */
  delayMem(name: string, e: Expr, n: number): Expr {
    if (n < 2) return this.delay(name, e, n);
    // At least 16 words: yosys maps an iCE40 memory to block RAM only above a minimum
    // use of the RAM's bits; 7-series LUT RAM is 32 deep whatever is asked.
    const depth = Math.max(16, 2 ** Math.ceil(Math.log2(n)));
    const aw = Math.max(1, Math.log2(depth));
    const mem = this.memory(`${name}_mem`, e.width, depth, `${name} delayed by ${n} cycles`);
    const wp = this.reg(`${name}_wr_ptr`, aw, 0, 'written this cycle');
    const rp = this.reg(`${name}_rd_ptr`, aw, (depth - (n - 1)) % depth, `${n - 1} words behind the write pointer`);
    const out = this.reg(`${name}_d${n}`, e.width, undefined);
    this.sync((b) => {
      b.memWrite(mem, wp, e);
      b.set(wp, wp.add(1));
      b.set(rp, rp.add(1));
      b.set(out, mem.read(rp));
    }, `${name}: ${n}-cycle delay line`);
    return out;
  }

  /**
   * Register `e` for `n` cycles; returns the last stage, named `${name}_d${n}`. One cycle is
   * one register; more are one packed shift register `${name}_sr` (stage 1 in the LSBs,
   * shifted up each cycle) in one clocked process, its last stage a wire.
   */
  delay(name: string, e: Expr, n: number, reset?: number): Expr {
    if (n === 0) return e;
    if (n === 1) {
      const r = this.reg(`${name}_d1`, e.width, reset);
      this.sync((b) => b.set(r, e), `${name}: one-cycle delay`);
      return r;
    }
    const w = e.width;
    let all: bigint | undefined;
    if (reset !== undefined) {
      lit(reset, w);
      all = 0n;
      for (let i = 0; i < n; i++) all = (all << BigInt(w)) | BigInt(reset);
    }
    const sr = this.reg(`${name}_sr`, w * n, all, `${name} delayed by 1..${n} cycles, ${w} bit${w > 1 ? 's' : ''} a stage, stage 1 in the LSBs`);
    this.sync((b) => b.set(sr, cat(sr.slice(w * (n - 1) - 1, 0), e)), `${name}: ${n}-cycle delay line`);
    return this.wire(`${name}_d${n}`, sr.slice(w * n - 1, w * (n - 1)));
  }
}
