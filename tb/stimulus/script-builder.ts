// SPDX-License-Identifier: MIT
// Builds a regression script while following what the registers hold, so that every
// register item carries the profile its frames are classified with (tb/stimulus/csr.ts
// keeps the image). Used by the random script and by its structural prologue.

import type { BuildConfig } from '../../gen/config.ts';
import type { Rand } from '../../ref/packets/index.ts';
import type { Profile } from '../../ref/profile.ts';
import { applyWrite, cloneImage, diffWrites, engineProfile, profileWrites, resetImage, type CsrImage, type EdgeProfile } from './csr.ts';
import type { CsrWrite, ScriptItem, StimFrame } from './script.ts';

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
  program(p: Profile, why: string, during = false): EdgeProfile {
    return this.write(this.img ? diffWrites(this.img, p, this.cfg) : profileWrites(p, this.cfg), why, during);
  }

  /** Program `p` with only the writes that change the registers, even right after a reset. */
  programChanges(p: Profile, why: string): EdgeProfile {
    return this.write(diffWrites(this.image, p, this.cfg), why);
  }

  /** Writes as given (any value, any strobes); `during`: while the next frame is being sent. */
  write(writes: CsrWrite[], why: string, during = false): EdgeProfile {
    const next = cloneImage(this.image);
    for (const w of writes) applyWrite(next, w, this.cfg);
    this.img = next;
    const profile = engineProfile(next);
    this.items.push({ k: 'csr', writes, during, atBeat: during ? Math.floor(this.r() * 4) : undefined, profile, why });
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
