// SPDX-License-Identifier: MIT
// nvgre_rx_indirection: the RSS indirection table (docs/CONTRACT.md section 3), one working copy
// written by the CSR block's (delayed) write events and read by one lookup per cycle.
// A lookup registers the entry: out_queue one cycle after in_valid. A write in cycle t
// is seen by lookups of cycles after t (a lookup in cycle t reads the old entry). The
// entries are in RAM (LUT RAM) with a valid bit each for the zero after reset.

import { log2 } from '../../ref/bits.ts';
import { Module } from '../ir/module.ts';
import type { BuildConfig } from '../config.ts';
import { zeroedTable } from './zeroed-table.ts';

export function indirectionModule(cfg: BuildConfig): { module: Module; latency: number } {
  const entries = cfg.indirectionEntries;
  const q = cfg.queueBits;
  const ib = log2(entries);
  const m = new Module('nvgre_rx_indirection', [
    'NVGRE receive classifier: RSS indirection table.',
    '',
    `${entries} entries of a ${q}-bit queue number in RAM, read as zero after reset until`,
    'written (a valid bit per entry; the RAM itself has no reset). in_index is the',
    'hash already masked to the entries in use; out_queue follows one cycle after in_valid.',
    'A write (cfg_wr_en) is seen by lookups from the next cycle on.',
  ]);
  m.param('QUEUE_WIDTH', q, 'width of a queue number');
  const wrEn = m.input('cfg_wr_en', 1);
  const wrIndex = m.input('cfg_wr_index', ib);
  const wrData = m.input('cfg_wr_data', q, { param: 'QUEUE_WIDTH' });
  const inValid = m.input('in_valid', 1);
  const inIndex = m.input('in_index', ib);
  const outValid = m.output('out_valid', 1);
  const outQueue = m.output('out_queue', q, { param: 'QUEUE_WIDTH' });

  const table = zeroedTable(m, 'table_mem', q, entries, 'queue of each entry');
  m.sync((b) => b.if(wrEn, (t) => table.write(t, wrIndex, wrData)), 'table writes');
  const qReg = m.reg('queue_reg', q, 0);
  m.sync((b) => b.set(qReg, table.read(inIndex)), 'lookup');
  m.assign(outQueue, qReg);
  m.assign(outValid, m.delay('valid', inValid, 1, 0));
  return { module: m, latency: 1 };
}
