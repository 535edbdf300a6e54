// SPDX-License-Identifier: MIT
// Coverage feedback for the fuzzer, taken from the reference engine (cheap: no RTL
// needed to decide whether a mutant is interesting). A frame yields a set of features:
// the parser's path (which headers it took, where it stopped and why, under which
// control profile), the record's classification fields, and the header offsets and
// length class. A mutant with a feature never seen before is kept as a new seed.

import type { BuildConfig } from '../../gen/config.ts';
import { ENCAP_GENEVE, ENCAP_VXLAN, parseFrame, ParseState } from '../../ref/parse.ts';
import { type Profile, tunnelPortsOf } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';

const proto = (p: number): string => (p === 6 || p === 17 || p === 47 || p < 0 ? String(p) : 'x');

/** The features of one classified frame. */
export function features(data: Uint8Array, rec: MetaRecord, profile: Profile, profileName: string, cfg: BuildConfig): string[] {
  const s = new ParseState();
  const pc = {
    maxHeaderBytes: Math.min(profile.maxHeaderBytes, cfg.maxHeaderBytes),
    ipv6: cfg.ipv6,
    ipv6MaxExtHeaders: cfg.ipv6MaxExtHeaders,
    parseGre: profile.encapRssEnable || profile.encapVmqEnable,
    udpTunnels: tunnelPortsOf(profile, cfg),
  };
  parseFrame(data, pc, s);
  // Parsing depends on the window, on whether GRE is looked into and on the tunnel ports,
  // not on the rest of the profile: the path feature is keyed by those only.
  const ports = pc.udpTunnels.map((t) => `${t.port}:${t.encap}`).join(',');
  const parseKey = `window ${pc.maxHeaderBytes}${pc.parseGre ? '' : ' no-gre'}${ports ? ` tunnels ${ports}` : ''}`;
  const path = [
    s.eth ? 'eth' : 'no-eth',
    s.vlan >= 0 ? 'tag' : 'untag',
    `l3=${s.l3}`,
    s.l3Frag ? 'frag' : '',
    `p=${proto(s.proto)}`,
    s.l4Ok ? 'l4' : '',
    `enc=${s.encap}`,
    s.innerEth ? 'ieth' : '',
    s.innerVlan >= 0 ? 'itag' : '',
    `il3=${s.innerL3}`,
    `ip=${proto(s.innerProto)}`,
    s.innerL4Off ? 'il4' : '',
    `err=${s.error}`,
  ].join(' ');
  const bpb = cfg.dataWidth / 8;
  const len = data.length;
  const lenClass = len < 14 ? 'runt' : len < 64 ? 'short' : len <= cfg.maxHeaderBytes ? 'window' : len < 0xffff ? 'long' : 'saturated';
  return [
    `path ${parseKey}: ${path}`,
    `record ${profileName}: ${rec.encap} ${rec.hash_input} 0x${rec.hash_type.toString(16)} [${rec.errors.join(',')}] vmq=${rec.vmq_hit} inner=${rec.inner_parsed}`,
    `offsets ${rec.outer_l3_offset}/${rec.inner_l2_offset}/${rec.inner_l3_offset}/${rec.inner_l4_offset}`,
    `length ${lenClass} tail=${len % bpb === 0 ? 'full' : 'partial'}`,
    `stop ${parseKey}: ${s.error} at ${stopPoint(s)}`,
  ];
}

/** The last header the parser completed: where a cut or a bad field stopped it. */
function stopPoint(s: ParseState): string {
  if (s.innerL4Off) return 'inner-l4';
  if (s.innerL3) return 'inner-l3';
  if (s.innerEth) return 'inner-eth';
  if (s.encap) return s.encap === ENCAP_VXLAN || s.encap === ENCAP_GENEVE ? 'udp-tunnel' : 'gre';
  if (s.l4Ok) return 'l4';
  if (s.l3) return 'l3';
  return s.eth ? 'eth' : 'none';
}

/** Features seen so far; `add` says which of a frame's features are new. */
export class FeatureMap {
  private readonly seen = new Map<string, number>();

  add(fs: readonly string[]): string[] {
    const fresh: string[] = [];
    for (const f of fs) {
      const n = this.seen.get(f);
      if (n === undefined) fresh.push(f);
      this.seen.set(f, (n ?? 0) + 1);
    }
    return fresh;
  }

  get size(): number {
    return this.seen.size;
  }
}
