// SPDX-License-Identifier: MIT
// Deep-header frames: layer stacks whose last needed header (the inner TCP/UDP header of a
// tunnel, or the TCP/UDP header of a plain packet) ends at a chosen byte of the frame.
// Random traffic rarely builds a stack deep enough to reach the last bytes of the header
// window, so a fault there (a window slot captured wrong, a bound compared off by one)
// goes unnoticed; these frames put the end exactly where it is wanted.
//
// The length of a stack is fixed parts plus stretchable ones: outer VLAN tags (0-2 x 4),
// IPv4 options (0-40 in 4s, outer and inner), GRE C/K/S words (0-3 x 4), one inner tag,
// and IPv6 extension headers (Hop-by-Hop, Destination Options, Routing; 8-2048 bytes each,
// up to the build's ipv6MaxExtHeaders). Every end is even; an inner Ethernet header makes
// it 0 mod 4, plain packets and IP-in-GRE 2 mod 4.

import type { BuildConfig } from '../../gen/config.ts';
import type { Layer, Rand } from '../../ref/packets/index.ts';

export type DeepEncap = 'none' | 'nvgre' | 'gre-eth' | 'gre-ip';

export interface DeepShape {
  outer: 4 | 6;
  encap: DeepEncap;
  inner: 4 | 6;
  l4: 'tcp' | 'udp';
}

export interface DeepFrame {
  layers: Layer[];
  /** Where the last needed header ends (exclusive offset from the frame start). */
  end: number;
  shape: DeepShape;
}

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const EXT_TYPES = [0, 60, 43, 60, 0, 60, 43, 60];
const EXT_MAX = 2048;

/** How far the needed headers of this build can reach: any even end with IPv6 extension headers, else the longest IPv4 stack. */
export function deepReach(cfg: BuildConfig): number {
  // 14 + 2 tags + IPv4 with 40 option bytes + GRE C/K/S + inner Ethernet with tag + inner IPv4 with options + TCP.
  const v4Max = 14 + 8 + 60 + 16 + 18 + 60 + 20;
  return cfg.ipv6 && cfg.ipv6MaxExtHeaders >= 1 ? Number.POSITIVE_INFINITY : v4Max;
}

function fixedLength(s: DeepShape): number {
  const l4 = s.l4 === 'tcp' ? 20 : 8;
  const outer = 14 + (s.outer === 4 ? 20 : 40);
  if (s.encap === 'none') return outer + l4;
  const gre = s.encap === 'nvgre' ? 8 : 4;
  const innerEth = s.encap === 'gre-ip' ? 0 : 14;
  return outer + gre + innerEth + (s.inner === 4 ? 20 : 40) + l4;
}

interface Stretch {
  vlans: number;
  outerOpts: number;
  greWords: number;
  innerTag: number;
  innerOpts: number;
  /** Total bytes of outer IPv6 extension headers. */
  ext: number;
}

/** Choices (in 4-byte units) of each 4-byte-step part the shape has. */
function unitRanges(s: DeepShape): [keyof Stretch, number][] {
  const out: [keyof Stretch, number][] = [['vlans', 2]];
  if (s.outer === 4) out.push(['outerOpts', 10]);
  if (s.encap === 'gre-eth' || s.encap === 'gre-ip') out.push(['greWords', 3]);
  if (s.encap === 'nvgre' || s.encap === 'gre-eth') out.push(['innerTag', 1]);
  if (s.encap !== 'none' && s.inner === 4) out.push(['innerOpts', 10]);
  return out;
}

/** Whether `rest` bytes can be made of the shape's extension headers (plain IPv6 needs one at least, or it is not deep). */
function extFits(s: DeepShape, rest: number, cfg: BuildConfig): boolean {
  if (rest < 0 || rest % 8 !== 0) return false;
  if (s.outer === 4) return rest === 0;
  return rest <= EXT_MAX * cfg.ipv6MaxExtHeaders;
}

/** Stretch lengths that make the shape end exactly at `end`, or undefined; random among the solutions tried. */
function solve(s: DeepShape, end: number, cfg: BuildConfig, r: Rand): Stretch | undefined {
  const room = end - fixedLength(s);
  if (room < 0) return undefined;
  const parts = unitRanges(s);
  const base = (): Stretch => ({ vlans: 0, outerOpts: 0, greWords: 0, innerTag: 0, innerOpts: 0, ext: 0 });
  // Random picks for every part but one, which absorbs what is left.
  for (let attempt = 0; attempt < 64; attempt++) {
    const st = base();
    const absorb = int(r, parts.length);
    let used = 0;
    parts.forEach(([k, max], i) => {
      if (i === absorb) return;
      st[k] = int(r, max + 1);
      used += 4 * st[k];
    });
    // With extension headers the absorber takes a random share, the chain the rest.
    const [ak, amax] = parts[absorb]!;
    const left = room - used;
    const want = s.outer === 6 ? int(r, amax + 1) : left / 4;
    if (!Number.isInteger(want) || want < 0 || want > amax) continue;
    st[ak] = want;
    const rest = left - 4 * want;
    if (extFits(s, rest, cfg)) return { ...st, ext: rest };
  }
  // Exhaustive, in a random rotation: the shapes without a chain have at most 3*11*4*2*11 choices.
  const radix = parts.map(([, max]) => max + 1);
  const total = radix.reduce((a, b) => a * b, 1);
  const start = int(r, total);
  for (let n = 0; n < total; n++) {
    let k = (start + n) % total;
    const st = base();
    let used = 0;
    parts.forEach(([key], i) => {
      st[key] = k % radix[i]!;
      k = Math.floor(k / radix[i]!);
      used += 4 * st[key];
    });
    if (extFits(s, room - used, cfg)) return { ...st, ext: room - used };
  }
  return undefined;
}

function extChain(total: number, r: Rand): Layer[] {
  if (total === 0) return [];
  const n = Math.max(1, Math.ceil(total / EXT_MAX));
  const lens = new Array<number>(n).fill(8);
  let left = total - 8 * n;
  // Hand the rest out, the first header (Hop-by-Hop) getting the long options first.
  for (let i = 0; left > 0; i = (i + 1) % n) {
    const add = Math.min(left, EXT_MAX - lens[i]!, i === n - 1 ? left : 8 * (1 + int(r, left / 8)));
    lens[i]! += add;
    left -= add;
  }
  return lens.map((length, i) => ({ kind: 'ipv6-ext', type: EXT_TYPES[i]!, length }));
}

const MAC_A = '02:00:00:00:00:01';
const MAC_B = '02:00:00:00:00:02';
const MAC_C = '02:00:00:00:00:03';

function layersOf(s: DeepShape, st: Stretch, r: Rand): Layer[] {
  const port = (): number => 1 + int(r, 65535);
  const opts = (units: number): number[] => new Array<number>(4 * units).fill(1);
  const out: Layer[] = [{ kind: 'eth', dst: MAC_A, src: MAC_B }];
  const tpids = [0x8100, 0x88a8];
  for (let i = 0; i < st.vlans; i++) out.push({ kind: 'vlan', vid: 1 + int(r, 4094), tpid: tpids[int(r, 2)]! });
  const rnd4 = (): string => `10.${int(r, 256)}.${int(r, 256)}.${1 + int(r, 254)}`;
  const rnd6 = (): string => `2001:db8:${int(r, 65536).toString(16)}::${(1 + int(r, 65535)).toString(16)}`;
  if (s.outer === 4) out.push({ kind: 'ipv4', src: rnd4(), dst: rnd4(), options: opts(st.outerOpts) });
  else out.push({ kind: 'ipv6', src: rnd6(), dst: rnd6() }, ...extChain(st.ext, r));
  if (s.encap !== 'none') {
    if (s.encap === 'nvgre') out.push({ kind: 'nvgre', vsid: int(r, 1 << 24), flowId: int(r, 256) });
    else {
      // Which of C, K, S: greWords of them, in a random choice.
      const bits = [[], [1], [2], [4], [1, 2], [1, 4], [2, 4], [1, 2, 4]].filter((b) => b.length === st.greWords);
      const set = bits[int(r, bits.length)]!;
      out.push({
        kind: 'gre',
        checksum: set.includes(1),
        key: set.includes(2) ? int(r, 2 ** 32) : undefined,
        seq: set.includes(4) ? int(r, 2 ** 32) : undefined,
      });
    }
    if (s.encap !== 'gre-ip') {
      out.push({ kind: 'eth', dst: MAC_C, src: MAC_B });
      if (st.innerTag) out.push({ kind: 'vlan', vid: 1 + int(r, 4094) });
    }
    if (s.inner === 4)
      out.push({
        kind: 'ipv4',
        src: `192.168.${int(r, 256)}.${1 + int(r, 254)}`,
        dst: `172.16.${int(r, 256)}.${1 + int(r, 254)}`,
        options: opts(st.innerOpts),
      });
    else out.push({ kind: 'ipv6', src: `fd00::${(1 + int(r, 65535)).toString(16)}`, dst: `fd00:1::${(1 + int(r, 65535)).toString(16)}` });
  }
  out.push(s.l4 === 'tcp' ? { kind: 'tcp', sport: port(), dport: port() } : { kind: 'udp', sport: port(), dport: port() });
  return out;
}

/** Shapes a build can carry whose end parity matches `end` (an inner Ethernet header: 0 mod 4). */
function shapesFor(cfg: BuildConfig, end: number, l4?: 'tcp' | 'udp'): DeepShape[] {
  const fams: (4 | 6)[] = cfg.ipv6 ? [4, 6] : [4];
  const encaps: DeepEncap[] = end % 4 === 0 ? ['nvgre', 'gre-eth'] : ['none', 'gre-ip'];
  const out: DeepShape[] = [];
  for (const outer of fams)
    for (const encap of encaps)
      for (const inner of encap === 'none' ? ([4] as const) : fams)
        for (const l of l4 ? [l4] : (['tcp', 'udp'] as const)) out.push({ outer, encap, inner, l4: l });
  return out;
}

/**
 * A stack whose last needed header ends at `end` (even), of a random shape the build can
 * carry, or undefined when no shape reaches it. `want` narrows the shape.
 */
export function deepLayers(r: Rand, cfg: BuildConfig, end: number, want: Partial<DeepShape> = {}): DeepFrame | undefined {
  if (end % 2 !== 0) return undefined;
  const shapes = shapesFor(cfg, end, want.l4).filter(
    (s) => (want.outer ?? s.outer) === s.outer && (want.encap ?? s.encap) === s.encap && (want.inner ?? s.inner) === s.inner,
  );
  // Random order, so that every shape gets its turn over many frames.
  for (let i = shapes.length - 1; i > 0; i--) {
    const j = int(r, i + 1);
    [shapes[i], shapes[j]] = [shapes[j]!, shapes[i]!];
  }
  for (const s of shapes) {
    const st = solve(s, end, cfg, r);
    if (st) return { layers: layersOf(s, st, r), end, shape: s };
  }
  return undefined;
}

/** The largest even end <= `at` (or, with `above`, the smallest even end > `at`) that some shape reaches. */
export function nearestDeepEnd(r: Rand, cfg: BuildConfig, at: number, above = false): DeepFrame | undefined {
  for (let d = 0; d < 64; d++) {
    const e = above ? (at % 2 === 0 ? at + 2 : at + 1) + 2 * d : (at % 2 === 0 ? at : at - 1) - 2 * d;
    const f = deepLayers(r, cfg, e);
    if (f) return f;
  }
  return undefined;
}
