// SPDX-License-Identifier: MIT
// Decide stage of the header after the outer IP header (docs/CONTRACT.md sections 2.1
// and 2.2; docs/BEHAVIOUR.md "Bounds" and "GRE"). One ladder on the outer protocol:
// - an IPv6 chain that names one more extension header than the build skips: too_deep;
// - TCP or UDP: the ports are recorded when the 20 or 8 bytes fit, and the parse ends,
//   except that builds with UDP tunnels keep a complete UDP header running when GRE/tunnel
//   parsing is on (the next stage, gen/blocks/parser-udp-tunnel.ts, looks behind it);
// - GRE with GRE parsing on: an encapsulation. Version 0 and R clear, then the full
//   header (4 bytes plus 4 per C, K, S) must fit; K alone with protocol 0x6558 is NVGRE
//   (VSID, FlowID); the protocol says what follows: inner Ethernet, IPv4 or IPv6.
// - anything else ends the parse.
// Mirrors the L4 part of parseFrame and parseGre in ref/parse.ts.

import { GRE_FLAG } from '../../../ref/constants.ts';
import { cat, type Expr, lit, named } from '../../ir/expr.ts';
import type { Body, Signal } from '../../ir/module.ts';
import type { Pipeline, StepCtx } from '../parser-pipe.ts';
import { bytes, check, CURSOR_BITS as CW, encapCode, ERR_TOO_DEEP, ET, IP, Ladder, tunnelNext, u16 } from './kit.ts';

/** The GRE header's flags, its length (a wire of the step) and its protocol. */
interface GreHeader {
  c: Expr;
  r: Expr;
  k: Expr;
  s: Expr;
  len: Signal;
  proto: Expr;
}

function greHeader(x: StepCtx, h: Expr): GreHeader {
  const flag = (k: keyof typeof GRE_FLAG.values): Expr => h.byteBE(0).and(named(GRE_FLAG, k)).any();
  const c = flag('C');
  const r = flag('R');
  const k = flag('K');
  const s = flag('S');
  const words = x.wire('gre_words', c.zext(3).add(k.zext(3)).add(s.zext(3)).add(1));
  const len = x.wire('gre_len', cat(lit(0, CW - 5), words, lit(0, 2)));
  return { c, r, k, s, len, proto: u16(h, 2) };
}

/** The GRE arm: the fields this stage adds for NVGRE and for what follows. */
function greArm(x: StepCtx, b: Body, h: Expr, g: GreHeader, ipv6: boolean, to: { vsid: Signal; flowid: Signal; nxEth: Signal }): void {
  const cur = x.get('cur');
  const nrun = x.nxt('run');
  const encap = x.nxt('encap');
  const nx4 = x.nxt('nx_v4');
  const nx6 = x.nxt('nx_v6');
  const gp = g.proto;
  b.set(encap, encapCode('GRE', encap.width));
  b.set(nx4, 0);
  b.set(nx6, 0);
  check(x, b, cur.add(4), (t) =>
    t.if(
      // Other versions and the R bit: an encapsulation whose inside cannot be parsed, no error.
      h.byteBE(1).slice(2, 0).ne(0).or(g.r),
      (t1) => t1.set(nrun, 0),
      (t1) =>
        check(x, t1, cur.add(g.len), (t2) => {
          t2.if(
            g.k
              .and(g.c.not())
              .and(g.s.not())
              .and(gp.eq(ET('TEB'))),
            (t3) => {
              t3.set(encap, encapCode('NVGRE', encap.width));
              t3.set(to.vsid, bytes(h, 4, 3));
              t3.set(to.flowid, h.byteBE(7));
            },
          );
          t2.set(x.nxt('cur'), cur.add(g.len));
          tunnelNext(t2, gp, ipv6, { eth: to.nxEth, v4: nx4, v6: nx6, run: nrun });
        }),
    ),
  );
}

/** `tunnels`: the build has a UDP tunnel port table (and so a UDP tunnel stage next). */
export function l4GreStage(p: Pipeline, ipv6: boolean, tunnels: boolean): void {
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const proto = x.get('proto');
      const nrun = x.nxt('run');
      const err = x.nxt('err');
      // Next values the GRE arm writes, made here so that the Verilog declares them here.
      x.nxt('encap');
      const l4ok = x.add('l4_ok', 1);
      x.add('o_ports', 32, bytes(h, 0, 4));
      const vsid = x.add('vsid', 24);
      const flowid = x.add('flowid', 8);
      const nxEth = x.add('nx_eth', 1);
      x.nxt('nx_v4');
      x.nxt('nx_v6');
      const gre = greHeader(x, h);
      x.body.if(x.get('run'), (t) => {
        const ladder = new Ladder(t);
        if (ipv6) {
          // One extension header more than the build skips: the chain cannot be parsed.
          ladder.elif(x.get('in_chain'), (t1) => {
            t1.set(err, ERR_TOO_DEEP);
            t1.set(nrun, 0);
          });
        }
        ladder
          .elif(proto.eq(IP('TCP')), (t1) => {
            t1.set(nrun, 0);
            check(x, t1, cur.add(20), (t2) => t2.set(l4ok, 1));
          })
          .elif(proto.eq(IP('UDP')), (t1) => {
            t1.set(nrun, 0);
            check(x, t1, cur.add(8), (t2) => {
              t2.set(l4ok, 1);
              // With a tunnel port table the next stage looks at the header after UDP.
              if (tunnels) {
                t2.if(x.get('pg'), (t3) => {
                  t3.set(nrun, 1);
                  t3.set(x.nxt('cur'), cur.add(8));
                });
              }
            });
          })
          .elif(proto.eq(IP('GRE')).and(x.get('pg')), (t1) => greArm(x, t1, h, gre, ipv6, { vsid, flowid, nxEth }))
          .otherwise((t1) => t1.set(nrun, 0));
      });
    },
    { drop: ipv6 ? ['x', 'in_chain'] : ['x'] },
  );
}
