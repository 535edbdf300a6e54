// SPDX-License-Identifier: MIT
// Coverage bins of the UDP tunnel paths (docs/CONTRACT.md section 8), in builds with a
// tunnel port table: each tunnel kind and outcome, the VXLAN I flag, GENEVE's Ver, O and C
// bits and Protocol Types, every option length the window can hold, each table entry
// deciding, priority between entries, invalid entries, table ports on other protocols and
// in outer fragments, the enables. Truncations are the prologue's bound bins
// (tb/stimulus/tunnels.ts tunnelBoundStacks). Counted from the frame, the reference
// parse and the delivered record (equal to the reference's by then).

import type { BuildConfig } from '../../gen/config.ts';
import { ENCAP_GENEVE, ENCAP_VXLAN, type ParseState } from '../../ref/parse.ts';
import type { Profile } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import { maxSweptOptions } from '../stimulus/tunnels.ts';

type Hit = (bin: string) => void;

/** Every tunnel bin of a build (none without a tunnel port table). */
export function tunnelBins(cfg: BuildConfig): string[] {
  if (cfg.udpTunnelPorts === 0) return [];
  const out = [
    'tunnel vxlan: inner headers parsed',
    'tunnel vxlan: I flag 0',
    'tunnel vxlan: I flag set with other flag bits',
    'tunnel vxlan: inner VLAN tag',
    'tunnel geneve: Protocol Type 0x6558',
    'tunnel geneve: Protocol Type 0x0800',
    ...(cfg.ipv6 ? ['tunnel geneve: Protocol Type 0x86DD'] : []),
    'tunnel geneve: another Protocol Type',
    'tunnel geneve: Ver != 0',
    'tunnel geneve: O = 1',
    'tunnel geneve: C = 1',
    'tunnel: inner 4-tuple',
    'tunnel: outer 2-tuple fallback',
    'tunnel: encap RSS off, hashed as plain UDP',
    'tunnel vmq: hit by a VNI condition',
    'vmq hit inner VXLAN/GENEVE',
    'tunnel vmq: outer lookup (no inner Ethernet)',
    'tunnel port: on TCP, not a tunnel',
    'tunnel port: in an outer fragment, not a tunnel',
    'tunnel port: encapsulation parsing off, not a tunnel',
    'tunnel port: a lower entry wins over a later one with the port',
    'tunnel port: an invalid entry with the port is skipped',
    ...(cfg.ipv6 ? ['tunnel port: behind IPv6 extension headers'] : []),
  ];
  for (let i = 0; i < cfg.udpTunnelPorts; i++) out.push(`tunnel port entry[${i}] decides`);
  for (let o = 0; o <= maxSweptOptions(cfg); o += 4) out.push(`tunnel geneve options[${o}] bytes skipped`);
  return out;
}

const u16 = (f: Uint8Array, o: number): number => (f[o]! << 8) | f[o + 1]!;

/** The tunnel bins of one classified frame. */
export function tunnelFrameBins(hit: Hit, cfg: BuildConfig, f: Uint8Array, s: ParseState, r: MetaRecord, p: Profile): void {
  if (cfg.udpTunnelPorts === 0) return;
  const table = p.udpTunnels.slice(0, cfg.udpTunnelPorts);
  const parseOn = p.encapRssEnable || p.encapVmqEnable;
  // The destination port of a TCP/UDP header the frame holds (whatever the bounds say).
  const dport = s.l3 !== 0 && s.l4Off + 4 <= f.length ? u16(f, s.l4Off + 2) : -1;
  const inTable = dport >= 0 && table.some((t) => t.valid && t.port === dport);
  if (inTable && s.proto === 6 && s.l4Ok) hit('tunnel port: on TCP, not a tunnel');
  if (inTable && s.proto === 17 && s.l3Frag) hit('tunnel port: in an outer fragment, not a tunnel');
  if (inTable && s.proto === 17 && s.l4Ok && !s.l3Frag && !parseOn) hit('tunnel port: encapsulation parsing off, not a tunnel');
  if (s.encap !== ENCAP_VXLAN && s.encap !== ENCAP_GENEVE) return;

  const first = table.findIndex((t) => t.valid && t.port === dport);
  hit(`tunnel port entry[${first}] decides`);
  if (table.some((t, i) => i > first && t.valid && t.port === dport)) hit('tunnel port: a lower entry wins over a later one with the port');
  if (table.some((t, i) => i < first && !t.valid && t.port === dport)) hit('tunnel port: an invalid entry with the port is skipped');
  if (s.l3 === 6 && s.l4Off > s.l3Off + 40) hit('tunnel port: behind IPv6 extension headers');
  if (r.hash_input === 'inner-4tuple') hit('tunnel: inner 4-tuple');
  if (r.hash_input === 'outer-2tuple') hit('tunnel: outer 2-tuple fallback');
  if (!p.encapRssEnable && r.hash_input === '4tuple') hit('tunnel: encap RSS off, hashed as plain UDP');
  if (r.vmq_hit && p.encapVmqEnable && s.innerEth && p.filters[r.vmq_filter]?.matchVsid) hit('tunnel vmq: hit by a VNI condition');
  if (p.vmqEnable && p.encapVmqEnable && !s.innerEth) hit('tunnel vmq: outer lookup (no inner Ethernet)');

  const h = s.l4Off + 8;
  if (h + 8 > s.limit) return;
  const b0 = f[h]!;
  if (s.encap === ENCAP_VXLAN) {
    if ((b0 & 0x08) === 0) hit('tunnel vxlan: I flag 0');
    else if (b0 !== 0x08) hit('tunnel vxlan: I flag set with other flag bits');
    if (s.innerL3 !== 0) hit('tunnel vxlan: inner headers parsed');
    if (s.innerVlan >= 0) hit('tunnel vxlan: inner VLAN tag');
    return;
  }
  if (b0 >> 6 !== 0) hit('tunnel geneve: Ver != 0');
  if ((f[h + 1]! & 0x80) !== 0) hit('tunnel geneve: O = 1');
  if (b0 >> 6 !== 0 || (f[h + 1]! & 0x80) !== 0) return;
  if ((f[h + 1]! & 0x40) !== 0) hit('tunnel geneve: C = 1');
  const opt = (b0 & 0x3f) * 4;
  if (h + 8 + opt > s.limit) return;
  hit(`tunnel geneve options[${opt}] bytes skipped`);
  const pt = u16(f, h + 2);
  hit(
    pt === 0x6558
      ? 'tunnel geneve: Protocol Type 0x6558'
      : pt === 0x0800
        ? 'tunnel geneve: Protocol Type 0x0800'
        : pt === 0x86dd && cfg.ipv6
          ? 'tunnel geneve: Protocol Type 0x86DD'
          : 'tunnel geneve: another Protocol Type',
  );
}
