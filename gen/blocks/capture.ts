// SPDX-License-Identifier: MIT
// nvgre_rx_capture: counts each frame's length on the AXI4-Stream input (the streaming
// parser takes the header bytes off the beats itself; no header window is stored). On
// the accepted tlast beat the length, tuser and the configuration snapshot (cfg_in,
// sampled in that same cycle) are registered on out_*, and the next frame may start in
// the next cycle.
//
// Length: every beat before tlast counts W bytes whatever its tkeep (AXI4-Stream packed
// data). On the tlast beat, tkeep is expected to be contiguous from byte 0; the bytes
// counted are W when tkeep[W-1] is set, else the OR over every i with tkeep[i] set and
// tkeep[i+1] clear of (i+1) (for contiguous tkeep: the number of set bits). The sum
// saturates at 65535. Data bytes are taken from their lane positions regardless of
// tkeep. This needs no adder on the tlast path: the count of full beats is a register.
// ref/cycle/top-model.ts (lastBeatBytes) counts the same way.

import type { BuildConfig } from '../config.ts';
import { cat, type Expr, lit, mux, orAll } from '../ir/expr.ts';
import { Module } from '../ir/module.ts';

export interface CaptureResult {
  module: Module;
}

export function captureModule(c: BuildConfig, cfgWidth: number): CaptureResult {
  const W = c.dataWidth / 8;
  const lw = Math.log2(W);
  const m = new Module('nvgre_rx_capture', [
    'NVGRE receive parser front end of the streaming parser: counts the length of',
    'each frame on AXI4-Stream (the parser takes the header bytes off the beats',
    'itself). On the tlast beat the 16-bit saturating length, tuser and the configuration',
    'snapshot are registered on out_*; the next frame may start in the next cycle.',
    'tkeep: every beat before tlast counts as full; on the tlast beat tkeep must be',
    'contiguous from byte 0 (see gen/blocks/capture.ts for the exact count otherwise).',
  ]);
  m.param('DATA_WIDTH', c.dataWidth, 'AXI4-Stream data width in bits');
  m.param('KEEP_WIDTH', W, 'tkeep width (bytes per beat)');
  m.input('s_axis_tdata', c.dataWidth, { param: 'DATA_WIDTH' }); // the parser reads the data
  const tkeep = m.input('s_axis_tkeep', W, { param: 'KEEP_WIDTH' });
  const tvalid = m.input('s_axis_tvalid', 1);
  const tready = m.input('s_axis_tready', 1);
  const tlast = m.input('s_axis_tlast', 1);
  const tuser = m.input('s_axis_tuser', 1);
  const cfgIn = m.input('cfg_in', cfgWidth);
  const outValid = m.output('out_valid', 1);
  const outLen = m.output('out_len', 16);
  const outUser = m.output('out_user', 1);
  const outCfg = m.output('out_cfg', cfgWidth);

  const accept = m.wire('beat_accept', tvalid.and(tready));
  const bb = 16 - lw;
  const beats = m.reg('full_beats_reg', bb, 0, 'beats before tlast so far, modulo 2^(16-log2 W)');
  const beatsP1 = m.reg('full_beats_p1_reg', bb + 1, 1, 'full_beats_reg + 1, kept so tlast needs no adder');
  const sat = m.reg('len_sat_reg', 1, 0, 'the length already exceeds 65535');

  // tlast byte count: W if the top lane is kept, else the encoded 1-to-0 edges of tkeep.
  const full = tkeep.bit(W - 1);
  const edges: Expr[] = [];
  for (let i = 0; i < W - 1; i++) edges.push(tkeep.bit(i).and(tkeep.bit(i + 1).not()));
  const lbBits: Expr[] = [];
  for (let b = lw - 1; b >= 0; b--) lbBits.push(orAll(edges.filter((_, i) => ((i + 1) >> b) & 1)));
  const lastLow = m.wire('last_bytes_low', cat(...lbBits), 'bytes of a partial tlast beat');
  const lenFull = mux(beatsP1.bit(bb), lit(0xffff, 16), cat(beatsP1.slice(bb - 1, 0), lit(0, lw)));
  const lenPart = cat(beats, lastLow);
  const frameLen = m.wire('frame_len', mux(sat, lit(0xffff, 16), mux(full, lenFull, lenPart)));

  const vReg = m.reg('out_valid_reg', 1, 0);
  const lReg = m.reg('out_len_reg', 16, undefined);
  const uReg = m.reg('out_user_reg', 1, undefined);
  const cReg = m.reg('out_cfg_reg', cfgWidth, undefined);
  m.sync((b) => {
    b.set(vReg, accept.and(tlast));
    b.if(accept.and(tlast), (t) => {
      t.set(lReg, frameLen);
      t.set(uReg, tuser);
      t.set(cReg, cfgIn);
    });
  }, 'the frame handed to the parser');
  m.sync((b) => {
    b.if(accept, (t) =>
      t.if(
        tlast,
        (t1) => {
          t1.set(beats, 0);
          t1.set(beatsP1, 1);
          t1.set(sat, 0);
        },
        (t1) => {
          t1.set(beats, beatsP1.slice(bb - 1, 0));
          t1.set(beatsP1, beatsP1.add(1));
          t1.if(beatsP1.bit(bb), (t2) => t2.set(sat, 1));
        },
      ),
    );
  }, 'beat and length counters');
  m.assign(outValid, vReg);
  m.assign(outLen, lReg);
  m.assign(outUser, uReg);
  m.assign(outCfg, cReg);
  return { module: m };
}
