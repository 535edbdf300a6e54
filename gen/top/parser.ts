// SPDX-License-Identifier: MIT
// The parser at the top: it reads every accepted beat alongside capture, and the captured
// length, snapshot and side data once per frame; its outputs are parsed_* signals.

import { parsedFields } from '../blocks/parser-fields.ts';
import type { Expr } from '../ir/expr.ts';
import type { Signal } from '../ir/module.ts';
import type { Captured } from './capture.ts';
import type { StreamPorts, TopCtx } from './context.ts';

/** parsed_valid and one parsed_<field> per parser output, by field name ('valid' included). */
export type Parsed = Record<string, Signal>;

export function parserStage(ctx: TopCtx, ports: StreamPorts, cap: Captured, cfgOut: Record<string, Signal>): Parsed {
  const { sig } = ctx;
  const pOut: Parsed = { valid: sig('parsed_valid', 1) };
  for (const f of parsedFields(ctx.c, ctx.side.width)) pOut[f.name] = sig(`parsed_${f.name}`, f.width);
  const conns: Record<string, Expr> = {
    in_valid: cap.valid,
    // The parser sees every accepted beat, in the cycle capture_inst does.
    in_beat_valid: ports.tvalid.and(cap.gate.readyOut),
    in_beat_data: ports.tdata,
    in_beat_last: ports.tlast,
    in_len: cap.len,
    in_max_header_bytes: cap.mhb,
    in_parse_gre: cap.parseGre,
    in_side: cap.sideBus,
    // The tunnel port table, live: the parser latches it at each frame's first beat.
    ...(cfgOut.cfg_udp_tunnels ? { in_udp_tunnels: cfgOut.cfg_udp_tunnels } : {}),
  };
  for (const [k, s] of Object.entries(pOut)) conns[`out_${k}`] = s;
  ctx.m.instance(ctx.blocks.parser.module, 'parser_inst', conns);
  return pOut;
}
