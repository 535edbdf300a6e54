// SPDX-License-Identifier: MIT
// nvgre_rx_parser: the header parser of docs/CONTRACT.md section 2 / docs/BEHAVIOUR.md as a fixed
// pipeline that takes one frame per cycle and never stalls. The streaming front end
// (gen/blocks/parser-stream.ts) takes each layer's bytes off the beats at the offsets the
// layer can really start at (gen/blocks/offsets.ts); one decide stage per layer
// (gen/blocks/parser/*.ts) checks and advances. This file seeds the pipeline, hands each
// stage its layer's bytes and calls the stages in parse order. The decide logic mirrors
// ref/parse.ts branch for branch so the two stay comparable.

import type { BuildConfig } from '../config.ts';
import type { Expr } from '../ir/expr.ts';
import { Module } from '../ir/module.ts';
import { analyseOffsets, type LayerOffsets } from './offsets.ts';
import { innerEthStage } from './parser/inner-eth.ts';
import { innerIpStage } from './parser/inner-ip.ts';
import { innerL4Stage } from './parser/inner-l4.ts';
import { ipv6ExtStage } from './parser/ipv6-ext.ts';
import { check } from './parser/kit.ts';
import { l4GreStage } from './parser/l4-gre.ts';
import { outerEthStage } from './parser/outer-eth.ts';
import { outerIpStage } from './parser/outer-ip.ts';
import { parsedFields } from './parser-fields.ts';
import { Pipeline } from './parser-pipe.ts';
import { streamFront } from './parser-stream.ts';
import { udpTunnelDecide } from './parser-udp-tunnel.ts';
import { TUNNEL_ENTRY_BITS } from './tunnel-regs.ts';

export interface ParserOptions {
  /** Bits of opaque per-frame data carried alongside (configuration snapshot, tuser). */
  sideWidth: number;
  /** Width of the max_header_bytes input. */
  mhbWidth: number;
}

export interface ParserResult {
  module: Module;
  /** Cycles from in_valid to out_valid. */
  latency: number;
}

export function parserModule(c: BuildConfig, opts: ParserOptions): ParserResult {
  const an = analyseOffsets(c);
  const m = new Module('nvgre_rx_parser', [
    'NVGRE receive parser: outer Ethernet (0-2 tags), IPv4/IPv6 with extension headers,',
    'GRE/NVGRE, inner Ethernet, inner IPv4/IPv6 and TCP/UDP, as a fixed pipeline that',
    'accepts one frame per cycle. No header window: taps on a delay line of beats take',
    "each layer's bytes as they pass, one tap per decide stage.",
  ]);
  const p = new Pipeline(m);
  p.seed('valid', m.input('in_valid', 1));
  // Each layer's bytes are taken off the beats (gen/blocks/parser-stream.ts).
  // UDP tunnels (builds with a port table): the live table, which the taps latch per frame.
  const tunTable = an.udpTun ? m.input('in_udp_tunnels', TUNNEL_ENTRY_BITS * c.udpTunnelPorts) : undefined;
  const front = streamFront(m, c, an, m.input('in_beat_valid', 1), m.input('in_beat_data', c.dataWidth), tunTable);
  p.seed('window', front.prefix);
  p.seed('len', m.input('in_len', 16));
  p.seed('mhb', m.input('in_max_header_bytes', opts.mhbWidth));
  p.seed('pg', m.input('in_parse_gre', 1));
  // The side data (configuration snapshot, tuser) is not read by any stage: it bypasses
  // them in a RAM delay line of the parser's latency (below).
  const inSide = m.input('in_side', opts.sideWidth);

  // The layer's tap holds this frame's bytes in exactly the cycle its decide stage runs.
  const extract = (lay: LayerOffsets): void => p.seed('x', front.layer(lay));

  // The outer Ethernet header's offsets are fixed: it reads the front end's prefix.
  outerEthStage(p, c.ipv6);
  extract(an.outerL3);
  outerIpStage(p, c, an.udpTun ? 3 : 2);
  // One stage per IPv6 extension header the build skips.
  for (const lay of an.ipv6Ext) {
    extract(lay);
    ipv6ExtStage(p);
  }
  extract(an.l4);
  l4GreStage(p, c.ipv6, an.udpTun !== undefined);
  // VXLAN / GENEVE behind the UDP header (docs/CONTRACT.md section 8).
  if (an.udpTun) {
    if (!front?.tunnel) throw new Error('UDP tunnel layers need the streaming parser');
    extract(an.udpTun);
    udpTunnelDecide(p, c.ipv6, check, front.tunnel);
  }
  extract(an.innerEth);
  innerEthStage(p, c.ipv6);
  extract(an.innerL3);
  innerIpStage(p, c);
  extract(an.innerL4);
  innerL4Stage(p);

  // Registered outputs, in the order of the shared field table.
  m.assign(m.output('out_valid', 1), p.get('valid'));
  // Outputs that bypass the stages: the side data, and the fields taken at the last tap.
  const bypass: Partial<Record<string, Expr>> = { ...front.late, side: m.delayMem('side', inSide, p.stage) };
  for (const f of parsedFields(c, opts.sideWidth)) {
    const s = bypass[f.name] ?? p.get(f.name);
    m.assign(m.output(`out_${f.name}`, f.width), s.resize(f.width));
  }
  return { module: m, latency: p.stage };
}
