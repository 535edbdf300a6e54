// SPDX-License-Identifier: MIT
// A short `make soak` on the real RTL: chunks chained through the streaming driver, with
// every fault kind injected, the frame/record books balanced exactly, and the quiet
// counter reads at chunk ends equal to the testbench's counts. (The full 10 M-frame soak
// is `make soak`; its figures are in docs/ROBUSTNESS.md.)

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../gen/config.ts';
import { COUNTER_NAMES } from '../gen/regmap.ts';
import { topProvider } from '../tb/lockstep/top.ts';
import { runSoak } from '../tb/fuzz/soak.ts';

describe('soak (short)', () => {
  it('30 000 frames in 6 chunks: no mismatch, books balanced, counters equal to the counts', async () => {
    const r = await runSoak({ cfg: DEFAULT_CONFIG, configName: 'default', seed: 5, frames: 30_000, chunkFrames: 5_000, provider: topProvider });
    expect(r.failures).toEqual([]);
    expect(r.framesIn).toBe(r.recordsOut + r.recordsLost);
    expect(r.framesIn).toBeGreaterThan(29_000);
    // Every chunk ends with a read of every counter (eleven); a reset may discard a few checks, not most.
    expect(r.counterChecks + r.counterUnsettled).toBe(6 * COUNTER_NAMES.length);
    expect(r.counterChecks).toBeGreaterThanOrEqual(5 * COUNTER_NAMES.length);
    // The faults really happened.
    expect(r.stats.resets).toBeGreaterThanOrEqual(6);
    expect(r.framesCut).toBeGreaterThanOrEqual(6);
    expect(r.stats.rewritesDuring).toBeGreaterThan(6);
    expect(r.stats.rewritesBetween).toBeGreaterThan(6);
    expect(r.stats.metaStallCycles).toBeGreaterThan(0);
    expect(r.stats.treadyLowCycles).toBeGreaterThan(0);
    expect(r.peakHeapMB).toBeLessThan(400);
  });
});
