// SPDX-License-Identifier: MIT
// The regression on the real RTL: a short `make sim` passes with its summary and
// functional coverage; a deliberately wrong cycle model (one output of one cycle, or
// one field of one record) is caught and reported with the cycle, the signal, the frame
// and the seed, with a waveform window and its GTKWave save file.

import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../gen/config.ts';
import { unpackMeta } from '../gen/meta-layout.ts';
import { packMeta } from '../tb/lockstep/behavioural-top.ts';
import type { LockstepModel, PortValues } from '../tb/lockstep/model.ts';
import { topProvider } from '../tb/lockstep/top.ts';
import { runRegression, type TopProvider } from '../tb/lockstep/regress.ts';
import { randomScript } from '../tb/stimulus/random.ts';
import { frames } from '../tb/stimulus/script.ts';
import { prologueFrames } from '../tb/stimulus/structural.ts';

/** The real cycle model with one output changed by `f`. */
function perturbed(f: (cycle: number, out: PortValues) => void): TopProvider {
  return {
    model: topProvider.model,
    cycleModel: (cfg) => {
      const inner = topProvider.cycleModel(cfg);
      let cycle = 0;
      const m: LockstepModel = {
        outputs: () => {
          const o = { ...inner.outputs() };
          f(cycle, o);
          return o;
        },
        step: (i) => {
          cycle++;
          inner.step(i);
        },
        // A build whose s_axis_tready depends on tlast: the same change applies to it.
        ...(inner.treadyFor
          ? {
              treadyFor: (tlast: boolean): boolean => {
                const o: PortValues = { ...inner.outputs(), s_axis_tready: inner.treadyFor!(tlast) };
                f(cycle, o);
                return o.s_axis_tready === true;
              },
            }
          : {}),
      };
      return m;
    },
  };
}

describe('make sim (short)', () => {
  it('5000 frames over 2 seeds pass, with the summary, per-path counts and no coverage hole', async () => {
    const r = await execa('npx', ['tsx', 'tb/cli/run-sim.ts', '--frames', '5000', '--seeds', '2', '--seed', '11'], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    // Each seed's script: the structural prologue, the directed groups, its share of the
    // 5000; a frame a reset cuts is not counted as sent.
    const sent = [11, 12].map((seed) => frames(randomScript(seed, DEFAULT_CONFIG, { frames: 2500 })).filter((f) => f.tag !== 'cut by reset').length);
    expect(sent[0]).toBeGreaterThan(2500 + prologueFrames(DEFAULT_CONFIG));
    expect(r.all).toMatch(new RegExp(`PASS: ${sent[0]! + sent[1]!} frames sent, \\d+ records checked`));
    expect(r.all).toMatch(new RegExp(`default\\s+11\\s+${sent[0]}`));
    expect(r.all).toMatch(/encap nvgre\s+[1-9]\d*/);
    expect(r.all).toMatch(/fallback inner-fragment\s+[1-9]/);
    expect(r.all).not.toContain('never hit');
  });

  it('fails (exit 1) and names the bins when a path is never hit', async () => {
    // One random frame after the directed ones leaves some random-only paths untaken.
    const r = await execa('npx', ['tsx', 'tb/cli/run-sim.ts', '--frames', '1', '--seeds', '1', '--seed', '3'], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(1);
    const holes = [...(r.all ?? '').matchAll(/^ {2}(\S.*?)\s+0 {3}<-- never hit$/gm)].map((m) => m[1]);
    expect(holes.length, r.all).toBeGreaterThan(0);
    expect(r.all).toMatch(new RegExp(`FAIL: ${holes.length} coverage bin\\(s\\) never hit`));
  });
});

describe('the regression catches a wrong expectation on the real RTL', () => {
  const cfg = DEFAULT_CONFIG;
  const script = randomScript(21, cfg, { frames: 400 });

  it('one flipped s_axis_tready: cycle, signal, frame, seed, waveform window and .gtkw', async () => {
    const at = 6000;
    const r = await runRegression({
      cfg,
      configName: 'default',
      seed: 21,
      frames: 400,
      script,
      provider: perturbed((c, o) => {
        if (c === at) o.s_axis_tready = !o.s_axis_tready;
      }),
      // Short batches: the driver, which follows the perturbed model, runs into a state it
      // cannot continue from some hundred cycles after the flip; the batch with the flip
      // must be checked before that one is prepared.
      batchCycles: 256,
      waveBefore: 20,
      waveAfter: 10,
    });
    expect(r.mismatch?.cycle).toBe(at);
    expect(r.mismatch?.signal).toBe('s_axis_tready');
    expect(r.report).toContain(`at cycle ${at}, seed 21`);
    expect(r.report).toContain('signal:   s_axis_tready');
    expect(r.report).toMatch(/frame #\d+ \(/);
    expect(r.report).toContain('make sim SEED=21 SEEDS=1 FRAMES=400 CONFIG=default');
    const fst = r.report!.match(/in (\S+\.fst)/)![1]!;
    const gtkw = fst.replace(/\.fst$/, '.gtkw');
    expect(existsSync(fst)).toBe(true);
    const text = readFileSync(gtkw, 'utf8');
    expect(text).toContain('TOP.nvgre_rx.s_axis_tready');
    expect(text).toContain('-parser');
    expect(text).toMatch(/\^1 .*encap\.txt/);
  });

  it('one wrong record field in the cycle model: the metadata beat is reported field by field', async () => {
    let done = false;
    const r = await runRegression({
      cfg,
      configName: 'default',
      seed: 21,
      frames: 400,
      script,
      noWave: true,
      provider: perturbed((c, o) => {
        if (c > 2500 && o.m_axis_meta_tvalid && !done) {
          const rec = unpackMeta(cfg, o.m_axis_meta_tdata as bigint, 0);
          o.m_axis_meta_tdata = packMeta(cfg, { ...rec, hash: (rec.hash ^ 0x10) >>> 0 });
          done = true;
        }
      }),
    });
    expect(r.mismatch?.kind).toBe('lockstep');
    expect(r.mismatch?.signal).toBe('m_axis_meta_tdata');
    expect(r.mismatch?.fields).toEqual(['hash']);
    expect(r.report).toContain('field hash: expected');
    expect(r.report).toContain('headers:');
    expect(r.report).toContain('reference record:');
  });
});
