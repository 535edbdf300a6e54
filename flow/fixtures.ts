// SPDX-License-Identifier: MIT
// Small modules with known logic depth, built with the IR, that show the depth gate
// and the synthesis flow measure what they claim (a gate that cannot fail proves nothing).

import { emitModule } from '../gen/emit/verilog.ts';
import { mux, xorAll, type Expr } from '../gen/ir/expr.ts';
import { Module } from '../gen/ir/module.ts';

const EMIT = { build: 'synthesis flow fixture', generator: 'flow/fixtures.ts' };

/** q <= ^r over a registered 64-bit input: a 64-input XOR is 3 LUT6 levels (6^2 < 64 <= 6^3). */
export function xorFoldModule(): Module {
  const m = new Module('fixture_xor_fold', ['Registered 64-bit XOR fold: exactly 3 LUT6 levels.']);
  const d = m.input('d', 64);
  const r = m.reg('d_reg', 64, 0);
  const q = m.reg('q_reg', 1, 0);
  m.sync((b) => {
    b.set(r, d);
    b.set(q, xorAll(Array.from({ length: 64 }, (_, i) => r.bit(i))));
  });
  m.assign(m.output('q', 1), q);
  return m;
}

/**
 * n dependent 32-bit add-or-subtract steps, each choosing by the sign of the one before,
 * so synthesis cannot rebalance them into an adder tree: far deeper than 8 LUT6 levels.
 */
export function adderChainModule(n: number): Module {
  const m = new Module('fixture_adder_chain', [`Registered chain of ${n} dependent 32-bit add/subtract steps: deliberately too deep.`]);
  const d = m.input('d', 32);
  const regs: Expr[] = [];
  for (let i = 0; i <= n; i++) {
    const r = m.reg(`a${i}_reg`, 32, 0);
    const src: Expr = i === 0 ? d : regs[i - 1]!;
    m.sync((b) => b.set(r, src));
    regs.push(r);
  }
  const q = m.reg('q_reg', 32, 0);
  const sum = regs.slice(1).reduce((s, r, i) => {
    const w = m.wire(`step${i}`, s);
    return mux(w.bit(31), w.add(r), w.sub(r));
  }, regs[0]!);
  m.sync((b) => b.set(q, sum));
  m.assign(m.output('q', 32), q);
  return m;
}

export function fixtureSources(...mods: Module[]): Map<string, string> {
  return new Map(mods.map((m) => [`${m.name}.v`, emitModule(m, EMIT)]));
}
