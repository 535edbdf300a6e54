// SPDX-License-Identifier: MIT
// The context every concern of the CSR block (gen/blocks/csr.ts) is built with, and the
// shapes of the register words they share.

import type { Expr } from '../../ir/expr.ts';
import type { Body, Module } from '../../ir/module.ts';
import type { BuildConfig } from '../../config.ts';
import type { Clamp, RegMap } from '../../regmap.ts';
import type { FilterSchedule } from '../filter-regs.ts';

export interface CsrCtx {
  m: Module;
  cfg: BuildConfig;
  /** Queue number width (cfg.queueBits). */
  q: number;
  sched: FilterSchedule;
  /** Cycles from a filter write's handshake to the end of the cycle it lands in (step 0). */
  filterApply: number;
  mhbBits: number;
  constKey: boolean;
  rm: RegMap;
  /** Word `wordAddr`'s byte address as the localparam ADDR_<register>[_<index>]: compares and case items read its bits. */
  addrOf: (wordAddr: number) => Expr;
  /** Bits 9:2 of that address: the case item of the word in the low region. */
  word8: (wordAddr: number) => Expr;
}

/** A stored register: how it reads as a 32-bit word and how a written word is stored. */
export interface Stored {
  wordAddr: number;
  view: Expr;
  store: (b: Body, v: Expr) => void;
  clamp?: Clamp;
  mask: number;
}

export interface ReadOnlyWord {
  wordAddr: number;
  view: Expr;
}

/** The words of the low region (below the indirection table). */
export interface LowWords {
  stored: Stored[];
  ro: ReadOnlyWord[];
}
