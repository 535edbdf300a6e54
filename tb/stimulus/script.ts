// SPDX-License-Identifier: MIT
// What the testbench sends, at the level of frames and register traffic: a script of
// items that tb/lockstep/driver.ts turns into cycles. Directed and constrained-random generators
// (tb/stimulus/directed.ts, tb/stimulus/random.ts) and pcap replay all produce this.

import { buildFrame, type BuildOptions, type Layer } from '../../ref/packets/index.ts';
import type { Profile } from '../../ref/profile.ts';

export interface StimFrame {
  data: Uint8Array;
  /** s_axis_tuser on the last beat (a MAC error reported by the MAC). */
  macError: boolean;
  /** What the frame is meant to exercise (directed) or its generator (random). */
  tag: string;
}

/** One AXI4-Lite write: byte address, data, byte strobes (default all four). */
export interface CsrWrite {
  addr: number;
  data: number;
  strb?: number;
}

export type ScriptItem =
  | { k: 'frame'; frame: StimFrame }
  /**
   * Register writes. `during: false` waits for the stream to be idle and for every write
   * to complete before the next frame starts (a switch between frames); `during: true`
   * issues them while the next frame is being sent, from the beat `atBeat` of it on;
   * with `hold`, the frame's next beat waits until every write is answered, so they land
   * between two of its beats. `profile` is the control state once every write of the
   * item is in force.
   */
  | { k: 'csr'; writes: CsrWrite[]; during: boolean; atBeat?: number; hold?: boolean; profile: Profile; why: string }
  /**
   * Register reads (counters, capabilities); the cycle model predicts the data. Reads run
   * beside later items unless `settle`: then nothing after them starts before every one
   * is answered (reads of values that the next writes change).
   */
  | { k: 'read'; addrs: number[]; settle?: boolean }
  /** Assert rst for `cycles` cycles instead of beat `atBeat` of the next frame, which is never finished. */
  | { k: 'reset'; atBeat: number; cycles: number }
  | { k: 'idle'; cycles: number }
  /** Hold m_axis_meta_tready low for `cycles` cycles from now, while traffic goes on (fills the FIFO). */
  | { k: 'stall'; cycles: number };

export interface Script {
  items: ScriptItem[];
  /**
   * A streaming script (soak): called once `items` is used up; the items it returns
   * replace the consumed ones (memory stays bounded); undefined ends the script.
   */
  more?: () => ScriptItem[] | undefined;
  /** The seed that regenerates it (0 for directed-only scripts). */
  seed: number;
}

export function frameOf(layers: readonly Layer[], tag: string, opts: BuildOptions & { macError?: boolean; cutTo?: number } = {}): StimFrame {
  let data = buildFrame(layers, opts);
  if (opts.cutTo !== undefined && opts.cutTo < data.length) data = data.slice(0, opts.cutTo);
  return { data, macError: opts.macError ?? false, tag };
}

export function frames(script: Script): StimFrame[] {
  return script.items.flatMap((i) => (i.k === 'frame' ? [i.frame] : []));
}
