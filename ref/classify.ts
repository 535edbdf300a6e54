// SPDX-License-Identifier: MIT
// One-call classification for callers that do not keep an engine (the testbench's
// scoreboard, small tools). For many frames with one profile, RefEngine is faster.

import { type BuildParams, DEFAULT_BUILD } from './build.ts';
import { type ClassifyOptions, RefEngine } from './engine.ts';
import type { Profile } from './profile.ts';
import type { MetaRecord } from './record.ts';
import type { Toeplitz } from './toeplitz.ts';

// The key's tables are the only costly preparation; they are kept for the last key seen.
let lastHasher: Toeplitz | undefined;

export function classify(frame: Uint8Array, profile: Profile, build: BuildParams = DEFAULT_BUILD, opts?: ClassifyOptions): MetaRecord {
  const engine = new RefEngine(profile, build, lastHasher);
  lastHasher = engine.toeplitz;
  return engine.classify(frame, opts);
}

export { RefEngine, type ClassifyOptions } from './engine.ts';
