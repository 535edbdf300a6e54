// SPDX-License-Identifier: MIT
// nvgre_rx_vmq: the VMQ filter table of docs/CONTRACT.md section 4, compared with
// `banks` comparators time-shared over `steps` cycles (gen/blocks/filter-regs.ts):
// ceil(filters / K) comparators where a frame of minFrameBytes takes K beats (K capped at
// 8), every filter at once where K = 1.
//
// The table is the CSR block's (one copy, updated frame-atomically there). In the
// in_valid cycle t0 the key is taken and step 0 starts: in cycle t0+s the block puts s
// on flt_addr and registers bank c's entry s from the flt_* buses (filter s*banks + c).
// Cycle t0+s+1 compares the registered entries with the key; t0+s+2 accumulates: the
// first step with a match wins, and in it the lowest bank, which is the lowest filter
// index. out_* in cycle t0+steps+2 (latency steps + 2; 3 where steps is 1), held until
// the next lookup's first accumulation. in_valid comes at most once every `steps` cycles.
//
// Where steps is 1 the flt_* buses are the CSR block's registers themselves, so stage A
// would only copy them (a flip-flop per table bit, 1,500 at 16 filters): cycle t0+1
// compares the buses with the key directly, and the table is read one cycle later
// (readDelay 1), which the CSR block's filter-apply distance follows (gen/top/timing.ts).

import { cat, Expr, lit, mux, orAll } from '../ir/expr.ts';
import { eqTriples } from './lut-shapes.ts';
import { Module, type Signal } from '../ir/module.ts';
import { filterFieldWidths, type FilterFields, type FilterSchedule, filterSchedule } from './filter-regs.ts';
import type { BuildConfig } from '../config.ts';
import { clog2 } from '../meta-layout.ts';

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

export interface VmqBlock {
  module: Module;
  /** Cycles from in_valid to out_valid. */
  latency: number;
  /** Cycles from in_valid to the cycle the table is read for step 0 (1 where the buses are compared directly). */
  readDelay: number;
  schedule: FilterSchedule;
}

export function vmqModule(cfg: BuildConfig): VmqBlock {
  const nf = cfg.vmqFilters;
  const q = cfg.queueBits;
  const fb = clog2(nf);
  const sched = filterSchedule(cfg);
  const { banks, steps } = sched;
  const aw = clog2(steps);
  const m = new Module('nvgre_rx_vmq', [
    'NVGRE receive classifier: VMQ filter table.',
    '',
    `${nf} filters {valid, MAC, VLAN condition, VSID condition, queue}, ${banks} compared per cycle over ${steps} cycle${steps > 1 ? 's' : ''}:`,
    steps > 1
      ? `in the s-th cycle from in_valid flt_addr is s and the flt_* buses (bank c at bits w*c) hold filters ${banks}*s + c.`
      : 'the flt_* buses hold every filter (filter f at bits w*f), from the CSR block.',
    'A filter matches when it is valid, the MAC is equal and each enabled condition holds',
    '(a VLAN/VSID condition needs the key to have one). The lowest matching index wins.',
    `out_* ${steps + 2} cycles after in_valid; out_queue is the filter queue (0 on a miss: the top`,
    `substitutes the default). in_valid at most once every ${steps} cycles.`,
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

  // Step counter: 0 when idle and in the in_valid cycle, then 1 .. steps-1.
  const stepAddr = steps > 1 ? m.reg('step_reg', aw, 0, 'entry of every bank read in this cycle') : undefined;
  if (stepAddr) {
    const fltAddr = m.output('flt_addr', aw);
    m.assign(fltAddr, stepAddr);
    m.sync((b) => {
      b.if(inValid.or(stepAddr.ne(0)), (t) => t.set(stepAddr, mux(stepAddr.eq(steps - 1), lit(0, aw), stepAddr.add(1))));
    }, 'step through the banks');
  }
  const bus = filterFieldWidths(q).map(([field, port, w]) => {
    const p = m.input(`flt_${port}`, w * banks);
    return { field, w, parts: Array.from({ length: banks }, (_, c) => p.slice(w * c + w - 1, w * c)) };
  });
  // Stage A (cycle t0+s): the entries of step s, registered (time-shared builds only);
  // the key, taken at in_valid.
  const direct = steps === 1;
  const ent = Array.from({ length: banks }, (_, c) => {
    const f = {} as FilterFields;
    for (const x of bus)
      f[x.field] = direct
        ? x.parts[c]!
        : m.reg(`entry_${c}_${x.field}`, x.w, undefined, c === 0 && x.field === 'valid' ? 'entries of this step, bank by bank' : undefined);
    return f;
  });
  if (!direct)
    m.sync((b) => {
      ent.forEach((f, c) => {
        for (const x of bus) b.set(f[x.field] as Signal, x.parts[c]!);
      });
    }, 'stage A: read one entry of every bank');
  // No reset on the key: in_valid loads it in the cycle a frame's steps begin, and no
  // step's result is taken before that (a reset value here could never be seen).
  const keyEn = m.reg('key_enable', 1, undefined);
  const keyMac = m.reg('key_mac', 48, undefined);
  const keyHasVlan = m.reg('key_has_vlan', 1, undefined);
  const keyVlan = m.reg('key_vlan', 12, undefined);
  const keyHasVsid = m.reg('key_has_vsid', 1, undefined);
  const keyVsid = m.reg('key_vsid', 24, undefined);
  m.sync((b) => {
    b.if(inValid, (t) => {
      t.set(keyEn, inEnable);
      t.set(keyMac, inMac);
      t.set(keyHasVlan, inHasVlan);
      t.set(keyVlan, inVlan);
      t.set(keyHasVsid, inHasVsid);
      t.set(keyVsid, inVsid);
    });
  }, 'the key, held for the steps');
  const aFirst = m.delay('first_a', inValid, 1, 0);
  const aLast = m.delay('last_a', stepAddr ? stepAddr.eq(steps - 1) : inValid, 1, 0);
  // Stage B (t0+s+1): compare.
  const hit = m.reg('match_reg', banks, 0, 'bank c entry matched the key');
  const qB = ent.map((_, c) => m.reg(`queue_b_${c}`, q, undefined));
  const terms = ent.map((x, c) =>
    keyEn
      .and(x.valid)
      .and(eqTriples(m, `eq_${c}_mac`, x.mac, keyMac))
      .and(x.matchVlan.not().or(keyHasVlan.and(eqTriples(m, `eq_${c}_vlan`, x.vlan, keyVlan))))
      .and(x.matchVsid.not().or(keyHasVsid.and(eqTriples(m, `eq_${c}_vsid`, x.vsid, keyVsid)))),
  );
  m.sync((b) => {
    b.set(hit, cat(...[...terms].reverse()));
    ent.forEach((x, c) => b.set(qB[c]!, x.queue));
  }, 'stage B: compare every bank');
  const bFirst = m.delay('first_b', aFirst, 1, 0);
  const bLast = m.delay('last_b', aLast, 1, 0);
  // The index of bank 0's filter in this step: 0, banks, 2*banks, ...
  // Stage C (t0+s+2): the first step with a hit wins, in it the lowest bank. idxB: the
  // filter index of bank 0 in the step being accumulated (0, banks, 2*banks, ...).
  let idxB: Expr = lit(0, fb);
  if (steps > 1) {
    const base = m.reg('base_c', fb, 0, 'filter index of bank 0 in the step after the first');
    m.sync((b) => b.set(base, mux(bFirst, lit(banks, fb), base.add(banks))), 'index of the next step');
    idxB = mux(bFirst, lit(0, fb), base);
  }
  const accHit = m.reg('acc_hit', 1, 0);
  const accIdx = m.reg('acc_index', fb, 0);
  const accQ = m.reg('acc_queue', q, 0);
  const first = Array.from({ length: banks }, (_, c) => (c === 0 ? hit.bit(0) : hit.bit(c).and(orAll(Array.from({ length: c }, (_, j) => hit.bit(j))).not())));
  const sel = (vals: Expr[]): Expr => orTree(vals.map((v, c) => andMask(first[c]!, v)));
  const stepIdx = sel(Array.from({ length: banks }, (_, c) => lit(c, fb)));
  m.sync((b) => {
    // A miss leaves index and queue 0: they change only on the first step or the first hit.
    b.if(bFirst.or(accHit.not().and(hit.any())), (t) => {
      t.set(accHit, hit.any());
      t.set(accIdx, idxB.add(stepIdx));
      t.set(accQ, sel(qB));
    });
  }, 'stage C: lowest index wins (earliest step, then lowest bank)');
  const v = m.delay('valid_c', bLast, 1, 0);
  m.assign(outValid, v);
  m.assign(outHit, accHit);
  m.assign(outFilter, accIdx);
  m.assign(outQueue, accQ);
  return { module: m, latency: steps + 2, readDelay: direct ? 1 : 0, schedule: sched };
}
