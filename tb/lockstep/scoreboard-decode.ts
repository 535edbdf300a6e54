// SPDX-License-Identifier: MIT
// A one-line-per-layer decode of a frame's headers for mismatch reports, from the
// reference parser's view of it (so it shows what classification looked at).

import type { BuildConfig } from '../../gen/config.ts';
import { formatIpv4, formatIpv6 } from '../../ref/packets/index.ts';
import { ENCAP_GENEVE, ENCAP_NONE, ENCAP_VXLAN, parseFrame, ParseState } from '../../ref/parse.ts';
import { type Profile, tunnelPortsOf } from '../../ref/profile.ts';

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
const macAt = (f: Uint8Array, o: number): string => Array.from(f.subarray(o, o + 6), hex2).join(':');
const u16 = (f: Uint8Array, o: number): number => (f[o]! << 8) | f[o + 1]!;

function ipText(f: Uint8Array, fam: number, off: number): string {
  if (fam === 4)
    return `IPv4 ${formatIpv4(f, off + 12)} > ${formatIpv4(f, off + 16)} proto ${f[off + 9]} ihl ${f[off]! & 15} flags/frag 0x${u16(f, off + 6).toString(16)}`;
  return `IPv6 ${formatIpv6(f, off + 8)} > ${formatIpv6(f, off + 24)} next ${f[off + 6]}`;
}

export function decodeHeaders(f: Uint8Array, cfg: BuildConfig, p: Profile): string[] {
  const s = new ParseState();
  parseFrame(
    f,
    {
      maxHeaderBytes: Math.min(p.maxHeaderBytes, cfg.maxHeaderBytes),
      ipv6: cfg.ipv6,
      ipv6MaxExtHeaders: cfg.ipv6MaxExtHeaders,
      parseGre: p.encapRssEnable || p.encapVmqEnable,
      udpTunnels: tunnelPortsOf(p, cfg),
    },
    s,
  );
  const out: string[] = [`length ${f.length}, parse limit ${s.limit}${s.error ? `, error bits ${s.error}` : ''}`];
  if (f.length >= 14) out.push(`Ethernet ${macAt(f, 6)} > ${macAt(f, 0)} type 0x${u16(f, 12).toString(16)}${s.vlan >= 0 ? ` vlan ${s.vlan}` : ''}`);
  if (s.l3) out.push(`@${s.l3Off} ${ipText(f, s.l3, s.l3Off)}${s.l3Frag ? ' (fragment)' : ''}`);
  if (s.l4Ok) out.push(`@${s.l4Off} ${s.proto === 6 ? 'TCP' : 'UDP'} ${u16(f, s.l4Off)} > ${u16(f, s.l4Off + 2)}`);
  if (s.encap === ENCAP_VXLAN || s.encap === ENCAP_GENEVE) {
    const h = s.l4Off + 8;
    const name = s.encap === ENCAP_VXLAN ? 'VXLAN' : 'GENEVE';
    const head = h + 8 <= f.length ? `bytes ${Array.from(f.subarray(h, h + 4), hex2).join(' ')}` : 'cut short';
    out.push(`@${h} ${name} ${head} vni 0x${s.vsid.toString(16)}`);
  } else if (s.encap !== ENCAP_NONE) {
    const g = s.l4Off;
    const flags = g + 4 <= f.length ? `flags 0x${hex2(f[g]!)} ver ${f[g + 1]! & 7} proto 0x${u16(f, g + 2).toString(16)}` : 'cut short';
    out.push(`@${g} GRE ${flags}${s.encap === 2 ? ` NVGRE vsid 0x${s.vsid.toString(16)} flowid ${s.flowid}` : ''}`);
  }
  if (s.innerEth)
    out.push(`@${s.innerL2Off} inner Ethernet ${macAt(f, s.innerL2Off + 6)} > ${macAt(f, s.innerL2Off)}${s.innerVlan >= 0 ? ` vlan ${s.innerVlan}` : ''}`);
  if (s.innerL3) out.push(`@${s.innerL3Off} inner ${ipText(f, s.innerL3, s.innerL3Off)}`);
  if (s.innerL4Off) out.push(`@${s.innerL4Off} inner ${s.innerProto === 6 ? 'TCP' : 'UDP'} ${u16(f, s.innerL4Off)} > ${u16(f, s.innerL4Off + 2)}`);
  return out;
}

/** Classic 16-bytes-a-line hex dump. */
export function hexDump(f: Uint8Array, max = 256): string[] {
  const out: string[] = [];
  for (let o = 0; o < Math.min(f.length, max); o += 16)
    out.push(`${o.toString(16).padStart(4, '0')}  ${Array.from(f.subarray(o, Math.min(o + 16, f.length)), hex2).join(' ')}`);
  if (f.length > max) out.push(`... ${f.length - max} more bytes`);
  return out;
}
