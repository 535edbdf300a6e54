// SPDX-License-Identifier: MIT
// Capture at the top: the capture block takes each frame's length and tuser, and with its
// tlast beat a snapshot of the small configuration registers, which is what keeps them
// frame-atomic (docs/ARCHITECTURE.md): everything downstream reads the snapshot.

import type { Expr } from '../ir/expr.ts';
import { Layout } from '../ir/layout.ts';
import type { Signal } from '../ir/module.ts';
import type { StreamPorts, TopCtx } from './context.ts';
import { type FrameGate, frameGate } from './frame-gap.ts';

export interface Captured {
  valid: Signal;
  len: Signal;
  /** The snapshot's max_header_bytes. */
  mhb: Signal;
  /** The parser's side data: the snapshot and tuser, packed as `side`. */
  sideBus: Expr;
  /** The parser decodes GRE when either encapsulated feature is on. */
  parseGre: Expr;
  /** s_axis_tready's register, written by the occupancy count. */
  readyReg: Signal;
  gate: FrameGate;
}

export function captureStage(ctx: TopCtx, ports: StreamPorts, cfgOut: Record<string, Signal>): Captured {
  const { m, sig, side } = ctx;
  // Everything of `side` but tuser, plus max_header_bytes.
  const cfgLayout = new Layout([...side.fields.filter((f) => f.name !== 'user'), { name: 'max_header_bytes', width: ctx.mhbBits }]);
  const cfgIn = cfgLayout.pack(Object.fromEntries(cfgLayout.fields.map((f) => [f.name, cfgOut[`cfg_${f.name}`]!])));
  const valid = sig('capture_valid', 1);
  const len = sig('capture_len', 16);
  const user = sig('capture_user', 1);
  const capCfg = sig('capture_cfg', ctx.blocks.cfgWidth);
  const readyReg = m.reg('s_axis_tready_reg', 1, 1);
  const gate = frameGate(ctx, ports, readyReg);
  m.instance(ctx.blocks.cap, 'capture_inst', {
    s_axis_tdata: ports.tdata,
    s_axis_tkeep: ports.tkeep,
    s_axis_tvalid: ports.tvalid,
    s_axis_tready: gate.readyOut,
    s_axis_tlast: ports.tlast,
    s_axis_tuser: ports.tuser,
    cfg_in: cfgIn,
    out_valid: valid,
    out_len: len,
    out_user: user,
    out_cfg: capCfg,
  });
  // The snapshot's fields are wires declared as they are first read: keep this order.
  const snap = cfgLayout.view(m, capCfg, 'capture_cfg');
  const mhb = snap('max_header_bytes');
  const sideBus = side.pack(Object.fromEntries(side.fields.map((f) => [f.name, f.name === 'user' ? user : snap(f.name)])));
  const parseGre = snap('encap_rss_enable').or(snap('encap_vmq_enable'));
  return { valid, len, mhb, sideBus, parseGre, readyReg, gate };
}
