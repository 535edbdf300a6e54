// SPDX-License-Identifier: MIT
// Filter writes of the CSR block. The filter table is stored once, here, and is the VMQ
// block's working copy, so a write waits until the frames that must not see it have read
// the table (filterApplyDelay, plus the filter's step) before it lands; no other write is
// taken meanwhile, which also keeps wr_addr/data/strb as they are.

import { cat, lit } from '../../ir/expr.ts';
import type { Signal } from '../../ir/module.ts';
import { clog2 } from '../../../ref/bits.ts';
import { type FilterStore, filterStore } from '../filter-regs.ts';
import type { CsrCtx } from './context.ts';
import type { CsrPorts } from './ports.ts';
import type { WriteDecode, WriteLatch } from './write.ts';

export function filterWrite(ctx: CsrCtx, ports: CsrPorts, hs: WriteLatch, dec: WriteDecode): { store: FilterStore; apply: Signal } {
  const { m, sched, filterApply } = ctx;
  const { fltPending } = hs;
  const fltApply = m.signal('filter_apply', 1);
  const store = filterStore(m, ctx.cfg.vmqFilters, ctx.q, sched, { apply: fltApply, index: dec.wd.fIdx, word: dec.wd.fWord, data: hs.wrData, strb: hs.wrStrb });
  for (const o of ports.filters) {
    const bus = Array.from({ length: sched.banks }, (_, c) => store.read(c, ports.filterAddr ?? lit(0, 1))[o.field]);
    m.assign(o.sig, cat(...bus.reverse()));
  }
  const waitBits = clog2(filterApply + sched.steps);
  const fltWait = m.reg('filter_wait_reg', waitBits, 0, 'cycles until the pending filter write lands');
  m.assign(fltApply, fltPending.and(fltWait.eq(0)));
  m.sync((b) => {
    b.if(dec.fltDo, (t) => {
      t.set(fltPending, lit(1, 1));
      t.set(fltWait, lit(filterApply - 1, waitBits).add(store.writeAddr.resize(waitBits)));
    });
    b.if(fltPending.and(fltWait.ne(0)), (t) => t.set(fltWait, fltWait.sub(1)));
    b.if(fltApply, (t) => t.set(fltPending, lit(0, 1)));
  }, 'filter write in flight');
  return { store, apply: fltApply };
}
