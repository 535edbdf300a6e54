// SPDX-License-Identifier: MIT
// The UDP tunnel layers of the streaming parser (docs/CONTRACT.md section 8): VXLAN and
// GENEVE behind an outer UDP header whose destination port is in the tunnel port table.
//
// Taps (gen/blocks/parser-stream.ts): a `udp` state bit follows the outer protocol through
// the IPv6 chain; the L4 tap registers the tunnel header's cursor (UDP + 8) besides GRE's
// payload cursor; the tunnel tap compares the UDP destination port with the table, reads
// the tunnel header's first 4 bytes (flags or Ver/Opt Len, O, Protocol Type) and picks the
// inner cursor: after the 8-byte VXLAN header, after the GENEVE header and its options, or
// GRE's payload. The VNI passes through as a late field at the tunnel cursor + 4.
//
// The taps see a frame's beats before its tlast, so they cannot use the configuration in
// force at tlast as the decide stages do: the table is latched when the frame's first beat
// is accepted and delayed to the tunnel tap, and the decide stage takes the tap's port
// match with the bytes. The tunnel port table is therefore frame-atomic at the first beat
// (docs/PIPELINE.md, "UDP tunnels"; ref/cycle/top-model.ts models it).

import type { BuildConfig } from '../config.ts';
import { ENCAP, ETHERTYPE, IP_VERSION, IPPROTO } from '../../ref/constants.ts';
import { cat, type Expr, lit, mux, named } from '../ir/expr.ts';
import type { Body, Module, Signal } from '../ir/module.ts';
import type { LayerOffsets } from './offsets.ts';
import type { Pipeline, StepCtx } from './parser-pipe.ts';
import type { State, Step } from './parser-stream.ts';
import { TUNNEL_ENTRY_BITS } from './tunnel-regs.ts';
import { tunnelNext } from './parser/kit.ts';

const UDP = (): Expr => named(IPPROTO, 'UDP');
const ET = (k: keyof typeof ETHERTYPE.values): Expr => named(ETHERTYPE, k);

const u16 = (h: Expr, i: number): Expr => cat(h.byteBE(i), h.byteBE(i + 1));

/** After the outer IP header's first 10 bytes: its protocol (IPv4) or next header (IPv6) is UDP. */
export function udpAfterL3(h: Expr, v6: boolean): Expr {
  const v4udp = h.byteBE(9).eq(UDP());
  return v6 ? mux(h.byteBE(0).slice(7, 4).eq(named(IP_VERSION, 'V6')), h.byteBE(6).eq(UDP()), v4udp) : v4udp;
}

/** After an IPv6 extension header the chain walks through: its next header is UDP. */
export function udpAfterExt(h: Expr, s: Record<string, Signal>): Expr {
  return mux(s.walk!, h.byteBE(0).eq(UDP()), s.udp!);
}

/**
 * The table as the tap `k` cycles behind the input sees it: latched when a frame's first
 * beat is accepted, then delayed, so that in every cycle in which tap k sees one of the
 * frame's beats it holds the table in force at that frame's first beat.
 */
export function frameTable(m: Module, table: Signal, firstBeat: Expr, k: number): Signal {
  const latched = m.reg('tunnel_table_frame', table.width, 0, 'tunnel port table in force at the first beat of the frame at tap 0');
  m.sync((b) => b.if(firstBeat, (t) => t.set(latched, table)), 'tunnel_table_frame: latched on a first beat');
  return m.wire('tunnel_table_tap', k > 1 ? m.delayMem('tunnel_table_delay', latched, k - 1) : latched, `the latched table as tap ${k} needs it`);
}

/** Port hits of the lowest matching valid entry: [vxlan, geneve]. */
function portHits(table: Expr, dport: Expr, n: number): [Expr, Expr] {
  let vx: Expr = lit(0, 1);
  let gn: Expr = lit(0, 1);
  let taken: Expr = lit(0, 1);
  for (let i = 0; i < n; i++) {
    const e = table.slice(TUNNEL_ENTRY_BITS * i + TUNNEL_ENTRY_BITS - 1, TUNNEL_ENTRY_BITS * i);
    const hit = e.bit(17).and(e.slice(15, 0).eq(dport));
    const first = hit.and(taken.not());
    vx = vx.or(first.and(e.bit(16).not()));
    gn = gn.or(first.and(e.bit(16)));
    taken = taken.or(hit);
  }
  return [vx, gn];
}

/**
 * The tunnel tap's step: reads the tunnel header's bytes 0-3 at the cursor the L4 tap
 * registered; `l4` is the L4 layer's bytes (the ports) as this tap's beat left them.
 */
export function tunnelTapStep(m: Module, c: BuildConfig, lay: LayerOffsets, CW: number, l4: () => Signal, hits: { table: () => Signal }): Step {
  return {
    lay,
    lo: 0,
    hi: 4,
    advance: (h, s): State => {
      const [vx, gn] = portHits(hits.table(), u16(l4(), 2), c.udpTunnelPorts);
      const tvx = m.wire('tunnel_tap_vxlan', s.udp!.and(vx), "UDP to a VXLAN entry's port");
      const tgn = m.wire('tunnel_tap_geneve', s.udp!.and(gn), "UDP to a GENEVE entry's port");
      // Opt Len x 4 (up to 252), modulo 2^CW like every tap cursor.
      const opt = cat(h.byteBE(0).slice(5, 0), lit(0, 2)).resize(CW);
      const len = mux(tgn, opt.add(8), lit(8, CW));
      return {
        cur: mux(tvx.or(tgn), s.cur!.add(len), s.gre_cur!),
        teb: mux(tvx.or(tgn), tvx.or(u16(h, 2).eq(ET('TEB'))), s.teb!),
        tun_vx: tvx,
        tun_gn: tgn,
      };
    },
    late: (cur, _out, k) => [{ field: 'vni', cursor: cur, alignedTo: k, offsets: lay.offsets, rel: 4, n: 3 }],
  };
}

type Check = (x: StepCtx, b: Body, end: Expr, ok: (b: Body) => void) => void;

/**
 * The decide stage of the UDP tunnel layer, after the L4 stage left `run` on for a
 * complete UDP header with GRE/tunnel parsing enabled and the cursor on the tunnel header.
 * Mirrors parseUdpTunnel in ref/parse.ts.
 */
export function udpTunnelDecide(p: Pipeline, ipv6: boolean, check: Check, hits: { vxlan: Signal; geneve: Signal }): void {
  p.step(
    (x) => {
      const h = x.get('x');
      const cur = x.get('cur');
      const nrun = x.nxt('run');
      const vniOk = x.add('vni_ok', 1);
      const nx4 = x.nxt('nx_v4');
      const nx6 = x.nxt('nx_v6');
      const nxEth = x.nxt('nx_eth');
      const ncur = x.nxt('cur');
      const b0 = h.byteBE(0);
      const pt = x.wire('geneve_ptype', u16(h, 2));
      const glen = x.wire('geneve_len', cat(lit(0, cur.width - 8), b0.slice(5, 0), lit(0, 2)).add(8));
      x.body.if(x.get('run').and(x.get('proto').eq(UDP())), (t) => {
        t.set(nx4, 0);
        t.set(nx6, 0);
        t.set(nrun, 0);
        t.if(hits.vxlan.or(hits.geneve), (t1) => {
          t1.set(x.nxt('encap'), mux(hits.vxlan, named(ENCAP, 'VXLAN', 3), named(ENCAP, 'GENEVE', 3)));
          // Both kinds: the 8-byte header must fit before anything is decided.
          check(x, t1, cur.add(8), (t2) =>
            t2.if(
              hits.vxlan,
              (t3) =>
                // VXLAN: only the I flag is checked.
                t3.if(b0.bit(3), (t4) => {
                  t4.set(vniOk, 1);
                  t4.set(ncur, cur.add(8));
                  t4.set(nxEth, 1);
                  t4.set(nrun, 1);
                }),
              (t3) =>
                // GENEVE: Ver 0 and O clear; then the options must fit.
                t3.if(b0.slice(7, 6).eq(0).and(h.byteBE(1).bit(7).not()), (t4) => {
                  t4.set(vniOk, 1);
                  check(x, t4, cur.add(glen), (t5) => {
                    t5.set(ncur, cur.add(glen));
                    tunnelNext(t5, pt, ipv6, { eth: nxEth, v4: nx4, v6: nx6, run: nrun });
                  });
                }),
            ),
          );
        });
      });
    },
    { drop: ['x'] },
  );
}
