// SPDX-License-Identifier: MIT
// Decide stage of the inner IPv4 / IPv6 fixed header (docs/CONTRACT.md sections 2.2 and
// 3.4; docs/BEHAVIOUR.md "IP"), after inner Ethernet or directly behind the tunnel header.
// The same checks as the outer header (gen/blocks/parser/outer-ip.ts): IPv4 version 4,
// IHL >= 5, all IHL x 4 bytes, and a fragment ends the parse; IPv6 version 6, 40 bytes.
// Inner extension headers are not read: the next header is the inner protocol. The stage
// records the protocol, the inner addresses and the cursor after the header. Mirrors the
// IP part of parseInner in ref/parse.ts.

import type { BuildConfig } from '../../config.ts';
import { addrBytes } from '../parser-fields.ts';
import type { Pipeline } from '../parser-pipe.ts';
import { addrField, bytes, CURSOR_BITS as CW, ipv4Header, ipv4Length, ipv6Header, u16 } from './kit.ts';

export function innerIpStage(p: Pipeline, c: BuildConfig): void {
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
      const hl = ipv4Length(x, h);
      const b = x.body;
      b.if(run.and(x.get('nx_v4')), (t) =>
        ipv4Header(x, t, h, cur, hl, (t1) => {
          t1.set(iv4, 1);
          t1.set(l3off, cur);
          t1.set(iproto, h.byteBE(9));
          t1.set(iaddr, addrField(c, bytes(h, 12, 8)));
          t1.set(x.nxt('cur'), cur.add(hl));
          // An inner fragment: its L4 header is not read.
          t1.if(u16(h, 6).slice(13, 0).any(), (t2) => t2.set(nrun, 0));
        }),
      );
      if (c.ipv6) {
        b.if(run.and(x.get('nx_v6')), (t) =>
          ipv6Header(x, t, h, cur, (t1) => {
            t1.set(iv6, 1);
            t1.set(l3off, cur);
            t1.set(iproto, h.byteBE(6));
            t1.set(iaddr, bytes(h, 8, 32));
            t1.set(x.nxt('cur'), cur.add(40));
          }),
        );
      }
    },
    { drop: ['x', 'nx_v4', 'nx_v6'] },
  );
}
