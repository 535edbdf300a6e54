// SPDX-License-Identifier: MIT
// Decide stage of the outer IPv4 / IPv6 fixed header (docs/CONTRACT.md section 2.1;
// docs/BEHAVIOUR.md "IP"). IPv4: version 4, IHL >= 5, all IHL x 4 bytes present; a
// fragment (MF or a non-zero offset) ends the parse, marked GRE when it carries GRE
// and GRE parsing is on. IPv6 (IPv6 builds): version 6, 40 bytes; the next header
// starts the extension chain when it names one. The stage records the protocol, the
// outer addresses and the cursor after the header. Mirrors the outer IP part of
// parseFrame (and markGreFragment) in ref/parse.ts.

import type { BuildConfig } from '../../config.ts';
import { addrBytes } from '../parser-fields.ts';
import type { Pipeline } from '../parser-pipe.ts';
import { addrField, bytes, CURSOR_BITS as CW, encapCode, IP, ipv4Header, ipv4Length, ipv6Header, isExt, u16 } from './kit.ts';

/** `encapWidth`: 2 bits, 3 in builds with UDP tunnels. */
export function outerIpStage(p: Pipeline, c: BuildConfig, encapWidth: number): void {
  const ipv6 = c.ipv6;
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const run = x.get('run');
      const nrun = x.nxt('run');
      const l3v4 = x.add('l3_v4', 1);
      const l3v6 = x.add('l3_v6', 1);
      const l3off = x.add('l3_off', CW);
      const proto = x.add('proto', 8);
      const encap = x.add('encap', encapWidth);
      const oaddr = x.add('o_addr', addrBytes(c) * 8);
      const ncur = x.nxt('cur');
      const inChain = ipv6 ? x.add('in_chain', 1) : undefined;
      const hl = ipv4Length(x, h);
      const b = x.body;
      b.if(run.and(x.get('nx_v4')), (t) =>
        ipv4Header(x, t, h, cur, hl, (t1) => {
          const isFrag = u16(h, 6).slice(13, 0).any();
          t1.set(l3v4, 1);
          t1.set(l3off, cur);
          t1.set(proto, h.byteBE(9));
          t1.set(oaddr, addrField(c, bytes(h, 12, 8)));
          t1.set(ncur, cur.add(hl));
          t1.if(isFrag, (t2) => {
            // The payload of a fragment is never parsed; GRE in it is still an encapsulation.
            t2.set(nrun, 0);
            t2.if(h.byteBE(9).eq(IP('GRE')).and(x.get('pg')), (t3) => t3.set(encap, encapCode('GRE', encap.width)));
          });
        }),
      );
      if (inChain) {
        b.if(run.and(x.get('nx_v6')), (t) =>
          ipv6Header(x, t, h, cur, (t1) => {
            t1.set(l3v6, 1);
            t1.set(l3off, cur);
            t1.set(proto, h.byteBE(6));
            t1.set(inChain, isExt(h.byteBE(6)));
            t1.set(oaddr, bytes(h, 8, 32));
            t1.set(ncur, cur.add(40));
          }),
        );
      }
    },
    { drop: ['x'] },
  );
}
