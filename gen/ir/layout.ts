// SPDX-License-Identifier: MIT
// Packed records of the hardware IR: a layout names the fields of a bus, so generators
// build a bus from values by field name and read it by field name, and the Verilog gets
// a named wire per field (record_d11_encap) instead of a positional slice (record_d11[101:100]).

import { cat, Expr, IrError, lit } from './expr.ts';
import type { Module, Signal } from './module.ts';

export interface LayoutField {
  readonly name: string;
  readonly width: number;
  /** Bit position of the field's LSB in the bus. */
  readonly lsb: number;
}

export class Layout {
  readonly fields: readonly LayoutField[];
  readonly width: number;

  /**
   * Fields LSB first, each at the bits after the one before; `width`, when given, pads the
   * bus with zero MSBs (a record rounded up to whole bytes).
   */
  constructor(fields: readonly { name: string; width: number }[], width?: number) {
    let lsb = 0;
    const names = new Set<string>();
    this.fields = fields.map((f) => {
      if (names.has(f.name)) throw new IrError(`layout: field ${f.name} twice`);
      if (!Number.isInteger(f.width) || f.width < 1) throw new IrError(`layout: field ${f.name} of width ${f.width}`);
      names.add(f.name);
      const x = { name: f.name, width: f.width, lsb };
      lsb += f.width;
      return x;
    });
    if (width !== undefined && width < lsb) throw new IrError(`layout: ${lsb} bits of fields in ${width}`);
    this.width = width ?? lsb;
  }

  has(name: string): boolean {
    return this.fields.some((f) => f.name === name);
  }

  field(name: string): LayoutField {
    const f = this.fields.find((x) => x.name === name);
    if (!f) throw new IrError(`layout: no field ${name}`);
    return f;
  }

  /** The bus holding `values`, one per field, each of the field's width. */
  pack(values: Readonly<Record<string, Expr>>): Expr {
    for (const k of Object.keys(values)) this.field(k);
    const parts: Expr[] = [];
    let used = 0;
    for (const f of this.fields) {
      const v = values[f.name];
      if (!v) throw new IrError(`layout: no value for field ${f.name}`);
      if (v.width !== f.width) throw new IrError(`layout: field ${f.name} of ${f.width} bits given ${v.width}`);
      parts.unshift(v);
      used += f.width;
    }
    if (used < this.width) parts.unshift(lit(0, this.width - used));
    return cat(...parts);
  }

  /** Field `name` of `bus` as a slice (for a bus that is not a signal of this module). */
  get(bus: Expr, name: string): Expr {
    if (bus.width !== this.width) throw new IrError(`layout: bus of ${bus.width} bits, layout ${this.width}`);
    const f = this.field(name);
    return bus.slice(f.lsb + f.width - 1, f.lsb);
  }

  /**
   * The fields of `bus` by name: each a wire `${prefix}_${field}` of `m`, declared when it
   * is first read, so fields nobody reads add nothing.
   */
  view(m: Module, bus: Expr, prefix: string): (name: string) => Signal {
    const made = new Map<string, Signal>();
    return (name) => {
      let s = made.get(name);
      if (!s) {
        s = m.wire(`${prefix}_${name}`, this.get(bus, name));
        made.set(name, s);
      }
      return s;
    };
  }
}
