// SPDX-License-Identifier: MIT
// Turns a list of layers into frame bytes with consistent types, lengths and checksums.

import { parseIpv4, parseIpv6, parseMac } from './addr.ts';
import { internetChecksum, onesSum } from './checksum.ts';
import type { Bytes, Layer } from './layers.ts';

export interface BuildOptions {
  /** Zero-pad the frame to at least this many bytes (e.g. 60, the Ethernet minimum without FCS). Lengths ignore the padding. */
  padTo?: number;
}

const DEFAULT_DST = '02:00:00:00:00:01';
const DEFAULT_SRC = '02:00:00:00:00:02';

function ipv4OptionBytes(l: Layer): number {
  if (l.kind !== 'ipv4' || !l.options) return 0;
  return (l.options.length + 3) & ~3;
}

/** The IANA ports the UDP layer before a VXLAN or GENEVE layer defaults to. */
export const VXLAN_PORT = 4789;
export const GENEVE_PORT = 6081;

/** GENEVE option bytes: as given, or `n` bytes of well-formed TLVs. */
export function geneveOptionBytes(opts: Bytes | number | undefined): Uint8Array {
  if (opts === undefined) return new Uint8Array(0);
  if (typeof opts !== 'number') {
    if (opts.length % 4 !== 0 || opts.length > 252) throw new RangeError(`geneve options must be a multiple of 4 bytes up to 252, got ${opts.length}`);
    return Uint8Array.from(opts);
  }
  if (!Number.isInteger(opts) || opts < 0 || opts % 4 !== 0 || opts > 252)
    throw new RangeError(`geneve options must be a multiple of 4 bytes up to 252, got ${opts}`);
  const out = new Uint8Array(opts);
  // Each option: class (16), type (8), R (3) + length in words (5), then 4*length data bytes.
  for (let o = 0, t = 0; o < opts; t++) {
    const data = Math.min(124, opts - o - 4);
    out[o] = 0xff;
    out[o + 1] = 0xff;
    out[o + 2] = t & 0x7f;
    out[o + 3] = data / 4;
    for (let k = 0; k < data; k++) out[o + 4 + k] = (t + k) & 0xff;
    o += 4 + data;
  }
  return out;
}

function payloadBytes(bytes: Uint8Array | readonly number[] | number): Uint8Array {
  if (typeof bytes === 'number') return Uint8Array.from({ length: bytes }, (_, i) => i & 0xff);
  return Uint8Array.from(bytes);
}

export function layerSize(l: Layer): number {
  switch (l.kind) {
    case 'eth':
      return 14;
    case 'vlan':
      return 4;
    case 'ipv4':
      return 20 + ipv4OptionBytes(l);
    case 'ipv6':
      return 40;
    case 'ipv6-ext': {
      const n = l.length ?? 8;
      if (n < 8 || n % 8 !== 0 || n > 2048) throw new RangeError(`ipv6-ext length must be a multiple of 8 from 8 to 2048, got ${n}`);
      return n;
    }
    case 'ipv6-frag':
      return 8;
    case 'gre':
      return 4 + (l.checksum ? 4 : 0) + (l.key !== undefined ? 4 : 0) + (l.seq !== undefined ? 4 : 0);
    case 'nvgre':
    case 'vxlan':
      return 8;
    case 'geneve':
      return 8 + geneveOptionBytes(l.options).length;
    case 'tcp':
      return 20;
    case 'udp':
      return 8;
    case 'payload':
      return typeof l.bytes === 'number' ? l.bytes : l.bytes.length;
  }
}

/** The Ethernet type announcing layer `l`. */
function etherTypeOf(l: Layer | undefined): number {
  switch (l?.kind) {
    case 'vlan':
      return l.tpid ?? 0x8100;
    case 'ipv4':
      return 0x0800;
    case 'ipv6':
      return 0x86dd;
    case 'eth':
      return 0x6558;
    default:
      return 0;
  }
}

/** The IP protocol / next-header value announcing layer `l`. */
function ipProtoOf(l: Layer | undefined, none: number): number {
  switch (l?.kind) {
    case 'tcp':
      return 6;
    case 'udp':
      return 17;
    case 'gre':
    case 'nvgre':
      return 47;
    case 'ipv4':
      return 4;
    case 'ipv6':
      return 41;
    case 'ipv6-ext':
      return l.type;
    case 'ipv6-frag':
      return 44;
    default:
      return none;
  }
}

export function buildFrame(layers: readonly Layer[], opts: BuildOptions = {}): Uint8Array {
  const offs: number[] = [];
  let total = 0;
  for (const l of layers) {
    offs.push(total);
    total += layerSize(l);
  }
  const frame = new Uint8Array(Math.max(total, opts.padTo ?? 0));
  const dv = new DataView(frame.buffer);

  layers.forEach((l, i) => {
    const o = offs[i]!;
    const next = layers[i + 1];
    switch (l.kind) {
      case 'eth':
        frame.set(parseMac(l.dst ?? DEFAULT_DST), o);
        frame.set(parseMac(l.src ?? DEFAULT_SRC), o + 6);
        dv.setUint16(o + 12, l.type ?? etherTypeOf(next));
        break;
      case 'vlan':
        dv.setUint16(o, (((l.pcp ?? 0) & 7) << 13) | (l.dei ? 0x1000 : 0) | (l.vid & 0xfff));
        dv.setUint16(o + 2, l.type ?? etherTypeOf(next));
        break;
      case 'ipv4': {
        const hl = layerSize(l);
        frame[o] = ((l.version ?? 4) << 4) | ((l.ihl ?? hl / 4) & 15);
        frame[o + 1] = l.tos ?? 0;
        dv.setUint16(o + 4, l.id ?? 0);
        dv.setUint16(o + 6, (l.df ? 0x4000 : 0) | (l.mf ? 0x2000 : 0) | ((l.fragOffset ?? 0) & 0x1fff));
        frame[o + 8] = l.ttl ?? 64;
        frame[o + 9] = l.proto ?? ipProtoOf(next, 253);
        frame.set(parseIpv4(l.src), o + 12);
        frame.set(parseIpv4(l.dst), o + 16);
        if (l.options) frame.set(Uint8Array.from(l.options), o + 20);
        break;
      }
      case 'ipv6':
        dv.setUint32(o, (((l.version ?? 6) & 15) << 28) | (((l.trafficClass ?? 0) & 0xff) << 20) | ((l.flowLabel ?? 0) & 0xfffff));
        frame[o + 6] = l.nextHeader ?? ipProtoOf(next, 59);
        frame[o + 7] = l.hopLimit ?? 64;
        frame.set(parseIpv6(l.src), o + 8);
        frame.set(parseIpv6(l.dst), o + 24);
        break;
      case 'ipv6-ext':
        frame[o] = l.nextHeader ?? ipProtoOf(next, 59);
        frame[o + 1] = layerSize(l) / 8 - 1;
        if (layerSize(l) === 8) {
          // A PadN option filling the 6 option bytes keeps the header well-formed for Hop-by-Hop/Dest-Opts.
          frame[o + 2] = 1;
          frame[o + 3] = 4;
        }
        break;
      case 'ipv6-frag':
        frame[o] = l.nextHeader ?? ipProtoOf(next, 59);
        dv.setUint16(o + 2, (((l.offset ?? 0) & 0x1fff) << 3) | (l.more ? 1 : 0));
        dv.setUint32(o + 4, l.id ?? 0);
        break;
      case 'gre': {
        frame[o] = (l.checksum ? 0x80 : 0) | (l.routing ? 0x40 : 0) | (l.key !== undefined ? 0x20 : 0) | (l.seq !== undefined ? 0x10 : 0);
        frame[o + 1] = (l.version ?? 0) & 7;
        dv.setUint16(o + 2, l.protocol ?? etherTypeOf(next));
        let p = o + 4 + (l.checksum ? 4 : 0);
        if (l.key !== undefined) {
          dv.setUint32(p, l.key >>> 0);
          p += 4;
        }
        if (l.seq !== undefined) dv.setUint32(p, l.seq >>> 0);
        break;
      }
      case 'nvgre':
        frame[o] = 0x20;
        dv.setUint16(o + 2, l.protocol ?? 0x6558);
        dv.setUint32(o + 4, (((l.vsid & 0xffffff) << 8) | ((l.flowId ?? 0) & 0xff)) >>> 0);
        break;
      case 'vxlan':
        dv.setUint32(o, ((((l.flags ?? 0x08) & 0xff) << 24) | ((l.reserved1 ?? 0) & 0xffffff)) >>> 0);
        dv.setUint32(o + 4, (((l.vni & 0xffffff) << 8) | ((l.reserved2 ?? 0) & 0xff)) >>> 0);
        break;
      case 'geneve': {
        const opt = geneveOptionBytes(l.options);
        frame[o] = (((l.version ?? 0) & 3) << 6) | ((l.optLen ?? opt.length / 4) & 0x3f);
        frame[o + 1] = (l.oam ? 0x80 : 0) | (l.critical ? 0x40 : 0);
        dv.setUint16(o + 2, l.protocol ?? etherTypeOf(next));
        dv.setUint32(o + 4, ((l.vni & 0xffffff) << 8) >>> 0);
        frame.set(opt, o + 8);
        break;
      }
      case 'tcp':
        dv.setUint16(o, l.sport);
        dv.setUint16(o + 2, l.dport);
        dv.setUint32(o + 4, (l.seqNo ?? 0) >>> 0);
        dv.setUint32(o + 8, (l.ackNo ?? 0) >>> 0);
        frame[o + 12] = 5 << 4;
        frame[o + 13] = l.flags ?? 0x10;
        dv.setUint16(o + 14, l.window ?? 65535);
        break;
      case 'udp':
        dv.setUint16(o, l.sport);
        dv.setUint16(o + 2, l.dport);
        break;
      case 'payload':
        frame.set(payloadBytes(l.bytes), o);
        break;
    }
  });

  // Lengths and checksums, innermost first: an outer checksum (GRE) covers inner ones.
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    const o = offs[i]!;
    const rest = total - o;
    switch (l.kind) {
      case 'ipv4': {
        dv.setUint16(o + 2, l.totalLength ?? rest);
        const hl = layerSize(l);
        dv.setUint16(o + 10, 0);
        dv.setUint16(o + 10, l.checksum ?? internetChecksum(frame, o, hl));
        break;
      }
      case 'ipv6':
        dv.setUint16(o + 4, l.payloadLength ?? rest - 40);
        break;
      case 'gre':
        if (l.checksum) {
          dv.setUint16(o + 4, 0);
          dv.setUint16(o + 4, internetChecksum(frame, o, rest));
        }
        break;
      case 'udp':
      case 'tcp': {
        if (l.kind === 'udp') dv.setUint16(o + 4, l.length ?? rest);
        const csOff = l.kind === 'udp' ? o + 6 : o + 16;
        dv.setUint16(csOff, 0);
        let cs = l.checksum;
        if (cs === undefined) {
          const proto = l.kind === 'udp' ? 17 : 6;
          cs = internetChecksum(frame, o, rest, pseudoHeaderSum(layers, offs, frame, i, proto, rest));
          // A computed UDP checksum of 0 is sent as all ones (0 means "no checksum").
          if (l.kind === 'udp' && cs === 0) cs = 0xffff;
        }
        dv.setUint16(csOff, cs);
        break;
      }
      default:
        break;
    }
  }
  return frame;
}

function pseudoHeaderSum(layers: readonly Layer[], offs: readonly number[], frame: Uint8Array, l4Index: number, proto: number, l4Len: number): number {
  for (let i = l4Index - 1; i >= 0; i--) {
    const l = layers[i]!;
    const o = offs[i]!;
    if (l.kind === 'ipv4') {
      const sum = onesSum(frame, o + 12, 8);
      return onesSum(Uint8Array.of(0, proto, l4Len >> 8, l4Len & 0xff), 0, 4, sum);
    }
    if (l.kind === 'ipv6') {
      const sum = onesSum(frame, o + 8, 32);
      const tail = Uint8Array.of(l4Len >>> 24, (l4Len >> 16) & 0xff, (l4Len >> 8) & 0xff, l4Len & 0xff, 0, 0, 0, proto);
      return onesSum(tail, 0, 8, sum);
    }
  }
  return 0;
}
