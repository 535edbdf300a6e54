// SPDX-License-Identifier: MIT
// The header parser of docs/CONTRACT.md sections 2 and 8 (GRE, VXLAN, GENEVE) with the bounds and
// error rules of docs/BEHAVIOUR.md. It fills a reused ParseState so that classifying a frame allocates
// nothing here; the engine turns the state into RSS/VMQ results and a record.

import { ENCAP, ETHERTYPE, GRE_FLAG, IPPROTO, IP_VERSION, PARSE_ERR } from './constants.ts';

export const ERR_TRUNCATED = PARSE_ERR.values.TRUNCATED;
export const ERR_TOO_DEEP = PARSE_ERR.values.TOO_DEEP;
export const ERR_BAD_IP = PARSE_ERR.values.BAD_IP;

export const ENCAP_NONE = ENCAP.values.NONE;
export const ENCAP_GRE = ENCAP.values.GRE;
export const ENCAP_NVGRE = ENCAP.values.NVGRE;
export const ENCAP_VXLAN = ENCAP.values.VXLAN;
export const ENCAP_GENEVE = ENCAP.values.GENEVE;

/** One valid entry of the UDP tunnel port table, in table order (the first match wins). */
export interface UdpTunnelPort {
  port: number;
  encap: typeof ENCAP_VXLAN | typeof ENCAP_GENEVE;
}

const TPID_8021Q = ETHERTYPE.values.VLAN;
const TPID_8021AD = ETHERTYPE.values.QINQ;
const ETH_IPV4 = ETHERTYPE.values.IPV4;
const ETH_IPV6 = ETHERTYPE.values.IPV6;
const ETH_TEB = ETHERTYPE.values.TEB;
const PROTO_TCP = IPPROTO.values.TCP;
const PROTO_UDP = IPPROTO.values.UDP;
const PROTO_GRE = IPPROTO.values.GRE;
const { HOPOPTS, ROUTING, FRAGMENT, DSTOPTS } = IPPROTO.values;

export interface ParseConfig {
  /** max_header_bytes after clamping. */
  maxHeaderBytes: number;
  ipv6: boolean;
  ipv6MaxExtHeaders: number;
  /** encap_rss_enable || encap_vmq_enable: GRE and UDP tunnels are looked into only then. */
  parseGre: boolean;
  /** The valid tunnel port entries; absent or empty: UDP is never a tunnel (a build without the table). */
  udpTunnels?: readonly UdpTunnelPort[];
}

export class ParseState {
  len = 0;
  limit = 0;
  /** At most one of ERR_TRUNCATED / ERR_TOO_DEEP / ERR_BAD_IP: parsing stops at the first. */
  error = 0;
  /** The outer Ethernet header (with its tags) is complete. */
  eth = false;
  /** VLAN ID of the innermost outer tag, -1 when untagged. */
  vlan = -1;
  /** 4 or 6 when the outer IP header was parsed, else 0. */
  l3 = 0;
  l3Off = 0;
  l3Frag = false;
  /** Outer protocol / final next header, -1 when unknown (chain not parsed). */
  proto = -1;
  l4Off = 0;
  /** The outer TCP (20 bytes) or UDP (8 bytes) header is complete at l4Off. */
  l4Ok = false;
  encap = ENCAP_NONE;
  /** NVGRE's VSID or a VXLAN/GENEVE VNI (docs/CONTRACT.md section 8), else 0. */
  vsid = 0;
  flowid = 0;
  innerEth = false;
  innerL2Off = 0;
  innerVlan = -1;
  innerL3 = 0;
  innerL3Off = 0;
  innerProto = -1;
  /** Offset of a complete inner TCP/UDP header that directly follows an unfragmented inner IP header, else 0. */
  innerL4Off = 0;

  reset(len: number, limit: number): void {
    this.len = len;
    this.limit = limit;
    this.error = 0;
    this.eth = false;
    this.vlan = -1;
    this.l3 = 0;
    this.l3Off = 0;
    this.l3Frag = false;
    this.proto = -1;
    this.l4Off = 0;
    this.l4Ok = false;
    this.encap = ENCAP_NONE;
    this.vsid = 0;
    this.flowid = 0;
    this.innerEth = false;
    this.innerL2Off = 0;
    this.innerVlan = -1;
    this.innerL3 = 0;
    this.innerL3Off = 0;
    this.innerProto = -1;
    this.innerL4Off = 0;
  }
}

/** Whether bytes [off, off+n) are within bounds; if not, records why parsing stops. */
function fits(s: ParseState, off: number, n: number): boolean {
  if (off + n <= s.limit) return true;
  s.error = off + n > s.len ? ERR_TRUNCATED : ERR_TOO_DEEP;
  return false;
}

function u16(f: Uint8Array, o: number): number {
  return (f[o]! << 8) | f[o + 1]!;
}

/** IPv4 header length, or 0 (with the error recorded) when the header cannot be used. */
function ipv4HeaderLength(f: Uint8Array, s: ParseState, off: number): number {
  if (!fits(s, off, 20)) return 0;
  const vihl = f[off]!;
  if (vihl >> 4 !== IP_VERSION.values.V4 || (vihl & 15) < 5) {
    s.error = ERR_BAD_IP;
    return 0;
  }
  const hl = (vihl & 15) << 2;
  return fits(s, off, hl) ? hl : 0;
}

function ipv6HeaderOk(f: Uint8Array, s: ParseState, off: number): boolean {
  if (!fits(s, off, 40)) return false;
  if (f[off]! >> 4 !== IP_VERSION.values.V6) {
    s.error = ERR_BAD_IP;
    return false;
  }
  return true;
}

function isIpv4Fragment(f: Uint8Array, off: number): boolean {
  // MF flag or a non-zero fragment offset; DF and the reserved bit do not count.
  return (u16(f, off + 6) & 0x3fff) !== 0;
}

export function parseFrame(f: Uint8Array, cfg: ParseConfig, s: ParseState): void {
  const len = f.length;
  s.reset(len, len < cfg.maxHeaderBytes ? len : cfg.maxHeaderBytes);

  // Outer Ethernet: a frame cut inside its tags has no Ethernet header at all.
  if (!fits(s, 0, 14)) return;
  let type = u16(f, 12);
  let off = 14;
  if (type === TPID_8021Q || type === TPID_8021AD) {
    if (!fits(s, 0, 18)) return;
    s.vlan = u16(f, 14) & 0xfff;
    type = u16(f, 16);
    off = 18;
    if (type === TPID_8021Q || type === TPID_8021AD) {
      if (!fits(s, 0, 22)) {
        s.vlan = -1;
        return;
      }
      s.vlan = u16(f, 18) & 0xfff;
      type = u16(f, 20);
      off = 22;
    }
  }
  s.eth = true;

  let l4: number;
  if (type === ETH_IPV4) {
    const hl = ipv4HeaderLength(f, s, off);
    if (hl === 0) return;
    s.l3 = 4;
    s.l3Off = off;
    s.proto = f[off + 9]!;
    s.l3Frag = isIpv4Fragment(f, off);
    l4 = off + hl;
  } else if (type === ETH_IPV6 && cfg.ipv6) {
    if (!ipv6HeaderOk(f, s, off)) return;
    s.l3 = 6;
    s.l3Off = off;
    let nh = f[off + 6]!;
    let p = off + 40;
    for (let n = 0; nh === HOPOPTS || nh === ROUTING || nh === DSTOPTS || nh === FRAGMENT; n++) {
      if (n === cfg.ipv6MaxExtHeaders) {
        s.error = ERR_TOO_DEEP;
        return;
      }
      if (!fits(s, p, 8)) return;
      if (nh === FRAGMENT) {
        // Parsing stops at a Fragment header; its Next Header is still the protocol.
        s.l3Frag = true;
        s.proto = f[p]!;
        s.l4Off = p + 8;
        markGreFragment(s, cfg);
        return;
      }
      const hl = (f[p + 1]! + 1) << 3;
      if (!fits(s, p, hl)) return;
      nh = f[p]!;
      p += hl;
    }
    s.proto = nh;
    l4 = p;
  } else {
    return;
  }
  s.l4Off = l4;
  if (s.l3Frag) {
    markGreFragment(s, cfg);
    return;
  }

  const proto = s.proto;
  if (proto === PROTO_TCP) {
    s.l4Ok = fits(s, l4, 20);
    return;
  }
  if (proto === PROTO_UDP) {
    s.l4Ok = fits(s, l4, 8);
    if (s.l4Ok && cfg.parseGre && cfg.udpTunnels) parseUdpTunnel(f, cfg, cfg.udpTunnels, s, l4);
    return;
  }
  if (proto !== PROTO_GRE || !cfg.parseGre) return;
  parseGre(f, cfg, s, l4);
}

function markGreFragment(s: ParseState, cfg: ParseConfig): void {
  // An outer fragment carrying GRE is encapsulated but never parsed into.
  if (s.proto === PROTO_GRE && cfg.parseGre) s.encap = ENCAP_GRE;
}

function parseGre(f: Uint8Array, cfg: ParseConfig, s: ParseState, g: number): void {
  s.encap = ENCAP_GRE;
  if (!fits(s, g, 4)) return;
  const flags = f[g]!;
  // Other versions and the R bit are encapsulations whose inside cannot be parsed, not errors.
  if ((f[g + 1]! & 7) !== 0 || (flags & GRE_FLAG.values.R) !== 0) return;
  const c = (flags & GRE_FLAG.values.C) !== 0;
  const k = (flags & GRE_FLAG.values.K) !== 0;
  const sq = (flags & GRE_FLAG.values.S) !== 0;
  const glen = 4 + (c ? 4 : 0) + (k ? 4 : 0) + (sq ? 4 : 0);
  if (!fits(s, g, glen)) return;
  const gp = u16(f, g + 2);
  if (k && !c && !sq && gp === ETH_TEB) {
    s.encap = ENCAP_NVGRE;
    s.vsid = (f[g + 4]! << 16) | (f[g + 5]! << 8) | f[g + 6]!;
    s.flowid = f[g + 7]!;
  }
  parseInner(f, cfg, s, g + glen, gp);
}

/** The UDP header at `u` is complete; its destination port decides whether it is a tunnel. */
function parseUdpTunnel(f: Uint8Array, cfg: ParseConfig, table: readonly UdpTunnelPort[], s: ParseState, u: number): void {
  const dport = u16(f, u + 2);
  let encap = ENCAP_NONE;
  for (let i = 0; i < table.length; i++) {
    if (table[i]!.port === dport) {
      encap = table[i]!.encap;
      break;
    }
  }
  if (encap === ENCAP_NONE) return;
  s.encap = encap;
  const h = u + 8;
  // Both kinds have an 8-byte header before anything is decided: cut short, it is an error.
  if (!fits(s, h, 8)) return;
  const b0 = f[h]!;
  if (encap === ENCAP_VXLAN) {
    // RFC 7348: only the I flag is checked; the other flags and reserved bits are ignored.
    if ((b0 & 0x08) === 0) return;
    s.vsid = (f[h + 4]! << 16) | (f[h + 5]! << 8) | f[h + 6]!;
    parseInner(f, cfg, s, h + 8, ETH_TEB);
    return;
  }
  // RFC 8926: Ver must be 0; O = 1 is a control message, not a tenant packet. C and the
  // reserved bits are ignored: the options are skipped unread, critical or not.
  if (b0 >> 6 !== 0 || (f[h + 1]! & 0x80) !== 0) return;
  s.vsid = (f[h + 4]! << 16) | (f[h + 5]! << 8) | f[h + 6]!;
  const glen = 8 + ((b0 & 0x3f) << 2);
  if (!fits(s, h, glen)) return;
  parseInner(f, cfg, s, h + glen, u16(f, h + 2));
}

/**
 * What follows a tunnel header whose payload type is `itype` (an EtherType): an inner
 * Ethernet header for 0x6558, else inner IP directly; any other type cannot be parsed.
 */
function parseInner(f: Uint8Array, cfg: ParseConfig, s: ParseState, p: number, itype: number): void {
  if (itype === ETH_TEB) {
    if (!fits(s, p, 14)) return;
    itype = u16(f, p + 12);
    let ip = p + 14;
    if (itype === TPID_8021Q) {
      if (!fits(s, p, 18)) return;
      s.innerVlan = u16(f, p + 14) & 0xfff;
      itype = u16(f, p + 16);
      ip = p + 18;
    }
    s.innerEth = true;
    s.innerL2Off = p;
    p = ip;
  }

  let l4: number;
  if (itype === ETH_IPV4) {
    const hl = ipv4HeaderLength(f, s, p);
    if (hl === 0) return;
    s.innerL3 = 4;
    s.innerL3Off = p;
    s.innerProto = f[p + 9]!;
    if (isIpv4Fragment(f, p)) return;
    l4 = p + hl;
  } else if (itype === ETH_IPV6 && cfg.ipv6) {
    if (!ipv6HeaderOk(f, s, p)) return;
    s.innerL3 = 6;
    s.innerL3Off = p;
    // Inner extension headers are not read: only TCP/UDP directly after the fixed header counts.
    s.innerProto = f[p + 6]!;
    l4 = p + 40;
  } else {
    return;
  }
  const ip = s.innerProto;
  if (ip === PROTO_TCP) {
    if (fits(s, l4, 20)) s.innerL4Off = l4;
  } else if (ip === PROTO_UDP) {
    if (fits(s, l4, 8)) s.innerL4Off = l4;
  }
}
