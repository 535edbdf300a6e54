// SPDX-License-Identifier: MIT
// nvgre_rx_vmq: the VMQ filter table of docs/CONTRACT.md section 4, compared in parallel.
//
// Stage 1 (in_valid cycle): every filter is compared with the key (valid, MAC, and each
// enabled condition), giving a match vector; the filters' queues are snapshotted with it
// so a table write during the lookup cannot mix old matches with new queues. Stage 2:
// a priority encoder per group of GROUP filters (lowest index wins) gives the group's
// hit, index and queue. Stage 3: the same over the groups. Latency 3.
// The filters come in as buses (flt_*, filter f at bits w*f and up) from the CSR block,
// which holds the one copy of the table and updates it at frame boundaries.

import { cat, Expr, lit, orAll } from '../ir/expr.ts';
import { Module } from '../ir/module.ts';
import type { BuildConfig } from '../config.ts';
import { clog2 } from '../meta-layout.ts';

const GROUP = 8;

/** Priority encoder over `hits` (index 0 first): registers hit, index and queue. */
function priority(m: Module, name: string, hits: Expr[], idx: Expr[], queues: Expr[], idxWidth: number): { hit: Expr; index: Expr; queue: Expr } {
  const q = queues[0]!.width;
  const hitReg = m.reg(`${name}_hit`, 1, 0);
  const idxReg = m.reg(`${name}_index`, idxWidth, 0);
  const qReg = m.reg(`${name}_queue`, q, 0);
  // One-hot "first hit" terms, then AND-OR: balanced trees rather than a mux chain.
  const first = hits.map((h, i) => (i === 0 ? h : h.and(orAll(hits.slice(0, i)).not())));
  const sel = (vals: Expr[]): Expr => orTree(vals.map((v, i) => andMask(first[i]!, v)));
  m.sync((b) => {
    b.set(hitReg, orAll(hits));
    b.set(idxReg, sel(idx));
    b.set(qReg, sel(queues));
  }, `${name}: lowest index wins`);
  return { hit: hitReg, index: idxReg, queue: qReg };
}

function andMask(bit: Expr, v: Expr): Expr {
  return v.width === 1 ? bit.and(v) : cat(...Array.from({ length: v.width }, () => bit)).and(v);
}

function orTree(xs: Expr[]): Expr {
  let level = xs;
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i]!.or(level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

export function vmqModule(cfg: BuildConfig): { module: Module; latency: number } {
  const nf = cfg.vmqFilters;
  const q = cfg.queueBits;
  const fb = clog2(nf);
  const m = new Module('nvgre_rx_vmq', [
    'NVGRE receive classifier: VMQ filter table.',
    '',
    `${nf} filters {valid, MAC, VLAN condition, VSID condition, queue} on the flt_* buses`,
    '(filter f in bits w*f and up, from the CSR block). A filter matches when',
    'it is valid, the MAC is equal and each enabled condition holds (a VLAN/VSID condition',
    'needs the key to have one). The lowest matching index wins. out_* three cycles after',
    'in_valid; out_queue is the filter queue (0 on a miss: the top substitutes the default).',
  ]);
  m.param('QUEUE_WIDTH', q, 'width of a queue number');
  const inValid = m.input('in_valid', 1);
  const inEnable = m.input('in_enable', 1);
  const inMac = m.input('in_mac', 48);
  const inHasVlan = m.input('in_has_vlan', 1);
  const inVlan = m.input('in_vlan', 12);
  const inHasVsid = m.input('in_has_vsid', 1);
  const inVsid = m.input('in_vsid', 24);
  const outValid = m.output('out_valid', 1);
  const outHit = m.output('out_hit', 1);
  const outFilter = m.output('out_filter', fb);
  const outQueue = m.output('out_queue', q, { param: 'QUEUE_WIDTH' });

  // The filter table is the CSR block's (one copy, updated frame-atomically there); this
  // block only compares.
  const bus = (name: string, w: number): Expr[] => {
    const p = m.input(`flt_${name}`, w * nf);
    return Array.from({ length: nf }, (_, f) => p.slice(w * f + w - 1, w * f));
  };
  const valid = bus('valid', 1);
  const mac = bus('mac', 48);
  const matchVlan = bus('match_vlan', 1);
  const vlan = bus('vlan', 12);
  const matchVsid = bus('match_vsid', 1);
  const vsid = bus('vsid', 24);
  const queue = bus('queue', q);
  const flt = valid.map((v, f) => ({ valid: v, mac: mac[f]!, matchVlan: matchVlan[f]!, vlan: vlan[f]!, matchVsid: matchVsid[f]!, vsid: vsid[f]!, queue: queue[f]! }));

  // Stage 1: match vector and queue snapshot.
  const match = m.reg('match_reg', nf, 0, 'filter f matched the key');
  const qSnap = flt.map((_, f) => m.reg(`queue_s1_${f}`, q, 0));
  const terms = flt.map((x) =>
    inEnable
      .and(x.valid)
      .and(x.mac.eq(inMac))
      .and(x.matchVlan.not().or(inHasVlan.and(x.vlan.eq(inVlan))))
      .and(x.matchVsid.not().or(inHasVsid.and(x.vsid.eq(inVsid)))),
  );
  m.sync((b) => {
    b.set(match, cat(...[...terms].reverse()));
    flt.forEach((x, f) => b.set(qSnap[f]!, x.queue));
  }, 'stage 1: compare every filter');
  const v1 = m.delay('valid', inValid, 1, 0);

  // Stage 2: per group.
  const groups = Math.ceil(nf / GROUP);
  const gb = clog2(GROUP);
  const g2 = Array.from({ length: groups }, (_, g) => {
    const lo = g * GROUP;
    const n = Math.min(GROUP, nf - lo);
    const hits = Array.from({ length: n }, (_, i) => match.bit(lo + i));
    const idx = Array.from({ length: n }, (_, i) => lit(i, gb));
    return priority(m, `group_${g}`, hits, idx, qSnap.slice(lo, lo + n), gb);
  });
  const v2 = m.delay('valid_s2', v1, 1, 0);

  // Stage 3: over the groups.
  const gIdx = groups === 1 ? [] : g2.map((_, g) => lit(g, clog2(groups)));
  const fullIdx = g2.map((r, g) => {
    const e = groups === 1 ? r.index : cat(gIdx[g]!, r.index);
    return e.width >= fb ? (e.width === fb ? e : e.slice(fb - 1, 0)) : e.zext(fb);
  });
  const fin = priority(m, 'final', g2.map((r) => r.hit), fullIdx, g2.map((r) => r.queue), fb);
  const v3 = m.delay('valid_s3', v2, 1, 0);
  m.assign(outValid, v3);
  m.assign(outHit, fin.hit);
  m.assign(outFilter, fin.index);
  m.assign(outQueue, fin.queue);
  return { module: m, latency: 3 };
}
