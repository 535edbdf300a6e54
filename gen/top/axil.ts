// SPDX-License-Identifier: MIT
// The CSR block at the top: its AXI4-Lite ports pass straight through to top-level ports,
// its cfg_* outputs and cnt_* inputs become signals of the top (csr_cfg_*, count_*).

import type { Expr } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import type { TopCtx } from './context.ts';

export interface CsrConnections {
  /** s_axil_* port of the CSR block -> the top's port of the same name. */
  axil: Record<string, Expr>;
  /** cfg_<x> port -> the top's signal csr_cfg_<x>. */
  cfgOut: Record<string, Signal>;
  /** cnt_<x> port -> the top's signal count_<x>. */
  cnt: Record<string, Signal>;
}

export function csrSignals(ctx: TopCtx): CsrConnections {
  const { m, sig } = ctx;
  const ports = ctx.blocks.csr.ports;
  const axil: Record<string, Expr> = {};
  for (const p of ports) {
    if (p.name === 'clk' || p.name === 'rst') continue;
    if (p.name.startsWith('s_axil_')) axil[p.name] = p.kind === 'input' ? m.input(p.name, p.width) : m.output(p.name, p.width);
  }
  const cfgOut: Record<string, Signal> = {};
  for (const p of ports) if (p.name.startsWith('cfg_')) cfgOut[p.name] = sig(`csr_${p.name}`, p.width);
  const cnt: Record<string, Signal> = {};
  for (const p of ports) if (p.name.startsWith('cnt_')) cnt[p.name] = sig(`count_${p.name.slice(4)}`, 1);
  return { axil, cfgOut, cnt };
}

export function csrInstance(ctx: TopCtx, conns: CsrConnections): void {
  ctx.m.instance(ctx.blocks.csr, 'csr_inst', { ...conns.axil, ...conns.cfgOut, ...conns.cnt });
}
