// SPDX-License-Identifier: MIT
// Where the header fields of a frame are, for the mutation engine: the reference
// parser (ref/parse.ts) is run with the widest bounds and every encapsulation on, and
// its offsets locate the layers; the fields worth mutating inside each layer (lengths,
// IHL, version, next-header chains, GRE flags/version/protocol, TPIDs) are listed with
// the values that sit on the parser's decision boundaries.

import type { BuildConfig } from '../../gen/config.ts';
import { parseFrame, ParseState } from '../../ref/parse.ts';

export interface Field {
  /** e.g. "outer ipv4 ihl", "gre flags". */
  name: string;
  off: number;
  /** Bytes (1 or 2); `mask` limits a 1-byte field to some bits. */
  size: 1 | 2;
  mask?: number;
  /** Values on decision boundaries (already shifted into the mask's position). */
  values: readonly number[];
}

const ETHERTYPES = [0x0800, 0x86dd, 0x8100, 0x88a8, 0x6558, 0x0806, 0x0000, 0xffff, 0x0801, 0x86de];
const PROTOS = [6, 17, 47, 0, 43, 60, 44, 41, 4, 58, 255];
const NEXT_HEADERS = [0, 43, 60, 44, 6, 17, 47, 59, 255];

function ipv4Fields(pfx: string, o: number): Field[] {
  return [
    { name: `${pfx} ipv4 version`, off: o, size: 1, mask: 0xf0, values: [0x00, 0x40, 0x50, 0x60, 0xf0] },
    { name: `${pfx} ipv4 ihl`, off: o, size: 1, mask: 0x0f, values: [0, 1, 4, 5, 6, 7, 14, 15] },
    { name: `${pfx} ipv4 total length`, off: o + 2, size: 2, values: [0, 1, 19, 20, 0xffff] },
    { name: `${pfx} ipv4 flags/fragment`, off: o + 6, size: 2, values: [0x0000, 0x2000, 0x4000, 0x8000, 0x0001, 0x1fff, 0x3fff, 0xffff] },
    { name: `${pfx} ipv4 protocol`, off: o + 9, size: 1, values: PROTOS },
  ];
}

function ipv6Fields(pfx: string, o: number): Field[] {
  return [
    { name: `${pfx} ipv6 version`, off: o, size: 1, mask: 0xf0, values: [0x00, 0x40, 0x60, 0x70, 0xf0] },
    { name: `${pfx} ipv6 payload length`, off: o + 4, size: 2, values: [0, 1, 8, 0xffff] },
    { name: `${pfx} ipv6 next header`, off: o + 6, size: 1, values: NEXT_HEADERS },
  ];
}

/** The mutable fields of `f`, found with the reference parser. */
export function fieldsOf(f: Uint8Array, cfg: BuildConfig): Field[] {
  const s = new ParseState();
  parseFrame(f, { maxHeaderBytes: Math.max(f.length, 1), ipv6: true, ipv6MaxExtHeaders: cfg.ipv6MaxExtHeaders + 2, parseGre: true }, s);
  const out: Field[] = [];
  if (f.length >= 14) out.push({ name: 'outer ethertype', off: 12, size: 2, values: ETHERTYPES });
  // Tag positions exist whether or not the parser took them: a TPID can be written there.
  if (f.length >= 18) out.push({ name: 'outer second type', off: 16, size: 2, values: ETHERTYPES });
  if (f.length >= 22) out.push({ name: 'outer third type', off: 20, size: 2, values: ETHERTYPES });
  if (s.l3 === 4) out.push(...ipv4Fields('outer', s.l3Off));
  if (s.l3 === 6) {
    out.push(...ipv6Fields('outer', s.l3Off));
    // The extension chain between the fixed header and the protocol's header.
    let p = s.l3Off + 40;
    let nh = f[s.l3Off + 6]!;
    for (let n = 0; (nh === 0 || nh === 43 || nh === 60 || nh === 44) && p + 2 <= f.length && n < 8; n++) {
      out.push({ name: `ipv6 ext ${n} next header`, off: p, size: 1, values: NEXT_HEADERS });
      out.push({ name: `ipv6 ext ${n} length`, off: p + 1, size: 1, values: [0, 1, 2, 31, 255] });
      nh = f[p]!;
      p += nh === 44 ? 8 : (f[p + 1]! + 1) * 8;
    }
  }
  if (s.proto === 47 && s.l4Off > 0 && s.l4Off + 4 <= f.length) {
    const g = s.l4Off;
    out.push({ name: 'gre flags', off: g, size: 1, values: [0x00, 0x20, 0x80, 0x10, 0x40, 0xa0, 0x30, 0xb0, 0x60, 0xff, 0x2f] });
    out.push({ name: 'gre version', off: g + 1, size: 1, values: [0, 1, 2, 7, 0xf8, 0xff] });
    out.push({ name: 'gre protocol', off: g + 2, size: 2, values: ETHERTYPES });
    if (g + 8 <= f.length) out.push({ name: 'gre key', off: g + 4, size: 2, values: [0, 0xffff, 0x0001] });
  }
  if (s.innerEth) {
    out.push({ name: 'inner ethertype', off: s.innerL2Off + 12, size: 2, values: ETHERTYPES });
    if (s.innerL2Off + 18 <= f.length) out.push({ name: 'inner second type', off: s.innerL2Off + 16, size: 2, values: ETHERTYPES });
  }
  if (s.innerL3 === 4) out.push(...ipv4Fields('inner', s.innerL3Off));
  if (s.innerL3 === 6) out.push(...ipv6Fields('inner', s.innerL3Off));
  return out.filter((x) => x.off + x.size <= f.length);
}

/** Header boundaries: where a cut, an insertion or a splice is most likely to matter. */
export function boundariesOf(f: Uint8Array, cfg: BuildConfig): number[] {
  const s = new ParseState();
  parseFrame(f, { maxHeaderBytes: Math.max(f.length, 1), ipv6: true, ipv6MaxExtHeaders: cfg.ipv6MaxExtHeaders + 2, parseGre: true }, s);
  const b = new Set<number>([0, 12, 14, 18, 22]);
  for (const o of [s.l3Off, s.l4Off, s.innerL2Off, s.innerL3Off, s.innerL4Off]) if (o > 0) b.add(o);
  if (s.l3 === 4) b.add(s.l3Off + 20);
  if (s.l3 === 6) b.add(s.l3Off + 40);
  if (s.innerL2Off) b.add(s.innerL2Off + 14).add(s.innerL2Off + 18);
  if (s.innerL3 === 4) b.add(s.innerL3Off + 20);
  if (s.innerL3 === 6) b.add(s.innerL3Off + 40);
  if (s.innerL4Off) b.add(s.innerL4Off + 8).add(s.innerL4Off + 20);
  if (s.l4Off)
    b.add(s.l4Off + 4)
      .add(s.l4Off + 8)
      .add(s.l4Off + 20);
  b.add(cfg.maxHeaderBytes).add(64);
  return [...b].filter((x) => x <= f.length).sort((x, y) => x - y);
}
