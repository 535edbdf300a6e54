// SPDX-License-Identifier: MIT
// Functional coverage of docs/CONTRACT.md sections 2-4: which paths the regression really went
// through, counted per frame from the record, the frame and the control state it was
// classified with. A bin with zero hits fails the run (tb/lockstep/regress.ts).

import type { BuildConfig } from '../../gen/config.ts';
import { HASH_TYPE, hashTypeName } from '../../ref/hash-types.ts';
import { ENCAP_NONE, ERR_BAD_IP, ERR_TOO_DEEP, ERR_TRUNCATED, parseFrame, ParseState } from '../../ref/parse.ts';
import { type Profile, tunnelPortsOf } from '../../ref/profile.ts';
import { tunnelBins, tunnelFrameBins } from './coverage-tunnels.ts';
import { ENCAPS, ERROR_NAMES, HASH_INPUTS, type MetaRecord, UDP_TUNNEL_ENCAPS } from '../../ref/record.ts';
import { CSR_EDGES, type EdgeProfile } from '../stimulus/csr.ts';
import { deepReach } from '../stimulus/deep.ts';
import { recordBins, registerBins, structuralBins } from './coverage-structural.ts';
import type { ScriptItem } from '../stimulus/script.ts';

export type CoverageCounts = Record<string, number>;

const FALLBACKS = [
  'outer-fragment',
  'gre-not-parseable',
  'inner-not-ip',
  'inner-fragment',
  'no-inner-l4',
  'truncated',
  'too-deep',
  'bad-inner-ip',
  'type-disabled',
] as const;
const VMQ_BINS = [
  'hit outer untagged',
  'hit outer tagged',
  'hit inner (no VSID)',
  'hit inner NVGRE',
  'hit by VLAN condition',
  'hit by VSID condition',
  'miss',
  'miss: VLAN condition differs',
  'miss: VSID condition differs',
  'miss: VSID filter on outer lookup',
  'priority: several filters match',
  'no lookup (no Ethernet header)',
] as const;
/** Stimulus-side bins, counted by the driver. */
export const STIM_BINS = [
  'csr rewrite between frames',
  'csr rewrite during a frame',
  'reset during a frame',
  'metadata back-pressure',
  's_axis_tready low',
  'valid gaps',
] as const;
/** Builds with a tunnel port table: the table changed between a frame's first beat and its tlast. */
export const STIM_TUNNEL_BIN = 'tunnel port table rewritten inside a frame';

/** Every bin of a build, so that bins never hit are listed with 0. */
export function coverageBins(cfg: BuildConfig): string[] {
  const types = Object.keys(HASH_TYPE).filter((n) => cfg.ipv6 || !n.endsWith('IPV6'));
  return [
    // A build without the tunnel port table never sees vxlan/geneve.
    ...ENCAPS.filter((e) => cfg.udpTunnelPorts > 0 || !UDP_TUNNEL_ENCAPS.includes(e)).map((e) => `encap ${e}`),
    'encap kind: NVGRE',
    'encap kind: GRE + Ethernet',
    'encap kind: IP in GRE',
    'encap kind: GRE not parseable',
    ...HASH_INPUTS.map((h) => `hash_input ${h}`),
    ...types.map((t) => `hash_type ${t}`),
    ...ERROR_NAMES.map((e) => `error ${e}`),
    ...FALLBACKS.map((f) => `fallback ${f}`),
    'no hash: RSS off',
    'no hash: no L3',
    'no hash: type not enabled',
    'outer VLAN tags 0',
    'outer VLAN tags 1',
    'outer VLAN tags 2',
    'outer TPID 0x88a8',
    'IPv4 fragment',
    ...(cfg.ipv6 ? ['IPv6 fragment', 'IPv6 extension headers'] : []),
    ...VMQ_BINS.map((v) => `vmq ${v}`),
    ...STIM_BINS.map((s) => `stim ${s}`),
    ...(cfg.udpTunnelPorts > 0 ? [`stim ${STIM_TUNNEL_BIN}`] : []),
    ...deepBins(cfg),
    ...CSR_EDGES.map((e) => `csr edge: ${e}`),
    ...structuralBins(cfg),
    ...tunnelBins(cfg),
  ];
}

/**
 * Where the last needed header ends: the inner TCP/UDP header of a tunnel, else the
 * TCP/UDP header of a plain packet; 0 when neither was parsed.
 */
export function neededEnd(s: ParseState): number {
  if (s.innerL4Off) return s.innerL4Off + (s.innerProto === 6 ? 20 : 8);
  if (s.l4Ok) return s.l4Off + (s.proto === 6 ? 20 : 8);
  return 0;
}

/**
 * The 64 deepest bytes the build's needed headers can end in (its whole window when
 * IPv6 extension headers reach it, else where the longest IPv4 stack ends), in 8-byte
 * slots, or undefined for a window too small to have a deep part.
 */
export function deepSlots(cfg: BuildConfig): { top: number; slots: [number, number][] } | undefined {
  const top = Math.min(cfg.maxHeaderBytes, deepReach(cfg));
  if (top < 128) return undefined;
  return { top, slots: Array.from({ length: 8 }, (_, k): [number, number] => [top - 64 + 8 * k, top - 57 + 8 * k]) };
}

function deepBins(cfg: BuildConfig): string[] {
  const d = deepSlots(cfg);
  return [
    ...(d?.slots.map(([a, b]) => `deep: needed headers end in bytes ${a}-${b}`) ?? []),
    'deep: too_deep 1-8 bytes past max_header_bytes',
    ...(d && d.top === cfg.maxHeaderBytes ? ['deep: too_deep just past the window'] : []),
  ];
}

export class Coverage {
  readonly counts: CoverageCounts = {};
  private readonly state = new ParseState();
  private readonly probe = new ParseState();
  private readonly deep: ReturnType<typeof deepSlots>;

  constructor(readonly cfg: BuildConfig) {
    for (const b of coverageBins(cfg)) this.counts[b] = 0;
    this.deep = deepSlots(cfg);
  }

  hit(bin: string, n = 1): void {
    this.counts[bin] = (this.counts[bin] ?? 0) + n;
  }

  /** Count one classified frame (`tag`: what the stimulus meant it for, see tb/stimulus/structural.ts). */
  frame(f: Uint8Array, r: MetaRecord, p: Profile, tag?: string): void {
    const s = this.state;
    parseFrame(
      f,
      {
        maxHeaderBytes: Math.min(p.maxHeaderBytes, this.cfg.maxHeaderBytes),
        ipv6: this.cfg.ipv6,
        ipv6MaxExtHeaders: this.cfg.ipv6MaxExtHeaders,
        parseGre: p.encapRssEnable || p.encapVmqEnable,
        udpTunnels: tunnelPortsOf(p, this.cfg),
      },
      s,
    );
    this.hit(`encap ${r.encap}`);
    this.hit(`hash_input ${r.hash_input}`);
    if (r.hash_valid) this.hit(`hash_type ${hashTypeName(r.hash_type) ?? r.hash_type}`);
    for (const e of r.errors) this.hit(`error ${e}`);
    if (s.encap !== ENCAP_NONE) this.hit(`encap kind: ${encapKind(s)}`);
    if (r.hash_input === 'outer-2tuple') this.hit(`fallback ${fallbackReason(f, s, r)}`);
    if (r.hash_input === 'none') this.hit(!p.rssEnable ? 'no hash: RSS off' : s.l3 === 0 ? 'no hash: no L3' : 'no hash: type not enabled');
    if (s.eth) {
      const tags = f.length >= 22 && isTpid(f, 12) ? (isTpid(f, 16) ? 2 : 1) : 0;
      this.hit(`outer VLAN tags ${tags}`);
      if (tags > 0 && (u16(f, 12) === 0x88a8 || (tags === 2 && u16(f, 16) === 0x88a8))) this.hit('outer TPID 0x88a8');
    }
    if (s.l3Frag) this.hit(s.l3 === 4 ? 'IPv4 fragment' : 'IPv6 fragment');
    if (s.l3 === 6 && s.l3Off + 40 < f.length && [0, 43, 60].includes(f[s.l3Off + 6]!)) this.hit('IPv6 extension headers');
    this.vmq(f, s, r, p);
    this.deepHeaders(f, s, p);
    for (const e of (p as Partial<EdgeProfile>).csrEdges ?? []) this.hit(`csr edge: ${e}`);
    recordBins(this.hitFn, this.cfg, r, p);
    tunnelFrameBins(this.hitFn, this.cfg, f, s, r, p);
    if (tag?.startsWith('bounds ')) this.hit(tag);
  }

  private readonly hitFn = (bin: string): void => this.hit(bin);

  /** The register traffic of a run's script (every item of it was carried out). */
  registers(items: readonly ScriptItem[]): void {
    registerBins(this.hitFn, this.cfg, items);
  }

  /** Needed headers ending in the deepest bytes, or crossing the limit by at most 8 bytes. */
  private deepHeaders(f: Uint8Array, s: ParseState, p: Profile): void {
    const end = neededEnd(s);
    const slot = this.deep && end > this.deep.top - 64 ? this.deep.slots[(end - 1 - (this.deep.top - 64)) >> 3] : undefined;
    if (slot) this.hit(`deep: needed headers end in bytes ${slot[0]}-${slot[1]}`);
    if (!(s.error & ERR_TOO_DEEP) || f.length <= s.limit) return;
    // The header that crossed the limit ends within 8 bytes past it when 8 more bytes let parsing go on.
    const q = this.probe;
    parseFrame(
      f,
      {
        maxHeaderBytes: s.limit + 8,
        ipv6: this.cfg.ipv6,
        ipv6MaxExtHeaders: this.cfg.ipv6MaxExtHeaders,
        parseGre: p.encapRssEnable || p.encapVmqEnable,
        udpTunnels: tunnelPortsOf(p, this.cfg),
      },
      q,
    );
    const further =
      q.error !== s.error ||
      q.l3 !== s.l3 ||
      q.l4Ok !== s.l4Ok ||
      q.encap !== s.encap ||
      q.innerEth !== s.innerEth ||
      q.innerL3 !== s.innerL3 ||
      q.innerL4Off !== s.innerL4Off ||
      q.proto !== s.proto;
    if (!further) return;
    this.hit('deep: too_deep 1-8 bytes past max_header_bytes');
    if (s.limit === this.cfg.maxHeaderBytes) this.hit('deep: too_deep just past the window');
  }

  private vmq(f: Uint8Array, s: ParseState, r: MetaRecord, p: Profile): void {
    if (!p.vmqEnable) return;
    if (!s.eth) {
      this.hit('vmq no lookup (no Ethernet header)');
      return;
    }
    const inner = s.encap !== ENCAP_NONE && p.encapVmqEnable && s.innerEth;
    const macOff = inner ? s.innerL2Off : 0;
    const vlan = inner ? s.innerVlan : s.vlan;
    // NVGRE's VSID or a VXLAN/GENEVE VNI (an inner Ethernet header means the VNI was taken).
    const vsid = inner && r.encap !== 'gre' ? s.vsid : -1;
    const matches: number[] = [];
    let vlanMiss = false;
    let vsidMiss = false;
    let vsidOuter = false;
    p.filters.forEach((x, i) => {
      const macEq = sameMac(f, macOff, x.mac);
      const vOk = !x.matchVlan || x.vlanId === vlan;
      const sOk = !x.matchVsid || x.vsid === vsid;
      if (!x.valid) {
        if (macEq && vOk && sOk) this.hit(`filter[${i}] invalid, all else matching`);
        return;
      }
      if (!macEq) {
        const half = vOk && sOk ? oneByteApart(f, macOff, x.mac) : undefined;
        if (half) this.hit(`filter[${i}] near miss: MAC bytes ${half}`);
        return;
      }
      if (vOk && sOk) matches.push(i);
      else if (!vOk) {
        vlanMiss = true;
        if (sOk) this.hit(`filter[${i}] near miss: ${vlan < 0 ? 'untagged' : 'VLAN'}`);
      } else if (vsid < 0) vsidOuter = true;
      else {
        vsidMiss = true;
        this.hit(`filter[${i}] near miss: VSID`);
      }
    });
    if (r.vmq_hit) {
      const w = matches[0]!;
      if (matches.includes(w + 1)) this.hit(`filter[${w}] wins over the slot above`);
      for (const i of matches) if (matches.includes(i - 1)) this.hit(`filter[${i}] loses to the slot below`);
    }
    if (r.vmq_hit) {
      const x = p.filters[r.vmq_filter]!;
      this.hit(
        inner
          ? vsid >= 0
            ? r.encap === 'nvgre'
              ? 'vmq hit inner NVGRE'
              : 'vmq hit inner VXLAN/GENEVE'
            : 'vmq hit inner (no VSID)'
          : vlan < 0
            ? 'vmq hit outer untagged'
            : 'vmq hit outer tagged',
      );
      if (x.matchVlan) this.hit('vmq hit by VLAN condition');
      if (x.matchVsid) this.hit('vmq hit by VSID condition');
      if (matches.length > 1) this.hit('vmq priority: several filters match');
    } else {
      this.hit('vmq miss');
      if (vlanMiss) this.hit('vmq miss: VLAN condition differs');
      if (vsidMiss) this.hit('vmq miss: VSID condition differs');
      if (vsidOuter) this.hit('vmq miss: VSID filter on outer lookup');
    }
  }

  merge(other: CoverageCounts): void {
    for (const [k, v] of Object.entries(other)) this.hit(k, v);
  }

  /** Bins of the build never hit. */
  holes(): string[] {
    return coverageBins(this.cfg).filter((b) => !this.counts[b]);
  }
}

function u16(f: Uint8Array, o: number): number {
  return (f[o]! << 8) | f[o + 1]!;
}
function isTpid(f: Uint8Array, o: number): boolean {
  const t = u16(f, o);
  return t === 0x8100 || t === 0x88a8;
}
/** '0-1' or '2-5' when the MACs differ in exactly one byte, in that part. */
function oneByteApart(f: Uint8Array, o: number, mac: Uint8Array): '0-1' | '2-5' | undefined {
  let at = -1;
  for (let i = 0; i < 6; i++) {
    if (f[o + i] === mac[i]) continue;
    if (at >= 0) return undefined;
    at = i;
  }
  return at < 0 ? undefined : at < 2 ? '0-1' : '2-5';
}
function sameMac(f: Uint8Array, o: number, mac: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (f[o + i] !== mac[i]) return false;
  return true;
}

function encapKind(s: ParseState): string {
  if (s.encap === 2) return 'NVGRE';
  if (s.innerEth) return 'GRE + Ethernet';
  if (s.innerL3 !== 0) return 'IP in GRE';
  return 'GRE not parseable';
}

function fallbackReason(f: Uint8Array, s: ParseState, r: MetaRecord): (typeof FALLBACKS)[number] {
  if (s.l3Frag) return 'outer-fragment';
  if (s.error & ERR_TRUNCATED) return 'truncated';
  if (s.error & ERR_TOO_DEEP) return 'too-deep';
  if (s.error & ERR_BAD_IP) return 'bad-inner-ip';
  if (!r.inner_parsed) return s.innerEth ? 'inner-not-ip' : 'gre-not-parseable';
  if (r.inner_l4_offset !== 0) return 'type-disabled';
  if (s.innerL3 === 4 && (u16(f, s.innerL3Off + 6) & 0x3fff) !== 0) return 'inner-fragment';
  return 'no-inner-l4';
}

/** The family of a bin: its indices replaced by `*` (`filter[3] hit` -> `filter[*] hit`). */
function family(bin: string): string {
  return bin.replace(/\[\d+\]/g, '[*]');
}

/**
 * Printable lines: "bin  count", holes marked. Families of more than four indexed bins
 * (per filter, per entry, per register) are one line each, with how many of their bins
 * were hit and the fewest hits of one; their holes are listed by name.
 */
export function formatCoverage(counts: CoverageCounts, bins: string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const b of bins) groups.set(family(b), [...(groups.get(family(b)) ?? []), b]);
  const rows: [string, string, string[]][] = [];
  for (const [fam, members] of groups) {
    if (members.length <= 4) {
      for (const b of members) rows.push([b, String(counts[b] ?? 0), counts[b] ? [] : [b]]);
      continue;
    }
    const hit = members.filter((b) => counts[b]);
    const min = Math.min(...members.map((b) => counts[b] ?? 0));
    rows.push([fam, `${hit.length}/${members.length} hit, min ${min}`, members.filter((b) => !counts[b])]);
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  const v = Math.max(...rows.map((r) => r[1].length));
  const out: string[] = [];
  for (const [name, val, holes] of rows) {
    out.push(`  ${name.padEnd(w)}  ${val.padStart(v)}${holes.length ? '   <-- never hit' : ''}`);
    if (holes.length && holes[0] !== name) for (const h of holes.slice(0, 12)) out.push(`      never hit: ${h}`);
    if (holes.length > 12) out.push(`      ... and ${holes.length - 12} more`);
  }
  return out;
}
