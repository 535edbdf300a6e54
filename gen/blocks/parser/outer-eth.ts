// SPDX-License-Identifier: MIT
// Decide stage 1 of the parser: the bounds limit and the outer Ethernet header
// (docs/CONTRACT.md section 2.1; docs/BEHAVIOUR.md "Bounds" and "Ethernet").
// limit = min(length, max_header_bytes). The header has zero, one or two tags (TPID 0x8100
// or 0x88A8) and so sits at fixed offsets: its bytes come from the front end's fixed prefix.
// A frame that ends inside the header or its tags has no Ethernet header (truncated); the
// EtherType after the tags says whether outer IPv4 or IPv6 follows. Mirrors the outer
// Ethernet part of parseFrame in ref/parse.ts.

import { type Expr, mux } from '../../ir/expr.ts';
import type { Body } from '../../ir/module.ts';
import type { Pipeline } from '../parser-pipe.ts';
import { bytes, cur12, CURSOR_BITS as CW, ERR_TRUNCATED, ethNext, tpid, u16, when } from './kit.ts';

/** Starts the fields every later stage carries: limit, err, run, the outer MAC and VLAN, the L3 cursor. */
export function outerEthStage(p: Pipeline, ipv6: boolean): void {
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
      /** The header is complete and `t`, at `off` - 2, is its EtherType. */
      const typeAt = (b: Body, t: Expr, off: number): void => {
        b.set(eth, 1);
        b.set(cur, cur12(off));
        ethNext(b, t, ipv6, { v4: nx4, v6: nx6, run });
      };
      /** The innermost tag, whose TCI is at `at`, gives the VLAN ID. */
      const tag = (b: Body, at: number): void => {
        b.set(vv, 1);
        b.set(vlan, u16(w, at).trunc(12));
      };
      const truncated = (b: Body): void => b.set(err, ERR_TRUNCATED);
      // max_header_bytes is at least 64, so only the length bounds these 14 to 22 bytes.
      when(x.body, len.lt(14), truncated)
        .elif(tpid(ty).not(), (b) => typeAt(b, ty, 14))
        .elif(len.lt(18), truncated)
        .elif(tpid(ty1).not(), (b) => {
          typeAt(b, ty1, 18);
          tag(b, 14);
        })
        .elif(len.lt(22), truncated)
        .otherwise((b) => {
          typeAt(b, ty2, 22);
          tag(b, 18);
        });
    },
    { drop: ['mhb', 'window'] },
  );
}
