// SPDX-License-Identifier: MIT
// Replay of a capture: the default profile programmed over the CSRs, then every frame
// of the file in order (the seed only shapes gaps and back-pressure).

import type { BuildConfig } from '../../gen/config.ts';
import { defaultProfile } from '../../ref/profile.ts';
import { engineProfile, imageOf, profileWrites } from './csr.ts';
import type { Script, ScriptItem } from './script.ts';

export function pcapScript(frames: readonly Uint8Array[], cfg: BuildConfig, seed: number): Script {
  const p = defaultProfile(cfg);
  const items: ScriptItem[] = [{ k: 'csr', writes: profileWrites(p, cfg), during: false, profile: engineProfile(imageOf(p, cfg)), why: 'default profile' }];
  frames.forEach((data, i) => {
    if (data.length > 0) items.push({ k: 'frame', frame: { data, macError: false, tag: `pcap frame ${i}` } });
  });
  items.push({ k: 'idle', cycles: 16 });
  return { items, seed };
}
