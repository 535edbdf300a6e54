// SPDX-License-Identifier: MIT
// The Toeplitz hasher at the top: it hashes the selected input; a hasher with a runtime
// key takes the key's write events, delayed to the cycle it reads the key for a frame.

import type { Expr } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import type { TopCtx } from './context.ts';
import type { Selected } from './rss-select.ts';
import type { TableEvent } from './write-events.ts';

export interface Hashed {
  hash: Signal;
  valid: Signal;
}

export function toeplitzStage(ctx: TopCtx, so: Selected, keyEv: TableEvent): Hashed {
  const { tz } = ctx.blocks;
  const hash = ctx.sig('hash', 32);
  const valid = ctx.sig('hash_valid_out', 1);
  const conns: Record<string, Expr> = { in_valid: so.valid!, in_data: so.hash_data!, out_valid: valid, out_hash: hash };
  if (tz.module.ports.some((p) => p.name === 'cfg_wr_en')) {
    conns.cfg_wr_en = keyEv.en;
    conns.cfg_wr_index = keyEv.field('index');
    conns.cfg_wr_data = keyEv.field('data');
  }
  ctx.m.instance(tz.module, 'toeplitz_inst', conns);
  return { hash, valid };
}
