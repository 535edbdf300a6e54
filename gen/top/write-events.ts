// SPDX-License-Identifier: MIT
// Table write events at the top: the CSR block's one cfg_wr_* stream, decoded once per
// table and delayed by exactly its consumer's distance from capture, so that a write
// reaches the frames whose tlast comes after it and no earlier one (frame-atomic tables).

import { type Expr, namedLit } from '../ir/expr.ts';
import { Layout } from '../ir/layout.ts';
import { Signal } from '../ir/module.ts';
import { INDIRECTION_BASE, KEY_BASE, KEY_WORDS } from '../regmap.ts';
import type { TopCtx } from './context.ts';

/** A write event: its enable delayed, its index and data (a packed record) read by name. */
export interface TableEvent {
  en: Expr;
  field: (f: 'index' | 'data') => Expr;
}

export function tableWriteEvents(ctx: TopCtx, cfgOut: Record<string, Signal>): { key: TableEvent; indirection: TableEvent } {
  const { c, timing } = ctx;
  const wrEn = cfgOut.cfg_wr_en!;
  const wrAddr = cfgOut.cfg_wr_addr!;
  const wrData = cfgOut.cfg_wr_data!;
  /** The register `name`'s bytes [base, base + bytes), bounds as localparams ADDR_<name>, ADDR_<name>_END. */
  const inRange = (name: string, base: number, bytes: number): Expr =>
    wrAddr.ge(namedLit(`ADDR_${name}`, base, 16)).and(wrAddr.lt(namedLit(`ADDR_${name}_END`, base + bytes, 16)));
  // Key word k is at KEY_BASE + 4k (KEY_BASE has bits 5:2 clear), so k is address bits 5:2.
  const key = delayed(ctx, 'key', wrEn.and(inRange('KEY', KEY_BASE, 4 * KEY_WORDS)), wrAddr.slice(5, 2), wrData, timing.keyEventDelay);
  const indirection = delayed(
    ctx,
    'indirection',
    wrEn.and(inRange('INDIRECTION', INDIRECTION_BASE, 4 * c.indirectionEntries)),
    wrAddr.slice(ctx.ib + 1, 2),
    wrData.slice(ctx.q - 1, 0),
    timing.indirectionEventDelay,
  );
  return { key, indirection };
}

function delayed(ctx: TopCtx, name: string, en: Expr, index: Expr, data: Expr, n: number): TableEvent {
  const { m } = ctx;
  const ev = new Layout([
    { name: 'data', width: data.width },
    { name: 'index', width: index.width },
  ]);
  // Event data only matters in the cycle its enable is high: a RAM delay line will do.
  const d = m.delayMem(`${name}_wr`, ev.pack({ index, data }), n);
  return { en: m.delay(`${name}_wr_en`, en, n, 0), field: ev.view(m, d, d instanceof Signal ? d.name : `${name}_wr`) };
}
