// SPDX-License-Identifier: MIT
// nvgre_rx_meta_fifo: the metadata record FIFO in front of m_axis_meta.
//
// A memory of DEPTH records plus an output register (m_axis_tdata/tvalid), so it holds
// up to DEPTH+1 records. Exact behaviour (the cycle model follows it):
//   - s_valid in cycle t writes s_data at the tail at the end of t (the top never pushes
//     into a full FIFO: it counts the frames it has accepted and not yet seen taken
//     from m_axis_meta itself, so the FIFO keeps no occupancy count of its own).
//   - At the end of every cycle in which the memory is not empty (judged on the state of
//     that cycle, so not counting a push in the same cycle) and the output register is
//     empty or being taken (m_axis_tvalid && m_axis_tready), the head record moves into
//     the output register; otherwise a taken output register empties.
//   So a record pushed in cycle t into an empty FIFO is on m_axis from cycle t+2.

import { lit } from '../ir/expr.ts';
import { log2 } from '../../ref/bits.ts';
import { Module } from '../ir/module.ts';
import type { BuildConfig } from '../config.ts';

export function metaFifoModule(cfg: BuildConfig, width: number): { module: Module; capacity: number; pushToVisible: number } {
  const depth = cfg.metaFifoDepth;
  const ab = log2(depth);
  const cw = ab + 1;
  const m = new Module('nvgre_rx_meta_fifo', [
    'NVGRE receive classifier: metadata record FIFO (AXI4-Stream master side).',
    '',
    `DEPTH records of memory plus an output register. A record pushed (s_valid) in cycle t`,
    'into an empty FIFO is on m_axis from cycle t+2. There is no s_ready: the top level',
    'counts the records it has pushed and not yet seen taken, and never pushes into a full FIFO.',
  ]);
  m.param('DATA_WIDTH', width, 'record width in bits');
  const sValid = m.input('s_valid', 1);
  const sData = m.input('s_data', width, { param: 'DATA_WIDTH' });
  const tdata = m.output('m_axis_tdata', width, { param: 'DATA_WIDTH' });
  const tvalid = m.output('m_axis_tvalid', 1);
  const tready = m.input('m_axis_tready', 1);

  const mem = m.memory('mem', width, depth, 'record storage');
  const wrPtr = m.reg('wr_ptr_reg', cw, 0, 'write pointer with wrap bit');
  const rdPtr = m.reg('rd_ptr_reg', cw, 0, 'read pointer with wrap bit');
  const outValid = m.reg('m_axis_tvalid_reg', 1, 0);
  const outData = m.reg('m_axis_tdata_reg', width, 0);
  const memEmpty = m.wire('mem_empty', wrPtr.eq(rdPtr));
  const take = m.wire('out_take', outValid.and(tready), 'the output register is transferred this cycle');
  const load = m.wire('out_load', memEmpty.not().and(outValid.not().or(take)), 'head record moves to the output register');

  m.sync((b) => {
    b.if(sValid, (t) => {
      t.memWrite(mem, wrPtr.slice(ab - 1, 0), sData);
      t.set(wrPtr, wrPtr.add(1));
    });
  }, 'push');
  m.sync((b) => {
    b.if(
      load,
      (t) => {
        t.set(outData, mem.read(rdPtr.slice(ab - 1, 0)));
        t.set(outValid, lit(1, 1));
        t.set(rdPtr, rdPtr.add(1));
      },
      (e) => e.if(take, (t) => t.set(outValid, lit(0, 1))),
    );
  }, 'output register');
  m.assign(tdata, outData);
  m.assign(tvalid, outValid);
  return { module: m, capacity: depth + 1, pushToVisible: 2 };
}
