// SPDX-License-Identifier: MIT
// The CSR block's write-event stream (cfg_wr_*): every accepted write, three cycles after
// its handshake, with the word read back as stored, so that the top level can update the
// working copies inside the classification blocks.

import { cat, lit } from '../../ir/expr.ts';
import { KEY_BASE, KEY_WORDS } from '../../regmap.ts';
import type { ZeroedTable } from '../zeroed-table.ts';
import type { CsrCtx, LowWords } from './context.ts';
import type { CsrPorts } from './ports.ts';
import { readPath } from './read-path.ts';
import type { WriteChannel } from './write.ts';

export function writeEvents(ctx: CsrCtx, ports: CsrPorts, state: { low: LowWords; table: ZeroedTable }, wr: WriteChannel): void {
  const { m } = ctx;
  const evPend = m.reg('ev_pend_reg', 1, 0);
  const evAddr = m.reg('ev_addr_reg', 16, 0);
  const evS1 = m.reg('ev_s1_reg', 1, 0);
  m.sync((b) => {
    b.set(evPend, wr.wDo);
    b.if(wr.awReady, (t) => t.set(evAddr, cat(wr.wrAddr.slice(15, 2), lit(0, 2))));
    b.set(evS1, evPend);
  }, 'write event pipeline');
  // Only the indirection table and the key have consumers of write events (the other
  // registers reach the pipeline through cfg_* and the capture snapshot, the filters
  // through cfg_filter_*), so the event path reads back only those: the low-region words
  // but KEY read 0 here, and the filter words too.
  const keyWords = state.low.stored.filter((s) => s.wordAddr >= KEY_BASE / 4 && s.wordAddr < KEY_BASE / 4 + KEY_WORDS);
  const ev = readPath(ctx, 'ev', evAddr, { low: { stored: keyWords, ro: [] }, table: state.table });
  const wrEnReg = m.reg('cfg_wr_en_reg', 1, 0);
  const wrAddrOut = m.reg('cfg_wr_addr_reg', 16, 0);
  const wrDataOut = m.reg('cfg_wr_data_reg', 32, 0);
  m.sync((b) => {
    b.set(wrEnReg, evS1);
    b.set(wrAddrOut, evAddr);
    b.set(wrDataOut, ev.data);
  }, 'write event outputs');
  m.assign(ports.cfg.wrEn, wrEnReg);
  m.assign(ports.cfg.wrAddr, wrAddrOut);
  m.assign(ports.cfg.wrData, wrDataOut);
}
