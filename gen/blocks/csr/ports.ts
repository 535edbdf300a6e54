// SPDX-License-Identifier: MIT
// The CSR block's module and its ports: the AXI4-Lite slave, the cfg_* outputs (small
// registers, write events, the filter table's buses) and the cnt_* inputs.

import { Module, type Signal } from '../../ir/module.ts';
import type { BuildConfig } from '../../config.ts';
import { clog2 } from '../../../ref/bits.ts';
import { COUNTER_NAMES } from '../../regmap.ts';
import { type FieldName, filterFieldWidths, type FilterSchedule } from '../filter-regs.ts';

export interface AxilPorts {
  awaddr: Signal;
  awvalid: Signal;
  awready: Signal;
  wdata: Signal;
  wstrb: Signal;
  wvalid: Signal;
  wready: Signal;
  bresp: Signal;
  bvalid: Signal;
  bready: Signal;
  araddr: Signal;
  arvalid: Signal;
  arready: Signal;
  rdata: Signal;
  rresp: Signal;
  rvalid: Signal;
  rready: Signal;
}

export interface CfgPorts {
  rss: Signal;
  vmq: Signal;
  encapRss: Signal;
  encapVmq: Signal;
  hashTypes: Signal;
  rssDefaultQueue: Signal;
  vmqDefaultQueue: Signal;
  indirectionBits: Signal;
  maxHeaderBytes: Signal;
  wrEn: Signal;
  wrAddr: Signal;
  wrData: Signal;
}

export interface CsrPorts {
  axil: AxilPorts;
  cfg: CfgPorts;
  /** Bank c's entry cfg_filter_addr at bits w*c and up of each field's bus. */
  filters: { field: FieldName; sig: Signal }[];
  /** The entry of every bank on the filter buses; absent when the table is all registers. */
  filterAddr: Signal | undefined;
  cntValid: Signal;
  cnt: Signal[];
}

export interface CsrShellOptions {
  cfg: BuildConfig;
  sched: FilterSchedule;
  filterApply: number;
  mhbBits: number;
}

export function csrShell(o: CsrShellOptions): { m: Module; ports: CsrPorts } {
  const { sched } = o;
  const m = new Module('nvgre_rx_csr', [
    'NVGRE receive classifier: control and status registers (AXI4-Lite slave).',
    '',
    'Holds the small configuration (enables, hash types, default queues, indirection_bits,',
    'max_header_bytes) as cfg_* outputs, a copy of the key and indirection table for reads,',
    sched.steps === 1
      ? 'the VMQ filter table (the one copy, in registers, on the cfg_filter_* buses), the counters, and emits'
      : `the VMQ filter table (the one copy: ${sched.banks} LUT RAM banks of ${sched.steps} entries, entry cfg_filter_addr of each on cfg_filter_*), the counters, and emits`,
    'one write-event stream (cfg_wr_*) from which the top level updates the working copies',
    `inside the classification blocks. A filter write is applied ${o.filterApply} cycles after its handshake`,
    'and its write response follows it.',
    'Write: awready/wready one cycle after both valids; in force the cycle after the',
    'handshake; cfg_wr_en three cycles after the handshake. Read: rvalid two cycles after',
    'the arready handshake. SLVERR on writes to read-only registers, DECERR unmapped.',
  ]);
  m.param('DATA_WIDTH', 32, 'width of the AXI4-Lite data bus');
  m.param('ADDR_WIDTH', 16, 'width of the AXI4-Lite address bus');
  m.param('STRB_WIDTH', 4, 'byte lanes of the data bus');
  const axil = axilPorts(m);
  const cfg = cfgPorts(m, o);
  // Filter f is entry f div banks of bank f mod banks (gen/blocks/filter-regs.ts).
  const filters = filterFieldWidths(o.cfg.queueBits).map(([field, port, w]) => ({ field, sig: m.output(`cfg_filter_${port}`, w * sched.banks) }));
  const filterAddr = sched.steps > 1 ? m.input('cfg_filter_addr', clog2(sched.steps)) : undefined;
  const cntValid = m.input('cnt_valid', 1);
  const cnt = COUNTER_NAMES.map((n) => m.input(`cnt_${n}`, 1));
  return { m, ports: { axil, cfg, filters, filterAddr, cntValid, cnt } };
}

function axilPorts(m: Module): AxilPorts {
  const awaddr = m.input('s_axil_awaddr', 16, { param: 'ADDR_WIDTH' });
  m.input('s_axil_awprot', 3);
  const awvalid = m.input('s_axil_awvalid', 1);
  const awready = m.output('s_axil_awready', 1);
  const wdata = m.input('s_axil_wdata', 32, { param: 'DATA_WIDTH' });
  const wstrb = m.input('s_axil_wstrb', 4, { param: 'STRB_WIDTH' });
  const wvalid = m.input('s_axil_wvalid', 1);
  const wready = m.output('s_axil_wready', 1);
  const bresp = m.output('s_axil_bresp', 2);
  const bvalid = m.output('s_axil_bvalid', 1);
  const bready = m.input('s_axil_bready', 1);
  const araddr = m.input('s_axil_araddr', 16, { param: 'ADDR_WIDTH' });
  m.input('s_axil_arprot', 3);
  const arvalid = m.input('s_axil_arvalid', 1);
  const arready = m.output('s_axil_arready', 1);
  const rdata = m.output('s_axil_rdata', 32, { param: 'DATA_WIDTH' });
  const rresp = m.output('s_axil_rresp', 2);
  const rvalid = m.output('s_axil_rvalid', 1);
  const rready = m.input('s_axil_rready', 1);
  return { awaddr, awvalid, awready, wdata, wstrb, wvalid, wready, bresp, bvalid, bready, araddr, arvalid, arready, rdata, rresp, rvalid, rready };
}

function cfgPorts(m: Module, o: CsrShellOptions): CfgPorts {
  const q = o.cfg.queueBits;
  return {
    rss: m.output('cfg_rss_enable', 1),
    vmq: m.output('cfg_vmq_enable', 1),
    encapRss: m.output('cfg_encap_rss_enable', 1),
    encapVmq: m.output('cfg_encap_vmq_enable', 1),
    hashTypes: m.output('cfg_hash_types', 16),
    rssDefaultQueue: m.output('cfg_rss_default_queue', q),
    vmqDefaultQueue: m.output('cfg_vmq_default_queue', q),
    indirectionBits: m.output('cfg_indirection_bits', 3),
    maxHeaderBytes: m.output('cfg_max_header_bytes', o.mhbBits),
    wrEn: m.output('cfg_wr_en', 1),
    wrAddr: m.output('cfg_wr_addr', 16),
    wrData: m.output('cfg_wr_data', 32),
  };
}
