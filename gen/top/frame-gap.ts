// SPDX-License-Identifier: MIT
// The minFrameBytes hold of s_axis_tready. A hasher of K cycles per frame takes a tlast
// beat at most every K cycles: one that comes sooner (frames shorter than minFrameBytes
// back to back) is held with s_axis_tready low in its cycle. That makes s_axis_tready
// depend on s_axis_tlast (one gate after registers); builds with K = 1 keep it a plain
// register.

import { lit, mux } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import { clog2 } from '../meta-layout.ts';
import type { StreamPorts, TopCtx } from './context.ts';

export interface FrameGate {
  /** s_axis_tready as driven: the occupancy's ready, held low for a tlast beat too soon. */
  readyOut: Signal;
  /** An accepted tlast beat: a frame enters. */
  lastIn: Signal;
}

export function frameGate(ctx: TopCtx, ports: StreamPorts, readyReg: Signal): FrameGate {
  const { m, timing } = ctx;
  const { tvalid, tlast } = ports;
  if (timing.tlastGap <= 1) return { readyOut: readyReg, lastIn: m.wire('frame_in', tvalid.and(readyReg).and(tlast)) };
  const gapBits = clog2(timing.tlastGap + 1);
  const gapReg = m.reg('tlast_gap_reg', gapBits, timing.tlastGap, 'cycles since the last accepted tlast beat, saturating');
  const soonReg = m.reg('tlast_soon_reg', 1, 0, 'a tlast beat now would come too soon for the hasher');
  const readyOut = m.wire('s_axis_tready_int', readyReg.and(tlast.and(soonReg).not()));
  const lastIn = m.wire('frame_in', tvalid.and(readyOut).and(tlast));
  const gapNext = m.wire('tlast_gap_next', mux(lastIn, lit(1, gapBits), mux(gapReg.lt(timing.tlastGap), gapReg.add(1).slice(gapBits - 1, 0), gapReg)));
  m.sync((b) => {
    b.set(gapReg, gapNext);
    b.set(soonReg, gapNext.lt(timing.tlastGap));
  }, 'tlast spacing for the hasher');
  return { readyOut, lastIn };
}
