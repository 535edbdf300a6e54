// SPDX-License-Identifier: MIT
// Control state as register writes. A CsrImage is what the registers hold (whole tables,
// as the hardware keeps them); engineProfile() is the Profile the reference engine must
// classify with when that image is in force. Used to program the default profile after
// reset, to generate rewrites, and by the scoreboard's frame-level check to follow which
// control state each frame was classified with.

import type { BuildConfig } from '../../gen/config.ts';
import {
  CTRL_BASE,
  FILTER_BASE,
  FILTER_STRIDE,
  HASH_TYPES_MASK,
  INDIRECTION_BASE,
  KEY_BASE,
  KEY_WORDS,
  keyWord,
  TUNNEL_BASE,
  TUNNEL_WORD_MASK,
} from '../../gen/regmap.ts';
import { log2 } from '../../ref/bits.ts';
import { type CsrFilter, filterWordValue, storeFilterWord } from '../../ref/cycle/csr-model.ts';
import { resetProfile, type Filter, type Profile, type UdpTunnel } from '../../ref/profile.ts';
import { hexToBytes } from '../../ref/toeplitz.ts';
import type { CsrWrite } from './script.ts';

export const REG = {
  CTRL: CTRL_BASE,
  HASH_TYPES: CTRL_BASE + 0x04,
  RSS_DEFAULT_QUEUE: CTRL_BASE + 0x08,
  VMQ_DEFAULT_QUEUE: CTRL_BASE + 0x0c,
  INDIRECTION_BITS: CTRL_BASE + 0x10,
  MAX_HEADER_BYTES: CTRL_BASE + 0x14,
} as const;

export interface CsrImage {
  /** indirection and filters hold every entry the build has. */
  p: Profile;
  indirBits: number;
  /**
   * Registers whose last write was out of range (clamped or masked), by address: the
   * functional coverage counts the frames classified while such a value is in force.
   */
  edges?: Map<number, CsrEdge>;
}

/** Why a written value is not what the register keeps (coverage bins of tb/lockstep/coverage.ts). */
export const CSR_EDGES = [
  'max_header_bytes below 64',
  'max_header_bytes above the window',
  'indirection_bits 0',
  'indirection_bits above log2(entries)',
  'queue number wider than queueBits',
  'hash_types undefined bits',
  'ctrl undefined bits',
  'filter word undefined bits',
] as const;
export type CsrEdge = (typeof CSR_EDGES)[number];

/** A Profile snapshot that also names the out-of-range writes still in force (engineProfile). */
export interface EdgeProfile extends Profile {
  csrEdges: CsrEdge[];
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

function fullFilters(fs: readonly Filter[], n: number): Filter[] {
  return Array.from({ length: n }, (_, i) => {
    const f = fs[i];
    return f ? { ...f, mac: f.mac.slice() } : { valid: false, mac: new Uint8Array(6), matchVlan: false, vlanId: 0, matchVsid: false, vsid: 0, queue: 0 };
  });
}

/** The image right after reset (every enable off; a const-key build reads its fixed key). */
export function resetImage(cfg: BuildConfig): CsrImage {
  const p = resetProfile(cfg);
  if (cfg.toeplitz === 'const-key') p.key = hexToBytes(cfg.constKey);
  return { p, indirBits: log2(cfg.indirectionEntries), edges: new Map() };
}

export function cloneImage(img: CsrImage): CsrImage {
  const p = img.p;
  return {
    p: {
      ...p,
      key: p.key.slice(),
      indirection: p.indirection.slice(),
      filters: fullFilters(p.filters, p.filters.length),
      udpTunnels: p.udpTunnels.map((t) => ({ ...t })),
    },
    indirBits: img.indirBits,
    edges: new Map(img.edges),
  };
}

/** The profile the reference engine uses for frames classified under this image. */
export function engineProfile(img: CsrImage): EdgeProfile {
  const p = img.p;
  // A snapshot: later writes to the image must not reach frames already classified.
  return {
    ...p,
    key: p.key.slice(),
    indirection: p.indirection.slice(0, 1 << img.indirBits),
    filters: fullFilters(p.filters, p.filters.length),
    udpTunnels: p.udpTunnels.map((t) => ({ ...t })),
    csrEdges: [...new Set(img.edges?.values())],
  };
}

/** The image a driver reaches by writing profile `p` in full. */
export function imageOf(p: Profile, cfg: BuildConfig): CsrImage {
  const img = resetImage(cfg);
  for (const w of profileWrites(p, cfg)) applyWrite(img, w, cfg);
  return img;
}

function macHi(m: Uint8Array): number {
  return (m[0]! << 8) | m[1]!;
}
function macLo(m: Uint8Array): number {
  return ((m[2]! << 24) | (m[3]! << 16) | (m[4]! << 8) | m[5]!) >>> 0;
}

/** A profile filter as the CSR block holds it. */
function csrFilter(f: Filter): CsrFilter {
  return {
    valid: f.valid,
    macHi: macHi(f.mac),
    macLo: macLo(f.mac),
    matchVlan: f.matchVlan,
    vlan: f.vlanId,
    matchVsid: f.matchVsid,
    vsid: f.vsid,
    queue: f.queue,
  };
}

/** The six register words of a filter, laid out as the CSR model lays them out (one layout). */
function filterWords(f: Filter): number[] {
  const c = csrFilter(f);
  return Array.from({ length: 6 }, (_, w) => filterWordValue(c, w));
}

function scalarWrites(p: Profile, cfg: BuildConfig): CsrWrite[] {
  const ctrl = (p.rssEnable ? 1 : 0) | (p.vmqEnable ? 2 : 0) | (p.encapRssEnable ? 4 : 0) | (p.encapVmqEnable ? 8 : 0);
  const qmask = 2 ** cfg.queueBits - 1;
  return [
    { addr: REG.HASH_TYPES, data: p.hashTypes >>> 0 },
    { addr: REG.RSS_DEFAULT_QUEUE, data: p.rssDefaultQueue & qmask },
    { addr: REG.VMQ_DEFAULT_QUEUE, data: p.vmqDefaultQueue & qmask },
    { addr: REG.INDIRECTION_BITS, data: log2(Math.max(1, p.indirection.length)) },
    { addr: REG.MAX_HEADER_BYTES, data: p.maxHeaderBytes },
    // CTRL last, so that traffic is classified only once the rest is in place.
    { addr: REG.CTRL, data: ctrl },
  ];
}

function keyWrites(p: Profile, cfg: BuildConfig): CsrWrite[] {
  if (cfg.toeplitz === 'const-key') return [];
  return Array.from({ length: KEY_WORDS }, (_, k) => ({ addr: KEY_BASE + 4 * k, data: keyWord(p.key, k) }));
}

/** A TUNNEL_PORT word: valid in bit 31, GENEVE in bit 16, the port in 15:0 (gen/regmap.ts). */
export function tunnelWord(t: UdpTunnel | undefined): number {
  return t ? ((t.valid ? 0x80000000 : 0) | (t.type === 'geneve' ? 0x10000 : 0) | (t.port & 0xffff)) >>> 0 : 0;
}

function tunnelOf(w: number): UdpTunnel {
  return { valid: w >>> 31 === 1, port: w & 0xffff, type: (w >>> 16) & 1 ? 'geneve' : 'vxlan' };
}

/** Every write that programs `p` from any prior state (tables in full). */
export function profileWrites(p: Profile, cfg: BuildConfig): CsrWrite[] {
  const out: CsrWrite[] = [...keyWrites(p, cfg)];
  for (let i = 0; i < cfg.udpTunnelPorts; i++) out.push({ addr: TUNNEL_BASE + 4 * i, data: tunnelWord(p.udpTunnels[i]) });
  for (let i = 0; i < Math.min(p.indirection.length, cfg.indirectionEntries); i++)
    out.push({ addr: INDIRECTION_BASE + 4 * i, data: p.indirection[i]! & (2 ** cfg.queueBits - 1) });
  fullFilters(p.filters, cfg.vmqFilters).forEach((f, i) =>
    filterWords(f).forEach((d, w) => out.push({ addr: FILTER_BASE + FILTER_STRIDE * i + 4 * w, data: d })),
  );
  out.push(...scalarWrites(p, cfg));
  return out;
}

/** Only the writes that change `from` into `to`. */
export function diffWrites(from: CsrImage, to: Profile, cfg: BuildConfig): CsrWrite[] {
  const probe = cloneImage(from);
  return profileWrites(to, cfg).filter((w) => {
    const before = readImage(probe, w.addr, cfg);
    applyWrite(probe, w, cfg);
    return readImage(probe, w.addr, cfg) !== before || before !== w.data;
  });
}

function mergeBytes(old: number, data: number, strb: number): number {
  let v = 0;
  for (let b = 0; b < 4; b++) v |= ((strb >> b) & 1 ? data : old) & (0xff << (8 * b));
  return v >>> 0;
}

/** What a register of the image reads back (RW registers only; others read 0 here). */
export function readImage(img: CsrImage, addr: number, cfg: BuildConfig): number {
  const p = img.p;
  if (addr === REG.CTRL) return (p.rssEnable ? 1 : 0) | (p.vmqEnable ? 2 : 0) | (p.encapRssEnable ? 4 : 0) | (p.encapVmqEnable ? 8 : 0);
  if (addr === REG.HASH_TYPES) return p.hashTypes;
  if (addr === REG.RSS_DEFAULT_QUEUE) return p.rssDefaultQueue;
  if (addr === REG.VMQ_DEFAULT_QUEUE) return p.vmqDefaultQueue;
  if (addr === REG.INDIRECTION_BITS) return img.indirBits;
  if (addr === REG.MAX_HEADER_BYTES) return p.maxHeaderBytes;
  if (addr >= KEY_BASE && addr < KEY_BASE + 4 * KEY_WORDS) return keyWord(p.key, (addr - KEY_BASE) >> 2);
  if (addr >= TUNNEL_BASE && addr < TUNNEL_BASE + 4 * cfg.udpTunnelPorts) return tunnelWord(p.udpTunnels[(addr - TUNNEL_BASE) >> 2]);
  if (addr >= INDIRECTION_BASE && addr < INDIRECTION_BASE + 4 * cfg.indirectionEntries) return p.indirection[(addr - INDIRECTION_BASE) >> 2]!;
  const fEnd = FILTER_BASE + FILTER_STRIDE * cfg.vmqFilters;
  if (addr >= FILTER_BASE && addr < fEnd) {
    const f = p.filters[Math.floor((addr - FILTER_BASE) / FILTER_STRIDE)]!;
    return filterWords(f)[((addr - FILTER_BASE) % FILTER_STRIDE) >> 2] ?? 0;
  }
  return 0;
}

/** Which out-of-range case a full-word write is, if any (undefined: stored as written). */
export function csrEdgeOf(w: CsrWrite, cfg: BuildConfig): CsrEdge | undefined {
  const d = w.data >>> 0;
  const a = w.addr;
  const qmask = 2 ** cfg.queueBits - 1;
  if (a === REG.CTRL) return d > 0xf ? 'ctrl undefined bits' : undefined;
  if (a === REG.HASH_TYPES) return (d & ~HASH_TYPES_MASK) !== 0 ? 'hash_types undefined bits' : undefined;
  if (a === REG.RSS_DEFAULT_QUEUE || a === REG.VMQ_DEFAULT_QUEUE) return d > qmask ? 'queue number wider than queueBits' : undefined;
  if (a === REG.INDIRECTION_BITS) return d < 1 ? 'indirection_bits 0' : d > log2(cfg.indirectionEntries) ? 'indirection_bits above log2(entries)' : undefined;
  if (a === REG.MAX_HEADER_BYTES) return d < 64 ? 'max_header_bytes below 64' : d > cfg.maxHeaderBytes ? 'max_header_bytes above the window' : undefined;
  if (a >= INDIRECTION_BASE && a < INDIRECTION_BASE + 4 * cfg.indirectionEntries) return d > qmask ? 'queue number wider than queueBits' : undefined;
  if (a >= FILTER_BASE && a < FILTER_BASE + FILTER_STRIDE * cfg.vmqFilters) {
    const word = ((a - FILTER_BASE) % FILTER_STRIDE) >> 2;
    const defined = [0xffff, 0xffffffff, 0x10fff, 0x1ffffff, qmask, 1][word];
    if (defined === undefined || (d & ~defined) === 0) return undefined;
    return word === 4 ? 'queue number wider than queueBits' : 'filter word undefined bits';
  }
  return undefined;
}

/**
 * Apply one full-word write the way the registers store it (clamps and masks of
 * docs/BEHAVIOUR.md). A clamp applies to the whole 32-bit value written, before the
 * register's width drops the upper bits: 8 written to indirection_bits is 7, not 0 -> 1.
 */
export function applyWrite(img: CsrImage, w: CsrWrite, cfg: BuildConfig): void {
  const strb = w.strb ?? 0xf;
  // A byte whose strobe is off keeps what the register reads back (0 above its fields):
  // the merged word is then clamped and masked like a full one.
  if (strb !== 0xf) return applyWrite(img, { addr: w.addr, data: mergeBytes(readImage(img, w.addr, cfg), w.data, strb) }, cfg);
  const p = img.p;
  const d = w.data >>> 0;
  const qmask = 2 ** cfg.queueBits - 1;
  const a = w.addr;
  const edge = csrEdgeOf(w, cfg);
  img.edges ??= new Map();
  if (edge) img.edges.set(a, edge);
  else img.edges.delete(a);
  if (a === REG.CTRL) {
    p.rssEnable = (d & 1) !== 0;
    p.vmqEnable = (d & 2) !== 0;
    p.encapRssEnable = (d & 4) !== 0;
    p.encapVmqEnable = (d & 8) !== 0;
  } else if (a === REG.HASH_TYPES) p.hashTypes = d & HASH_TYPES_MASK;
  else if (a === REG.RSS_DEFAULT_QUEUE) p.rssDefaultQueue = d & qmask;
  else if (a === REG.VMQ_DEFAULT_QUEUE) p.vmqDefaultQueue = d & qmask;
  else if (a === REG.INDIRECTION_BITS) img.indirBits = clamp(d, 1, log2(cfg.indirectionEntries));
  else if (a === REG.MAX_HEADER_BYTES) p.maxHeaderBytes = clamp(d, 64, cfg.maxHeaderBytes);
  else if (a >= TUNNEL_BASE && a < TUNNEL_BASE + 4 * cfg.udpTunnelPorts) {
    const i = (a - TUNNEL_BASE) >> 2;
    while (p.udpTunnels.length <= i) p.udpTunnels.push({ valid: false, port: 0, type: 'vxlan' });
    p.udpTunnels[i] = tunnelOf(d & TUNNEL_WORD_MASK);
  } else if (a >= KEY_BASE && a < KEY_BASE + 4 * KEY_WORDS) {
    if (cfg.toeplitz === 'const-key') return;
    const k = (a - KEY_BASE) >> 2;
    p.key[4 * k] = d >>> 24;
    p.key[4 * k + 1] = (d >>> 16) & 0xff;
    p.key[4 * k + 2] = (d >>> 8) & 0xff;
    p.key[4 * k + 3] = d & 0xff;
  } else if (a >= INDIRECTION_BASE && a < INDIRECTION_BASE + 4 * cfg.indirectionEntries) {
    p.indirection[(a - INDIRECTION_BASE) >> 2] = d & qmask;
  } else if (a >= FILTER_BASE && a < FILTER_BASE + FILTER_STRIDE * cfg.vmqFilters) {
    const f = p.filters[Math.floor((a - FILTER_BASE) / FILTER_STRIDE)]!;
    const word = ((a - FILTER_BASE) % FILTER_STRIDE) >> 2;
    const c = csrFilter(f);
    storeFilterWord(c, word, d, qmask);
    f.mac.set([c.macHi >>> 8, c.macHi & 0xff, c.macLo >>> 24, (c.macLo >>> 16) & 0xff, (c.macLo >>> 8) & 0xff, c.macLo & 0xff]);
    f.matchVlan = c.matchVlan;
    f.vlanId = c.vlan;
    f.matchVsid = c.matchVsid;
    f.vsid = c.vsid;
    f.queue = c.queue;
    f.valid = c.valid;
  }
}
