// SPDX-License-Identifier: MIT
// What the parser's decide stages (gen/blocks/parser/*.ts) share: the cursor width, the
// error codes and field constants, byte picks from a layer's bytes, the bounds check of
// docs/BEHAVIOUR.md "Bounds" and the IP header checks of docs/CONTRACT.md section 2.1,
// the choice of the header after an EtherType, and `when`, which writes an
// if / else-if ladder flat. Each check mirrors its function in ref/parse.ts (fits,
// ipv4HeaderLength, ipv6HeaderOk).

import type { BuildConfig } from '../../config.ts';
import { ENCAP, ETHERTYPE, IPPROTO, IP_VERSION, PARSE_ERR } from '../../../ref/constants.ts';
import { cat, type Expr, lit, mux, named } from '../../ir/expr.ts';
import { Body, type Signal, type Stmt } from '../../ir/module.ts';
import { addrBytes } from '../parser-fields.ts';
import type { StepCtx } from '../parser-pipe.ts';

/** Cursor and header-end width: a cursor is at most 1024, an end at most 1024 + 2048. */
export const CURSOR_BITS = 12;
const CW = CURSOR_BITS;

export const ERR_TRUNCATED = named(PARSE_ERR, 'TRUNCATED');
export const ERR_TOO_DEEP = named(PARSE_ERR, 'TOO_DEEP');
const ERR_BAD_IP = named(PARSE_ERR, 'BAD_IP');
/** The parser's encap field: 2 bits (none, GRE, NVGRE), 3 with the UDP tunnel layers (VXLAN, GENEVE). */
export const encapCode = (k: 'GRE' | 'NVGRE', width: number): Expr => named(ENCAP, k, width);
export const ET = (k: keyof typeof ETHERTYPE.values): Expr => named(ETHERTYPE, k);
export const IP = (k: keyof typeof IPPROTO.values): Expr => named(IPPROTO, k);

/** A cursor constant. */
export const cur12 = (n: number): Expr => lit(n, CW);
/** The big-endian 16-bit field at byte `i` of a layer's bytes. */
export const u16 = (h: Expr, i: number): Expr => cat(h.byteBE(i), h.byteBE(i + 1));
/** `n` bytes from byte `i` of a layer's bytes, the first one on top. */
export const bytes = (h: Expr, i: number, n: number): Expr => cat(...Array.from({ length: n }, (_, k) => h.byteBE(i + k)));
/** An outer VLAN tag's TPID: 0x8100 or 0x88A8. */
export const tpid = (e: Expr): Expr => e.eq(ET('VLAN')).or(e.eq(ET('QINQ')));
/** The IPv6 extension headers the chain skips: Hop-by-Hop, Routing, Destination Options, Fragment. */
export const isExt = (e: Expr): Expr =>
  e
    .eq(IP('HOPOPTS'))
    .or(e.eq(IP('ROUTING')))
    .or(e.eq(IP('DSTOPTS')))
    .or(e.eq(IP('FRAGMENT')));
/** An address pair in the build's address field: IPv4 pairs padded below to the IPv6 width. */
export const addrField = (c: BuildConfig, e: Expr): Expr => (e.width === addrBytes(c) * 8 ? e : cat(e, lit(0, addrBytes(c) * 8 - e.width)));

/** `if (end <= limit) ok else { err = truncated or too_deep; run = 0 }` */
export const check = (x: StepCtx, b: Body, end: Expr, ok: (b: Body) => void): void => {
  const limit = x.get('limit');
  const len = x.get('len');
  b.if(end.le(limit), ok, (e) => {
    e.set(x.nxt('err'), mux(end.zext(16).gt(len), ERR_TRUNCATED, ERR_TOO_DEEP));
    e.set(x.nxt('run'), 0);
  });
};

/** Stops the parse with bad_ip: an IP header of the wrong version or IHL < 5. */
const badIp = (x: StepCtx, b: Body): void => {
  b.set(x.nxt('err'), ERR_BAD_IP);
  b.set(x.nxt('run'), 0);
};

/** The step's wire `ip_hl`: the IPv4 header length IHL x 4 of the header in `h`. */
export const ipv4Length = (x: StepCtx, h: Expr): Signal => x.wire('ip_hl', cat(lit(0, CW - 6), h.byteBE(0).slice(3, 0), lit(0, 2)));

/** The IPv4 header at `cur` (outer or inner): 20 bytes, version 4, IHL >= 5, then all `hl` bytes. */
export const ipv4Header = (x: StepCtx, b: Body, h: Expr, cur: Expr, hl: Expr, ok: (b: Body) => void): void =>
  check(x, b, cur.add(20), (t1) =>
    t1.if(
      h.byteBE(0).slice(7, 4).ne(named(IP_VERSION, 'V4')).or(h.byteBE(0).slice(3, 0).lt(5)),
      (t2) => badIp(x, t2),
      (t2) => check(x, t2, cur.add(hl), ok),
    ),
  );

/** The IPv6 fixed header at `cur` (outer or inner): 40 bytes, version 6. */
export const ipv6Header = (x: StepCtx, b: Body, h: Expr, cur: Expr, ok: (b: Body) => void): void =>
  check(x, b, cur.add(40), (t1) => t1.if(h.byteBE(0).slice(7, 4).ne(named(IP_VERSION, 'V6')), (t2) => badIp(x, t2), ok));

/**
 * After an Ethernet header (outer or inner) whose EtherType is `t`: IPv4 or IPv6 (0x86DD
 * in IPv6 builds only, docs/BEHAVIOUR.md "IP") comes next, and the parse goes on only into one of them.
 */
export const ethNext = (b: Body, t: Expr, ipv6: boolean, to: { v4: Signal; v6: Signal; run: Signal }): void => {
  b.set(to.v4, t.eq(ET('IPV4')));
  b.set(to.v6, ipv6 ? t.eq(ET('IPV6')) : lit(0, 1));
  b.set(to.run, ipv6 ? t.eq(ET('IPV4')).or(t.eq(ET('IPV6'))) : t.eq(ET('IPV4')));
};

/**
 * After a tunnel header (GRE, GENEVE) whose protocol type is `t`: Ethernet (0x6558), IPv4
 * or IPv6 (IPv6 builds only) comes next, and the parse goes on only into one of them.
 */
export const tunnelNext = (b: Body, t: Expr, ipv6: boolean, to: { eth: Signal; v4: Signal; v6: Signal; run: Signal }): void => {
  b.set(to.eth, t.eq(ET('TEB')));
  b.set(to.v4, t.eq(ET('IPV4')));
  b.set(to.v6, ipv6 ? t.eq(ET('IPV6')) : lit(0, 1));
  b.set(
    to.run,
    ipv6
      ? t
          .eq(ET('TEB'))
          .or(t.eq(ET('IPV4')))
          .or(t.eq(ET('IPV6')))
      : t.eq(ET('TEB')).or(t.eq(ET('IPV4'))),
  );
};

/**
 * An if / else-if / else ladder written flat: `when(b, c1, f1).elif(c2, f2).otherwise(f3)`.
 * Each arm is the `if` in the else branch of the arm before, exactly what nested
 * `Body.if` calls build (the emitter prints it as `end else if`), so the Verilog is the same.
 * Arms are added to the body as they are written.
 */
export class Ladder {
  /** Where the next arm goes: the body, then the else branch of the last arm. */
  private tail: Stmt[];

  constructor(b: Body) {
    this.tail = b.stmts;
  }

  /** The next arm: taken when `c` holds and no arm before it was. */
  elif(c: Expr, then: (b: Body) => void): Ladder {
    const arm = new Body();
    arm.if(c, then);
    const s = arm.stmts[0];
    if (s?.k !== 'if') throw new Error('Body.if added no if statement');
    this.tail.push(s);
    this.tail = s.else;
    return this;
  }

  /** What happens when no arm was taken. */
  otherwise(f: (b: Body) => void): void {
    const e = new Body();
    f(e);
    this.tail.push(...e.stmts);
  }
}

/** The first arm of a ladder. */
export const when = (b: Body, c: Expr, then: (b: Body) => void): Ladder => new Ladder(b).elif(c, then);
