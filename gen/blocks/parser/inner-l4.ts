// SPDX-License-Identifier: MIT
// Decide stage of the inner TCP/UDP header, directly after the inner IP header
// (docs/BEHAVIOUR.md "IP": inner_l4_offset). The stage reads only its cursor: the inner
// L4 offset is reported when the inner protocol is TCP and 20 bytes fit, or UDP and 8
// bytes fit; the ports are taken at the last tap. It is the last decide stage: the
// parse state (cursor, run, limit) ends here. Mirrors the end of parseInner in ref/parse.ts.

import type { Body } from '../../ir/module.ts';
import type { Pipeline } from '../parser-pipe.ts';
import { bytes, check, CURSOR_BITS as CW, IP, when } from './kit.ts';

export function innerL4Stage(p: Pipeline): void {
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const iproto = x.get('inner_proto');
      const ok = x.add('inner_l4_ok', 1);
      const off = x.add('inner_l4_off', CW);
      x.add('i_ports', 32, bytes(h, 0, 4));
      const hit = (b: Body): void => {
        b.set(ok, 1);
        b.set(off, cur);
      };
      x.body.if(x.get('run'), (t) =>
        when(t, iproto.eq(IP('TCP')), (t1) => check(x, t1, cur.add(20), hit)).elif(iproto.eq(IP('UDP')), (t1) => check(x, t1, cur.add(8), hit)),
      );
    },
    { drop: ['x', 'cur', 'run', 'limit', 'pg'] },
  );
}
