// SPDX-License-Identifier: MIT
// The streaming front end of the parser (`parser: 'stream'`): the layer bytes each decide
// stage reads are picked off the AXI4-Stream beats as they go by, so no header window is
// stored or carried. It replaces the window extractions of gen/blocks/parser.ts
// (docs/PIPELINE.md, "Streaming parser").
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
// beat holds it, so a layer the decide stage accepts (it ends inside
// min(length, max_header_bytes)) has exactly the frame's bytes. Cursors are kept relative
// to the beat their tap sees, so "this beat holds byte i, at lane l" is a compare of the
// cursor with constants, and each field selects only from the lanes its layer can start at
// (gen/blocks/lane-select.ts: one-hot AND-OR trees for few lanes, a staged rotation by the
// cursor's lane bits for many): the path from a cursor through a layer's bytes to the
// next cursor stays within 8 LUT6 levels at every beat width. Bytes of layers it
// rejects (wrong type, cut short, beyond the window) are never read, whatever they hold.
// The cursors only steer the taps: the decide stages keep their own, so a tap cursor may
// run wild (past the window, wrapped) once the decide stage has stopped the parse.
//
// The parse graph is the list `steps` below, one entry per layer: which bytes its decide
// stage reads and what the next tap needs (cursor and a few bits of state). Adding a
// layer is one entry there, one in gen/blocks/offsets.ts and one decide stage.

import type { BuildConfig } from '../config.ts';
import { ETHERTYPE, GRE_FLAG, IPPROTO, IP_VERSION } from '../../ref/constants.ts';
import { cat, type Expr, lit, mux, named } from '../ir/expr.ts';
import type { Module, Signal } from '../ir/module.ts';
import { clog2 } from '../meta-layout.ts';
import { laneExtract, type LaneField } from './lane-select.ts';
import { addrBytes } from './parser-fields.ts';
import type { LayerOffsets, OffsetAnalysis } from './offsets.ts';
import { frameTable, tunnelTapStep, udpAfterExt, udpAfterL3 } from './parser-udp-tunnel.ts';

/** Bytes of the outer Ethernet header with up to two tags: decide stage 1 reads them. */
export const PREFIX_BYTES = 22;
/** Of those, the tags and EtherTypes (the MAC is a pass-through field). */
const PREFIX_FROM = 12;

export interface StreamFront {
  /** Frame bytes [0, 22) at tap 0, byte 0 in the MSBs (bytes before 12 read as zero). */
  prefix: Signal;
  /** The layer's bytes at its cursor, byte 0 in the MSBs, the bytes no decide stage reads as zero. */
  layer(l: LayerOffsets): Signal;
  /**
   * Pass-through fields taken at the last tap, holding the frame in the cycle its parser
   * outputs do: raw bytes at the cursors the decide stages accept, garbage where they
   * reject the layer (RSS select and VMQ read each only under the flag that says it is
   * valid, and zero the VSID and FlowID of records that are not NVGRE). An IPv4 address
   * pair in an IPv6 build is the pair's 8 bytes followed by garbage (RSS select reads the
   * top 8 bytes only).
   */
  late: Record<LateField, Signal>;
  /**
   * Builds with a tunnel port table: whether the outer UDP destination port is a VXLAN /
   * GENEVE entry's, held with the UDP tunnel layer's bytes (in the cycle its decide stage
   * reads them). The table is the one in force when the frame's first beat was accepted
   * (gen/blocks/parser-udp-tunnel.ts).
   */
  tunnel?: { vxlan: Signal; geneve: Signal };
}

export type LateField = 'mac' | 'o_addr' | 'o_ports' | 'vsid' | 'flowid' | 'inner_mac' | 'i_addr' | 'i_ports' | 'vni';

interface Tap {
  k: number;
  valid: Expr;
  data: Expr;
}

/** What a tap registers for the next one: the next layer's cursor and a few state bits. */
export type State = { cur: Expr } & Record<string, Expr>;

/** A pass-through field read at `rel` past a cursor that can hold `offsets`. */
export interface LateSpec {
  field: LateField;
  cursor: Signal;
  /** The tap that reads `cursor` in the cycle it holds that beat's value. */
  alignedTo: number;
  offsets: number[];
  rel: number;
  n: number;
}

/** One layer of the parse graph, read at the tap after the one that registered its cursor. */
export interface Step {
  lay: LayerOffsets;
  /** Bytes [lo, hi) of the layer its decide stage reads. */
  lo: number;
  hi: number;
  /** The state the next tap reads, from this layer's bytes (this beat's included) and its own state. */
  advance?(h: Expr, s: Record<string, Signal>): State;
  /** Pass-through fields located by this layer's cursor (`cur`) or by cursors `advance` registers. */
  late?(cur: Signal, out: Record<string, Signal>, tap: number): LateSpec[];
}

export function streamFront(m: Module, c: BuildConfig, an: OffsetAnalysis, beatValid: Signal, beatData: Signal, tunTable?: Signal): StreamFront {
  const W = c.dataWidth / 8;
  const lw = Math.log2(W);
  const S = Math.ceil(c.maxHeaderBytes / W);
  const ib = clog2(S + 1);
  // Cursors are relative to the beat their tap sees (byte offset minus beat index x W)
  // and kept modulo 2^CW: enough for the cursor of an accepted layer to differ from every
  // lane constant it is compared with (|cursor| < S x W + W); a rejected layer's may wrap.
  const CW = lw + ib + 1;
  const v6 = c.ipv6;

  const u16 = (h: Expr, i: number): Expr => cat(h.byteBE(i), h.byteBE(i + 1));
  const ihl4 = (h: Expr): Expr => cat(lit(0, CW - 6), h.byteBE(0).slice(3, 0), lit(0, 2));
  const tpid = (e: Expr): Expr => e.eq(named(ETHERTYPE, 'VLAN')).or(e.eq(named(ETHERTYPE, 'QINQ')));
  // Extension headers the chain walks on through (a Fragment header, 44, ends the parse).
  const walks = (e: Expr): Expr =>
    e
      .eq(named(IPPROTO, 'HOPOPTS'))
      .or(e.eq(named(IPPROTO, 'ROUTING')))
      .or(e.eq(named(IPPROTO, 'DSTOPTS')));
  const isV6 = (h: Expr): Expr => h.byteBE(0).slice(7, 4).eq(named(IP_VERSION, 'V6'));
  /** Past an IP header: IPv6 is 40 bytes, IPv4 IHL x 4 (the decide stage checked the version). */
  const ipEnd = (h: Expr, cur: Expr): Expr => (v6 ? cur.add(mux(isV6(h), lit(40, CW), ihl4(h))) : cur.add(ihl4(h)));
  /** The address pair: IPv6 at +8, IPv4 at +12. */
  const addrCur = (h: Expr, cur: Expr): Expr => (v6 ? cur.add(mux(isV6(h), lit(8, CW), lit(12, CW))) : cur.add(12));
  const addrOffsets = (offs: number[]): number[] => [...new Set(offs.flatMap((o) => (v6 ? [o + 8, o + 12] : [o + 12])))].sort((a, b) => a - b);
  const ab = addrBytes(c);
  // UDP tunnels: a `udp` state bit follows the outer protocol through the chain, and the
  // L4 tap registers the tunnel header's cursor as well as GRE's payload cursor.
  const tun = an.udpTun !== undefined && tunTable !== undefined;

  // Filled below: the tunnel table as the UDP tunnel tap sees it, and the hits it registers.
  const tunnelTable: { sig?: Signal } = {};
  const tunnelHits: { vxlan?: Signal; geneve?: Signal; table: () => Signal } = { table: () => tunnelTable.sig! };
  // The parse graph after the outer Ethernet header, in decide-stage order.
  const steps: Step[] = [
    {
      lay: an.outerL3,
      lo: 0,
      hi: 10,
      advance: (h, s) => ({
        cur: ipEnd(h, s.cur!),
        o_addr_cur: addrCur(h, s.cur!),
        ...(v6 ? { walk: isV6(h).and(walks(h.byteBE(6))) } : {}),
        ...(tun ? { udp: udpAfterL3(h, v6) } : {}),
      }),
      late: (_cur, out, k) => [{ field: 'o_addr', cursor: out.o_addr_cur!, alignedTo: k + 1, offsets: addrOffsets(an.outerL3.offsets), rel: 0, n: ab }],
    },
    ...an.ipv6Ext.map((lay): Step => ({
      lay,
      lo: 0,
      hi: 2,
      advance: (h, s) => ({
        // + (length + 1) x 8, modulo 2^CW.
        cur: mux(s.walk!, s.cur!.add(8).add(CW >= 11 ? cat(h.byteBE(1), lit(0, 3)).zext(CW) : cat(h.byteBE(1).slice(CW - 4, 0), lit(0, 3))), s.cur!),
        walk: s.walk!.and(walks(h.byteBE(0))),
        ...(tun ? { udp: udpAfterExt(h, s) } : {}),
      }),
    })),
    {
      lay: an.l4,
      lo: 0,
      hi: 4,
      advance: (h, s): State => {
        const f = h.byteBE(0);
        const flag = (k: keyof typeof GRE_FLAG.values): Expr => f.and(named(GRE_FLAG, k)).any().zext(3);
        const words = flag('C').add(flag('K')).add(flag('S')).add(1);
        const gre = s.cur!.add(cat(lit(0, CW - 5), words, lit(0, 2)));
        const teb = u16(h, 2).eq(named(ETHERTYPE, 'TEB'));
        // With tunnels the next tap reads the VXLAN/GENEVE header after the 8-byte UDP header.
        if (tun) return { cur: s.cur!.add(8), gre_cur: gre, teb, udp: s.udp! };
        return { cur: gre, teb };
      },
      late: (cur, _out, k) => [
        { field: 'o_ports', cursor: cur, alignedTo: k, offsets: an.l4.offsets, rel: 0, n: 4 },
        { field: 'vsid', cursor: cur, alignedTo: k, offsets: an.l4.offsets, rel: 4, n: 3 },
        { field: 'flowid', cursor: cur, alignedTo: k, offsets: an.l4.offsets, rel: 7, n: 1 },
      ],
    },
    ...(tun ? [tunnelTapStep(m, c, an.udpTun!, CW, () => byName.get(an.l4.name)!, tunnelHits)] : []),
    {
      // Inner Ethernet after transparent Ethernet bridging; IP in GRE has its L3 right here.
      lay: an.innerEth,
      lo: 12,
      hi: 18,
      advance: (h, s) => ({ cur: mux(s.teb!, s.cur!.add(mux(u16(h, 12).eq(named(ETHERTYPE, 'VLAN')), lit(18, CW), lit(14, CW))), s.cur!) }),
      late: (cur, _out, k) => [{ field: 'inner_mac', cursor: cur, alignedTo: k, offsets: an.innerEth.offsets, rel: 0, n: 6 }],
    },
    {
      lay: an.innerL3,
      lo: 0,
      hi: 10,
      advance: (h, s) => ({ cur: ipEnd(h, s.cur!), i_addr_cur: addrCur(h, s.cur!) }),
      late: (_cur, out, k) => [{ field: 'i_addr', cursor: out.i_addr_cur!, alignedTo: k + 1, offsets: addrOffsets(an.innerL3.offsets), rel: 0, n: ab }],
    },
    {
      // The inner L4 decide stage reads no bytes: only its ports pass through.
      lay: an.innerL4,
      lo: 0,
      hi: 0,
      late: (cur, _out, k) => [{ field: 'i_ports', cursor: cur, alignedTo: k, offsets: an.innerL4.offsets, rel: 0, n: 4 }],
    },
  ];
  // Tap 0 reads the Ethernet header, tap k the k-th layer; the last tap the pass-through fields.
  const L = steps.length + 1;

  // Tap 0 is the beat being accepted; its index counts beats since the last tlast.
  const last = m.input('in_beat_last', 1);
  const idx0 = m.reg('tap0_index', ib, 0, 'beat index of the beat being accepted (saturates past the window)');
  if (tun) {
    // The table the UDP tunnel tap compares with: the one in force at the frame's first beat.
    const k = steps.findIndex((st) => st.lay === an.udpTun) + 1;
    tunnelTable.sig = frameTable(m, tunTable!, beatValid.and(idx0.eq(0)), k);
  }
  m.sync(
    (b) =>
      b.if(beatValid, (t) =>
        t.if(
          last,
          (t1) => t1.set(idx0, 0),
          (t1) => t1.if(idx0.ne(S), (t2) => t2.set(idx0, idx0.add(1))),
        ),
      ),
    'beat index of tap 0',
  );
  const taps: Tap[] = [{ k: 0, valid: beatValid, data: beatData }];
  for (let k = 1; k <= L; k++) {
    const prev = taps[k - 1]!;
    const v = m.reg(`tap${k}_valid`, 1, 0, `a beat was accepted ${k} cycles ago`);
    const d = m.reg(`tap${k}_data`, c.dataWidth, undefined);
    m.sync((b) => {
      b.set(v, prev.valid);
      b.set(d, prev.data);
    }, `tap ${k}: the beat of ${k} cycles ago`);
    taps.push({ k, valid: v, data: d });
  }
  const lane = (t: Tap, l: number): Expr => t.data.slice(8 * l + 7, 8 * l);

  /**
   * `n` bytes at `rel` past `cursor` (a cursor relative to tap `t`'s beat), taken from the
   * beats tap `t` sees at the lanes `offsets` give (gen/blocks/lane-select.ts); returns the
   * register and its next value (what the register holds after this cycle's beat).
   */
  const extract = (name: string, t: Tap, cursor: Expr, offsets: number[], n: number, rel: number, early = false): LaneField => {
    if (offsets.length === 0) {
      // A layer that cannot end inside the window: its decide stage rejects every cursor.
      return { reg: m.wire(name, lit(0, 8 * n), 'no reachable offset in this window'), next: lit(0, 8 * n) };
    }
    return laneExtract(m, { W, CW }, name, t, cursor, offsets, n, rel, early);
  };
  /** The cursor of a fixed offset, relative to the beat tap 0 sees. */
  const fixedCur = (o: number): Expr => lit(o, CW).sub(cat(idx0, lit(0, lw)).resize(CW));
  /** Bytes [lo, hi) of a layer of `n` bytes in place, the others zero. */
  const view = (e: Expr, lo: number, hi: number, n: number): Expr =>
    cat(...[lo > 0 ? lit(0, 8 * lo) : undefined, hi > lo ? e : undefined, n > hi ? lit(0, 8 * (n - hi)) : undefined].filter((x): x is Expr => x !== undefined));
  const register = (state: State, prefix: string, why: string): Record<string, Signal> => {
    const out: Record<string, Signal> = {};
    for (const [key, e] of Object.entries(state)) {
      // Cursors of pass-through fields are named by their field, the rest by the tap that reads them.
      const name = key !== 'cur' && key.endsWith('_cur') ? key : `${prefix}_${key}`;
      const r = m.reg(name, e.width, undefined, why);
      m.sync((b) => b.set(r, e), `${name}: ${why}`);
      out[key] = r;
    }
    return out;
  };

  // Tap 0: the outer Ethernet header's tags and types; the outer L3 cursor follows the tags.
  const pre = extract(
    'eth_bytes',
    taps[0]!,
    m.wire('eth_cur', fixedCur(0), 'frame byte 0 relative to this beat'),
    [0],
    PREFIX_BYTES - PREFIX_FROM,
    PREFIX_FROM,
    true,
  );
  const preNext = view(pre.next, PREFIX_FROM, PREFIX_BYTES, PREFIX_BYTES);
  let state = register(
    { cur: fixedCur(0).add(mux(tpid(u16(preNext, 12)), mux(tpid(u16(preNext, 16)), lit(22, CW), lit(18, CW)), lit(14, CW))) },
    an.outerL3.name,
    'cursor and state from tap 0, for tap 1',
  );
  const byName = new Map<string, Signal>();
  const lates: LateSpec[] = [];
  steps.forEach((st, i) => {
    const k = i + 1;
    // The UDP tunnel header's advance is the deepest (the port table and the GENEVE option
    // length, then the inner Ethernet cursor): it reads its bytes a LUT level early. Every
    // other advance has that level to spare (make depth-matrix); early there, the 512-bit
    // parser measured 400 LUTs more.
    const early = st.lay === an.udpTun;
    const got = st.hi > st.lo ? extract(`${st.lay.name}_bytes`, taps[k]!, state.cur, st.lay.offsets, st.hi - st.lo, st.lo, early) : undefined;
    byName.set(
      st.lay.name,
      got
        ? m.wire(`${st.lay.name}_view`, view(got.reg, st.lo, st.hi, st.lay.bytes), 'the bytes its decide stage reads, in place')
        : m.wire(`${st.lay.name}_view`, lit(0, 8 * st.lay.bytes), 'its decide stage reads no bytes'),
    );
    const nextName = steps[i + 1]?.lay.name ?? 'last';
    const adv = st.advance && got ? st.advance(view(got.next, st.lo, st.hi, st.lay.bytes), state) : undefined;
    got?.finish?.(Object.values(adv ?? {}));
    const out = adv ? register(adv, nextName, `cursor and state from tap ${k}, for tap ${k + 1}`) : {};
    if (st.late) lates.push(...st.late(state.cur!, out, k));
    if (st.lay === an.udpTun) {
      tunnelHits.vxlan = out.tun_vx;
      tunnelHits.geneve = out.tun_gn;
    }
    state = out;
  });

  // The last tap: each cursor delayed by as many cycles as its beat takes to get there.
  const tl = taps[L]!;
  // The destination MAC is in a frame's first beat: a flag travels with the beats for it.
  const first = m.delay('first_beat', idx0.eq(0), L);
  const mac = m.reg('late_mac', 48, undefined, 'destination MAC taken at the last tap');
  const macBytes = cat(...Array.from({ length: 6 }, (_, i) => lane(tl, i)));
  m.sync((b) => b.if(tl.valid.and(first), (t) => t.set(mac, macBytes)), 'late_mac: bytes 0-5 of a first beat');
  const late = { mac } as Record<LateField, Signal>;
  // Fields at one cursor (the GRE ports, key and FlowID) share one extraction.
  const groups: LateSpec[][] = [];
  for (const s of lates) {
    const g = groups.find((x) => x[0]!.cursor === s.cursor && x[0]!.alignedTo === s.alignedTo && x[0]!.offsets === s.offsets);
    if (g) g.push(s);
    else groups.push([s]);
  }
  for (const g of groups) {
    const lo = Math.min(...g.map((s) => s.rel));
    const hi = Math.max(...g.map((s) => s.rel + s.n));
    const name = `late_${g.map((s) => s.field).join('_')}`;
    const reg = extract(name, tl, m.delay(`${name}_cur`, g[0]!.cursor, L - g[0]!.alignedTo), g[0]!.offsets, hi - lo, lo).reg;
    for (const s of g) {
      const top = 8 * (hi - s.rel) - 1;
      late[s.field] = g.length === 1 ? reg : m.wire(`late_${s.field}`, reg.slice(top, top - 8 * s.n + 1));
    }
  }

  return {
    ...(tunnelHits.vxlan && tunnelHits.geneve ? { tunnel: { vxlan: tunnelHits.vxlan, geneve: tunnelHits.geneve } } : {}),
    prefix: m.wire('eth_view', view(pre.reg, PREFIX_FROM, PREFIX_BYTES, PREFIX_BYTES), 'tags and types in place'),
    late,
    layer: (l) => {
      const e = byName.get(l.name);
      if (!e) throw new Error(`streaming parser: no tap for layer ${l.name}`);
      return e;
    },
  };
}
