// SPDX-License-Identifier: MIT
// The CSR block's counter inputs: each record is counted as it is pushed, by the fields
// of the record itself.

import { type Expr, lit, named } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import { ENCAP, HASH_INPUT, hashInputKey } from '../../ref/constants.ts';
import type { HashInput } from '../../ref/record.ts';
import type { TopCtx } from './context.ts';
import type { Aligned } from './record.ts';

export function countRecords(ctx: TopCtx, rec: Aligned, cnt: Record<string, Signal>): void {
  const { get } = rec;
  const hashInput = (n: HashInput): Expr => named(HASH_INPUT, hashInputKey(n));
  const hi = get('hash_input');
  const cntVals: Record<string, Expr> = {
    cnt_valid: rec.valid,
    cnt_frames: lit(1, 1),
    cnt_encap: get('encap').ne(named(ENCAP, 'NONE', get('encap').width)),
    cnt_nvgre: get('encap').eq(named(ENCAP, 'NVGRE', get('encap').width)),
    cnt_four_tuple: hi.eq(hashInput('4tuple')).or(hi.eq(hashInput('inner-4tuple'))),
    cnt_outer_2tuple: hi.eq(hashInput('outer-2tuple')),
    cnt_no_hash: hi.eq(hashInput('none')),
    cnt_vmq_hit: rec.vmqHit,
    cnt_parse_error: get('errors').slice(2, 0).any(),
    cnt_mac_error: get('errors').bit(3),
    ...(ctx.c.udpTunnelPorts > 0 ? { cnt_vxlan: get('encap').eq(3), cnt_geneve: get('encap').eq(4) } : {}),
  };
  for (const [k, s] of Object.entries(cnt)) ctx.m.assign(s, cntVals[k] ?? lit(0, 1));
}
