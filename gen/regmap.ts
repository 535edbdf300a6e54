// SPDX-License-Identifier: MIT
// The register map of docs/ARCHITECTURE.md, described once. The CSR block's Verilog, the
// C header, the Markdown page, the JSON description and ref/regmap.generated.ts are all
// derived from this list, so they cannot disagree. Offsets do not depend on the build;
// only the table lengths (indirection entries, filters) and the capability values do.

import { log2 } from '../ref/bits.ts';
import { hexToBytes } from '../ref/toeplitz.ts';
import type { BuildConfig } from './config.ts';

export type Access = 'RO' | 'RW';

export interface RegField {
  name: string;
  lsb: number;
  width: number;
  doc: string;
}

/** How a written value is fitted before it is stored (docs/BEHAVIOUR.md "CSRs"). */
export interface Clamp {
  min: number;
  max: number;
}

export interface RegDef {
  name: string;
  /** Byte offset of element 0. */
  offset: number;
  access: Access;
  /** Elements of an array register (1 for a plain register). */
  count: number;
  /** Bytes between elements. */
  stride: number;
  /** The bits that are stored; every other bit reads 0 and is dropped on write. */
  fields: RegField[];
  /** Reset value of each element (counters and capability values included). */
  reset: (index: number) => number;
  clamp?: Clamp;
  doc: string;
}

/** A filter is a block of words; FILTER_WORDS[w] lives at FILTER + stride*f + 4*w. */
export interface FilterWord {
  name: string;
  word: number;
  fields: RegField[];
  doc: string;
}

export interface RegMap {
  regs: RegDef[];
  filter: { offset: number; stride: number; count: number; words: FilterWord[] };
}

export const ID_VALUE = 0x4e564752; // "NVGR"
export const VERSION_VALUE = 0x00010000;

export const RESP_OKAY = 0;
export const RESP_SLVERR = 2;
export const RESP_DECERR = 3;

/** Counter order: the CSR's cnt_* inputs and the registers at COUNTERS + 4k. */
export const COUNTER_NAMES = [
  'frames',
  'encap',
  'nvgre',
  'four_tuple',
  'outer_2tuple',
  'no_hash',
  'vmq_hit',
  'parse_error',
  'mac_error',
  'vxlan',
  'geneve',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

const COUNTER_DOCS: Record<CounterName, string> = {
  frames: 'frames classified',
  encap: 'frames with encap gre, nvgre, vxlan or geneve',
  nvgre: 'frames with encap nvgre',
  four_tuple: 'frames hashed over a 4-tuple (4tuple or inner-4tuple)',
  outer_2tuple: 'encapsulated frames that fell back to the outer 2-tuple',
  no_hash: 'frames without a hash',
  vmq_hit: 'frames that matched a VMQ filter',
  parse_error: 'frames with truncated, too_deep or bad_ip',
  mac_error: 'frames whose last beat had s_axis_tuser set',
  vxlan: 'frames with encap vxlan',
  geneve: 'frames with encap geneve',
};

/** The six NDIS hash-type bits the core offers (ref/hash-types.ts). */
export const HASH_TYPES_MASK = 0x0100 | 0x0200 | 0x0400 | 0x1000 | 0x4000 | 0x8000;

/** NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD bits: inner IPv4, outer IPv4, inner IPv6, outer IPv6. */
export function ndisEncapMask(ipv6: boolean): number {
  return ipv6 ? 0xf : 0x3;
}

export const KEY_WORDS = 10;

const f = (name: string, lsb: number, width: number, doc: string): RegField => ({ name, lsb, width, doc });
const word = (doc: string): RegField[] => [f('VALUE', 0, 32, doc)];

export interface RegmapExtras {
  /** Cycles from the accepted tlast beat to the record on m_axis_meta (CAP_LATENCY). */
  latency: number;
}

/** The values of the read-only capability registers, in address order from 0x0010. */
export function capabilities(c: BuildConfig, x: RegmapExtras): { name: string; value: number; doc: string }[] {
  return [
    { name: 'CAP_DATA_WIDTH', value: c.dataWidth, doc: 's_axis data width in bits' },
    { name: 'CAP_IPV6', value: c.ipv6 ? 1 : 0, doc: '1 when IPv6 is parsed' },
    { name: 'CAP_VMQ_FILTERS', value: c.vmqFilters, doc: 'VMQ filter table entries' },
    { name: 'CAP_INDIRECTION_ENTRIES', value: c.indirectionEntries, doc: 'indirection table entries' },
    { name: 'CAP_MAX_HEADER_BYTES', value: c.maxHeaderBytes, doc: 'header window in bytes (max_header_bytes upper bound)' },
    { name: 'CAP_QUEUE_BITS', value: c.queueBits, doc: 'width of a queue number' },
    { name: 'CAP_RSS_ENCAP', value: ndisEncapMask(c.ipv6), doc: 'NDIS RssSupported: 1 inner IPv4, 2 outer IPv4, 4 inner IPv6, 8 outer IPv6' },
    { name: 'CAP_VMQ_ENCAP', value: ndisEncapMask(c.ipv6), doc: 'NDIS VmqSupported, same bits' },
    { name: 'CAP_MAX_HEADER_SIZE', value: c.maxHeaderBytes, doc: 'NDIS MaxHeaderSizeSupported: frame start to end of inner TCP/UDP header' },
    { name: 'CAP_LATENCY', value: x.latency, doc: 'cycles from the accepted tlast beat to the metadata record' },
    { name: 'CAP_IPV6_EXT_HEADERS', value: c.ipv6MaxExtHeaders, doc: 'IPv6 extension headers skipped per IPv6 header' },
    {
      name: 'CAP_TOEPLITZ',
      value: c.toeplitz === 'const-key' ? 1 : c.toeplitz === 'tables' ? 2 : 0,
      doc: 'bit 0: key fixed at build time (KEY read-only); bit 1: key-derived tables (KEY writes apply after a rebuild)',
    },
    { name: 'CAP_UDP_TUNNEL_PORTS', value: c.udpTunnelPorts, doc: 'UDP tunnel port table entries (VXLAN/GENEVE; 0: none)' },
  ];
}

export const CAP_BASE = 0x0010;
export const CTRL_BASE = 0x0100;
/** The UDP tunnel port table (docs/CONTRACT.md section 8.1), one word per entry. */
export const TUNNEL_BASE = 0x0140;
export const KEY_BASE = 0x0200;
export const COUNTER_BASE = 0x0300;
export const INDIRECTION_BASE = 0x0400;
export const FILTER_BASE = 0x1000;
export const FILTER_STRIDE = 32;

/** TUNNEL_PORT word fields: the port in 15:0, TYPE (0 VXLAN, 1 GENEVE) in bit 16, VALID in bit 31. */
export const TUNNEL_TYPE_BIT = 16;
export const TUNNEL_VALID_BIT = 31;
export const TUNNEL_WORD_MASK = 0x8001ffff;

/** Key word k of a 40-byte key: bytes 4k..4k+3, byte 4k in bits 31:24. */
export function keyWord(key: Uint8Array, k: number): number {
  return ((key[4 * k]! << 24) | (key[4 * k + 1]! << 16) | (key[4 * k + 2]! << 8) | key[4 * k + 3]!) >>> 0;
}

export function regmap(c: BuildConfig, x: RegmapExtras): RegMap {
  const q = c.queueBits;
  const constKey = c.toeplitz === 'const-key' ? hexToBytes(c.constKey) : undefined;
  const regs: RegDef[] = [
    { name: 'ID', offset: 0x0000, access: 'RO', count: 1, stride: 4, fields: word('0x4E564752, "NVGR"'), reset: () => ID_VALUE, doc: 'identifies the core' },
    {
      name: 'VERSION',
      offset: 0x0004,
      access: 'RO',
      count: 1,
      stride: 4,
      fields: word('major.minor.patch as 0xMMMMmmpp'),
      reset: () => VERSION_VALUE,
      doc: 'register map version',
    },
    ...capabilities(c, x).map((cap, i): RegDef => ({
      name: cap.name,
      offset: CAP_BASE + 4 * i,
      access: 'RO',
      count: 1,
      stride: 4,
      fields: word(cap.doc),
      reset: () => cap.value,
      doc: cap.doc,
    })),
    {
      name: 'CTRL',
      offset: CTRL_BASE,
      access: 'RW',
      count: 1,
      stride: 4,
      fields: [
        f('RSS_ENABLE', 0, 1, 'RSS on'),
        f('VMQ_ENABLE', 1, 1, 'VMQ on'),
        f('ENCAP_RSS_ENABLE', 2, 1, 'hash NVGRE/GRE packets over the inner 4-tuple'),
        f('ENCAP_VMQ_ENABLE', 3, 1, 'match VMQ filters on the inner Ethernet header and VSID'),
      ],
      reset: () => 0,
      doc: 'enables (OID_TCP_OFFLOAD_PARAMETERS / NDIS RSS parameters)',
    },
    {
      name: 'HASH_TYPES',
      offset: CTRL_BASE + 0x04,
      access: 'RW',
      count: 1,
      stride: 4,
      fields: [
        f('IPV4', 8, 1, 'NDIS_HASH_IPV4'),
        f('TCP_IPV4', 9, 1, 'NDIS_HASH_TCP_IPV4'),
        f('IPV6', 10, 1, 'NDIS_HASH_IPV6'),
        f('TCP_IPV6', 12, 1, 'NDIS_HASH_TCP_IPV6'),
        f('UDP_IPV4', 14, 1, 'NDIS_HASH_UDP_IPV4'),
        f('UDP_IPV6', 15, 1, 'NDIS_HASH_UDP_IPV6'),
      ],
      reset: () => 0,
      doc: 'enabled NDIS hash types (other bits are dropped)',
    },
    {
      name: 'RSS_DEFAULT_QUEUE',
      offset: CTRL_BASE + 0x08,
      access: 'RW',
      count: 1,
      stride: 4,
      fields: [f('QUEUE', 0, q, 'queue')],
      reset: () => 0,
      doc: 'queue of frames without a hash',
    },
    {
      name: 'VMQ_DEFAULT_QUEUE',
      offset: CTRL_BASE + 0x0c,
      access: 'RW',
      count: 1,
      stride: 4,
      fields: [f('QUEUE', 0, q, 'queue')],
      reset: () => 0,
      doc: 'queue of frames no filter matches',
    },
    {
      name: 'INDIRECTION_BITS',
      offset: CTRL_BASE + 0x10,
      access: 'RW',
      count: 1,
      stride: 4,
      fields: [f('BITS', 0, 3, 'log2 of the entries in use')],
      reset: () => log2(c.indirectionEntries),
      clamp: { min: 1, max: log2(c.indirectionEntries) },
      doc: 'indirection entries in use = 2^value; writes are clamped to [1, log2 entries]',
    },
    {
      name: 'MAX_HEADER_BYTES',
      offset: CTRL_BASE + 0x14,
      access: 'RW',
      count: 1,
      stride: 4,
      fields: [f('BYTES', 0, Math.ceil(Math.log2(c.maxHeaderBytes + 1)), 'bytes')],
      reset: () => c.maxHeaderBytes,
      clamp: { min: 64, max: c.maxHeaderBytes },
      doc: 'headers must end within this many bytes; writes are clamped to [64, CAP_MAX_HEADER_BYTES]',
    },
    ...(c.udpTunnelPorts > 0
      ? [
          {
            name: 'TUNNEL_PORT',
            offset: TUNNEL_BASE,
            access: 'RW',
            count: c.udpTunnelPorts,
            stride: 4,
            fields: [
              f('PORT', 0, 16, 'UDP destination port'),
              f('TYPE', TUNNEL_TYPE_BIT, 1, '0 VXLAN, 1 GENEVE'),
              f('VALID', TUNNEL_VALID_BIT, 1, 'the entry is in use'),
            ],
            reset: () => 0,
            doc: 'UDP tunnel port table (lowest valid entry with the port decides; frame-atomic at the first beat)',
          } satisfies RegDef,
        ]
      : []),
    {
      name: 'KEY',
      offset: KEY_BASE,
      access: constKey ? 'RO' : 'RW',
      count: KEY_WORDS,
      stride: 4,
      fields: word('key bytes 4k..4k+3, byte 4k in bits 31:24'),
      reset: (k) => (constKey ? keyWord(constKey, k) : 0),
      doc: constKey ? 'Toeplitz key (fixed at build time)' : 'Toeplitz key',
    },
    ...COUNTER_NAMES.map((n, k): RegDef => ({
      name: `CNT_${n.toUpperCase()}`,
      offset: COUNTER_BASE + 4 * k,
      access: 'RO',
      count: 1,
      stride: 4,
      fields: word('32-bit, wrapping'),
      reset: () => 0,
      doc: COUNTER_DOCS[n],
    })),
    {
      name: 'INDIRECTION',
      offset: INDIRECTION_BASE,
      access: 'RW',
      count: c.indirectionEntries,
      stride: 4,
      fields: [f('QUEUE', 0, q, 'queue')],
      reset: () => 0,
      doc: 'RSS indirection table: queue of entry i',
    },
  ];
  const words: FilterWord[] = [
    { name: 'MAC_HI', word: 0, fields: [f('MAC_HI', 0, 16, 'MAC bytes 0-1, byte 0 in 15:8')], doc: 'destination MAC, first two bytes' },
    { name: 'MAC_LO', word: 1, fields: [f('MAC_LO', 0, 32, 'MAC bytes 2-5, byte 2 in 31:24')], doc: 'destination MAC, last four bytes' },
    { name: 'VLAN', word: 2, fields: [f('ID', 0, 12, 'VLAN ID'), f('MATCH', 16, 1, 'compare the VLAN ID')], doc: 'VLAN condition' },
    { name: 'VSID', word: 3, fields: [f('VSID', 0, 24, 'VSID'), f('MATCH', 24, 1, 'compare the VSID')], doc: 'VSID condition' },
    { name: 'QUEUE', word: 4, fields: [f('QUEUE', 0, q, 'queue')], doc: 'queue of frames that match' },
    { name: 'CTRL', word: 5, fields: [f('VALID', 0, 1, 'the filter is in use')], doc: 'filter valid' },
  ];
  return { regs, filter: { offset: FILTER_BASE, stride: FILTER_STRIDE, count: c.vmqFilters, words } };
}

/** Bits of a register that are stored (the union of its fields). */
export function fieldMask(fields: RegField[]): number {
  let m = 0;
  for (const x of fields) m |= x.width === 32 ? 0xffffffff : ((1 << x.width) - 1) << x.lsb;
  return m >>> 0;
}
