// SPDX-License-Identifier: MIT
// The CSR block's AXI4-Lite read channel: one read at a time, its data from the full read
// path (every region, the filter table included).

import { lit, mux } from '../../ir/expr.ts';
import { RESP_DECERR, RESP_OKAY } from '../../regmap.ts';
import type { CsrCtx } from './context.ts';
import type { CsrPorts } from './ports.ts';
import { readPath, type ReadSource } from './read-path.ts';

export function readChannel(ctx: CsrCtx, ports: CsrPorts, src: Required<ReadSource>): void {
  const { m } = ctx;
  const p = ports.axil;
  const arReady = m.reg('s_axil_arready_reg', 1, 0);
  const rdAddr = m.reg('rd_addr_reg', 16, 0);
  const rdS1 = m.reg('rd_s1_reg', 1, 0);
  const rvalidReg = m.reg('s_axil_rvalid_reg', 1, 0);
  const rdataReg = m.reg('s_axil_rdata_reg', 32, 0);
  const rrespReg = m.reg('s_axil_rresp_reg', 2, 0);
  m.assign(p.arready, arReady);
  m.assign(p.rvalid, rvalidReg);
  m.assign(p.rdata, rdataReg);
  m.assign(p.rresp, rrespReg);
  const rTake = m.wire('rd_take', p.arvalid.and(arReady.not()).and(rdS1.not()).and(rvalidReg.not().or(p.rready)), 'latch a read address');
  m.sync((b) => {
    b.set(arReady, rTake);
    b.if(rTake, (t) => t.set(rdAddr, p.araddr));
    b.set(rdS1, arReady);
  }, 'read address');
  const rd = readPath(ctx, 'rd', rdAddr, src);
  m.sync((b) => {
    b.if(rvalidReg.and(p.rready), (t) => t.set(rvalidReg, lit(0, 1)));
    b.if(rdS1, (t) => {
      t.set(rvalidReg, lit(1, 1));
      t.set(rdataReg, rd.data);
      t.set(rrespReg, mux(rd.hit, lit(RESP_OKAY, 2), lit(RESP_DECERR, 2)));
    });
  }, 'read data');
}
