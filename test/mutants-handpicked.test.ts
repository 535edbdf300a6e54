// SPDX-License-Identifier: MIT
// The regression catches real faults: four deliberately broken copies of the default RTL
// (built at test time), each run through the same lockstep regression as `make sim
// RTL=<copy>`, must fail with a first-mismatch report naming the signal (and record
// field) the fault corrupts. The unbroken copy passes the very same run, so the failure
// is the fault's.

import { beforeAll, describe, expect, it } from 'vitest';
import { baseRtl, handPicked, MUTANT_SHAPE, type Mutant } from '../tb/rtl-dir/mutants.ts';
import { MUTANT_BUILD, runMutant } from '../tb/rtl-dir/mutants-run.ts';
import { loadRtlDir } from '../tb/rtl-dir/load.ts';
import { runRtlDir } from '../tb/rtl-dir/run.ts';

const RUN = { seeds: [1], frames: 300 };
let files: Map<string, string>;
let dir: string;
let mutants: Mutant[];

beforeAll(async () => {
  ({ files, dir } = await baseRtl());
  mutants = handPicked(files);
});

describe('hand-picked faults', () => {
  it('the unbroken default RTL passes the run the mutants get', async () => {
    const rd = await loadRtlDir(dir, { flags: MUTANT_BUILD });
    const r = await runRtlDir(rd, { seed: RUN.seeds[0]!, frames: RUN.frames, shape: MUTANT_SHAPE, noWave: true });
    expect(r.report).toBeUndefined();
    // The run does stall m_axis_meta long enough to fill the FIFO (what the full flag guards).
    expect(r.stats.treadyLowCycles).toBeGreaterThan(0);
  });

  for (const id of ['gre-version-inverted', 'toeplitz-xor-dropped', 'vmq-priority-reversed', 'fifo-full-tied-low']) {
    it(`${id}: caught, on the right signal`, async () => {
      const m = mutants.find((x) => x.id === id)!;
      const o = await runMutant(files, m, RUN);
      expect(o.killed, `${m.what} survived`).toBe(true);
      const mm = o.result?.mismatch;
      expect(mm, o.by).toBeDefined();
      expect(mm!.signal).toBe(m.expect!.signal);
      if (m.expect!.field)
        expect(
          mm!.fields!.some((f) => m.expect!.field!.includes(f)),
          `fields ${mm!.fields}`,
        ).toBe(true);
      // The report a user gets: the signal, and how to replay it on this very copy.
      expect(o.report).toContain(`signal:   ${m.expect!.signal}`);
      expect(o.report).toContain(`replay:   make sim RTL=${o.dir} SEED=1 FRAMES=300`);
    });
  }
});
