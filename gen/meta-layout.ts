// SPDX-License-Identifier: MIT
// The metadata record's bit layout on m_axis_meta_tdata, described once. The top level
// packs it from this list, and the testbench, the C header and the docs read it from here.

import { ENCAPS, ERROR_NAMES, HASH_INPUTS, type MetaRecord, UDP_TUNNEL_ENCAPS } from '../ref/record.ts';
import { clog2 } from '../ref/bits.ts';
import type { BuildConfig } from './config.ts';

export interface MetaField {
  name: keyof MetaRecord;
  width: number;
  /** Bit position of the field's LSB in m_axis_meta_tdata. */
  lsb: number;
  doc: string;
}

export { clog2 } from '../ref/bits.ts';

export const LENGTH_BITS = 16;

export function metaLayout(c: BuildConfig): { fields: MetaField[]; width: number } {
  const ob = clog2(c.maxHeaderBytes);
  // vxlan (3) and geneve (4) only where a tunnel port table can produce them: a build
  // without one keeps the 2-bit field.
  const encaps = c.udpTunnelPorts > 0 ? ENCAPS : ENCAPS.filter((e) => !UDP_TUNNEL_ENCAPS.includes(e));
  const spec: [keyof MetaRecord, number, string][] = [
    ['hash', 32, 'Toeplitz hash (0 when hash_valid is 0)'],
    ['hash_type', 16, 'NDIS hash type bit of the hash (0 when none)'],
    ['hash_valid', 1, 'a hash was computed'],
    ['hash_input', 3, `what was hashed: ${HASH_INPUTS.map((n, i) => `${i}=${n}`).join(', ')}`],
    ['rss_queue', c.queueBits, 'queue picked by the indirection table, or rss_default_queue'],
    ['vmq_queue', c.queueBits, 'queue of the matching VMQ filter, or vmq_default_queue'],
    ['vmq_hit', 1, 'a VMQ filter matched'],
    ['vmq_filter', clog2(c.vmqFilters), 'index of the matching filter (0 when vmq_hit is 0)'],
    ['encap', clog2(encaps.length), `encapsulation: ${encaps.map((n, i) => `${i}=${n}`).join(', ')}`],
    ['inner_parsed', 1, 'the inner IP header was parsed'],
    ['vsid', 24, 'NVGRE virtual subnet ID (0 unless NVGRE)'],
    ['flowid', 8, 'NVGRE FlowID (0 unless NVGRE)'],
    ['outer_l3_offset', ob, 'byte offset of the outer IP header (0 when not parsed)'],
    ['inner_l2_offset', ob, 'byte offset of the inner Ethernet header (0 when absent)'],
    ['inner_l3_offset', ob, 'byte offset of the inner IP header (0 when not parsed)'],
    ['inner_l4_offset', ob, 'byte offset of the inner TCP/UDP header (0 when absent)'],
    ['length', LENGTH_BITS, 'frame length in bytes (saturates at 65535)'],
    ['errors', ERROR_NAMES.length, `error flags: ${ERROR_NAMES.map((n, i) => `bit ${i} ${n}`).join(', ')}`],
  ];
  let lsb = 0;
  const fields = spec.map(([name, width, doc]) => {
    const f = { name, width, lsb, doc };
    lsb += width;
    return f;
  });
  return { fields, width: Math.ceil(lsb / 8) * 8 };
}

/** Decode one metadata beat into the record the reference engine produces. */
export function unpackMeta(c: BuildConfig, beat: bigint, frame: number): MetaRecord {
  const { fields } = metaLayout(c);
  const get = (n: keyof MetaRecord): number => {
    const f = fields.find((x) => x.name === n)!;
    return Number((beat >> BigInt(f.lsb)) & ((1n << BigInt(f.width)) - 1n));
  };
  const err = get('errors');
  const hit = get('vmq_hit') === 1;
  return {
    frame,
    hash: get('hash') >>> 0,
    hash_type: get('hash_type'),
    hash_valid: get('hash_valid') === 1,
    hash_input: HASH_INPUTS[get('hash_input')] ?? 'none',
    rss_queue: get('rss_queue'),
    vmq_queue: get('vmq_queue'),
    vmq_hit: hit,
    vmq_filter: hit ? get('vmq_filter') : -1,
    encap: ENCAPS[get('encap')] ?? 'none',
    inner_parsed: get('inner_parsed') === 1,
    vsid: get('vsid'),
    flowid: get('flowid'),
    outer_l3_offset: get('outer_l3_offset'),
    inner_l2_offset: get('inner_l2_offset'),
    inner_l3_offset: get('inner_l3_offset'),
    inner_l4_offset: get('inner_l4_offset'),
    length: get('length'),
    errors: ERROR_NAMES.filter((_, i) => (err >> i) & 1),
  };
}
