// SPDX-License-Identifier: MIT
// The CSR block's counters: each counts the cycles in which its cnt_* input and cnt_valid
// are both high (the top level raises cnt_valid once per record it pushes).

import type { Signal } from '../../ir/module.ts';
import type { CsrCtx } from './context.ts';
import type { CsrPorts } from './ports.ts';

export function countEvents(ctx: CsrCtx, ports: CsrPorts, counters: Signal[]): void {
  counters.forEach((c, k) => {
    ctx.m.sync((b) => b.if(ports.cntValid.and(ports.cnt[k]!), (t) => t.set(c, c.add(1))));
  });
}
