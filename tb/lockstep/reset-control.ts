// SPDX-License-Identifier: MIT
// Reset handling: `rst` high for the initial reset and for each reset the script asks
// for at beat k of the next frame (it replaces that beat: the frame is cut and never
// delivered). What a reset clears on the other interfaces is theirs to say
// (AxisSource / MetaSink / AxilMaster reset()); tb/lockstep/driver.ts calls them.

import type { PortLayout } from '../bridge/ports.ts';
import type { AxisSource } from './axis-source.ts';
import type { DriverStats } from './driver.ts';
import { inputAt, put } from './port-words.ts';

export class ResetControl {
  private readonly rst: number;
  /** Reset cycles still to drive. */
  private left: number;
  /** A reset due in the middle of the next frame. */
  private due: { atBeat: number; cycles: number } | undefined;

  constructor(
    layout: PortLayout,
    initialCycles: number,
    private readonly stats: DriverStats,
  ) {
    this.rst = inputAt(layout, 'rst');
    this.left = initialCycles;
  }

  /** rst is (still) being driven. */
  get active(): boolean {
    return this.left > 0;
  }

  /** A mid-frame reset is waiting for its frame. */
  get pending(): boolean {
    return this.due !== undefined;
  }

  /** A reset of `cycles` cycles in place of beat `atBeat` of the next frame. */
  schedule(atBeat: number, cycles: number): void {
    this.due = { atBeat, cycles };
  }

  /** Start the pending reset when the source has reached its beat; true when it does (the source's frame is cut). */
  cuts(source: AxisSource): boolean {
    const due = this.due;
    if (this.left !== 0 || !due || !source.between(due.atBeat)) return false;
    this.left = due.cycles;
    this.due = undefined;
    this.stats.resets++;
    return true;
  }

  /** This cycle's rst; true while a reset is driven. */
  drive(stim: Uint32Array, ib: number): boolean {
    if (this.left === 0) return false;
    put(stim, ib, this.rst, 1);
    this.left--;
    return true;
  }
}
