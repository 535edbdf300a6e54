// SPDX-License-Identifier: MIT
// nvgre_rx_toeplitz: the Toeplitz (RSS) hasher of docs/CONTRACT.md section 3 as a two-stage pipeline.
//
// Hash bit 31-j is the XOR over input bits i of in[i] & key[i+j] (input bit 0 is the MSB
// of byte 0, key bit 0 the MSB of key byte 0). Both operands of that AND are contiguous
// slices of in_data and the key register, so each partial is one `^(slice & slice)`.
// Stage 1 (input cycle): the partial XORs of GROUP-bit input slices, registered (GROUP
// AND terms, three pairs per LUT6 kept as nets (andXorTriples) with a run-time key: about
// 4 LUT levels). Stage 2: the partials of one
// output bit are XORed and registered as out_hash. Latency 2, one hash per cycle; the
// key register is read in the input cycle (keyStageDelay 0).

import { cat, Expr, lit, xorAll } from '../ir/expr.ts';
import { andXorTriples } from './lut-shapes.ts';
import { Module, type Body, type Signal } from '../ir/module.ts';
import type { BuildConfig } from '../config.ts';
import { KEY_WORDS } from '../regmap.ts';

/** Input bits per stage-1 partial. */
const GROUP = 48;
const KEY_BITS = 32 * KEY_WORDS;

/** The run-time key: cfg_wr_* ports and the 320-bit key_reg (key byte 0 in the MSBs) they write. */
export function runtimeKey(m: Module): Signal {
  const wrEn = m.input('cfg_wr_en', 1);
  const wrIndex = m.input('cfg_wr_index', 4);
  const wrData = m.input('cfg_wr_data', 32);
  const keyReg = m.reg('key_reg', KEY_BITS, 0, 'key byte 0 in the MSBs');
  m.sync((b) => {
    b.if(wrEn, (t) =>
      t.switch(
        wrIndex,
        Array.from({ length: KEY_WORDS }, (_, k): [number[], (bb: Body) => void] => [
          [k],
          (bb) => bb.set({ s: keyReg, hi: KEY_BITS - 1 - 32 * k, lo: KEY_BITS - 32 - 32 * k }, wrData),
        ]),
      ),
    );
  }, 'key words');
  return keyReg;
}

export function toeplitzInBytes(cfg: BuildConfig): number {
  return cfg.ipv6 ? 36 : 12;
}

export function toeplitzModule(cfg: BuildConfig): { module: Module; latency: number; keyStageDelay: number } {
  const inBytes = toeplitzInBytes(cfg);
  const inBits = 8 * inBytes;
  const runtime = cfg.toeplitz === 'runtime-key';
  const m = new Module('nvgre_rx_toeplitz', [
    'NVGRE receive classifier: Toeplitz (RSS) hash.',
    '',
    'For every set input bit i (MSB of byte 0 first) XOR in the 32-bit key window',
    'starting at key bit i. Byte 0 of the input is in_data[8*IN_BYTES-1 -: 8]; unused',
    'bytes must be zero. One hash per cycle, out_hash two cycles after in_valid.',
    runtime
      ? 'The 40-byte key is a register written a word at a time through cfg_wr_* (word k holds key bytes 4k..4k+3, byte 4k in 31:24); it is read in the in_valid cycle.'
      : `The key is fixed at build time: ${cfg.constKey}.`,
  ]);
  m.param('IN_BYTES', inBytes, 'hash input bytes (36: IPv6 addresses and ports; 12: IPv4)');
  const inValid = m.input('in_valid', 1);
  const inData = m.input('in_data', inBits, { param: 'IN_BYTES', mul: 8 });
  const outValid = m.output('out_valid', 1);
  const outHash = m.output('out_hash', 32);

  let key: Expr;
  if (runtime) {
    const keyReg = runtimeKey(m);
    key = keyReg;
  } else {
    key = lit(BigInt(`0x${cfg.constKey}`), KEY_BITS);
  }

  // Input bit i is in_data[inBits-1-i]; key bit k is key[KEY_BITS-1-k].
  const groups = Math.ceil(inBits / GROUP);
  const partials: Expr[][] = Array.from({ length: 32 }, () => []);
  for (let g = 0; g < groups; g++) {
    const a = g * GROUP;
    const n = Math.min(GROUP, inBits - a);
    const p = m.reg(`partial_${g}`, 32, undefined, `hash contribution of input bits ${a}..${a + n - 1}`);
    const bits: Expr[] = [];
    for (let j = 0; j < 32; j++) {
      // Output bit 31-j uses key bits a+j .. a+j+n-1.
      const inSlice = inData.slice(inBits - 1 - a, inBits - a - n);
      const keySlice = key.slice(KEY_BITS - 1 - (a + j), KEY_BITS - (a + j) - n);
      bits.push(runtime ? andXorTriples(m, `t${g}_${31 - j}`, inSlice, keySlice) : inSlice.and(keySlice).parity());
    }
    m.sync((b) => b.set(p, cat(...bits)), `stage 1: input bits ${a}..${a + n - 1}`);
    for (let bit = 0; bit < 32; bit++) partials[bit]!.push(p.bit(bit));
  }
  const hashReg = m.reg('hash_reg', 32, undefined);
  m.sync((b) => b.set(hashReg, cat(...Array.from({ length: 32 }, (_, i) => xorAll(partials[31 - i]!)))), 'stage 2: combine the partials');
  m.assign(outHash, hashReg);
  const v = m.delay('valid', inValid, 2, 0);
  m.assign(outValid, v);
  return { module: m, latency: 2, keyStageDelay: 0 };
}
