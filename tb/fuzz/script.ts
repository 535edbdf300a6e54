// SPDX-License-Identifier: MIT
// Frames under named profiles as a lockstep script (tb/stimulus/script.ts): each change of
// profile is programmed over AXI4-Lite between frames (only the registers that differ),
// then the frames follow. Used by the fuzz loop and by the corpus replay test.

import type { BuildConfig } from '../../gen/config.ts';
import type { Profile } from '../../ref/profile.ts';
import { fuzzProfile } from './profiles.ts';
import type { FuzzFrame } from './mutate.ts';
import { applyWrite, cloneImage, diffWrites, engineProfile, imageOf, profileWrites, resetImage, type CsrImage } from '../stimulus/csr.ts';
import type { Script, ScriptItem } from '../stimulus/script.ts';

export interface ProfiledFrame {
  frame: FuzzFrame;
  profile: string;
  tag: string;
}

/** The profile the reference engine classifies with once `name` is programmed. */
export function engineProfileOf(name: string, cfg: BuildConfig): Profile {
  return engineProfile(imageOf(fuzzProfile(name, cfg), cfg));
}

export function profiledScript(frames: readonly ProfiledFrame[], cfg: BuildConfig, seed: number): Script {
  const items: ScriptItem[] = [];
  let img: CsrImage | undefined;
  let cur: string | undefined;
  for (const f of frames) {
    if (f.profile !== cur) {
      const p = fuzzProfile(f.profile, cfg);
      const writes = img ? diffWrites(img, p, cfg) : profileWrites(p, cfg);
      const next = cloneImage(img ?? resetImage(cfg));
      for (const w of writes) applyWrite(next, w, cfg);
      img = next;
      cur = f.profile;
      items.push({ k: 'csr', writes, during: false, profile: engineProfile(next), why: `profile ${f.profile}` });
    }
    items.push({ k: 'frame', frame: { data: f.frame.data, macError: f.frame.macError, tag: f.tag } });
  }
  items.push({ k: 'idle', cycles: 64 });
  return { items, seed };
}
