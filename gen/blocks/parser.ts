// SPDX-License-Identifier: MIT
// nvgre_rx_parser: the header parser of docs/CONTRACT.md section 2 / docs/BEHAVIOUR.md as a fixed
// pipeline that takes one frame per cycle and never stalls. The streaming front end
// (gen/blocks/parser-stream.ts) takes each layer's bytes off the beats at the offsets the
// layer can really start at (gen/blocks/offsets.ts); one decide stage per layer checks
// and advances. The decide logic mirrors ref/parse.ts branch for branch so the two stay
// comparable.

import type { BuildConfig } from '../config.ts';
import { ENCAP, ETHERTYPE, GRE_FLAG, IPPROTO, IP_VERSION, PARSE_ERR } from '../../ref/constants.ts';
import { cat, type Expr, lit, mux, named } from '../ir/expr.ts';
import { type Body, Module } from '../ir/module.ts';
import { analyseOffsets, type LayerOffsets } from './offsets.ts';
import { addrBytes, parsedFields } from './parser-fields.ts';
import { Pipeline, type StepCtx } from './parser-pipe.ts';
import { streamFront } from './parser-stream.ts';
import { udpTunnelDecide } from './parser-udp-tunnel.ts';
import { TUNNEL_ENTRY_BITS } from './tunnel-regs.ts';

/** Cursor and header-end width: a cursor is at most 1024, an end at most 1024 + 2048. */
export const CURSOR_BITS = 12;

const ERR_TRUNCATED = named(PARSE_ERR, 'TRUNCATED');
const ERR_TOO_DEEP = named(PARSE_ERR, 'TOO_DEEP');
const ERR_BAD_IP = named(PARSE_ERR, 'BAD_IP');
/** The parser's encap field: 2 bits (none, GRE, NVGRE), 3 with the UDP tunnel layers (VXLAN, GENEVE). */
const encapCode = (k: 'GRE' | 'NVGRE', width: number): Expr => named(ENCAP, k, width);
const ET = (k: keyof typeof ETHERTYPE.values): Expr => named(ETHERTYPE, k);
const IP = (k: keyof typeof IPPROTO.values): Expr => named(IPPROTO, k);

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

  const CW = CURSOR_BITS;
  const ipv6 = c.ipv6;
  const tpid = (e: Expr): Expr => e.eq(ET('VLAN')).or(e.eq(ET('QINQ')));
  const u16 = (h: Expr, i: number): Expr => cat(h.byteBE(i), h.byteBE(i + 1));
  const bytes = (h: Expr, i: number, n: number): Expr => cat(...Array.from({ length: n }, (_, k) => h.byteBE(i + k)));
  const isExt = (e: Expr): Expr =>
    e
      .eq(IP('HOPOPTS'))
      .or(e.eq(IP('ROUTING')))
      .or(e.eq(IP('DSTOPTS')))
      .or(e.eq(IP('FRAGMENT')));
  const addrField = (e: Expr): Expr => (e.width === addrBytes(c) * 8 ? e : cat(e, lit(0, addrBytes(c) * 8 - e.width)));

  /** `if (end <= limit) ok else { err = truncated or too_deep; run = 0 }` */
  const check = (x: StepCtx, b: Body, end: Expr, ok: (b: Body) => void): void => {
    const limit = x.get('limit');
    const len = x.get('len');
    b.if(end.le(limit), ok, (e) => {
      e.set(x.nxt('err'), mux(end.zext(16).gt(len), ERR_TRUNCATED, ERR_TOO_DEEP));
      e.set(x.nxt('run'), 0);
    });
  };
  const cur12 = (n: number): Expr => lit(n, CW);
  /** Stops the parse with bad_ip: an IP header of the wrong version or IHL < 5. */
  const badIp = (x: StepCtx, b: Body): void => {
    b.set(x.nxt('err'), ERR_BAD_IP);
    b.set(x.nxt('run'), 0);
  };
  /** The IPv4 header at `cur` (outer or inner): 20 bytes, version 4, IHL >= 5, then all `hl` bytes. */
  const ipv4Header = (x: StepCtx, b: Body, h: Expr, cur: Expr, hl: Expr, ok: (b: Body) => void): void =>
    check(x, b, cur.add(20), (t1) =>
      t1.if(
        h.byteBE(0).slice(7, 4).ne(named(IP_VERSION, 'V4')).or(h.byteBE(0).slice(3, 0).lt(5)),
        (t2) => badIp(x, t2),
        (t2) => check(x, t2, cur.add(hl), ok),
      ),
    );
  /** The IPv6 fixed header at `cur` (outer or inner): 40 bytes, version 6. */
  const ipv6Header = (x: StepCtx, b: Body, h: Expr, cur: Expr, ok: (b: Body) => void): void =>
    check(x, b, cur.add(40), (t1) => t1.if(h.byteBE(0).slice(7, 4).ne(named(IP_VERSION, 'V6')), (t2) => badIp(x, t2), ok));

  // Stage 1: limit = min(length, max_header_bytes), and the outer Ethernet header, whose
  // offsets are fixed. max_header_bytes is at least 64, so only the length bounds it.
  p.step(
    (x) => {
      const len = x.get('len');
      const mhbIn = x.get('mhb').zext(16);
      const w = x.get('window');
      x.add('limit', CW, mux(len.lt(mhbIn), len.trunc(CW), mhbIn.trunc(CW)));
      const err = x.add('err', 3);
      const run = x.add('run', 1);
      const eth = x.add('eth', 1);
      const vv = x.add('vlan_valid', 1);
      const vlan = x.add('vlan', 12);
      x.add('mac', 48, bytes(w, 0, 6));
      const nx4 = x.add('nx_v4', 1);
      const nx6 = x.add('nx_v6', 1);
      const cur = x.add('cur', CW);
      const ty = x.wire('eth_type', u16(w, 12));
      const ty1 = x.wire('eth_type1', u16(w, 16));
      const ty2 = x.wire('eth_type2', u16(w, 20));
      const b = x.body;
      const setType = (bb: Body, t: Expr, off: number): void => {
        bb.set(eth, 1);
        bb.set(cur, cur12(off));
        bb.set(nx4, t.eq(ET('IPV4')));
        bb.set(nx6, ipv6 ? t.eq(ET('IPV6')) : lit(0, 1));
        bb.set(run, ipv6 ? t.eq(ET('IPV4')).or(t.eq(ET('IPV6'))) : t.eq(ET('IPV4')));
      };
      const trunc = (bb: Body): void => bb.set(err, ERR_TRUNCATED);
      b.if(len.lt(14), trunc, (b1) =>
        b1.if(
          tpid(ty).not(),
          (t) => setType(t, ty, 14),
          (b2) =>
            b2.if(len.lt(18), trunc, (b3) => {
              b3.if(
                tpid(ty1).not(),
                (t) => {
                  setType(t, ty1, 18);
                  t.set(vv, 1);
                  t.set(vlan, u16(w, 14).trunc(12));
                },
                (b4) =>
                  b4.if(len.lt(22), trunc, (t) => {
                    setType(t, ty2, 22);
                    t.set(vv, 1);
                    t.set(vlan, u16(w, 18).trunc(12));
                  }),
              );
            }),
        ),
      );
    },
    { drop: ['mhb', 'window'] },
  );

  // The layer's tap holds this frame's bytes in exactly the cycle its decide stage runs.
  const extract = (lay: LayerOffsets): void => p.seed('x', front.layer(lay));

  // Outer IPv4 / IPv6 fixed header.
  extract(an.outerL3);
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const run = x.get('run');
      const nrun = x.nxt('run');
      const l3v4 = x.add('l3_v4', 1);
      const l3v6 = x.add('l3_v6', 1);
      const l3off = x.add('l3_off', CW);
      const frag = x.add('frag', 1);
      const proto = x.add('proto', 8);
      const encap = x.add('encap', an.udpTun ? 3 : 2);
      const oaddr = x.add('o_addr', addrBytes(c) * 8);
      const ncur = x.nxt('cur');
      const inChain = ipv6 ? x.add('in_chain', 1) : undefined;
      const ihl = h.byteBE(0).slice(3, 0);
      const hl = x.wire('ip_hl', cat(lit(0, CW - 6), ihl, lit(0, 2)));
      const b = x.body;
      b.if(run.and(x.get('nx_v4')), (t) => {
        ipv4Header(x, t, h, cur, hl, (t3) => {
          const isFrag = u16(h, 6).slice(13, 0).any();
          t3.set(l3v4, 1);
          t3.set(l3off, cur);
          t3.set(proto, h.byteBE(9));
          t3.set(frag, isFrag);
          t3.set(oaddr, addrField(bytes(h, 12, 8)));
          t3.set(ncur, cur.add(hl));
          t3.if(isFrag, (t4) => {
            t4.set(nrun, 0);
            t4.if(h.byteBE(9).eq(IP('GRE')).and(x.get('pg')), (t5) => t5.set(encap, encapCode('GRE', encap.width)));
          });
        });
      });
      if (ipv6 && inChain) {
        b.if(run.and(x.get('nx_v6')), (t) => {
          ipv6Header(x, t, h, cur, (t2) => {
            t2.set(l3v6, 1);
            t2.set(l3off, cur);
            t2.set(proto, h.byteBE(6));
            t2.set(inChain, isExt(h.byteBE(6)));
            t2.set(oaddr, bytes(h, 8, 32));
            t2.set(ncur, cur.add(40));
          });
        });
      }
    },
    { drop: ['x'] },
  );

  // IPv6 extension headers: proto holds the next header while in the chain.
  for (const lay of an.ipv6Ext) {
    extract(lay);
    p.step(
      (x) => {
        const h = x.get('x');
        const cur = x.get('cur');
        const nrun = x.nxt('run');
        const hl = x.wire('ext_hl', cat(h.byteBE(1).zext(9).add(1), lit(0, 3)).resize(CW));
        x.body.if(x.get('run').and(x.get('in_chain')), (t) =>
          check(x, t, cur.add(8), (t1) =>
            t1.if(
              x.get('proto').eq(IP('FRAGMENT')),
              (t2) => {
                // A Fragment header ends the parse; its Next Header is the protocol.
                t2.set(x.nxt('frag'), 1);
                t2.set(x.nxt('proto'), h.byteBE(0));
                t2.set(nrun, 0);
                t2.if(h.byteBE(0).eq(IP('GRE')).and(x.get('pg')), (t3) => t3.set(x.nxt('encap'), encapCode('GRE', x.nxt('encap').width)));
              },
              (t2) =>
                check(x, t2, cur.add(hl), (t3) => {
                  t3.set(x.nxt('proto'), h.byteBE(0));
                  t3.set(x.nxt('cur'), cur.add(hl));
                  t3.set(x.nxt('in_chain'), isExt(h.byteBE(0)));
                }),
            ),
          ),
        );
      },
      { drop: ['x'] },
    );
  }

  // L4 (plain TCP/UDP) or GRE.
  extract(an.l4);
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const proto = x.get('proto');
      const nrun = x.nxt('run');
      const err = x.nxt('err');
      const encap = x.nxt('encap');
      const l4ok = x.add('l4_ok', 1);
      x.add('o_ports', 32, bytes(h, 0, 4));
      const vsid = x.add('vsid', 24);
      const flowid = x.add('flowid', 8);
      const nxEth = x.add('nx_eth', 1);
      const nx4 = x.nxt('nx_v4');
      const nx6 = x.nxt('nx_v6');
      const flag = (k: keyof typeof GRE_FLAG.values): Expr => h.byteBE(0).and(named(GRE_FLAG, k)).any();
      const fc = flag('C');
      const fr = flag('R');
      const fk = flag('K');
      const fs = flag('S');
      const words = x.wire('gre_words', fc.zext(3).add(fk.zext(3)).add(fs.zext(3)).add(1));
      const glen = x.wire('gre_len', cat(lit(0, CW - 5), words, lit(0, 2)));
      const gp = u16(h, 2);
      const body = (t: Body): void => {
        t.if(
          proto.eq(IP('TCP')),
          (t1) => {
            t1.set(nrun, 0);
            check(x, t1, cur.add(20), (t2) => t2.set(l4ok, 1));
          },
          (t1) =>
            t1.if(
              proto.eq(IP('UDP')),
              (t2) => {
                t2.set(nrun, 0);
                check(x, t2, cur.add(8), (t3) => {
                  t3.set(l4ok, 1);
                  // With a tunnel port table the next stage looks at the header after UDP.
                  if (an.udpTun) {
                    t3.if(x.get('pg'), (t4) => {
                      t4.set(nrun, 1);
                      t4.set(x.nxt('cur'), cur.add(8));
                    });
                  }
                });
              },
              (t2) =>
                t2.if(
                  proto.eq(IP('GRE')).and(x.get('pg')),
                  (t3) => {
                    t3.set(encap, encapCode('GRE', encap.width));
                    t3.set(nx4, 0);
                    t3.set(nx6, 0);
                    check(x, t3, cur.add(4), (t4) =>
                      t4.if(
                        h.byteBE(1).slice(2, 0).ne(0).or(fr),
                        (t5) => t5.set(nrun, 0),
                        (t5) =>
                          check(x, t5, cur.add(glen), (t6) => {
                            t6.if(
                              fk
                                .and(fc.not())
                                .and(fs.not())
                                .and(gp.eq(ET('TEB'))),
                              (t7) => {
                                t7.set(encap, encapCode('NVGRE', encap.width));
                                t7.set(vsid, bytes(h, 4, 3));
                                t7.set(flowid, h.byteBE(7));
                              },
                            );
                            t6.set(x.nxt('cur'), cur.add(glen));
                            t6.set(nxEth, gp.eq(ET('TEB')));
                            t6.set(nx4, gp.eq(ET('IPV4')));
                            t6.set(nx6, ipv6 ? gp.eq(ET('IPV6')) : lit(0, 1));
                            t6.set(
                              nrun,
                              ipv6
                                ? gp
                                    .eq(ET('TEB'))
                                    .or(gp.eq(ET('IPV4')))
                                    .or(gp.eq(ET('IPV6')))
                                : gp.eq(ET('TEB')).or(gp.eq(ET('IPV4'))),
                            );
                          }),
                      ),
                    );
                  },
                  (t3) => t3.set(nrun, 0),
                ),
            ),
        );
      };
      x.body.if(x.get('run'), (t) => {
        if (ipv6) {
          // A fifth extension header: the chain cannot be parsed.
          t.if(
            x.get('in_chain'),
            (t1) => {
              t1.set(err, ERR_TOO_DEEP);
              t1.set(nrun, 0);
            },
            body,
          );
        } else body(t);
      });
    },
    { drop: ipv6 ? ['x', 'in_chain'] : ['x'] },
  );

  // VXLAN / GENEVE behind the UDP header (docs/CONTRACT.md section 8).
  if (an.udpTun) {
    if (!front?.tunnel) throw new Error('UDP tunnel layers need the streaming parser');
    extract(an.udpTun);
    udpTunnelDecide(p, ipv6, check, front.tunnel);
  }

  // Inner Ethernet (transparent Ethernet bridging), one optional 0x8100 tag.
  extract(an.innerEth);
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const nrun = x.nxt('run');
      const ieth = x.add('inner_eth', 1);
      const l2off = x.add('inner_l2_off', CW);
      const ivv = x.add('inner_vlan_valid', 1);
      const ivlan = x.add('inner_vlan', 12);
      const imac = x.add('inner_mac', 48);
      const nx4 = x.nxt('nx_v4');
      const nx6 = x.nxt('nx_v6');
      const t12 = u16(h, 12);
      const t16 = u16(h, 16);
      const found = (t: Body, ty: Expr, size: number): void => {
        t.set(ieth, 1);
        t.set(l2off, cur);
        t.set(imac, bytes(h, 0, 6));
        t.set(x.nxt('cur'), cur.add(size));
        t.set(nx4, ty.eq(ET('IPV4')));
        t.set(nx6, ipv6 ? ty.eq(ET('IPV6')) : lit(0, 1));
        t.set(nrun, ipv6 ? ty.eq(ET('IPV4')).or(ty.eq(ET('IPV6'))) : ty.eq(ET('IPV4')));
      };
      x.body.if(x.get('run').and(x.get('nx_eth')), (t) =>
        check(x, t, cur.add(14), (t1) =>
          t1.if(
            t12.eq(ET('VLAN')),
            (t2) =>
              check(x, t2, cur.add(18), (t3) => {
                t3.set(ivv, 1);
                t3.set(ivlan, u16(h, 14).trunc(12));
                found(t3, t16, 18);
              }),
            (t2) => found(t2, t12, 14),
          ),
        ),
      );
    },
    { drop: ['x', 'nx_eth'] },
  );

  // Inner IPv4 / IPv6 fixed header (inner extension headers are not read).
  extract(an.innerL3);
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const run = x.get('run');
      const nrun = x.nxt('run');
      const iv4 = x.add('inner_v4', 1);
      const iv6 = x.add('inner_v6', 1);
      const l3off = x.add('inner_l3_off', CW);
      const iproto = x.add('inner_proto', 8);
      const iaddr = x.add('i_addr', addrBytes(c) * 8);
      const ihl = h.byteBE(0).slice(3, 0);
      const hl = x.wire('ip_hl', cat(lit(0, CW - 6), ihl, lit(0, 2)));
      const b = x.body;
      b.if(run.and(x.get('nx_v4')), (t) =>
        ipv4Header(x, t, h, cur, hl, (t3) => {
          t3.set(iv4, 1);
          t3.set(l3off, cur);
          t3.set(iproto, h.byteBE(9));
          t3.set(iaddr, addrField(bytes(h, 12, 8)));
          t3.set(x.nxt('cur'), cur.add(hl));
          t3.if(u16(h, 6).slice(13, 0).any(), (t4) => t4.set(nrun, 0));
        }),
      );
      if (ipv6) {
        b.if(run.and(x.get('nx_v6')), (t) =>
          ipv6Header(x, t, h, cur, (t2) => {
            t2.set(iv6, 1);
            t2.set(l3off, cur);
            t2.set(iproto, h.byteBE(6));
            t2.set(iaddr, bytes(h, 8, 32));
            t2.set(x.nxt('cur'), cur.add(40));
          }),
        );
      }
    },
    { drop: ['x', 'nx_v4', 'nx_v6'] },
  );

  // Inner TCP/UDP directly after the inner IP header.
  extract(an.innerL4);
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const iproto = x.get('inner_proto');
      const ok = x.add('inner_l4_ok', 1);
      const off = x.add('inner_l4_off', CW);
      x.add('i_ports', 32, bytes(h, 0, 4));
      const hit = (t: Body): void => {
        t.set(ok, 1);
        t.set(off, cur);
      };
      x.body.if(x.get('run'), (t) =>
        t.if(
          iproto.eq(IP('TCP')),
          (t1) => check(x, t1, cur.add(20), hit),
          (t1) => t1.if(iproto.eq(IP('UDP')), (t2) => check(x, t2, cur.add(8), hit)),
        ),
      );
    },
    { drop: ['x', 'cur', 'run', 'limit', 'pg'] },
  );

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
