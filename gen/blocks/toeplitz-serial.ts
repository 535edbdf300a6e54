// SPDX-License-Identifier: MIT
// nvgre_rx_toeplitz, rate-aware form: the Toeplitz hash of docs/CONTRACT.md section 3 over STEPS cycles
// with one AND-XOR array of CHUNK input bits and a 32-bit accumulator, for builds where a
// frame of minFrameBytes takes several beats (8 at 64 bits for 60 bytes): a hash per
// STEPS cycles is then line rate, at about 1/STEPS of the fully parallel array's area.
//
// in_valid (cycle T0) loads the input and a copy of the key (clock-enabled registers, no
// logic); cycles T0+1 .. T0+STEPS each take the next CHUNK input bits and their key window
// (key bits s*CHUNK .. s*CHUNK+CHUNK+30, picked from the copy by the step counter) into
// operand registers, and the cycle after each into the accumulator; out_hash holds the
// result in cycle T0+STEPS+2 (out_valid), until the accumulator's next step. The key is read in T0 (keyStageDelay 0), as the parallel
// hasher reads it, so frame-atomic key updates work the same; the copy keeps a key write
// during the steps out of the hash in progress. in_valid must come at most once every
// STEPS cycles (a load in the last step of the previous hash is fine).

import { cat, type Expr, lit, mux } from '../ir/expr.ts';
import { Module, type Body } from '../ir/module.ts';
import { type BuildConfig, minFrameBeats } from '../config.ts';
import { clog2 } from '../meta-layout.ts';
import { KEY_WORDS } from '../regmap.ts';
import { andXorTriples } from './lut-shapes.ts';
import { runtimeKey, toeplitzInBytes, toeplitzModule } from './toeplitz.ts';
import { toeplitzTablesModule } from './toeplitz-tables.ts';

const KEY_BITS = 32 * KEY_WORDS;

export interface SerialToeplitz {
  module: Module;
  latency: number;
  keyStageDelay: number;
  /** Cycles per hash: in_valid at most once every `steps` cycles. */
  steps: number;
}

export function toeplitzSerialModule(cfg: BuildConfig): SerialToeplitz {
  const inBits = 8 * toeplitzInBytes(cfg);
  const steps = Math.max(2, Math.min(minFrameBeats(cfg), inBits));
  const chunk = Math.ceil(inBits / steps);
  // Key bits a hash can use: input bit i meets key bits i .. i+31.
  const winBits = chunk + 31;
  const runtime = cfg.toeplitz === 'runtime-key';
  const m = new Module('nvgre_rx_toeplitz', [
    'NVGRE receive classifier: Toeplitz (RSS) hash, one hash per STEPS cycles.',
    '',
    'For every set input bit i (MSB of byte 0 first) XOR in the 32-bit key window',
    'starting at key bit i. Byte 0 of the input is in_data[8*IN_BYTES-1 -: 8]; unused',
    `bytes must be zero. ${chunk} input bits a cycle into an accumulator: out_hash is valid with`,
    `out_valid, ${steps + 2} cycles after in_valid; in_valid at most once every ${steps} cycles.`,
    runtime
      ? 'The 40-byte key is a register written a word at a time through cfg_wr_* (word k holds key bytes 4k..4k+3, byte 4k in 31:24); it is copied in the in_valid cycle.'
      : `The key is fixed at build time: ${cfg.constKey}.`,
  ]);
  m.param('IN_BYTES', inBits / 8, 'hash input bytes (36: IPv6 addresses and ports; 12: IPv4)');
  const inValid = m.input('in_valid', 1);
  const inData = m.input('in_data', inBits, { param: 'IN_BYTES', mul: 8 });
  const outValid = m.output('out_valid', 1);
  const outHash = m.output('out_hash', 32);

  // Key bits 0 .. usedKey-1 matter (key bit 0 is the MSB of key byte 0).
  const usedKey = Math.min(KEY_BITS, steps * chunk + 31);
  let key: Expr;
  if (runtime) {
    const keyReg = runtimeKey(m);
    const keyCopy = m.reg('key_copy', usedKey, undefined, 'the key of the hash in progress (key bit 0 in the MSB)');
    m.sync((b) => b.if(inValid, (t) => t.set(keyCopy, keyReg.slice(KEY_BITS - 1, KEY_BITS - usedKey))), 'copy the key with the input');
    key = keyCopy;
  } else {
    key = lit(BigInt(`0x${cfg.constKey}`) >> BigInt(KEY_BITS - usedKey), usedKey);
  }

  const dataReg = m.reg('data_reg', inBits, undefined, 'the input of the hash in progress');
  const sb = clog2(steps);
  const step = m.reg('step_reg', sb, 0, 'chunk taken this cycle');
  const busy = m.reg('busy_reg', 1, 0, 'a hash is in its steps');
  const acc = m.reg('acc_reg', 32, undefined, 'hash of the chunks taken so far');
  const dChunk = m.signal('data_chunk', chunk);
  const kWin = m.signal('key_window', winBits);
  // Input bit i is dataReg[inBits-1-i]; key bit k is key[usedKey-1-k]; past the end reads 0.
  const bitsAt = (v: Expr, width: number, from: number, n: number): Expr => {
    const have = Math.max(0, Math.min(n, width - from));
    const part = have > 0 ? v.slice(width - 1 - from, width - from - have) : undefined;
    if (have === n) return part!;
    return part ? cat(part, lit(0, n - have)) : lit(0, n);
  };
  m.comb((b) => {
    b.set(dChunk, lit(0, chunk));
    b.set(kWin, lit(0, winBits));
    b.switch(
      step,
      Array.from({ length: steps }, (_, s): [number[], (bb: Body) => void] => [
        [s],
        (bb) => {
          bb.set(dChunk, bitsAt(dataReg, inBits, s * chunk, chunk));
          bb.set(kWin, bitsAt(key, usedKey, s * chunk, winBits));
        },
      ]),
    );
  }, "this step's input bits and key window");
  // The step's operands are registered: the AND-XOR array then sees flip-flops only, and
  // synthesis cannot fold the step multiplexers into each of its 32 x CHUNK terms.
  const chunkReg = m.reg('chunk_reg', chunk, undefined, 'input bits of the step');
  const winReg = m.reg('window_reg', winBits, undefined, 'key window of the step');
  const takeReg = m.reg('take_reg', 1, 0, 'chunk_reg/window_reg hold a step');
  const firstReg = m.reg('first_reg', 1, undefined, "the step is a hash's first");
  m.sync((b) => {
    b.set(chunkReg, dChunk);
    b.set(winReg, kWin);
    b.set(takeReg, busy);
    b.set(firstReg, step.eq(0));
  }, 'step operands');
  // Hash bit 31-j of the chunk: input bit c meets key window bit c+j.
  const part = Array.from({ length: 32 }, (_, j) => {
    const w = winReg.slice(winBits - 1 - j, winBits - j - chunk);
    return runtime ? andXorTriples(m, `t_${31 - j}`, chunkReg, w) : chunkReg.and(w).parity();
  });
  const p = cat(...part);
  m.sync((b) => b.if(takeReg, (t) => t.set(acc, mux(firstReg, p, acc.xor(p)))), 'accumulate');
  m.sync((b) => {
    b.if(busy, (t) => {
      t.if(
        step.eq(steps - 1),
        (l) => {
          l.set(busy, lit(0, 1));
          l.set(step, lit(0, sb));
        },
        (e) => e.set(step, step.add(1)),
      );
    });
    b.if(inValid, (t) => {
      t.set(busy, lit(1, 1));
      t.set(step, lit(0, sb));
    });
  }, 'step counter');
  m.sync((b) => b.if(inValid, (t) => t.set(dataReg, inData)), 'load the input');
  m.assign(outHash, acc);
  m.assign(outValid, m.delay('valid', inValid, steps + 2, 0));
  return { module: m, latency: steps + 2, keyStageDelay: 0, steps };
}

/**
 * The hasher a build uses: the serial form where the shortest line-rate frame takes two
 * beats or more (steps = those beats), the parallel one (steps 1) where it takes one;
 * the key-derived tables (gen/blocks/toeplitz-tables.ts) where the build asks for them.
 */
export function hasherFor(cfg: BuildConfig): SerialToeplitz & { rebuildCycles?: number } {
  if (cfg.toeplitz === 'tables') return toeplitzTablesModule(cfg);
  return minFrameBeats(cfg) >= 2 ? toeplitzSerialModule(cfg) : { ...toeplitzModule(cfg), steps: 1 };
}
