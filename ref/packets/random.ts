// SPDX-License-Identifier: MIT
// Constrained-random layer stacks covering every header kind the parser knows, for
// property tests and testbench stimulus. Deterministic for a given random source.

import type { Layer } from './layers.ts';

export type Rand = () => number;

/** A small seedable PRNG (mulberry32) so that a failing stimulus can be replayed from its seed. */
export function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomLayerOptions {
  /** Generate IPv6 headers (off for IPv4-only builds' directed streams). Default true. */
  ipv6?: boolean;
  /** Probability of GRE/NVGRE encapsulation. Default 0.5. */
  encapRate?: number;
  /** Probability of fragment fields and unusual flags. Default 0.1. */
  oddRate?: number;
  /** Largest payload. Default 64. */
  maxPayload?: number;
  /**
   * Probability of a VXLAN/GENEVE stack (on the IANA ports) instead of GRE when a frame is
   * encapsulated. Default 0: the stacks of existing seeds stay as they were.
   */
  udpTunnelRate?: number;
}

function int(r: Rand, n: number): number {
  return Math.floor(r() * n);
}

function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[int(r, xs.length)]!;
}

function mac(r: Rand): Uint8Array {
  // A small MAC space so that filters written from the same generator hit now and then.
  return Uint8Array.of(0x02, 0, 0, 0, 0, 1 + int(r, 4));
}

function v4(r: Rand): Uint8Array {
  return Uint8Array.of(10, int(r, 4), int(r, 256), 1 + int(r, 254));
}

function v6(r: Rand): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 0x20;
  a[1] = 0x01;
  a[2] = 0x0d;
  a[3] = 0xb8;
  for (let i = 8; i < 16; i++) a[i] = int(r, 256);
  return a;
}

function ipLayers(r: Rand, o: Required<RandomLayerOptions>, inner: boolean): Layer[] {
  const odd = () => r() < o.oddRate;
  if (o.ipv6 && r() < 0.4) {
    const out: Layer[] = [{ kind: 'ipv6', src: v6(r), dst: v6(r), flowLabel: int(r, 0x100000) }];
    // Inner extension headers are never read, so they matter only on the outside.
    const nExt = inner ? (odd() ? 1 : 0) : odd() ? int(r, 6) : int(r, 2);
    for (let i = 0; i < nExt; i++) out.push({ kind: 'ipv6-ext', type: pick(r, [0, 43, 60]), length: 8 * (1 + int(r, 3)) });
    if (odd()) out.push({ kind: 'ipv6-frag', offset: pick(r, [0, 0, 1, 100]), more: r() < 0.5, id: int(r, 1 << 30) });
    return out;
  }
  const nOpt = odd() ? 4 * int(r, 11) : 0;
  return [
    {
      kind: 'ipv4',
      src: v4(r),
      dst: v4(r),
      id: int(r, 65536),
      df: r() < 0.5,
      mf: odd() && r() < 0.5,
      fragOffset: odd() ? int(r, 200) : 0,
      options: nOpt ? new Array<number>(nOpt).fill(1) : undefined,
    },
  ];
}

function l4Layers(r: Rand): Layer[] {
  const k = r();
  if (k < 0.45) return [{ kind: 'tcp', sport: int(r, 65536), dport: int(r, 65536), seqNo: int(r, 2 ** 32) }];
  if (k < 0.9) return [{ kind: 'udp', sport: int(r, 65536), dport: int(r, 65536) }];
  return [];
}

/** UDP to the IANA port, a VXLAN or GENEVE header (odd flags now and then), inner headers. */
function udpTunnelLayers(r: Rand, o: Required<RandomLayerOptions>): Layer[] {
  const odd = () => r() < o.oddRate;
  const vni = pick(r, [0, 1, 4096, int(r, 1 << 24)]);
  const out: Layer[] = [];
  let eth = true;
  if (r() < 0.5) {
    out.push({ kind: 'udp', sport: int(r, 65536), dport: 4789 }, { kind: 'vxlan', vni, flags: odd() ? pick(r, [0x00, 0x0c, 0xff]) : 0x08 });
  } else {
    eth = r() < 0.6;
    const options = 4 * pick(r, [0, 0, 1, 2, int(r, 64)]);
    out.push({ kind: 'udp', sport: int(r, 65536), dport: 6081 }, { kind: 'geneve', vni, options, version: odd() ? 1 : 0, oam: odd(), critical: r() < 0.2 });
  }
  if (eth) {
    out.push({ kind: 'eth', dst: mac(r), src: mac(r) });
    if (r() < 0.2) out.push({ kind: 'vlan', vid: int(r, 4096) });
  }
  out.push(...ipLayers(r, o, true));
  return out;
}

/** A random frame description: outer Ethernet (0-2 tags), IP, then L4 or GRE/NVGRE (or VXLAN/GENEVE, when asked) with inner headers, then payload. */
export function randomLayers(r: Rand, opts: RandomLayerOptions = {}): Layer[] {
  const o: Required<RandomLayerOptions> = {
    ipv6: opts.ipv6 ?? true,
    encapRate: opts.encapRate ?? 0.5,
    oddRate: opts.oddRate ?? 0.1,
    maxPayload: opts.maxPayload ?? 64,
    udpTunnelRate: opts.udpTunnelRate ?? 0,
  };
  const out: Layer[] = [{ kind: 'eth', dst: mac(r), src: mac(r) }];
  const tags = pick(r, [0, 0, 1, 2]);
  for (let i = 0; i < tags; i++) out.push({ kind: 'vlan', vid: int(r, 4096), tpid: pick(r, [0x8100, 0x88a8]) });
  out.push(...ipLayers(r, o, false));
  if (r() < o.encapRate) {
    // No draw when the rate is 0, so that existing seeds give the frames they always gave.
    if (o.udpTunnelRate > 0 && r() < o.udpTunnelRate) {
      out.push(...udpTunnelLayers(r, o));
      out.push(...l4Layers(r));
      out.push({ kind: 'payload', bytes: int(r, o.maxPayload + 1) });
      return out;
    }
    const nv = r() < 0.6;
    if (nv) out.push({ kind: 'nvgre', vsid: pick(r, [0, 1, 4096, int(r, 1 << 24)]), flowId: int(r, 256) });
    else {
      const odd = r() < o.oddRate;
      out.push({
        kind: 'gre',
        checksum: r() < 0.3,
        key: r() < 0.5 ? int(r, 2 ** 32) : undefined,
        seq: r() < 0.3 ? int(r, 2 ** 32) : undefined,
        version: odd && r() < 0.5 ? 1 : 0,
        routing: odd && r() < 0.5,
      });
    }
    const ethInside = nv || r() < 0.5;
    if (ethInside) {
      out.push({ kind: 'eth', dst: mac(r), src: mac(r) });
      if (r() < 0.2) out.push({ kind: 'vlan', vid: int(r, 4096) });
    }
    out.push(...ipLayers(r, o, true));
  }
  out.push(...l4Layers(r));
  out.push({ kind: 'payload', bytes: int(r, o.maxPayload + 1) });
  return out;
}
