// SPDX-License-Identifier: MIT
// Metadata records packed straight into 32-bit words in m_axis_meta_tdata's layout
// (gen/meta-layout.ts), with number arithmetic only: the lockstep loop packs a record
// once when the cycle model produces it and copies its words every cycle, and the
// scoreboard compares a reference record with the RTL's beat word by word. packMeta
// (tb/lockstep/behavioural-top.ts) is the bigint form of the same packing; the tests hold the two
// equal.

import type { BuildConfig } from '../../gen/config.ts';
import { metaLayout } from '../../gen/meta-layout.ts';
import { ENCAPS, ERROR_NAMES, HASH_INPUTS, type MetaRecord } from '../../ref/record.ts';

/** Every field of a record but `frame`, each packed as one number (see pack). */
const FIELDS = [
  'hash',
  'hash_type',
  'hash_valid',
  'hash_input',
  'rss_queue',
  'vmq_queue',
  'vmq_hit',
  'vmq_filter',
  'encap',
  'inner_parsed',
  'vsid',
  'flowid',
  'outer_l3_offset',
  'inner_l2_offset',
  'inner_l3_offset',
  'inner_l4_offset',
  'length',
  'errors',
] as const satisfies readonly (keyof MetaRecord)[];

const enum F {
  hash,
  hash_type,
  hash_valid,
  hash_input,
  rss_queue,
  vmq_queue,
  vmq_hit,
  vmq_filter,
  encap,
  inner_parsed,
  vsid,
  flowid,
  outer_l3_offset,
  inner_l2_offset,
  inner_l3_offset,
  inner_l4_offset,
  length,
  errors,
}

const fits = (v: number, width: number): boolean => Number.isInteger(v) && v >= 0 && v <= 2 ** width - 1;

// Property reads are spelled out field by field (not r[name]) so that they stay
// monomorphic: this runs for every record of a regression.
export class MetaPacker {
  /** Words of one beat (the port's width rounded up to whole words). */
  readonly words: number;
  private readonly lsb: number[] = [];
  private readonly width: number[] = [];

  constructor(cfg: BuildConfig) {
    const l = metaLayout(cfg);
    this.words = Math.ceil(l.width / 32);
    if (l.fields.length !== FIELDS.length) throw new Error('meta-words: the metadata layout has other fields than MetaPacker packs');
    FIELDS.forEach((name, i) => {
      const f = l.fields.find((x) => x.name === name);
      if (!f || f.width > 32) throw new Error(`meta-words: field ${name} ${f ? 'is wider than 32 bits' : 'is not in the layout'}`);
      this.lsb[i] = f.lsb;
      this.width[i] = f.width;
    });
  }

  private put(out: Uint32Array, at: number, k: number, value: number): void {
    const w = this.width[k]!;
    const v = (value >>> 0) & (w === 32 ? 0xffffffff : (1 << w) - 1);
    const lsb = this.lsb[k]!;
    const wi = at + (lsb >>> 5);
    const sh = lsb & 31;
    out[wi] = out[wi]! | (v << sh);
    if (sh + w > 32) out[wi + 1] = out[wi + 1]! | (v >>> (32 - sh));
  }

  /** Write the beat of `r` into out[at .. at+words) (every word written), exactly as packMeta. */
  pack(r: MetaRecord, out: Uint32Array, at: number): void {
    for (let i = 0; i < this.words; i++) out[at + i] = 0;
    let errors = 0;
    for (let i = 0; i < ERROR_NAMES.length; i++) if (r.errors.includes(ERROR_NAMES[i]!)) errors |= 1 << i;
    this.put(out, at, F.hash, r.hash);
    this.put(out, at, F.hash_type, r.hash_type);
    this.put(out, at, F.hash_valid, r.hash_valid ? 1 : 0);
    this.put(out, at, F.hash_input, HASH_INPUTS.indexOf(r.hash_input));
    this.put(out, at, F.rss_queue, r.rss_queue);
    this.put(out, at, F.vmq_queue, r.vmq_queue);
    this.put(out, at, F.vmq_hit, r.vmq_hit ? 1 : 0);
    this.put(out, at, F.vmq_filter, r.vmq_hit ? r.vmq_filter : 0);
    this.put(out, at, F.encap, ENCAPS.indexOf(r.encap));
    this.put(out, at, F.inner_parsed, r.inner_parsed ? 1 : 0);
    this.put(out, at, F.vsid, r.vsid);
    this.put(out, at, F.flowid, r.flowid);
    this.put(out, at, F.outer_l3_offset, r.outer_l3_offset);
    this.put(out, at, F.inner_l2_offset, r.inner_l2_offset);
    this.put(out, at, F.inner_l3_offset, r.inner_l3_offset);
    this.put(out, at, F.inner_l4_offset, r.inner_l4_offset);
    this.put(out, at, F.length, r.length);
    this.put(out, at, F.errors, errors);
  }

  /**
   * True when unpacking the packed beat of `r` gives back `r` field for field (what
   * recordDiff compares): no key but the packed fields and `frame`, every number fits
   * its field, booleans are booleans, names are known, vmq_filter is -1 without a hit,
   * errors are distinct and in ERROR_NAMES order. Then a record equals the one a beat
   * decodes to exactly when its packed words equal the beat's.
   */
  roundTrips(r: MetaRecord): boolean {
    let keys = 0;
    for (const _ in r) keys++;
    if (keys !== FIELDS.length + 1 || !('frame' in r)) return false;
    const W = this.width;
    let last = -1;
    for (const e of r.errors) {
      const i = ERROR_NAMES.indexOf(e);
      if (i <= last) return false;
      last = i;
    }
    const hi = HASH_INPUTS.indexOf(r.hash_input);
    const en = ENCAPS.indexOf(r.encap);
    return (
      fits(r.hash, W[F.hash]!) &&
      fits(r.hash_type, W[F.hash_type]!) &&
      typeof r.hash_valid === 'boolean' &&
      hi >= 0 &&
      fits(hi, W[F.hash_input]!) &&
      fits(r.rss_queue, W[F.rss_queue]!) &&
      fits(r.vmq_queue, W[F.vmq_queue]!) &&
      typeof r.vmq_hit === 'boolean' &&
      (r.vmq_hit ? fits(r.vmq_filter, W[F.vmq_filter]!) : r.vmq_filter === -1) &&
      en >= 0 &&
      fits(en, W[F.encap]!) &&
      typeof r.inner_parsed === 'boolean' &&
      fits(r.vsid, W[F.vsid]!) &&
      fits(r.flowid, W[F.flowid]!) &&
      fits(r.outer_l3_offset, W[F.outer_l3_offset]!) &&
      fits(r.inner_l2_offset, W[F.inner_l2_offset]!) &&
      fits(r.inner_l3_offset, W[F.inner_l3_offset]!) &&
      fits(r.inner_l4_offset, W[F.inner_l4_offset]!) &&
      fits(r.length, W[F.length]!)
    );
  }
}
