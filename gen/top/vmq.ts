// SPDX-License-Identifier: MIT
// VMQ at the top, in parallel with hashing: the VMQ block compares the selected key with
// the CSR block's filter table, which it reads through the cfg_filter_* buses.

import type { Expr } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import type { TopCtx } from './context.ts';
import type { Selected } from './rss-select.ts';

export interface VmqResult {
  hit: Signal;
  filter: Signal;
  queue: Signal;
}

export function vmqStage(ctx: TopCtx, so: Selected, cfgOut: Record<string, Signal>): VmqResult {
  const { sig } = ctx;
  const hit = sig('vmq_hit', 1);
  const filter = sig('vmq_filter', ctx.fb);
  const queue = sig('vmq_queue', ctx.q);
  const valid = sig('vmq_valid', 1);
  const { vmq } = ctx.blocks;
  const fltConns: Record<string, Expr> = {};
  // flt_addr (time-shared builds) is the VMQ block's step, the address of the CSR block's filter banks.
  for (const p of vmq.module.ports) if (p.name.startsWith('flt_')) fltConns[p.name] = cfgOut[`cfg_filter_${p.name.slice(4)}`]!;
  ctx.m.instance(vmq.module, 'vmq_inst', {
    ...fltConns,
    in_valid: so.valid!,
    in_enable: so.vmq_enable!,
    in_mac: so.vmq_mac!,
    in_has_vlan: so.vmq_has_vlan!,
    in_vlan: so.vmq_vlan!,
    in_has_vsid: so.vmq_has_vsid!,
    in_vsid: so.vmq_vsid!,
    out_valid: valid,
    out_hit: hit,
    out_filter: filter,
    out_queue: queue,
  });
  return { hit, filter, queue };
}
