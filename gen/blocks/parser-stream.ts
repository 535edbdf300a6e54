// SPDX-License-Identifier: MIT
// The streaming front end of the parser (`parser: 'stream'`): the layer bytes each decide
// stage reads are picked off the AXI4-Stream beats as they go by, so no header window is
// stored or carried. It is the area-saving alternative to the window extractions of
// gen/blocks/parser.ts, built for IPv4-only builds (docs/PIPELINE.md, "Streaming parser").
//
// The beats pass a delay line of taps: tap k sees the beat accepted k cycles ago. Tap k
// extracts one layer at a cursor that tap k-1 registered while it saw the same beat, so a
// layer may start in the very beat that holds the field locating it (an EtherType right
// before its header, GRE flags right before the payload). Each tap keeps its layer's
// bytes until the frame's next beats overwrite them; the frame's decide stage k+1 reads
// tap k's registers in cycle T+k+1, the one cycle in which they hold exactly that frame.
//
// A cursor is right from the beat that holds its layer's first byte on and never changes
// afterwards (the bytes it is computed from are final), and a byte is taken when the
// beat index equals its offset's beat, so a layer the decide stage accepts (it ends
// inside min(length, max_header_bytes)) has exactly the frame's bytes. Bytes of layers it
// rejects (wrong type, cut short, beyond the window) are never read, whatever they hold.

import type { BuildConfig } from '../config.ts';
import { cat, type Expr, lit, mux } from '../ir/expr.ts';
import type { Module, Signal } from '../ir/module.ts';
import { clog2 } from '../meta-layout.ts';
import type { LayerOffsets, OffsetAnalysis } from './offsets.ts';

/** Bytes of the outer Ethernet header with up to two tags: decide stage 1 reads them. */
export const PREFIX_BYTES = 22;

export interface StreamFront {
  /** Frame bytes [0, 22) at tap 0, byte 0 in the MSBs (the decide stage-1 "window"). */
  prefix: Signal;
  /** The layer's bytes at its cursor, byte 0 in the MSBs, by layer name. */
  layer(l: LayerOffsets): Signal;
  /**
   * Pass-through fields taken at tap 6, holding the frame in the cycle its parser outputs
   * do: raw bytes at the cursors the decide stages accept, garbage where they reject the
   * layer (RSS select and VMQ read each only under the flag that says it is valid, and
   * zero the VSID and FlowID of records that are not NVGRE).
   */
  late: Record<LateField, Signal>;
}

export type LateField = 'mac' | 'o_addr' | 'o_ports' | 'vsid' | 'flowid' | 'inner_mac' | 'i_addr' | 'i_ports';

interface Tap {
  k: number;
  valid: Expr;
  data: Expr;
  /** Beat index within the frame, saturating at the first beat past the window. */
  index: Expr;
}

/**
 * Taps 0..5 feed the decide stages (Ethernet and five layers); tap 6 takes the wide
 * fields that only pass through (MACs, addresses, ports) straight into the parser's
 * output registers, so they are not carried through the decide stages.
 */
export const STREAM_TAPS = 7;

export function streamFront(m: Module, c: BuildConfig, an: OffsetAnalysis, beatValid: Signal, beatData: Signal): StreamFront {
  if (c.ipv6) throw new Error("parser 'stream' is built for IPv4-only builds (ipv6: false)");
  const W = c.dataWidth / 8;
  const lw = Math.log2(W);
  const CW = 12;
  const S = Math.ceil(c.maxHeaderBytes / W);
  const ib = clog2(S + 1);

  // Tap 0 is the beat being accepted; its index counts beats since the last tlast.
  const last = m.input('in_beat_last', 1);
  const idx0 = m.reg('tap0_index', ib, 0, 'beat index of the beat being accepted (saturates past the window)');
  m.sync((b) =>
    b.if(beatValid, (t) =>
      t.if(last, (t1) => t1.set(idx0, 0), (t1) => t1.if(idx0.ne(S), (t2) => t2.set(idx0, idx0.add(1)))),
    ),
    'beat index of tap 0');
  const taps: Tap[] = [{ k: 0, valid: beatValid, data: beatData, index: idx0 }];
  for (let k = 1; k < STREAM_TAPS; k++) {
    const prev = taps[k - 1]!;
    const v = m.reg(`tap${k}_valid`, 1, 0, `a beat was accepted ${k} cycles ago`);
    const d = m.reg(`tap${k}_data`, c.dataWidth, undefined);
    const i = m.reg(`tap${k}_index`, ib, undefined);
    m.sync((b) => {
      b.set(v, prev.valid);
      b.set(d, prev.data);
      b.set(i, prev.index);
    }, `tap ${k}: the beat of ${k} cycles ago`);
    taps.push({ k, valid: v, data: d, index: i });
  }
  const lane = (t: Tap, l: number): Expr => t.data.slice(8 * l + 7, 8 * l);

  /**
   * A layer's `n` bytes at `cursor`, taken from tap `t`'s beats; returns the register and
   * its next value (what the register holds after this cycle's beat).
   */
  const extract = (name: string, t: Tap, cursor: Expr | undefined, offsets: number[], n: number, rel = 0): { reg: Signal; next: Expr } => {
    const reg = m.reg(name, 8 * n, undefined, `layer bytes taken at tap ${t.k}, byte 0 in the MSBs`);
    const byteOf = (i: number): Expr => reg.byteBE(i);
    const nexts: Expr[] = [];
    if (cursor === undefined) {
      // Fixed offsets from byte 0.
      for (let i = 0; i < n; i++) {
        const a = rel + i;
        nexts.push(mux(t.valid.and(t.index.eq(a >> lw)), lane(t, a & (W - 1)), byteOf(i)));
      }
    } else {
      const lanes = [...new Set(offsets.map((o) => o & (W - 1)))].sort((a, b) => a - b);
      const baseAll = cursor.slice(CW - 1, lw);
      // base beyond the window: the layer cannot be accepted, take nothing.
      const hiZero = baseAll.width > ib + 1 ? baseAll.slice(baseAll.width - 1, ib + 1).eq(0) : lit(1, 1);
      const delta = m.wire(`${name}_beat`, t.index.zext(ib + 1).sub(baseAll.slice(ib, 0)), 'beat index minus the cursor beat');
      const take = m.wire(`${name}_take`, t.valid.and(hiZero), 'this tap has a beat of the frame that can hold the layer');
      const off = cursor.slice(lw - 1, 0);
      for (let i = 0; i < n; i++) {
        let e: Expr = byteOf(i);
        for (const l of lanes) {
          const a = l + rel + i;
          const here = delta.eq(a >> lw).and(lanes.length > 1 ? off.eq(l) : lit(1, 1));
          e = mux(take.and(here), lane(t, a & (W - 1)), e);
        }
        nexts.push(e);
      }
    }
    const next = m.wire(`${name}_next`, cat(...nexts));
    m.sync((b) => b.set(reg, next), `${name}: bytes at tap ${t.k}`);
    return { reg, next };
  };
  // A layer that cannot end inside the window: its decide stage rejects every cursor.
  const none = (name: string, n: number): { reg: Signal; next: Expr } => ({ reg: m.wire(name, lit(0, 8 * n), 'no reachable offset in this window'), next: lit(0, 8 * n) });
  const u16 = (h: Expr, i: number): Expr => cat(h.byteBE(i), h.byteBE(i + 1));
  const ihl4 = (h: Expr): Expr => cat(lit(0, CW - 6), h.byteBE(0).slice(3, 0), lit(0, 2));
  const cursorReg = (name: string, e: Expr, why: string): Signal => {
    const r = m.reg(name, CW, undefined, why);
    m.sync((b) => b.set(r, e), why);
    return r;
  };
  /** `n` bytes at `rel` past a layer's cursor, or constant zeros where the layer cannot be reached. */
  const bytesAt = (name: string, lay: LayerOffsets, t: Tap, cur: Expr, rel: number, n: number): { reg: Signal; next: Expr } =>
    lay.offsets.length ? extract(name, t, cur, lay.offsets, n, rel) : none(name, n);
  const layerAt = (lay: LayerOffsets, t: Tap, cur: Signal): { reg: Signal; next: Expr } => bytesAt(`${lay.name}_bytes`, lay, t, cur, 0, lay.bytes);

  // Tap 0: the outer Ethernet header; the outer L3 cursor follows its tags.
  const pre = extract('eth_bytes', taps[0]!, undefined, [], PREFIX_BYTES);
  const tpid = (e: Expr): Expr => e.eq(0x8100).or(e.eq(0x88a8));
  const l3Cur = cursorReg('outer_l3_cur', mux(tpid(u16(pre.next, 12)), mux(tpid(u16(pre.next, 16)), lit(22, CW), lit(18, CW)), lit(14, CW)),
    'outer L3 cursor from the tags seen so far');
  // Tap 1: outer IPv4 header; L4/GRE follows its IHL.
  const l3 = layerAt(an.outerL3, taps[1]!, l3Cur);
  const l4Cur = cursorReg('l4_cur', l3Cur.add(ihl4(l3.next)), 'L4/GRE cursor: outer L3 cursor + IHL * 4');
  // Tap 2: TCP/UDP ports or the GRE header; the payload follows the GRE flags.
  const l4 = layerAt(an.l4, taps[2]!, l4Cur);
  const f = l4.next.byteBE(0);
  const greWords = f.bit(7).zext(3).add(f.bit(5).zext(3)).add(f.bit(4).zext(3)).add(1);
  const ethCur = cursorReg('inner_eth_cur', l4Cur.add(cat(lit(0, CW - 5), greWords, lit(0, 2))), 'GRE payload cursor: L4 cursor + GRE header length');
  // Tap 3: inner Ethernet; inner L3 follows its tag, or sits at the payload for GRE-in-IPv4.
  const ieth = layerAt(an.innerEth, taps[3]!, ethCur);
  const teb = u16(l4.reg, 2).eq(0x6558);
  const il3Cur = cursorReg('inner_l3_cur',
    mux(teb, ethCur.add(mux(u16(ieth.next, 12).eq(0x8100), lit(18, CW), lit(14, CW))), ethCur),
    'inner L3 cursor: after the inner Ethernet header (transparent Ethernet bridging) or at the GRE payload');
  // Tap 4: inner IPv4 header; inner L4 follows its IHL.
  const il3 = layerAt(an.innerL3, taps[4]!, il3Cur);
  const il4Cur = cursorReg('inner_l4_cur', il3Cur.add(ihl4(il3.next)), 'inner L4 cursor: inner L3 cursor + IHL * 4');
  // Tap 5: inner TCP/UDP ports.
  const il4 = layerAt(an.innerL4, taps[5]!, il4Cur);

  // Tap 6: each cursor delayed to the beat tap 6 sees (a cursor registered by tap k is
  // read by tap k+1, so tap 6 needs it 5-k cycles later). Only the bits that can address
  // a byte inside the window are kept: a layer beyond it is rejected anyway.
  const cb = Math.min(CW, lw + ib + 1);
  const aligned = (name: string, cur: Signal, k: number): Expr => m.delay(`${name}_t6`, cur.trunc(cb), 5 - k).zext(CW);
  const t6 = taps[6]!;
  const lateAt = (name: string, lay: LayerOffsets, cur: Expr, rel: number, n: number): Signal => bytesAt(name, lay, t6, cur, rel, n).reg;
  const l4At6 = aligned('l4_cur', l4Cur, 1);
  const late: Record<LateField, Signal> = {
    mac: extract('late_mac', t6, undefined, [], 6).reg,
    o_addr: lateAt('late_o_addr', an.outerL3, aligned('outer_l3_cur', l3Cur, 0), 12, 8),
    o_ports: lateAt('late_o_ports', an.l4, l4At6, 0, 4),
    vsid: lateAt('late_vsid', an.l4, l4At6, 4, 3),
    flowid: lateAt('late_flowid', an.l4, l4At6, 7, 1),
    inner_mac: lateAt('late_inner_mac', an.innerEth, aligned('inner_eth_cur', ethCur, 2), 0, 6),
    i_addr: lateAt('late_i_addr', an.innerL3, aligned('inner_l3_cur', il3Cur, 3), 12, 8),
    i_ports: lateAt('late_i_ports', an.innerL4, aligned('inner_l4_cur', il4Cur, 4), 0, 4),
  };

  const byName = new Map<string, Signal>([
    [an.outerL3.name, l3.reg],
    [an.l4.name, l4.reg],
    [an.innerEth.name, ieth.reg],
    [an.innerL3.name, il3.reg],
    [an.innerL4.name, il4.reg],
  ]);
  return {
    prefix: pre.reg,
    late,
    layer: (l) => {
      const e = byName.get(l.name);
      if (!e) throw new Error(`streaming parser: no tap for layer ${l.name}`);
      return e;
    },
  };
}
