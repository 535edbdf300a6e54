// SPDX-License-Identifier: MIT
// The VMQ filter table as registers: the one copy, in the CSR block, which the VMQ block
// reads on the cfg_filter_* buses and AXI4-Lite reads return.

import type { Module, Signal } from '../ir/module.ts';

export interface FilterRegs {
  valid: Signal;
  mac: Signal;
  matchVlan: Signal;
  vlan: Signal;
  matchVsid: Signal;
  vsid: Signal;
  queue: Signal;
}

/** `count` filters of `queueBits`-bit queues, all fields zero after reset. */
export function filterRegs(m: Module, count: number, queueBits: number): FilterRegs[] {
  return Array.from({ length: count }, (_, f) => ({
    valid: m.reg(`filter_valid_${f}`, 1, 0),
    mac: m.reg(`filter_mac_${f}`, 48, 0),
    matchVlan: m.reg(`filter_match_vlan_${f}`, 1, 0),
    vlan: m.reg(`filter_vlan_${f}`, 12, 0),
    matchVsid: m.reg(`filter_match_vsid_${f}`, 1, 0),
    vsid: m.reg(`filter_vsid_${f}`, 24, 0),
    queue: m.reg(`filter_queue_${f}`, queueBits, 0),
  }));
}
