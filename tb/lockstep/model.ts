// SPDX-License-Identifier: MIT
// What the driver needs from a cycle model of the top level: the registered outputs
// during the current cycle, and the rising edge that ends it. The real model
// (ref/cycle/top-model.ts) is wrapped to this shape in tb/lockstep/top.ts, so the driver
// and the scoreboard can also run against test doubles (a deliberately wrong model
// proves the scoreboard catches mismatches).

import type { PortLayout } from '../bridge/ports.ts';

export type PortValue = number | bigint | boolean | Uint8Array;
export type PortValues = Record<string, PortValue>;

/**
 * The same model on the harness's packed words (tb/bridge/ports.ts layout): what the driver
 * runs every cycle. A model with no packed form of its own is adapted from
 * outputs()/step() (tb/lockstep/packed-model.ts), with the same results, only slower.
 */
export interface PackedLockstepModel {
  /** Write every output port of the current cycle into buf from word `at` (one output record). */
  packOutputs(buf: Uint32Array, at: number): void;
  /** The rising edge at the end of the cycle, with the input record at word `at` of `stim`. */
  stepPacked(stim: Uint32Array, at: number): void;
  /**
   * s_axis_tready given this cycle's s_axis_tlast, for a model whose tready depends on it
   * (a build with a multi-cycle hasher holds a tlast beat that comes too soon); without
   * it, packOutputs' value stands.
   */
  treadyFor?(tlast: boolean): boolean;
}

export interface LockstepModel {
  /** Every output port of the top level during the current cycle, by port name. */
  outputs(): PortValues;
  /** The rising edge at the end of the cycle, with the cycle's inputs (rst included). */
  step(inputs: PortValues): void;
  /** As PackedLockstepModel.treadyFor. */
  treadyFor?(tlast: boolean): boolean;
  /**
   * The packed form of this model for `layout`, or undefined when it has none for it.
   * It shares the model's state: a driver uses one form or the other, not both.
   */
  packed?(layout: PortLayout): PackedLockstepModel | undefined;
}
