// SPDX-License-Identifier: MIT
// The fuzz corpus (test/corpus/, written by `make fuzz`) replayed through the RTL in
// lockstep with the cycle model and the reference engine: every frame that ever reached
// a new reference-engine path or record class, or that once made them disagree, under
// the control profile it was found with.

import { describe, expect, it } from 'vitest';
import { topProvider } from '../tb/lockstep/top.ts';
import { entryFrame, entryName, loadCorpus } from '../tb/fuzz/corpus.ts';
import { FUZZ_PROFILES } from '../tb/fuzz/profiles.ts';
import { profiledScript } from '../tb/fuzz/script.ts';
import { namedConfig } from '../tb/lockstep/regress-configs.ts';
import { runRegression } from '../tb/lockstep/regress.ts';

const corpus = loadCorpus();
const configs = [...new Set(corpus.map((c) => c.entry.config))];

describe('fuzz corpus', () => {
  it('holds well-formed entries named by their content, for known profiles', () => {
    expect(corpus.length).toBeGreaterThan(100);
    for (const { name, entry } of corpus) {
      expect(entryName(entry), name).toBe(name);
      expect(FUZZ_PROFILES).toContain(entry.profile);
      expect(entryFrame(entry).data.length).toBeGreaterThan(0);
    }
  });

  it.each(configs)('replays through nvgre_rx (%s) with no mismatch', async (configName) => {
    const cfg = namedConfig(configName);
    // Grouped by profile, so that the registers are reprogrammed only between groups.
    const frames = corpus
      .filter((c) => c.entry.config === configName)
      .sort((a, b) => a.entry.profile.localeCompare(b.entry.profile))
      .map((c) => ({ frame: entryFrame(c.entry), profile: c.entry.profile, tag: `test/corpus/${c.name}` }));
    for (const seed of [1, 2]) {
      const r = await runRegression({
        cfg,
        configName,
        seed,
        frames: frames.length,
        script: profiledScript(frames, cfg, seed),
        provider: topProvider,
        noWave: true,
      });
      expect(r.mismatch, r.report).toBeUndefined();
      expect(r.records).toBe(frames.length);
    }
  });
});
