// SPDX-License-Identifier: MIT
// s_axis_tready from the occupancy count: frames accepted (tlast) and not yet taken from
// m_axis_meta, in flight plus queued. Ready drops only when one more would not fit.

import { mux } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import { clog2 } from '../meta-layout.ts';
import type { Captured } from './capture.ts';
import type { StreamPorts, TopCtx } from './context.ts';

export function occupancy(ctx: TopCtx, ports: StreamPorts, cap: Captured, fifoValid: Signal): void {
  const { m, timing } = ctx;
  const ow = clog2(timing.capacity + 1);
  const occ = m.reg('occupancy_reg', ow, 0, 'frames past tlast whose record has not left m_axis_meta');
  const inc = cap.gate.lastIn;
  const dec = m.wire('record_out', fifoValid.and(ports.mReady));
  const occNext = m.wire('occupancy_next', mux(inc.and(dec.not()), occ.add(1), mux(dec.and(inc.not()), occ.sub(1), occ)));
  m.sync((b) => {
    b.set(occ, occNext);
    b.set(cap.readyReg, occNext.lt(timing.capacity));
  }, 'occupancy and s_axis_tready');
  m.assign(ports.tready, cap.gate.readyOut);
}
