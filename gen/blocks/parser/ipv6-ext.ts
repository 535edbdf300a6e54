// SPDX-License-Identifier: MIT
// Decide stage of one IPv6 extension header slot (docs/CONTRACT.md section 2.1;
// docs/BEHAVIOUR.md "Bounds" and "IP"). While the chain goes on (`in_chain`), `proto`
// holds the next header, which names this one. The header's first 8 bytes must fit,
// then: a Fragment header ends the parse as a fragment and its Next Header is the
// protocol; any other is skipped by its length ((Hdr Ext Len + 1) x 8, which must fit) and
// the chain goes on while the next header is one the chain skips. A build has one slot per
// extension header it skips (ipv6MaxExtHeaders); the L4 stage rejects one more. Mirrors
// the extension loop of parseFrame in ref/parse.ts.

import { cat, lit } from '../../ir/expr.ts';
import type { Pipeline } from '../parser-pipe.ts';
import { check, CURSOR_BITS as CW, encapCode, IP, isExt } from './kit.ts';

export function ipv6ExtStage(p: Pipeline): void {
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
              t2.set(x.nxt('proto'), h.byteBE(0));
              t2.set(nrun, 0);
              // GRE in a fragment is still an encapsulation, as after an IPv4 fragment.
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
