// SPDX-License-Identifier: MIT
// Word access to one cycle's record of a packed batch (tb/bridge/ports.ts layout), shared
// by the driver's interface classes (tb/lockstep/axis-source.ts, meta-sink.ts,
// axil-master.ts, reset-control.ts). Each finds its ports' word offsets once; -1 marks a
// port the layout lacks, which is then never written and reads as low.
//
// Per-cycle helpers are plain functions: a closure made every cycle costs more than
// the work it does (tsx also wraps every closure it creates to keep its name).

import type { PortLayout, PortSlot } from '../bridge/ports.ts';

const slotIn = (list: readonly PortSlot[], name: string): PortSlot | undefined => list.find((s) => s.name === name);

/** The input port's slot, undefined when the layout lacks it. */
export const inputSlot = (L: PortLayout, name: string): PortSlot | undefined => slotIn(L.inputs, name);

/** Word offset of an input port within a cycle's input record (-1: no such port). */
export const inputAt = (L: PortLayout, name: string): number => slotIn(L.inputs, name)?.offset ?? -1;

/** Word offset of an output port within a cycle's output record (-1: no such port). */
export const outputAt = (L: PortLayout, name: string): number => slotIn(L.outputs, name)?.offset ?? -1;

/** Store an input word of this cycle's record (off -1: a port the layout lacks). */
export function put(stim: Uint32Array, ib: number, off: number, v: number): void {
  if (off >= 0) stim[ib + off] = v;
}

/** A 1-bit output of this cycle's prediction is high (a port the layout lacks is low). */
export function isOn(expected: Uint32Array, ob: number, off: number): boolean {
  return off >= 0 && expected[ob + off] !== 0;
}
