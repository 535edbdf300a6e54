// SPDX-License-Identifier: MIT
// The UDP tunnel port table of docs/CONTRACT.md section 8.1 inside the CSR block: one
// register per entry, {valid, type, port}, written and read as TUNNEL_PORT words
// (gen/regmap.ts), and all entries on one cfg bus for the parser.

import { cat, type Expr, lit } from '../ir/expr.ts';
import type { Body, Module, Signal } from '../ir/module.ts';
import { TUNNEL_BASE, TUNNEL_TYPE_BIT, TUNNEL_VALID_BIT, TUNNEL_WORD_MASK } from '../regmap.ts';

/** Bits of one entry on the cfg bus: port in 15:0, type (1 GENEVE) in 16, valid in 17. */
export const TUNNEL_ENTRY_BITS = 18;

export interface TunnelWord {
  wordAddr: number;
  view: Expr;
  store: (b: Body, v: Expr) => void;
  mask: number;
}

/** The entries' registers (reset: invalid), the bus output `cfg_udp_tunnels`, and their words. */
export function tunnelRegs(m: Module, n: number): TunnelWord[] {
  if (n === 0) return [];
  const regs: Signal[] = Array.from({ length: n }, (_, i) =>
    m.reg(`tunnel_port_reg_${i}`, TUNNEL_ENTRY_BITS, 0, `UDP tunnel port entry ${i}: valid, type, port`),
  );
  m.assign(m.output('cfg_udp_tunnels', TUNNEL_ENTRY_BITS * n), cat(...[...regs].reverse()));
  return regs.map((r, i) => ({
    wordAddr: TUNNEL_BASE / 4 + i,
    view: cat(r.bit(17), lit(0, TUNNEL_VALID_BIT - TUNNEL_TYPE_BIT - 1), r.bit(16), r.slice(15, 0)),
    store: (b, v) => b.set(r, cat(v.bit(TUNNEL_VALID_BIT), v.bit(TUNNEL_TYPE_BIT), v.slice(15, 0))),
    mask: TUNNEL_WORD_MASK,
  }));
}
