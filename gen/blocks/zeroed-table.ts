// SPDX-License-Identifier: MIT
// A table in RAM that reads zero after reset without resetting the RAM: the entries sit
// in a memory with no reset (LUT RAM on an FPGA, one write port and asynchronous reads)
// and one valid bit per entry, reset to 0 and set by the first write, masks the reads.
// A clear sequence would need no valid bits, but it would hold the write port for
// `depth` cycles after every reset, so a write or lookup right after reset would have to
// wait: the valid bits keep every timing of the flip-flop table it replaces.

import { type Expr, lit, mux } from '../ir/expr.ts';
import type { Body, Module } from '../ir/module.ts';

export interface ZeroedTable {
  /** The entry at `addr`, 0 until it is written after a reset. */
  read(addr: Expr): Expr;
  /** Write an entry; call it from one sync process only (the RAM has one write port). */
  write(b: Body, addr: Expr, data: Expr): void;
}

/** `depth` entries of `width` bits: the RAM `name` and its valid bits `${name}_valid`. */
export function zeroedTable(m: Module, name: string, width: number, depth: number, comment: string): ZeroedTable {
  const mem = m.memory(name, width, depth, `${comment} (no reset: ${name}_valid masks it)`);
  const valid = m.memory(`${name}_valid`, 1, depth, 'entry written since the reset');
  valid.resetToZero = true;
  return {
    read: (addr) => mux(valid.read(addr), mem.read(addr), lit(0, width)),
    write: (b, addr, data) => {
      b.memWrite(mem, addr, data);
      b.memWrite(valid, addr, lit(1, 1));
    },
  };
}
