// SPDX-License-Identifier: MIT
// What the parser hands to RSS selection and the VMQ key: one table, so the parser's
// outputs, the RSS select block's inputs and the top level's wiring cannot drift apart.

import type { BuildConfig } from '../config.ts';
import { clog2 } from '../meta-layout.ts';

export interface FieldSpec {
  name: string;
  width: number;
}

/** Bytes of an address pair as carried: IPv6 32, IPv4-only builds 8. */
export const addrBytes = (c: BuildConfig): number => (c.ipv6 ? 32 : 8);

/** Width of an offset field in the record. */
export const offsetBits = (c: BuildConfig): number => clog2(c.maxHeaderBytes);

export function parsedFields(c: BuildConfig, sideWidth: number): FieldSpec[] {
  const ob = offsetBits(c);
  const a = addrBytes(c) * 8;
  return [
    { name: 'side', width: sideWidth },
    { name: 'len', width: 16 },
    { name: 'err', width: 3 },
    { name: 'eth', width: 1 },
    { name: 'vlan_valid', width: 1 },
    { name: 'vlan', width: 12 },
    { name: 'mac', width: 48 },
    { name: 'l3_v4', width: 1 },
    { name: 'l3_v6', width: 1 },
    { name: 'l3_off', width: ob },
    { name: 'proto', width: 8 },
    { name: 'l4_ok', width: 1 },
    { name: 'encap', width: c.udpTunnelPorts > 0 ? 3 : 2 },
    { name: 'vsid', width: 24 },
    // A VXLAN/GENEVE VNI, and whether the record reports it (docs/CONTRACT.md section 8.5).
    ...(c.udpTunnelPorts > 0
      ? [
          { name: 'vni', width: 24 },
          { name: 'vni_ok', width: 1 },
        ]
      : []),
    { name: 'flowid', width: 8 },
    { name: 'inner_eth', width: 1 },
    { name: 'inner_l2_off', width: ob },
    { name: 'inner_vlan_valid', width: 1 },
    { name: 'inner_vlan', width: 12 },
    { name: 'inner_mac', width: 48 },
    { name: 'inner_v4', width: 1 },
    { name: 'inner_v6', width: 1 },
    { name: 'inner_l3_off', width: ob },
    { name: 'inner_proto', width: 8 },
    { name: 'inner_l4_ok', width: 1 },
    { name: 'inner_l4_off', width: ob },
    { name: 'o_addr', width: a },
    { name: 'o_ports', width: 32 },
    { name: 'i_addr', width: a },
    { name: 'i_ports', width: 32 },
  ];
}
