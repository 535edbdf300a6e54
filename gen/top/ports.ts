// SPDX-License-Identifier: MIT
// The top-level module nvgre_rx, its header and its AXI4-Stream ports (the AXI4-Lite
// ports come from the CSR block's, in axil.ts).

import type { BuildConfig } from '../config.ts';
import { Module } from '../ir/module.ts';
import type { StreamPorts } from './context.ts';
import { lineRateFifoDepth, type TopTiming } from './timing.ts';

export function topShell(c: BuildConfig, timing: TopTiming, recordWidth: number): { m: Module; ports: StreamPorts } {
  const m = new Module('nvgre_rx', [
    'NVGRE receive classifier (RSS and VMQ for NVGRE-encapsulated traffic).',
    '',
    'One metadata record per AXI4-Stream frame on m_axis_meta, in frame order, a fixed',
    `${timing.latency} cycles after the frame's tlast beat when m_axis_meta is ready. Every`,
    'frame is classified with the configuration in force in the cycle its tlast beat is',
    'accepted (a register write is in force from the cycle after its handshake).',
    's_axis_tready is low only while the frames in flight and the records waiting in the',
    ...(c.metaFifoDepth >= lineRateFifoDepth(c)
      ? [`FIFO fill its ${c.metaFifoDepth} entries; with m_axis_meta_tready high it never drops.`]
      : [
          `FIFO fill its ${c.metaFifoDepth} entries, fewer than the ${lineRateFifoDepth(c)} line rate needs: at one frame`,
          'per cycle it drops even with m_axis_meta_tready high (allowBackpressureFifo).',
        ]),
  ]);
  m.param('DATA_WIDTH', c.dataWidth, 'AXI4-Stream data width in bits');
  m.param('KEEP_WIDTH', c.dataWidth / 8, 'tkeep width');
  m.param('META_WIDTH', recordWidth, 'metadata record width in bits');
  const ports: StreamPorts = {
    tdata: m.input('s_axis_tdata', c.dataWidth, { param: 'DATA_WIDTH' }),
    tkeep: m.input('s_axis_tkeep', c.dataWidth / 8, { param: 'KEEP_WIDTH' }),
    tvalid: m.input('s_axis_tvalid', 1),
    tready: m.output('s_axis_tready', 1),
    tlast: m.input('s_axis_tlast', 1),
    tuser: m.input('s_axis_tuser', 1),
    mData: m.output('m_axis_meta_tdata', recordWidth, { param: 'META_WIDTH' }),
    mValid: m.output('m_axis_meta_tvalid', 1),
    mReady: m.input('m_axis_meta_tready', 1),
  };
  return { m, ports };
}
