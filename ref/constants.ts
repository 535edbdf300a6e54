// SPDX-License-Identifier: MIT
// The protocol numbers and codes the reference engine and the generators both use,
// written once. Each group is a prefix and its members: the generators emit every
// member they use as a Verilog localparam named PREFIX_MEMBER (e.g. ETHERTYPE_VLAN,
// 16'h8100), so the RTL, ref/parse.ts and the generators read the same names.

/** A group of named constants and the width of the field that holds them. */
export interface ConstGroup<K extends string> {
  readonly prefix: string;
  readonly width: number;
  readonly values: Readonly<Record<K, number>>;
}

import { HASH_TYPE } from './hash-types.ts';
import { ENCAPS, HASH_INPUTS, type Encap, type HashInput } from './record.ts';

const group = <K extends string>(prefix: string, width: number, values: Record<K, number>): ConstGroup<K> => ({
  prefix,
  width,
  values: Object.freeze(values),
});

/** EtherTypes (IEEE 802.3, RFC 7042): tag protocol identifiers and payload types. */
export const ETHERTYPE = group('ETHERTYPE', 16, {
  /** 802.1Q VLAN tag */
  VLAN: 0x8100,
  /** 802.1ad service tag (QinQ) */
  QINQ: 0x88a8,
  IPV4: 0x0800,
  IPV6: 0x86dd,
  /** Transparent Ethernet bridging: the protocol type of NVGRE (RFC 7637) */
  TEB: 0x6558,
});

/** IP protocol / IPv6 Next Header numbers (IANA). */
export const IPPROTO = group('IPPROTO', 8, {
  /** IPv6 Hop-by-Hop Options */
  HOPOPTS: 0,
  TCP: 6,
  UDP: 17,
  /** IPv6 Routing header */
  ROUTING: 43,
  /** IPv6 Fragment header */
  FRAGMENT: 44,
  GRE: 47,
  /** IPv6 Destination Options */
  DSTOPTS: 60,
});

/** GRE flags in the header's first byte (RFC 2890): checksum, routing, key, sequence. */
export const GRE_FLAG = group('GRE_FLAG', 8, { C: 0x80, R: 0x40, K: 0x20, S: 0x10 });

/** IP header version numbers (the top nibble of the first byte). */
export const IP_VERSION = group('IP_VERSION', 4, { V4: 4, V6: 6 });

/** The parser's error code: at most one, parsing stops at the first (docs/BEHAVIOUR.md). */
export const PARSE_ERR = group('PARSE_ERR', 3, { NONE: 0, TRUNCATED: 1, TOO_DEEP: 2, BAD_IP: 4 });

/** A record enum's name as a constant's: 'outer-2tuple' is OUTER_2TUPLE. */
export const constName = (n: string): string => n.toUpperCase().replace(/-/g, '_');

/** The record's encapsulation code: ENCAPS of ref/record.ts by number (docs/CONTRACT.md section 6). */
export const ENCAP = group('ENCAP', 3, Object.fromEntries(ENCAPS.map((n, i) => [constName(n), i])) as Record<Uppercase<Encap>, number>);

/** The record's hash_input code: HASH_INPUTS of ref/record.ts by number (docs/CONTRACT.md section 6). */
export const HASH_INPUT = group('HASH_INPUT', 3, Object.fromEntries(HASH_INPUTS.map((n, i) => [constName(n), i])) as Record<string, number>);

/** The hash_input code of `n` as the named constant's key. */
export const hashInputKey = (n: HashInput): string => constName(n);

/** The NDIS hash-type flags of ref/hash-types.ts as a group (the hash_type field is 16 bits). */
export const HASH_TYPE_FLAG = group('HASH_TYPE', 16, { ...HASH_TYPE });
