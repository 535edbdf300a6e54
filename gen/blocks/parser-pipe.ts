// SPDX-License-Identifier: MIT
// A pipeline of named fields for the parser generators. Each step registers every field
// once: fields the step changes get a combinational next value (defaulting to the
// current one, so branches read like the reference parser), the rest are copied. The
// register of field f at stage N is `s<N>_f`, its next value `n<N>_f`.

import { type Expr, lit } from '../ir/expr.ts';
import { Body, type Module, type Signal } from '../ir/module.ts';

export class StepCtx {
  readonly body = new Body();
  readonly next = new Map<string, Signal>();
  readonly added = new Map<string, Signal>();

  constructor(
    private readonly pipe: Pipeline,
    readonly stage: number,
  ) {}

  /** The field's value entering this step. */
  get(name: string): Signal {
    return this.pipe.get(name);
  }

  /** The next-value signal of an existing field (its default is the current value). */
  nxt(name: string): Signal {
    let s = this.next.get(name);
    if (!s) {
      const cur = this.pipe.get(name);
      s = this.pipe.m.signal(`n${this.stage}_${name}`, cur.width);
      this.next.set(name, s);
    }
    return s;
  }

  /** A field that starts at this step, with the value it has unless a branch sets it. */
  add(name: string, width: number, dflt: Expr | number = 0): Signal {
    if (this.pipe.has(name) || this.added.has(name)) throw new Error(`field ${name} exists`);
    const s = this.pipe.m.signal(`n${this.stage}_${name}`, width);
    this.added.set(name, s);
    this.defaults.push([s, typeof dflt === 'number' ? lit(dflt, width) : dflt]);
    return s;
  }

  /** A named intermediate wire of this step. */
  wire(name: string, e: Expr): Signal {
    return this.pipe.m.wire(`w${this.stage}_${name}`, e);
  }

  readonly defaults: [Signal, Expr][] = [];
}

export class Pipeline {
  stage = 0;
  private fields = new Map<string, Signal>();

  constructor(readonly m: Module) {}

  has(name: string): boolean {
    return this.fields.has(name);
  }

  get(name: string): Signal {
    const s = this.fields.get(name);
    if (!s) throw new Error(`no field ${name} at stage ${this.stage}`);
    return s;
  }

  names(): string[] {
    return [...this.fields.keys()];
  }

  /** Start the pipeline from signals (ports or registers) that are stage 0. */
  seed(name: string, s: Signal): void {
    this.fields.set(name, s);
  }

  /**
   * One register stage. `fn` writes the step's logic; `drop` names fields that later
   * stages do not need; `replace` gives fields a new value outright (e.g. a trimmed window).
   */
  step(fn: (c: StepCtx) => void, opts: { drop?: string[]; replace?: Record<string, Expr> } = {}): void {
    const m = this.m;
    const c = new StepCtx(this, this.stage);
    fn(c);
    const combTargets = [...c.next.entries()];
    if (combTargets.length || c.added.size) {
      m.comb((b) => {
        for (const [name, s] of combTargets) b.set(s, this.get(name));
        for (const [s, e] of c.defaults) b.set(s, e);
        b.stmts.push(...c.body.stmts);
      });
    }
    const drop = new Set(opts.drop ?? []);
    const out = new Map<string, Signal>();
    const n = this.stage + 1;
    const sets: [Signal, Expr][] = [];
    const all = new Map<string, Expr>();
    for (const [name, s] of this.fields) if (!drop.has(name)) all.set(name, c.next.get(name) ?? s);
    for (const [name, s] of c.added) all.set(name, s);
    for (const [name, e] of Object.entries(opts.replace ?? {})) all.set(name, e);
    for (const [name, e] of all) {
      const r = m.reg(`s${n}_${name}`, e.width, name === 'valid' ? 0 : undefined);
      sets.push([r, e]);
      out.set(name, r);
    }
    m.sync((b) => {
      for (const [r, e] of sets) b.set(r, e);
    }, `stage ${n}`);
    this.fields = out;
    this.stage = n;
  }
}
