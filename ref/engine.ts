// SPDX-License-Identifier: MIT
// A prepared profile: the CSR view of a Profile after the write-time clamps of
// docs/BEHAVIOUR.md, with the Toeplitz tables built once per key. classify() is the
// reference model of one frame through the core.

import { type BuildParams, DEFAULT_BUILD } from './build.ts';
import { ALL_HASH_TYPES, HASH_TYPE } from './hash-types.ts';
import {
  ENCAP_GENEVE,
  ENCAP_GRE,
  ENCAP_NONE,
  ENCAP_NVGRE,
  ENCAP_VXLAN,
  ERR_BAD_IP,
  ERR_TOO_DEEP,
  ERR_TRUNCATED,
  type ParseConfig,
  parseFrame,
  ParseState,
} from './parse.ts';
import { log2 } from './bits.ts';
import { type Profile, tunnelPortsOf } from './profile.ts';
import { ENCAPS, type ErrorName, type HashInput, type MetaRecord } from './record.ts';
import { type Toeplitz, ToeplitzHasher } from './toeplitz.ts';

export interface ClassifyOptions {
  /** 0-based position of the frame in its stream; copied to the record. */
  frameIndex?: number;
  /** s_axis_tuser was set on the frame's last beat. */
  macError?: boolean;
}

/** The hardware counters of docs/CONTRACT.md section 5 (32-bit, wrapping). */
export interface Counters {
  frames: number;
  encapsulated: number;
  nvgre: number;
  /** docs/CONTRACT.md section 8: frames with encap vxlan / geneve (both also count as encapsulated). */
  vxlan: number;
  geneve: number;
  fourTuple: number;
  outerTwoTupleFallbacks: number;
  noHash: number;
  vmqHits: number;
  parseErrors: number;
  macErrors: number;
}

interface PreparedFilter {
  macHi: number;
  macLo: number;
  /** -2 when the VLAN is not compared (no key VLAN is -2). */
  vlan: number;
  /** -2 when the VSID is not compared. */
  vsid: number;
  queue: number;
}

const ERR_LISTS: readonly (readonly ErrorName[])[] = buildErrorLists();

function buildErrorLists(): ErrorName[][] {
  // Index: parse error bits | (mac_error << 3); the order is that of ERROR_NAMES.
  const lists: ErrorName[][] = [];
  for (let i = 0; i < 16; i++) {
    const l: ErrorName[] = [];
    if (i & ERR_TRUNCATED) l.push('truncated');
    if (i & ERR_TOO_DEEP) l.push('too_deep');
    if (i & ERR_BAD_IP) l.push('bad_ip');
    if (i & 8) l.push('mac_error');
    // Shared by every record with these errors (one array less per frame): frozen, so a
    // caller that tried to change one record's list would fail at once.
    lists.push(Object.freeze(l) as ErrorName[]);
  }
  return lists;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function u16(f: Uint8Array, o: number): number {
  return (f[o]! << 8) | f[o + 1]!;
}

function u32(f: Uint8Array, o: number): number {
  return ((f[o]! << 24) | (f[o + 1]! << 16) | (f[o + 2]! << 8) | f[o + 3]!) >>> 0;
}

export function newCounters(): Counters {
  return {
    frames: 0,
    encapsulated: 0,
    nvgre: 0,
    vxlan: 0,
    geneve: 0,
    fourTuple: 0,
    outerTwoTupleFallbacks: 0,
    noHash: 0,
    vmqHits: 0,
    parseErrors: 0,
    macErrors: 0,
  };
}

export class RefEngine {
  readonly build: BuildParams;
  readonly counters: Counters = newCounters();
  private hasher: Toeplitz;
  private readonly state = new ParseState();
  private readonly cfg: ParseConfig;
  private hashTypes = 0;
  private rssEnable = false;
  private vmqEnable = false;
  private encapRss = false;
  private encapVmq = false;
  private indirection = new Uint8Array(0);
  private indirMask = 0;
  private rssDefault = 0;
  private vmqDefault = 0;
  private filters: PreparedFilter[] = [];

  /**
   * `hasher` lets callers share tables between engines that use the same key, or run the
   * engine on BitSerialToeplitz; it is used only when its key is the profile's.
   */
  constructor(profile: Profile, build: BuildParams = DEFAULT_BUILD, hasher?: Toeplitz) {
    this.build = build;
    this.cfg = { maxHeaderBytes: 64, ipv6: build.ipv6, ipv6MaxExtHeaders: build.ipv6MaxExtHeaders, parseGre: false };
    this.hasher = hasher && sameBytes(hasher.key, profile.key) ? hasher : new ToeplitzHasher(profile.key);
    this.setProfile(profile);
  }

  /**
   * Loads new CSR contents, as the driver writes them between frames. The Toeplitz
   * tables are rebuilt only when the key changed. Values are clamped/masked the way the
   * registers do it: max_header_bytes to [64, build max], indirection_bits to
   * [1, log2(entries)], queue numbers to queueBits, VLAN to 12 and VSID to 24 bits.
   */
  setProfile(p: Profile): void {
    const b = this.build;
    // A fresh hasher rather than setKey(): the old one may be shared with other engines.
    if (!sameBytes(this.hasher.key, p.key)) this.hasher = new ToeplitzHasher(p.key);
    const qmask = 2 ** b.queueBits - 1;
    this.hashTypes = p.hashTypes & ALL_HASH_TYPES;
    this.rssEnable = p.rssEnable;
    this.vmqEnable = p.vmqEnable;
    this.encapRss = p.encapRssEnable;
    this.encapVmq = p.encapVmqEnable;
    this.cfg.maxHeaderBytes = clamp(p.maxHeaderBytes, 64, b.maxHeaderBytes);
    this.cfg.parseGre = p.encapRssEnable || p.encapVmqEnable;
    // A table length that is not a power of two selects the largest power of two below it.
    const bits = clamp(log2(Math.max(1, p.indirection.length)), 1, log2(b.indirectionEntries));
    const n = 1 << bits;
    this.indirection = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.indirection[i] = (p.indirection[i] ?? 0) & qmask;
    this.indirMask = n - 1;
    this.rssDefault = p.rssDefaultQueue & qmask;
    this.vmqDefault = p.vmqDefaultQueue & qmask;
    this.cfg.udpTunnels = tunnelPortsOf(p, b);
    this.filters = [];
    const nf = Math.min(p.filters.length, b.vmqFilters);
    for (let i = 0; i < nf; i++) {
      const f = p.filters[i]!;
      if (!f.valid) {
        // Keep the index: lower indices win, so positions matter.
        this.filters.push({ macHi: -1, macLo: -1, vlan: -2, vsid: -2, queue: 0 });
        continue;
      }
      this.filters.push({
        macHi: u16(f.mac, 0),
        macLo: u32(f.mac, 2),
        vlan: f.matchVlan ? f.vlanId & 0xfff : -2,
        vsid: f.matchVsid ? f.vsid & 0xffffff : -2,
        queue: f.queue & qmask,
      });
    }
  }

  classify(frame: Uint8Array, opts?: ClassifyOptions): MetaRecord {
    const s = this.state;
    parseFrame(frame, this.cfg, s);
    const h = this.hasher;

    // RSS (docs/CONTRACT.md section 3).
    let hash = 0;
    let hashType = 0;
    let input: HashInput = 'none';
    if (this.rssEnable && s.l3 !== 0) {
      const types = this.hashTypes;
      const v4 = s.l3 === 4;
      const addrOff = v4 ? s.l3Off + 12 : s.l3Off + 8;
      const addrLen = v4 ? 8 : 32;
      if (s.encap !== ENCAP_NONE && this.encapRss) {
        if (s.innerL4Off !== 0) {
          const t = l4HashType(s.innerL3, s.innerProto);
          if ((types & t) !== 0) {
            const iv4 = s.innerL3 === 4;
            const ia = iv4 ? s.innerL3Off + 12 : s.innerL3Off + 8;
            const il = iv4 ? 8 : 32;
            hash = (h.partial(frame, ia, il, 0) ^ h.partial(frame, s.innerL4Off, 4, il)) >>> 0;
            hashType = t;
            input = 'inner-4tuple';
          }
        }
        if (hashType === 0) {
          const t = v4 ? HASH_TYPE.IPV4 : HASH_TYPE.IPV6;
          if ((types & t) !== 0) {
            hash = h.partial(frame, addrOff, addrLen, 0) >>> 0;
            hashType = t;
            input = 'outer-2tuple';
          }
        }
      } else {
        if (s.l4Ok && !s.l3Frag) {
          const t = l4HashType(s.l3, s.proto);
          if ((types & t) !== 0) {
            hash = (h.partial(frame, addrOff, addrLen, 0) ^ h.partial(frame, s.l4Off, 4, addrLen)) >>> 0;
            hashType = t;
            input = '4tuple';
          }
        }
        if (hashType === 0) {
          const t = v4 ? HASH_TYPE.IPV4 : HASH_TYPE.IPV6;
          if ((types & t) !== 0) {
            hash = h.partial(frame, addrOff, addrLen, 0) >>> 0;
            hashType = t;
            input = '2tuple';
          }
        }
      }
    }
    const hashValid = hashType !== 0;
    const rssQueue = hashValid ? this.indirection[hash & this.indirMask]! : this.rssDefault;

    // VMQ (docs/CONTRACT.md section 4).
    let vmqQueue = this.vmqDefault;
    let vmqFilter = -1;
    if (s.eth && this.vmqEnable) {
      let macOff = 0;
      let vlan = s.vlan;
      let vsid = -1;
      if (s.encap !== ENCAP_NONE && this.encapVmq && s.innerEth) {
        macOff = s.innerL2Off;
        vlan = s.innerVlan;
        // NVGRE's VSID or a VXLAN/GENEVE VNI; plain GRE has none.
        if (s.encap !== ENCAP_GRE) vsid = s.vsid;
      }
      const hi = u16(frame, macOff);
      const lo = u32(frame, macOff + 2);
      const fs = this.filters;
      for (let i = 0; i < fs.length; i++) {
        const f = fs[i]!;
        if (f.macHi === hi && f.macLo === lo && (f.vlan === -2 || f.vlan === vlan) && (f.vsid === -2 || f.vsid === vsid)) {
          vmqQueue = f.queue;
          vmqFilter = i;
          break;
        }
      }
    }

    const macError = opts?.macError === true;
    const c = this.counters;
    c.frames = (c.frames + 1) >>> 0;
    if (s.encap !== ENCAP_NONE) c.encapsulated = (c.encapsulated + 1) >>> 0;
    if (s.encap === ENCAP_NVGRE) c.nvgre = (c.nvgre + 1) >>> 0;
    else if (s.encap === ENCAP_VXLAN) c.vxlan = (c.vxlan + 1) >>> 0;
    else if (s.encap === ENCAP_GENEVE) c.geneve = (c.geneve + 1) >>> 0;
    if (input === '4tuple' || input === 'inner-4tuple') c.fourTuple = (c.fourTuple + 1) >>> 0;
    else if (input === 'outer-2tuple') c.outerTwoTupleFallbacks = (c.outerTwoTupleFallbacks + 1) >>> 0;
    else if (input === 'none') c.noHash = (c.noHash + 1) >>> 0;
    if (vmqFilter >= 0) c.vmqHits = (c.vmqHits + 1) >>> 0;
    if (s.error !== 0) c.parseErrors = (c.parseErrors + 1) >>> 0;
    if (macError) c.macErrors = (c.macErrors + 1) >>> 0;

    // Key order is that of MetaRecord: JSON output follows insertion order.
    return {
      frame: opts?.frameIndex ?? 0,
      hash,
      hash_type: hashType,
      hash_valid: hashValid,
      hash_input: input,
      rss_queue: rssQueue,
      vmq_queue: vmqQueue,
      vmq_hit: vmqFilter >= 0,
      vmq_filter: vmqFilter,
      encap: ENCAPS[s.encap]!,
      inner_parsed: s.innerL3 !== 0,
      vsid: s.vsid,
      flowid: s.flowid,
      outer_l3_offset: s.l3Off,
      inner_l2_offset: s.innerL2Off,
      inner_l3_offset: s.innerL3Off,
      inner_l4_offset: s.innerL4Off,
      // The hardware field is 16 bits and saturates (docs/BEHAVIOUR.md).
      length: frame.length > 0xffff ? 0xffff : frame.length,
      errors: ERR_LISTS[s.error | (macError ? 8 : 0)]!,
    };
  }

  /** The Toeplitz tables for the current key (shareable with engines using the same key). */
  get toeplitz(): Toeplitz {
    return this.hasher;
  }

  resetCounters(): void {
    Object.assign(this.counters, newCounters());
  }
}

function l4HashType(family: number, proto: number): number {
  if (proto === 6) return family === 4 ? HASH_TYPE.TCP_IPV4 : HASH_TYPE.TCP_IPV6;
  if (proto === 17) return family === 4 ? HASH_TYPE.UDP_IPV4 : HASH_TYPE.UDP_IPV6;
  return 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
