// SPDX-License-Identifier: MIT
// Reachable-offset analysis. Walking the parse graph of a build gives, for every layer,
// the set of byte offsets its header can start at. The parser extracts each layer's
// bytes with a multiplexer over exactly that set instead of a full barrel shifter, and
// the window that travels with a frame is trimmed to the bytes later layers can read.

import type { BuildConfig } from '../config.ts';

/** One extraction point of the parser: a layer header read at a variable cursor. */
export interface LayerOffsets {
  name: string;
  /** Offsets the cursor can hold when this layer is read, clipped to the window. */
  offsets: number[];
  /** Bytes extracted at the cursor. */
  bytes: number;
}

export interface OffsetAnalysis {
  outerL3: LayerOffsets;
  /** One entry per IPv6 extension-header iteration (empty in IPv4-only builds). */
  ipv6Ext: LayerOffsets[];
  l4: LayerOffsets;
  /** The VXLAN/GENEVE header after the UDP header (builds with a tunnel port table only). */
  udpTun?: LayerOffsets;
  innerEth: LayerOffsets;
  innerL3: LayerOffsets;
  innerL4: LayerOffsets;
}

const range = (lo: number, hi: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
};

function union(...sets: Iterable<number>[]): number[] {
  const s = new Set<number>();
  for (const x of sets) for (const v of x) s.add(v);
  return [...s].sort((a, b) => a - b);
}

/** Every cursor reachable by adding one of `steps` to one of `from`. */
function advance(from: Iterable<number>, steps: Iterable<number>): number[] {
  const st = [...steps];
  const out = new Set<number>();
  for (const f of from) for (const d of st) out.add(f + d);
  return [...out].sort((a, b) => a - b);
}

/**
 * A cursor at which a header of at least `minBytes` cannot end inside the window fails
 * its bounds check whatever the bytes say, so the multiplexer need not reach it.
 */
function clip(offs: number[], minBytes: number, window: number): number[] {
  return offs.filter((o) => o + minBytes <= window);
}

export const IPV4_HEADER_STEPS = range(20, 60, 4);
export const IPV6_EXT_STEPS = range(8, 2048, 8);
export const GRE_STEPS = [4, 8, 12, 16];
/** A VXLAN header (8 bytes) or a GENEVE header with 0..252 bytes of options. */
export const UDP_TUNNEL_STEPS = range(8, 260, 4);

export function analyseOffsets(c: BuildConfig): OffsetAnalysis {
  const win = c.maxHeaderBytes;
  const l3Bytes = c.ipv6 ? 40 : 20;
  const outerL3 = [14, 18, 22];
  const v4End = advance(outerL3, IPV4_HEADER_STEPS);

  // IPv6 extension chain: iteration k reads the k-th extension header. The chain ends
  // at any iteration, so every iteration's cursor is also a possible L4 start.
  const ext: LayerOffsets[] = [];
  let chainEnds: number[] = [];
  if (c.ipv6) {
    let cur = clip(advance(outerL3, [40]), 4, win);
    chainEnds = cur;
    for (let k = 0; k < c.ipv6MaxExtHeaders; k++) {
      const at = clip(cur, 8, win);
      ext.push({ name: `ipv6_ext${k}`, offsets: at, bytes: 2 });
      cur = clip(advance(at, IPV6_EXT_STEPS), 4, win);
      chainEnds = union(chainEnds, cur);
    }
  }
  // GRE needs 4 bytes, UDP 8, TCP 20: the smallest bounds what is worth reaching.
  const l4 = clip(union(v4End, chainEnds), 4, win);
  const greEnd = advance(l4, GRE_STEPS);
  // UDP tunnels: the 8-byte VXLAN/GENEVE header after the 8-byte UDP header, then the payload.
  const udpTun = c.udpTunnelPorts > 0 ? clip(advance(l4, [8]), 8, win) : undefined;
  const payload = udpTun ? union(greEnd, advance(udpTun, UDP_TUNNEL_STEPS)) : greEnd;
  const innerEth = clip(payload, 14, win);
  const innerL3 = clip(union(advance(innerEth, [14, 18]), payload), 20, win);
  const innerL4Steps = c.ipv6 ? union(IPV4_HEADER_STEPS, [40]) : IPV4_HEADER_STEPS;
  const innerL4 = clip(advance(innerL3, innerL4Steps), 8, win);
  return {
    outerL3: { name: 'outer_l3', offsets: outerL3, bytes: l3Bytes },
    ipv6Ext: ext,
    l4: { name: 'l4', offsets: l4, bytes: 8 },
    ...(udpTun ? { udpTun: { name: 'udp_tunnel', offsets: udpTun, bytes: 8 } } : {}),
    innerEth: { name: 'inner_eth', offsets: innerEth, bytes: 18 },
    innerL3: { name: 'inner_l3', offsets: innerL3, bytes: l3Bytes },
    innerL4: { name: 'inner_l4', offsets: innerL4, bytes: 4 },
  };
}

export function allLayers(a: OffsetAnalysis): LayerOffsets[] {
  return [a.outerL3, ...a.ipv6Ext, a.l4, ...(a.udpTun ? [a.udpTun] : []), a.innerEth, a.innerL3, a.innerL4];
}

export interface MuxSaving {
  layer: string;
  bytes: number;
  reachable: number;
  /** Multiplexer inputs (per output bit, summed over the extracted bits). */
  muxInputs: number;
  barrelInputs: number;
}

/**
 * Mux inputs of the reachable-offset extraction versus a full barrel shifter that can
 * start at any byte of the window (one input per byte offset for every extracted bit).
 */
export function muxSavings(c: BuildConfig): MuxSaving[] {
  return allLayers(analyseOffsets(c)).map((l) => ({
    layer: l.name,
    bytes: l.bytes,
    reachable: l.offsets.length,
    muxInputs: l.offsets.length * l.bytes * 8,
    barrelInputs: c.maxHeaderBytes * l.bytes * 8,
  }));
}
