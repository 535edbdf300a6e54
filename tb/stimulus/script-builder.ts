// SPDX-License-Identifier: MIT
// Builds a regression script while following what the registers hold, so that every
// register item carries the profile its frames are classified with (tb/stimulus/csr.ts
// keeps the image). Used by the random script and by its structural prologue.

import { tablesRebuildCycles } from '../../gen/blocks/toeplitz-tables.ts';
import type { BuildConfig } from '../../gen/config.ts';
import { KEY_BASE, KEY_WORDS } from '../../gen/regmap.ts';
import type { Rand } from '../../ref/packets/index.ts';
import type { Profile } from '../../ref/profile.ts';
import { applyWrite, cloneImage, diffWrites, engineProfile, profileWrites, resetImage, type CsrImage, type EdgeProfile } from './csr.ts';
import type { CsrWrite, ScriptItem, StimFrame } from './script.ts';

/** Where a write during a frame goes: after beat `beat` is taken; `hold`: the frame's next beat waits for the write's response. */
export interface DuringAt {
  beat: number;
  hold: boolean;
}

export class ScriptBuilder {
  readonly items: ScriptItem[] = [];
  /** Frames added (frames cut by a reset included). */
  frames = 0;
  /** Undefined right after a reset: the registers hold their reset values, and the next program() writes everything. */
  private img: CsrImage | undefined;

  constructor(
    readonly cfg: BuildConfig,
    private readonly r: Rand,
  ) {}

  /** What the registers hold now. */
  get image(): CsrImage {
    return this.img ?? resetImage(this.cfg);
  }

  /** The profile frames sent now are classified with. */
  get profile(): EdgeProfile {
    return engineProfile(this.image);
  }

  /** Program `p`: every register after a reset, else only the writes that change something. */
  program(p: Profile, why: string, during = false, at?: DuringAt): EdgeProfile {
    return this.write(this.img ? diffWrites(this.img, p, this.cfg) : profileWrites(p, this.cfg), why, during, at);
  }

  /** Program `p` with only the writes that change the registers, even right after a reset. */
  programChanges(p: Profile, why: string): EdgeProfile {
    return this.write(diffWrites(this.image, p, this.cfg), why);
  }

  /** Writes as given (any value, any strobes); `during`: while the next frame is being sent (after a random beat 0..3, or `at`). */
  write(writes: CsrWrite[], why: string, during = false, at?: DuringAt): EdgeProfile {
    const next = cloneImage(this.image);
    for (const w of writes) applyWrite(next, w, this.cfg);
    this.img = next;
    const profile = engineProfile(next);
    const atBeat = !during ? undefined : at ? at.beat : Math.floor(this.r() * 4);
    this.items.push({ k: 'csr', writes, during, atBeat, ...(at?.hold ? { hold: true } : {}), profile, why });
    // toeplitz: "tables": a key write reaches frames only after the tables' rebuild
    // (docs/BEHAVIOUR.md, "CSRs"); wait for it, so the frames that follow hash with the
    // key just programmed (the reference check follows the switch rule either way).
    if (!during && this.cfg.toeplitz === 'tables' && writes.some((w) => (w.addr & 0xfffc) >= KEY_BASE && (w.addr & 0xfffc) < KEY_BASE + 4 * KEY_WORDS)) {
      this.items.push({ k: 'idle', cycles: tablesRebuildCycles(this.cfg) + 8 });
    }
    return profile;
  }

  /** Reads; `settle`: nothing after them starts before they are all answered. */
  read(addrs: number[], settle = false): void {
    this.items.push({ k: 'read', addrs, settle });
  }

  frame(f: StimFrame): void {
    this.items.push({ k: 'frame', frame: f });
    this.frames++;
  }

  /** A reset instead of beat `atBeat` of `cut` (never classified); the registers are back at reset. */
  reset(atBeat: number, cycles: number, cut: StimFrame): void {
    this.items.push({ k: 'reset', atBeat, cycles });
    this.frame({ ...cut, tag: 'cut by reset' });
    this.img = undefined;
  }
}
