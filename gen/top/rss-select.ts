// SPDX-License-Identifier: MIT
// RSS select at the top: from the parsed fields it picks the hash input and type and the
// VMQ key; its outputs are sel_* signals, by output name without the out_ prefix.

import { parsedFields } from '../blocks/parser-fields.ts';
import type { Expr } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import type { TopCtx } from './context.ts';
import type { Parsed } from './parser.ts';

export type Selected = Record<string, Signal>;

export function rssSelectStage(ctx: TopCtx, parsed: Parsed): Selected {
  const { sel } = ctx.blocks;
  const conns: Record<string, Expr> = { in_valid: parsed.valid! };
  for (const f of parsedFields(ctx.c, ctx.side.width)) conns[`in_${f.name}`] = parsed[f.name]!;
  const so: Selected = {};
  for (const p of sel.module.ports) {
    if (p.kind !== 'output') continue;
    so[p.name.slice(4)] = ctx.sig(`sel_${p.name.slice(4)}`, p.width);
    conns[p.name] = so[p.name.slice(4)]!;
  }
  ctx.m.instance(sel.module, 'rss_select_inst', conns);
  return so;
}
