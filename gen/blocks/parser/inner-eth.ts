// SPDX-License-Identifier: MIT
// Decide stage of the inner Ethernet header, behind GRE/NVGRE or a UDP tunnel with
// payload type 0x6558 (docs/CONTRACT.md sections 2.2 and 8; docs/BEHAVIOUR.md
// "Ethernet"). 14 bytes, or 18 with its one optional tag, which only TPID 0x8100 opens
// (an inner 0x88A8 is an EtherType that is not IP). The header counts as parsed for VMQ
// whatever its EtherType; the EtherType says whether inner IPv4 or IPv6 follows.
// Mirrors the Ethernet part of parseInner in ref/parse.ts.

import type { Expr } from '../../ir/expr.ts';
import type { Body } from '../../ir/module.ts';
import type { Pipeline } from '../parser-pipe.ts';
import { bytes, check, CURSOR_BITS as CW, ET, ethNext, u16 } from './kit.ts';

export function innerEthStage(p: Pipeline, ipv6: boolean): void {
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
      /** The header is complete, `size` bytes long, and `ty` is its EtherType. */
      const found = (b: Body, ty: Expr, size: number): void => {
        b.set(ieth, 1);
        b.set(l2off, cur);
        b.set(imac, bytes(h, 0, 6));
        b.set(x.nxt('cur'), cur.add(size));
        ethNext(b, ty, ipv6, { v4: nx4, v6: nx6, run: nrun });
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
}
