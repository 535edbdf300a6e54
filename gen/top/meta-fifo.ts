// SPDX-License-Identifier: MIT
// The metadata FIFO at the top: records pushed in the push cycle, out on m_axis_meta.

import type { Signal } from '../ir/module.ts';
import type { StreamPorts, TopCtx } from './context.ts';
import type { PackedRecord } from './record.ts';

/** Returns the FIFO's m_axis_meta_tvalid, which the occupancy count reads. */
export function metaFifoStage(ctx: TopCtx, ports: StreamPorts, rec: PackedRecord): Signal {
  const { m, sig } = ctx;
  const valid = sig('meta_tvalid', 1);
  const data = sig('meta_tdata', ctx.layout.width);
  m.instance(ctx.blocks.fifo.module, 'meta_fifo_inst', {
    s_valid: rec.valid,
    s_data: rec.data,
    m_axis_tdata: data,
    m_axis_tvalid: valid,
    m_axis_tready: ports.mReady,
  });
  m.assign(ports.mData, data);
  m.assign(ports.mValid, valid);
  return valid;
}
