// SPDX-License-Identifier: MIT
// The only place that writes Verilog. Verilog-2005, one module per file, in the style of
// verilog-ethernet: header comment, parameters, ANSI ports, declarations, logic.
// Output is a pure function of the IR, so regenerating gives identical bytes.

import { Expr, IrError, type NamedDecl, type Node, walkExpr } from '../ir/expr.ts';
import { Memory, Module, Signal, type Item, type Stmt } from '../ir/module.ts';

function range(width: number): string {
  return width === 1 ? '' : `[${width - 1}:0]`;
}

/** Literals up to a byte wide in decimal, wider ones in hex (but for 0-9, the same in both). */
function constant(width: number, v: bigint): string {
  return width > 8 && v > 9n ? `${width}'h${v.toString(16)}` : `${width}'d${v}`;
}

/** A named constant's value in its localparam: from a byte up hex padded to the width's digits (16'h0800). */
function constantDecl(width: number, v: bigint): string {
  return width >= 8 ? `${width}'h${v.toString(16).padStart(Math.ceil(width / 4), '0')}` : `${width}'d${v}`;
}

/** Bits [lo + width - 1 : lo] of a named constant: its localparam, sliced when not whole. */
function namedRef(d: NamedDecl, lo: number, width: number): string {
  if (lo === 0 && width === d.width) return d.name;
  return width === 1 ? `${d.name}[${lo}]` : `${d.name}[${lo + width - 1}:${lo}]`;
}

/** No line of the output is longer: longer expressions and lists are wrapped. */
export const LINE_LIMIT = 160;

/**
 * An expression laid out for printing: a word, or a group (head, items, tail) that prints
 * on one line when it fits and otherwise puts items on continuation lines. `flat` is the
 * one-line form; `chain` marks an item that continues its parent's chain (a & b & c, an
 * else-if of muxes) and so keeps the parent's indentation instead of going deeper.
 */
interface DocItem {
  pre: string;
  doc: Doc;
  post: string;
}
type Doc = { flat: string } & ({ word: true } | { word: false; head: string; items: DocItem[]; tail: string; chain?: boolean });

const word = (flat: string): Doc => ({ flat, word: true });
function group(head: string, items: DocItem[], tail: string, chain = false): Doc {
  return { flat: head + items.map((i) => i.pre + i.doc.flat + i.post).join(' ') + tail, word: false, head, items, tail, chain };
}
const item = (doc: Doc, pre = '', post = ''): DocItem => ({ pre, doc, post });

function toDoc(e: Expr): Doc {
  const n: Node = e.node;
  switch (n.k) {
    case 'sig':
      return word(n.s.name);
    case 'const':
      return word(n.decl ? namedRef(n.decl, n.lo ?? 0, e.width) : constant(e.width, n.v));
    case 'slice':
      if (n.s.width === 1) return word(n.s.name);
      return word(e.width === 1 ? `${n.s.name}[${n.lo}]` : `${n.s.name}[${n.lo + e.width - 1}:${n.lo}]`);
    case 'cat':
      return group(
        '{',
        n.parts.map((p, i) => item(toDoc(p), '', i < n.parts.length - 1 ? ',' : '')),
        '}',
      );
    case 'rep':
      return group(`{${n.n}{`, [item(toDoc(n.a))], '}}');
    case 'not':
      return group('~', [item(atom(n.a))], '');
    case 'red':
      return group(`(${n.op}`, [item(atom(n.a))], ')');
    case 'bin':
    case 'cmp': {
      const a = toDoc(n.a);
      const b = toDoc(n.b);
      // A left operand with the same operator continues the chain at the same indentation.
      const same = n.a.node.k === n.k && n.a.node.op === n.op;
      return group('(', [item(same && !a.word ? { ...a, chain: true } : a), item(b, `${n.op} `)], ')');
    }
    case 'mux': {
      const b = toDoc(n.b);
      // An else arm that is a mux again reads as an else-if: same indentation.
      return group('(', [item(toDoc(n.c)), item(toDoc(n.a), '? '), item(n.b.node.k === 'mux' && !b.word ? { ...b, chain: true } : b, ': ')], ')');
    }
    case 'memrd':
      return group(`${n.m.name}[`, [item(toDoc(n.addr))], ']');
  }
}

/** Operands of unary operators need parentheses unless they are already atoms. */
function atom(e: Expr): Doc {
  const d = toDoc(e);
  const s = d.flat;
  return /^[A-Za-z_][A-Za-z0-9_]*(\[[0-9:]+\])?$/.test(s) || s.startsWith('(') || s.startsWith('{') ? d : group('(', [item(d)], ')');
}

function expr(e: Expr): string {
  return toDoc(e).flat;
}

/**
 * `d` printed from column `col`, continuation lines indented to `ind`, `reserve` characters
 * following its last line. The first line is returned without the indentation before
 * `col`; the others carry their own.
 */
function render(d: Doc, col: number, ind: number, reserve: number): string[] {
  if (d.word || col + d.flat.length + reserve <= LINE_LIMIT) return [d.flat];
  const lines: string[] = [];
  let cur = d.head;
  let start = col;
  const width = (): number => start + cur.length;
  d.items.forEach((it, k) => {
    const last = k === d.items.length - 1;
    const after = it.post.length + (last ? d.tail.length + reserve : 0);
    const piece = it.pre + it.doc.flat + it.post;
    const sep = k === 0 ? '' : ' ';
    if (width() + sep.length + piece.length + (last ? d.tail.length + reserve : 0) <= LINE_LIMIT) {
      cur += sep + piece;
      return;
    }
    if (k > 0) {
      if (ind + piece.length + (last ? d.tail.length + reserve : 0) <= LINE_LIMIT || it.doc.word) {
        lines.push(cur);
        cur = ' '.repeat(ind) + piece;
        start = 0;
        return;
      }
      lines.push(cur);
      cur = ' '.repeat(ind);
      start = 0;
    }
    cur += it.pre;
    const deeper = it.doc.word || it.doc.chain ? ind : ind + 4;
    const sub = render(it.doc, width(), deeper, after);
    cur += sub[0]!;
    for (const l of sub.slice(1)) {
      lines.push(cur);
      cur = l;
      start = 0;
    }
    cur += it.post;
  });
  lines.push(cur + d.tail);
  return lines;
}

/** Every signal read anywhere, with the bits that are read. */
function collectReads(m: Module): Map<Signal, boolean[]> {
  const used = new Map<Signal, boolean[]>();
  const mark = (s: Signal, lo: number, w: number): void => {
    let bits = used.get(s);
    if (!bits) used.set(s, (bits = new Array<boolean>(s.width).fill(false)));
    for (let i = lo; i < lo + w; i++) bits[i] = true;
  };
  // An instance's output connections are driven, not read.
  eachExpr(
    m,
    (e) => {
      const n = e.node;
      if (n.k === 'sig') mark(n.s, 0, n.s.width);
      else if (n.k === 'slice') mark(n.s, n.lo, e.width);
    },
    'inputs',
  );
  return used;
}

/** Every expression of the module, subexpressions included; of an instance's connections, all or only its inputs'. */
function eachExpr(m: Module, f: (e: Expr) => void, instConns: 'all' | 'inputs' = 'all'): void {
  const walk = (e: Expr): void => walkExpr(e, f);
  const stmts = (ss: Stmt[]): void => {
    for (const s of ss) {
      if (s.k === 'set') walk(s.rhs);
      else if (s.k === 'if') {
        walk(s.c);
        stmts(s.then);
        stmts(s.else);
      } else if (s.k === 'case') {
        walk(s.sel);
        for (const a of s.arms) {
          a.values.forEach(walk);
          stmts(a.body);
        }
        stmts(s.dflt);
      } else {
        walk(s.addr);
        walk(s.data);
      }
    }
  };
  for (const it of m.items) {
    if (it.k === 'assign') walk(it.rhs);
    else if (it.k === 'comb' || it.k === 'sync') stmts(it.body);
    else if (it.k === 'inst') {
      if (instConns === 'all') it.inst.conns.forEach(walk);
      else for (const p of it.inst.module.ports) if (p.kind === 'input') walk(it.inst.conns.get(p.name)!);
    }
  }
}

/** The named constants the module uses, in order of first use: its localparams. */
function namedConsts(m: Module): NamedDecl[] {
  const out = new Map<string, NamedDecl>();
  eachExpr(m, (e) => {
    const n = e.node;
    if (n.k !== 'const' || !n.decl) return;
    const d = n.decl;
    const prev = out.get(d.name);
    if (prev && (prev.width !== d.width || prev.value !== d.value)) throw new IrError(`${m.name}: constant ${d.name} with two values`);
    out.set(d.name, d);
  });
  const taken = new Set([
    m.name,
    ...m.params.map((p) => p.name),
    ...m.ports.map((p) => p.name),
    ...m.signals.map((s) => s.name),
    ...m.memories.map((x) => x.name),
  ]);
  for (const it of m.items) if (it.k === 'inst') taken.add(it.inst.name);
  for (const k of out.keys()) if (taken.has(k)) throw new IrError(`${m.name}: constant ${k} clashes with a declared name`);
  // By group (the name's first word), then value: ETHERTYPE_IPV4 before ETHERTYPE_VLAN, addresses in address order.
  const group = (d: NamedDecl): string => d.name.split('_')[0]!;
  return [...out.values()].sort((a, b) =>
    group(a) !== group(b) ? (group(a) < group(b) ? -1 : 1) : a.value !== b.value ? (a.value < b.value ? -1 : 1) : a.name < b.name ? -1 : 1,
  );
}

function targets(ss: Stmt[], out: Set<Signal> = new Set()): Set<Signal> {
  for (const s of ss) {
    if (s.k === 'set') out.add(s.lhs.s);
    else if (s.k === 'if') {
      targets(s.then, out);
      targets(s.else, out);
    } else if (s.k === 'case') {
      s.arms.forEach((a) => targets(a.body, out));
      targets(s.dflt, out);
    }
  }
  return out;
}

function memTargets(ss: Stmt[], out: Set<Memory> = new Set()): Set<Memory> {
  for (const s of ss) {
    if (s.k === 'memwr') out.add(s.m);
    else if (s.k === 'if') {
      memTargets(s.then, out);
      memTargets(s.else, out);
    } else if (s.k === 'case') {
      s.arms.forEach((a) => memTargets(a.body, out));
      memTargets(s.dflt, out);
    }
  }
  return out;
}

/** A combinational process must give each target a value before any branch: no latches. */
function checkCombDefaults(m: Module, body: Stmt[]): void {
  const assigned = new Set<Signal>();
  for (const s of body) {
    if (s.k === 'set') {
      if (s.lhs.lo === 0 && s.lhs.hi === s.lhs.s.width - 1) assigned.add(s.lhs.s);
    } else {
      for (const t of targets([s])) {
        if (!assigned.has(t)) throw new IrError(`${m.name}: ${t.name} needs a default before branches (latch)`);
      }
      if (s.k === 'memwr') throw new IrError(`${m.name}: memory write outside a clocked process`);
    }
  }
}

class Writer {
  readonly lines: string[] = [];
  line(indent: number, text: string): void {
    this.lines.push(text === '' ? '' : '    '.repeat(indent) + text);
  }
}

function lhs(l: { s: Signal; hi: number; lo: number }): string {
  if (l.lo === 0 && l.hi === l.s.width - 1) return l.s.name;
  return l.hi === l.lo ? `${l.s.name}[${l.lo}]` : `${l.s.name}[${l.hi}:${l.lo}]`;
}

/**
 * `prefix`, then `d`, then `suffix` at indentation level `ind`, the expression wrapped
 * over continuation lines (one level deeper) when the line would pass LINE_LIMIT.
 */
function docLine(w: Writer, ind: number, prefix: string, d: Doc, suffix: string): void {
  const pad = '    '.repeat(ind);
  const lines = render(d, pad.length + prefix.length, pad.length + 4, suffix.length);
  lines[0] = pad + prefix + lines[0]!;
  lines[lines.length - 1] += suffix;
  w.lines.push(...lines);
}
const exprLine = (w: Writer, ind: number, prefix: string, e: Expr, suffix: string): void => docLine(w, ind, prefix, toDoc(e), suffix);

/** Comment text after `first`, wrapped at spaces to LINE_LIMIT, further lines after `cont`. */
function wrapText(first: string, text: string, cont: string): string[] {
  const out: string[] = [];
  let cur = first;
  let empty = true;
  for (const wd of text.split(' ')) {
    if (!empty && cur.length + 1 + wd.length > LINE_LIMIT) {
      out.push(cur);
      cur = cont;
      empty = true;
    }
    cur += (empty ? '' : ' ') + wd;
    empty = false;
  }
  out.push(cur);
  return out;
}

/** A comma-separated list of words, filled up to LINE_LIMIT. */
const listDoc = (xs: string[]): Doc =>
  group(
    '',
    xs.map((x, i) => item(word(x), '', i < xs.length - 1 ? ',' : '')),
    '',
  );

function stmtsOut(w: Writer, ss: Stmt[], ind: number, op: string, lead = ''): void {
  for (const s of ss) {
    switch (s.k) {
      case 'set':
        exprLine(w, ind, `${lhs(s.lhs)} ${op} `, s.rhs, ';');
        break;
      case 'memwr':
        exprLine(w, ind, `${s.m.name}[${expr(s.addr)}] <= `, s.data, ';');
        break;
      case 'if':
        exprLine(w, ind, `${lead}if (`, s.c, ') begin');
        stmtsOut(w, s.then, ind + 1, op);
        if (s.else.length === 1 && s.else[0]!.k === 'if') {
          // else-if chains read as such instead of nesting deeper each time.
          stmtsOut(w, s.else, ind, op, 'end else ');
          break;
        }
        if (s.else.length > 0) {
          w.line(ind, 'end else begin');
          stmtsOut(w, s.else, ind + 1, op);
        }
        w.line(ind, 'end');
        break;
      case 'case':
        exprLine(w, ind, 'case (', s.sel, ')');
        for (const a of s.arms) {
          docLine(w, ind + 1, '', listDoc(a.values.map(expr)), ': begin');
          stmtsOut(w, a.body, ind + 2, op);
          w.line(ind + 1, 'end');
        }
        w.line(ind + 1, 'default: begin');
        stmtsOut(w, s.dflt, ind + 2, op);
        w.line(ind + 1, 'end');
        w.line(ind, 'endcase');
        break;
    }
  }
}

/** The interface a port belongs to, by its name's prefix: the comment over its group. */
const PORT_GROUPS: [RegExp, string][] = [
  [/^(clk|rst)$/, 'clock and synchronous reset'],
  [/^s_axis_/, 'AXI4-Stream input (s_axis_*)'],
  [/^m_axis_/, 'AXI4-Stream output (m_axis_*)'],
  [/^s_axil_/, 'AXI4-Lite slave (s_axil_*)'],
  [/^cfg_wr_/, 'register write events (cfg_wr_*)'],
  [/^cfg_filter_/, 'VMQ filter table (cfg_filter_*)'],
  [/^cfg_/, 'configuration (cfg_*)'],
  [/^cnt_/, 'counter events (cnt_*)'],
  [/^flt_/, 'VMQ filter table (flt_*)'],
  [/^in_/, 'input (in_*)'],
  [/^out_/, 'output (out_*)'],
];
function portGroup(name: string): string {
  for (const [re, g] of PORT_GROUPS) if (re.test(name)) return g;
  const m = /^([a-z0-9]+)_/.exec(name);
  return m ? `${m[1]}_*` : name;
}

export interface EmitOptions {
  /** One line naming the build parameters that produced this module. */
  build: string;
  generator: string;
}

export function emitModule(m: Module, opts: EmitOptions): string {
  // Who drives what decides `reg` versus `wire`, and catches double drivers.
  const driver = new Map<Signal, string>();
  const drive = (s: Signal, by: string): void => {
    const prev = driver.get(s);
    if (prev !== undefined) throw new IrError(`${m.name}: ${s.name} driven by ${prev} and ${by}`);
    driver.set(s, by);
  };
  const memWriter = new Map<Memory, number>();
  m.items.forEach((it: Item, idx) => {
    if (it.k === 'assign') drive(it.lhs, `assign #${idx}`);
    else if (it.k === 'comb' || it.k === 'sync') {
      if (it.k === 'comb') checkCombDefaults(m, it.body);
      for (const t of targets(it.body)) drive(t, `process #${idx}`);
      for (const mm of memTargets(it.body)) {
        if (memWriter.has(mm)) throw new IrError(`${m.name}: memory ${mm.name} written by two processes`);
        memWriter.set(mm, idx);
      }
    } else if (it.k === 'inst') {
      for (const p of it.inst.module.ports) if (p.kind === 'output') drive(it.inst.conns.get(p.name) as Signal, `instance ${it.inst.name}`);
    }
  });
  const isReg = (s: Signal): boolean => (driver.get(s) ?? '').startsWith('process');
  const reads = collectReads(m);
  for (const s of [...m.ports, ...m.signals]) {
    if (s.kind === 'input') continue;
    if (!driver.has(s) && (reads.has(s) || s.kind === 'output')) throw new IrError(`${m.name}: ${s.name} is never driven`);
    if (s.kind === 'output' && isReg(s)) throw new IrError(`${m.name}: output ${s.name} must be driven by assign from a register`);
  }
  for (const s of m.signals) if (s.resetValue !== undefined && !isReg(s)) throw new IrError(`${m.name}: ${s.name} has a reset but no clocked driver`);

  const w = new Writer();
  w.line(0, '// SPDX-License-Identifier: MIT');
  w.line(0, `// Generated by ${opts.generator}. Do not edit: change the generator and regenerate.`);
  w.line(0, '/*');
  for (const d of m.doc) w.lines.push(...(d === '' ? [' *'] : wrapText(' * ', d, ' * ')));
  w.line(0, ' *');
  w.lines.push(...wrapText(' * Build: ', opts.build, ' *        '));
  w.line(0, ' */');
  w.line(0, '');
  w.line(0, '`resetall');
  w.line(0, '`timescale 1ns / 1ps');
  w.line(0, '`default_nettype none');
  w.line(0, '');
  w.line(0, `module ${m.name}${m.params.length ? ' #' : ''}`);
  if (m.params.length) {
    w.line(0, '(');
    m.params.forEach((p, i) => {
      w.line(1, `// ${p.comment}`);
      w.line(1, `parameter ${p.name} = ${p.value}${i < m.params.length - 1 ? ',' : ''}`);
    });
    w.line(0, ')');
  }
  w.line(0, '(');
  // Ports in groups by interface (verilog-ethernet style), the ranges in one column.
  const ranges = m.ports.map((p) =>
    p.widthParam
      ? `[${p.widthParam.param}${p.widthParam.mul ? `*${p.widthParam.mul}` : ''}${p.widthParam.div ? `/${p.widthParam.div}` : ''}-1:0]`
      : range(p.width),
  );
  const rw = Math.max(...ranges.map((r) => r.length));
  let prevGroup: string | undefined;
  m.ports.forEach((p, i) => {
    const g = portGroup(p.name);
    if (g !== prevGroup) {
      if (i > 0) w.line(0, '');
      w.line(1, `// ${g}`);
      prevGroup = g;
    }
    const decl = `${p.kind === 'input' ? 'input ' : 'output'} wire ${ranges[i]!.padEnd(rw)} ${p.name}${i < m.ports.length - 1 ? ',' : ''}`;
    w.line(1, decl.replace(/ +$/, ''));
  });
  w.line(0, ');');
  w.line(0, '');

  const consts = namedConsts(m);
  for (const k of consts) w.line(0, `localparam ${k.width > 1 ? `${range(k.width)} ` : ''}${k.name} = ${constantDecl(k.width, k.value)};`);
  if (consts.length) w.line(0, '');
  for (const s of m.signals) {
    const kw = isReg(s) ? 'reg ' : 'wire';
    const c = s.comment ? `  // ${s.comment}` : '';
    w.line(0, `${s.keep ? '(* keep *) ' : ''}${kw} ${range(s.width).padEnd(10)} ${s.name};${c}`.replace(/ +;/, ';'));
  }
  for (const mm of m.memories) {
    w.line(0, `reg  ${range(mm.width).padEnd(10)} ${mm.name} [0:${mm.depth - 1}];${mm.comment ? `  // ${mm.comment}` : ''}`);
  }

  // Bits nothing reads are collected into one sink, Verilator's documented idiom for
  // "deliberately unused" (the name matches its default --unused-regexp).
  const sink: string[] = [];
  for (const s of [...m.ports.filter((p) => p.kind === 'input' && p !== m.clk && p !== m.rst), ...m.signals]) {
    const bits = reads.get(s);
    if (!bits) {
      if (driver.has(s) || s.kind === 'input') sink.push(s.name);
      continue;
    }
    let i = 0;
    while (i < s.width) {
      if (bits[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < s.width && !bits[j + 1]) j++;
      sink.push(s.width === 1 ? s.name : i === j ? `${s.name}[${i}]` : `${s.name}[${j}:${i}]`);
      i = j + 1;
    }
  }
  if (sink.length) {
    w.line(0, '');
    w.line(0, '// Bits that this module receives or keeps but does not read.');
    docLine(w, 0, 'wire unused_ok = &{', listDoc([`1'b0`, ...sink, `1'b0`]), '};');
  }

  if (m.params.length) {
    // Every width inside was fixed from these values when the module was generated:
    // another value needs a regenerated module, so it stops elaboration (verilog-ethernet style).
    w.line(0, '');
    w.line(0, `// The parameters are fixed by the generator: other values need the module regenerated (${opts.generator}).`);
    w.line(0, 'initial begin');
    for (const p of m.params) {
      w.line(1, `if (${p.name} != ${p.value}) begin`);
      w.line(2, `$error("Error: ${p.name} must be ${p.value} in this build; regenerate the module with ${opts.generator} (instance %m)");`);
      w.line(2, '$finish;');
      w.line(1, 'end');
    }
    w.line(0, 'end');
  }

  let prev: Item['k'] | undefined;
  for (const it of m.items) {
    // Runs of assignments stay together; everything else is set apart by a blank line.
    if (!(it.k === 'assign' && prev === 'assign')) w.line(0, '');
    prev = it.k;
    switch (it.k) {
      case 'note':
        for (const l of it.text.split('\n')) w.lines.push(...wrapText('// ', l, '// '));
        break;
      case 'assign':
        exprLine(w, 0, `assign ${it.lhs.name} = `, it.rhs, ';');
        break;
      case 'inst': {
        const inst = it.inst;
        const ps = inst.module.params;
        w.line(0, `${inst.module.name}${ps.length ? ' #(' : ''}`);
        ps.forEach((p, i) => w.line(1, `.${p.name}(${p.value})${i < ps.length - 1 ? ',' : ''}`));
        w.line(0, `${ps.length ? ')\n' : ''}${inst.name} (`);
        const ports = inst.module.ports;
        ports.forEach((p, i) => exprLine(w, 1, `.${p.name}(`, inst.conns.get(p.name)!, `)${i < ports.length - 1 ? ',' : ''}`));
        w.line(0, ');');
        break;
      }
      case 'comb':
        if (it.comment) w.line(0, `// ${it.comment}`);
        w.line(0, 'always @* begin');
        stmtsOut(w, it.body, 1, '=');
        w.line(0, 'end');
        break;
      case 'sync': {
        if (it.comment) w.line(0, `// ${it.comment}`);
        w.line(0, 'always @(posedge clk) begin');
        stmtsOut(w, it.body, 1, '<=');
        const rs = [...targets(it.body)].filter((s) => s.resetValue !== undefined);
        const rm = [...memTargets(it.body)].filter((mm) => mm.resetToZero);
        if (rs.length || rm.length) {
          w.line(0, '');
          w.line(1, 'if (rst) begin');
          for (const s of rs) w.line(2, `${s.name} <= ${constant(s.width, s.resetValue!)};`);
          // Unrolled: Verilator 5.006 rejects delayed array assignments inside for loops (BLKLOOPINIT).
          for (const mm of rm) for (let i = 0; i < mm.depth; i++) w.line(2, `${mm.name}[${i}] <= ${constant(mm.width, 0n)};`);
          w.line(1, 'end');
        }
        w.line(0, 'end');
        break;
      }
    }
  }
  w.line(0, '');
  w.line(0, 'endmodule');
  w.line(0, '');
  w.line(0, '`resetall');
  return w.lines.join('\n') + '\n';
}
