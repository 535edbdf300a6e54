// SPDX-License-Identifier: MIT
// The packed form of any LockstepModel (tb/lockstep/model.ts): outputs() written into the
// output record with the layout's packing, the input record decoded into PortValues for
// step(). Test doubles and wrappers run through this; the real cycle model has a direct
// packed form (tb/lockstep/top.ts) that skips the objects.

import type { LockstepModel, PackedLockstepModel, PortValue, PortValues } from './model.ts';
import type { PortLayout, PortSlot } from '../bridge/ports.ts';

export class DriverModelError extends Error {}

/** Store a value into a slot's words (LSB first); bytes go in AXI lane order. */
export function writeValue(buf: Uint32Array, at: number, sl: PortSlot, v: PortValue): void {
  if (typeof v === 'boolean') buf[at] = v ? 1 : 0;
  else if (typeof v === 'number') {
    buf[at] = v >>> 0;
    if (sl.words > 1) buf[at + 1] = Math.floor(v / 4294967296) >>> 0;
  } else if (typeof v === 'bigint') {
    let x = v;
    for (let i = 0; i < sl.words; i++) {
      buf[at + i] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  } else {
    for (let i = 0; i < sl.words; i++) {
      const b = 4 * i;
      buf[at + i] = ((v[b] ?? 0) | ((v[b + 1] ?? 0) << 8) | ((v[b + 2] ?? 0) << 16) | ((v[b + 3] ?? 0) << 24)) >>> 0;
    }
  }
}

/** A slot's value from its words: a number up to 32 bits, a bigint above. */
function readValue(buf: Uint32Array, at: number, sl: PortSlot): number | bigint {
  if (sl.words === 1) return (buf[at]! & sl.topMask) >>> 0;
  let v = 0n;
  for (let i = sl.words - 1; i >= 0; i--) v = (v << 32n) | BigInt((buf[at + i]! & (i === sl.words - 1 ? sl.topMask : 0xffffffff)) >>> 0);
  return v;
}

class PortValuesAdapter implements PackedLockstepModel {
  readonly treadyFor?: (tlast: boolean) => boolean;
  constructor(
    private readonly model: LockstepModel,
    private readonly layout: PortLayout,
  ) {
    if (model.treadyFor) this.treadyFor = (tlast) => model.treadyFor!(tlast);
  }

  packOutputs(buf: Uint32Array, at: number): void {
    const out = this.model.outputs();
    for (const sl of this.layout.outputs) {
      const v = out[sl.name];
      if (v === undefined) throw new DriverModelError(`the cycle model has no output '${sl.name}'`);
      writeValue(buf, at + sl.offset, sl, v);
    }
  }

  stepPacked(stim: Uint32Array, at: number): void {
    const inp: PortValues = {};
    for (const sl of this.layout.inputs) {
      if (sl.name === 's_axis_tdata') {
        const b = new Uint8Array(sl.width / 8);
        for (let i = 0; i < b.length; i++) b[i] = (stim[at + sl.offset + (i >> 2)]! >>> (8 * (i & 3))) & 0xff;
        inp[sl.name] = b;
      } else inp[sl.name] = readValue(stim, at + sl.offset, sl);
    }
    this.model.step(inp);
  }
}

/** The model's own packed form for this layout, else the adapter. */
export function packedModel(model: LockstepModel, layout: PortLayout): PackedLockstepModel {
  return model.packed?.(layout) ?? new PortValuesAdapter(model, layout);
}
