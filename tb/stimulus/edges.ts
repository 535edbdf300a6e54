// SPDX-License-Identifier: MIT
// Register writes past every clamp and mask bound (docs/BEHAVIOUR.md "CSRs"): values a
// driver that goes through a Profile never writes (max_header_bytes 0, 63, max+1, 2^bits,
// 0xffffffff; indirection_bits 0, log2+1, 8, 255; queue numbers with bits above
// queueBits; hash_types, CTRL and filter words with undefined bits). Each is read back
// (the cycle model predicts the data) and followed by frames whose record depends on the
// value kept, so a clamp or mask the RTL gets wrong shows as a read or record mismatch.

import type { BuildConfig } from '../../gen/config.ts';
import { FILTER_BASE, FILTER_STRIDE, HASH_TYPES_MASK, INDIRECTION_BASE } from '../../gen/regmap.ts';
import { HASH_TYPE } from '../../ref/hash-types.ts';
import { mulberry32, type Rand } from '../../ref/packets/index.ts';
import { log2 } from '../../ref/bits.ts';
import { defaultProfile, type Profile } from '../../ref/profile.ts';
import { applyWrite, imageOf, readImage, REG, type CsrImage } from './csr.ts';
import { directedFilters, type DirectedCase, type DirectedGroup, type RawWrite } from './directed.ts';
import { nearestDeepEnd } from './deep.ts';
import { frameOf, type CsrWrite } from './script.ts';

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

const MAC_A = '02:00:00:00:00:01';
const MAC_B = '02:00:00:00:00:02';
const MAC_C = '02:00:00:00:00:03';

/** Out-of-range values of max_header_bytes and what the register keeps. */
export function maxHeaderEdges(cfg: BuildConfig): number[] {
  const w = cfg.maxHeaderBytes;
  // 2^bits: a register that dropped upper bits before clamping would keep 0 (then 64).
  const bits = Math.ceil(Math.log2(w + 1));
  return [w + 1, w + 2, 2 ** bits, 2 ** bits + 64, 0xffffffff, 0x80000000 + w, 0, 1, 63];
}

/** Out-of-range values of indirection_bits (clamped to [1, log2(entries)]). */
export function indirectionBitsEdges(cfg: BuildConfig): number[] {
  const l = log2(cfg.indirectionEntries);
  // 8 + k: a register that kept only 3 bits before clamping would hold k.
  return [...new Set([0, l + 1, 8, 9, 255, 0xffffffff, 0x80000000])];
}

/** Every raw write of the edge groups, its register's value after it (through applyWrite, as the driver follows it). */
function raw(img: CsrImage, cfg: BuildConfig, writes: CsrWrite[]): RawWrite[] {
  return writes.map((w) => {
    applyWrite(img, w, cfg);
    return { addr: w.addr, data: w.data >>> 0, reads: readImage(img, w.addr, cfg) };
  });
}

/** An indirection table in which every hash bit the build uses changes the queue of some entry. */
export function spreadTable(cfg: BuildConfig): number[] {
  const q = 2 ** cfg.queueBits - 1;
  return Array.from({ length: cfg.indirectionEntries }, (_, i) => ((i * 5) ^ ((i >> 6) * 0x11)) & q);
}

const eth = (dst = MAC_A) => ({ kind: 'eth' as const, dst, src: MAC_B });
const v4 = { kind: 'ipv4' as const, src: '10.0.0.1', dst: '10.0.0.2' };
const v4i = { kind: 'ipv4' as const, src: '192.168.1.1', dst: '192.168.1.2' };

/** TCP frames whose hashes spread over the table (records differ with indirection_bits). */
function spreadFrames(n: number, seed: number): DirectedCase[] {
  return Array.from({ length: n }, (_, k) => ({
    frame: frameOf([eth(), v4, { kind: 'tcp', sport: 1000 + 37 * k + seed, dport: 80 + k }, { kind: 'payload', bytes: 8 }], `spread ${k}`),
    expect: { hash_input: '4tuple' },
  }));
}

/**
 * Directed groups that write each out-of-range value once. `raw` holds the writes and
 * what the register must read afterwards; the frames after them depend on that value.
 */
export function csrEdgeGroups(cfg: BuildConfig): DirectedGroup[] {
  const r = mulberry32(0xed9e);
  const base = (c: BuildConfig): Profile => defaultProfile(c);
  const groups: DirectedGroup[] = [];
  const mk = (name: string, profile: (c: BuildConfig) => Profile, writes: CsrWrite[], cases: DirectedCase[]): void => {
    // The raw values start from the group's profile (tb/stimulus/random.ts programs it first).
    const img = imageOf(profile(cfg), cfg);
    groups.push({ name, profile, raw: raw(img, cfg, writes), cases });
  };
  for (const v of maxHeaderEdges(cfg)) {
    const kept = clamp(v, 64, cfg.maxHeaderBytes);
    const cases: DirectedCase[] = [];
    const lo = nearestDeepEnd(r, cfg, kept);
    const hi = nearestDeepEnd(r, cfg, kept, true);
    for (const d of [lo, hi]) {
      if (!d) continue;
      const enc = d.shape.encap !== 'none';
      const fits = d.end <= kept;
      cases.push({
        frame: frameOf([...d.layers, { kind: 'payload', bytes: 4 }], `max_header_bytes ${v} end ${d.end}`),
        expect: fits ? { errors: [], ...(enc ? { inner_l4_offset: d.end - (d.shape.l4 === 'tcp' ? 20 : 8) } : {}) } : { errors: ['too_deep'] },
        v6: d.shape.outer === 6 || (enc && d.shape.inner === 6),
        end: d.end,
      });
    }
    // From a limit of 128 (or the window), so that the write changes the register.
    const from = (c: BuildConfig): Profile => ({ ...base(c), maxHeaderBytes: kept === 64 ? c.maxHeaderBytes : 128 });
    mk(`csr-edge max_header_bytes=${v}`, from, [{ addr: REG.MAX_HEADER_BYTES, data: v }], cases);
  }
  for (const v of indirectionBitsEdges(cfg)) {
    // From 2 entries in use (every entry for a write that clamps up to 1), so that the
    // write changes the register; the whole table is then written, every entry distinct.
    const prof = (c: BuildConfig): Profile => ({ ...base(c), indirection: spreadTable(c).slice(0, v < 1 ? c.indirectionEntries : 2) });
    const writes: CsrWrite[] = spreadTable(cfg).map((q, i) => ({ addr: INDIRECTION_BASE + 4 * i, data: q }));
    writes.push({ addr: REG.INDIRECTION_BITS, data: v });
    mk(`csr-edge indirection_bits=${v}`, prof, writes, spreadFrames(4, v & 0xff));
  }
  const q = 2 ** cfg.queueBits;
  mk(
    'csr-edge queues',
    (c) => ({ ...base(c), filters: directedFilters(), indirection: [1, 2], hashTypes: HASH_TYPE.TCP_IPV4 }),
    [
      { addr: REG.RSS_DEFAULT_QUEUE, data: q + 5 },
      { addr: REG.VMQ_DEFAULT_QUEUE, data: 0xffffffff },
      { addr: INDIRECTION_BASE, data: (q * 7 + 3) >>> 0 },
      { addr: INDIRECTION_BASE + 4, data: 0xffffff00 + (q - 2) },
      // Filter 5 (outer MAC_A, any VLAN): its queue word with every upper bit set.
      { addr: FILTER_BASE + 5 * FILTER_STRIDE + 16, data: 0xffffffff },
    ],
    [
      {
        frame: frameOf([eth('02:00:00:00:00:04'), v4, { kind: 'udp', sport: 1, dport: 2 }, { kind: 'payload', bytes: 8 }], 'default queues'),
        expect: { hash_input: 'none', rss_queue: 5 % q, vmq_hit: false, vmq_queue: q - 1 },
      },
      ...spreadFrames(4, 7).map((c) => ({ ...c, expect: { hash_input: '4tuple' as const, vmq_hit: true, vmq_filter: 5, vmq_queue: q - 1 } })),
    ],
  );
  mk(
    'csr-edge filter words',
    (c) => ({ ...base(c), filters: directedFilters() }),
    [
      // Filter 2 (MAC_A, VLAN 100): VLAN word with the match bit clear, upper bits set: matches any VLAN.
      { addr: FILTER_BASE + 2 * FILTER_STRIDE + 8, data: 0xfffe0064 },
      // Filter 0 (MAC_C, VSID 0x123456): VSID word with bits 25-31 set as well as the match bit.
      { addr: FILTER_BASE + 0 * FILTER_STRIDE + 12, data: 0xff123456 },
      // Filter 1 (MAC_C, VLAN 5): VLAN 0x5 with bits 12-15 and 17-31 set, match bit set.
      { addr: FILTER_BASE + 1 * FILTER_STRIDE + 8, data: 0xfffff005 },
      // Filter 4 (invalid): valid word with every bit but bit 0 set stays invalid.
      { addr: FILTER_BASE + 4 * FILTER_STRIDE + 20, data: 0xfffffffe },
      // Filter 3's MAC high word with bits 16-31 set (only 16 bits are the MAC).
      { addr: FILTER_BASE + 3 * FILTER_STRIDE, data: 0xabcd0200 },
    ],
    [
      {
        frame: frameOf([eth(), { kind: 'vlan', vid: 7 }, v4, { kind: 'tcp', sport: 5, dport: 6 }], 'filter 2 any VLAN'),
        expect: { vmq_hit: true, vmq_filter: 2 },
      },
      {
        frame: frameOf([eth(), v4, { kind: 'nvgre', vsid: 0x123456 }, eth(MAC_C), v4i, { kind: 'udp', sport: 7, dport: 8 }], 'filter 0 VSID'),
        expect: { vmq_hit: true, vmq_filter: 0 },
      },
      {
        frame: frameOf([eth(), v4, { kind: 'nvgre', vsid: 0x923456 }, eth(MAC_C), v4i, { kind: 'udp', sport: 7, dport: 8 }], 'filter 0 other VSID'),
        expect: { vmq_hit: true, vmq_filter: 6 },
      },
      {
        frame: frameOf([eth(), v4, { kind: 'gre' }, eth(MAC_C), { kind: 'vlan', vid: 5 }, v4i, { kind: 'udp', sport: 7, dport: 8 }], 'filter 1 VLAN 5'),
        expect: { vmq_hit: true, vmq_filter: 1 },
      },
      { frame: frameOf([eth('02:00:00:00:00:09'), v4, { kind: 'udp', sport: 7, dport: 8 }], 'filter 4 still invalid'), expect: { vmq_hit: false } },
    ],
  );
  const undef = ~HASH_TYPES_MASK >>> 0;
  mk(
    'csr-edge hash_types=all',
    base,
    [{ addr: REG.HASH_TYPES, data: 0xffffffff }],
    [{ frame: frameOf([eth(), v4, { kind: 'udp', sport: 9, dport: 10 }], 'all types'), expect: { hash_input: '4tuple', hash_type: HASH_TYPE.UDP_IPV4 } }],
  );
  mk(
    'csr-edge hash_types=tcp4+undefined',
    base,
    [{ addr: REG.HASH_TYPES, data: (undef | HASH_TYPE.TCP_IPV4) >>> 0 }],
    [
      { frame: frameOf([eth(), v4, { kind: 'udp', sport: 9, dport: 10 }], 'udp, tcp4 only'), expect: { hash_input: 'none' } },
      { frame: frameOf([eth(), v4, { kind: 'tcp', sport: 9, dport: 10 }], 'tcp, tcp4 only'), expect: { hash_input: '4tuple', hash_type: HASH_TYPE.TCP_IPV4 } },
    ],
  );
  mk(
    'csr-edge hash_types=undefined only',
    base,
    [{ addr: REG.HASH_TYPES, data: undef }],
    [{ frame: frameOf([eth(), v4, { kind: 'tcp', sport: 9, dport: 10 }], 'no type'), expect: { hash_input: 'none', hash_valid: false } }],
  );
  mk(
    'csr-edge ctrl',
    base,
    [{ addr: REG.CTRL, data: 0xfffffff5 }],
    [
      {
        frame: frameOf([eth(), v4, { kind: 'nvgre', vsid: 3 }, eth(MAC_C), v4i, { kind: 'tcp', sport: 1, dport: 2 }], 'rss + encap rss'),
        expect: { hash_input: 'inner-4tuple', vmq_hit: false, encap: 'nvgre' },
      },
    ],
  );
  mk(
    'csr-edge ctrl=upper only',
    base,
    [{ addr: REG.CTRL, data: 0xfffffff0 }],
    [{ frame: frameOf([eth(), v4, { kind: 'tcp', sport: 1, dport: 2 }], 'all off'), expect: { hash_input: 'none', vmq_hit: false, encap: 'none' } }],
  );
  return groups.map((g) => ({ ...g, cases: g.cases.filter((x) => cfg.ipv6 || !x.v6) }));
}

/**
 * 1-3 random out-of-range writes for the constrained-random mix, from the current image
 * (which names the filters and table entries that exist).
 */
export function randomEdgeWrites(r: Rand, cfg: BuildConfig): CsrWrite[] {
  const q = 2 ** cfg.queueBits;
  const hi = (): number => (q * (1 + int(r, 2 ** (32 - cfg.queueBits) - 1)) + int(r, q)) >>> 0;
  const garbage = (mask: number): number => ((int(r, 2 ** 32) | ~mask) & (int(r, 2 ** 32) | mask)) >>> 0;
  const f = int(r, cfg.vmqFilters);
  const pick = [
    (): CsrWrite => ({ addr: REG.MAX_HEADER_BYTES, data: maxHeaderEdges(cfg)[int(r, maxHeaderEdges(cfg).length)]! }),
    (): CsrWrite => ({ addr: REG.INDIRECTION_BITS, data: indirectionBitsEdges(cfg)[int(r, indirectionBitsEdges(cfg).length)]! }),
    (): CsrWrite => ({ addr: r() < 0.5 ? REG.RSS_DEFAULT_QUEUE : REG.VMQ_DEFAULT_QUEUE, data: hi() }),
    (): CsrWrite => ({ addr: INDIRECTION_BASE + 4 * int(r, cfg.indirectionEntries), data: hi() }),
    (): CsrWrite => ({ addr: FILTER_BASE + FILTER_STRIDE * f + 16, data: hi() }),
    (): CsrWrite => ({ addr: REG.HASH_TYPES, data: (garbage(HASH_TYPES_MASK) | (~HASH_TYPES_MASK & 0x00010000)) >>> 0 }),
    (): CsrWrite => ({ addr: REG.CTRL, data: ((int(r, 2 ** 28) << 4) | 0x10 | int(r, 16)) >>> 0 }),
    (): CsrWrite => ({ addr: FILTER_BASE + FILTER_STRIDE * f + 4 * [0, 2, 3, 5][int(r, 4)]!, data: 0 }),
  ];
  const out: CsrWrite[] = [];
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const w = pick[int(r, pick.length)]!();
    if (w.addr >= FILTER_BASE && w.data === 0) {
      const word = ((w.addr - FILTER_BASE) % FILTER_STRIDE) >> 2;
      const defined = [0xffff, 0, 0x10fff, 0x1ffffff, 0, 1][word]!;
      w.data = (garbage(defined) | (~defined & 0x80000000)) >>> 0;
    }
    out.push(w);
  }
  return out;
}
