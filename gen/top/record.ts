// SPDX-License-Identifier: MIT
// The metadata record (gen/meta-layout.ts): every result is delayed to the push cycle,
// where the record is packed; the fields RSS select passes on wait in a RAM delay line.

import { type Expr, lit, mux } from '../ir/expr.ts';
import { Layout } from '../ir/layout.ts';
import { Signal } from '../ir/module.ts';
import { rssSelectOutputs } from '../blocks/rss-select.ts';
import type { TopCtx } from './context.ts';
import type { Selected } from './rss-select.ts';
import type { VmqResult } from './vmq.ts';

/** The results at the push cycle, and the selected fields by name (wires declared as first read). */
export interface Aligned {
  valid: Expr;
  get: (name: string) => Signal;
  hash: Expr;
  rssQueue: Expr;
  vmqHit: Expr;
  vmqFilter: Expr;
  vmqQueue: Expr;
}

export interface PackedRecord extends Aligned {
  data: Signal;
}

export function recordStage(ctx: TopCtx, so: Selected, r: { hash: Signal; indQueue: Signal; vmq: VmqResult }): PackedRecord {
  const at = alignToPush(ctx, so, r);
  return { ...at, data: packRecord(ctx, at) };
}

function alignToPush(ctx: TopCtx, so: Selected, r: { hash: Signal; indQueue: Signal; vmq: VmqResult }): Aligned {
  const { m, timing } = ctx;
  const { tz, ind, vmq } = ctx.blocks;
  const selAt = timing.select;
  const push = timing.push;
  const passFields = rssSelectOutputs(ctx.c);
  const passLayout = new Layout(passFields);
  const passBus = passLayout.pack(Object.fromEntries(passFields.map((f) => [f.name, so[f.name]!])));
  const pass = m.delayMem('record', passBus, push - selAt);
  const valid = m.delay('record_valid', so.valid!, push - selAt, 0);
  const get = passLayout.view(m, pass, pass instanceof Signal ? pass.name : 'record');
  return {
    valid,
    get,
    hash: m.delay('hash', r.hash, push - (selAt + tz.latency)),
    rssQueue: m.delay('rss_queue', r.indQueue, push - (timing.indirectionRead + ind.latency)),
    vmqHit: m.delay('vmq_hit', r.vmq.hit, push - (selAt + vmq.latency)),
    vmqFilter: m.delay('vmq_filter', r.vmq.filter, push - (selAt + vmq.latency)),
    vmqQueue: m.delay('vmq_queue', r.vmq.queue, push - (selAt + vmq.latency)),
  };
}

/** Without a hash the hash reads 0 and the RSS queue is the default; without a VMQ hit, likewise. */
function packRecord(ctx: TopCtx, at: Aligned): Signal {
  const { get } = at;
  const { layout } = ctx;
  const hv = get('hash_valid');
  const values: Record<string, Expr> = {
    hash: mux(hv, at.hash, lit(0, 32)),
    hash_type: get('hash_type'),
    hash_valid: hv,
    hash_input: get('hash_input'),
    rss_queue: mux(hv, at.rssQueue, get('rss_default_queue')),
    vmq_queue: mux(at.vmqHit, at.vmqQueue, get('vmq_default_queue')),
    vmq_hit: at.vmqHit,
    vmq_filter: mux(at.vmqHit, at.vmqFilter, lit(0, ctx.fb)),
    encap: get('encap'),
    inner_parsed: get('inner_parsed'),
    vsid: get('vsid'),
    flowid: get('flowid'),
    outer_l3_offset: get('outer_l3_offset'),
    inner_l2_offset: get('inner_l2_offset'),
    inner_l3_offset: get('inner_l3_offset'),
    inner_l4_offset: get('inner_l4_offset'),
    length: get('length'),
    errors: get('errors'),
  };
  const recordLayout = new Layout(layout.fields, layout.width);
  for (const f of layout.fields) if (recordLayout.field(f.name).lsb !== f.lsb) throw new Error(`record field ${f.name}: lsb ${f.lsb}`);
  return ctx.m.wire('record_data', recordLayout.pack(values));
}
