// SPDX-License-Identifier: MIT
// The driver and scoreboard on their own, against the behavioural stand-in of the top
// level (no RTL): every record the driver's control-state tracking expects matches the
// reference engine through rewrites during frames and resets, and a deliberately
// perturbed output or record is reported with its cycle, signal, frame and seed.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { BehaviouralTop, behaviouralPorts, packMeta } from '../tb/lockstep/behavioural-top.ts';
import type { LockstepModel, PortValues } from '../tb/lockstep/model.ts';
import { Driver, SHAPES } from '../tb/lockstep/driver.ts';
import { PortLayout } from '../tb/bridge/ports.ts';
import { Scoreboard } from '../tb/lockstep/scoreboard.ts';
import { formatMismatch } from '../tb/lockstep/scoreboard-report.ts';
import { randomScript } from '../tb/stimulus/random.ts';
import { unpackMeta } from '../gen/meta-layout.ts';

function setup(cfg: BuildConfig, seed: number, frames: number, model: LockstepModel = new BehaviouralTop(cfg)) {
  const layout = new PortLayout('nvgre_rx', behaviouralPorts(cfg));
  const driver = new Driver(cfg, layout, model, randomScript(seed, cfg, { frames }), SHAPES.gappy);
  return { layout, driver, sb: new Scoreboard(cfg, layout) };
}

/** Wraps a model and changes one output in one cycle, or one record. */
class Perturbed implements LockstepModel {
  private cycle = 0;
  constructor(
    private readonly inner: LockstepModel,
    private readonly f: (cycle: number, out: PortValues) => void,
  ) {}
  outputs(): PortValues {
    const o = { ...this.inner.outputs() };
    this.f(this.cycle, o);
    return o;
  }
  step(i: PortValues): void {
    this.cycle++;
    this.inner.step(i);
  }
}

describe('driver and scoreboard (behavioural top, no RTL)', () => {
  for (const cfg of [DEFAULT_CONFIG, parseBuildConfig({ dataWidth: 512, ipv6: false, toeplitz: 'const-key' })]) {
    it(`every delivered record matches the reference engine (${cfg.dataWidth} bits, ${cfg.toeplitz})`, () => {
      const { driver, sb } = setup(cfg, 11, 1500);
      for (let b = driver.next(4096); b; b = driver.next(4096)) expect(sb.check(b, b.expected.slice(), (c, m) => driver.frameAt(c, m))).toBeUndefined();
      const s = driver.stats;
      expect(sb.records).toBe(s.records);
      expect(s.records).toBe(s.framesSent - s.recordsLost);
      expect(s.framesDropped).toBeGreaterThan(0);
      expect(s.rewritesDuring).toBeGreaterThan(0);
      expect(s.treadyLowCycles + s.metaStallCycles + s.gapCycles).toBeGreaterThan(0);
      expect(s.csrReads).toBeGreaterThan(0);
    });
  }

  it('reports a perturbed output with its cycle, signal, frame and seed', () => {
    const { driver, sb } = setup(DEFAULT_CONFIG, 4, 300);
    const target = 2000;
    let m;
    for (let b = driver.next(1000); b && !m; b = driver.next(1000)) {
      const actual = b.expected.slice();
      if (target >= b.start && target < b.start + b.cycles) {
        const slot = driver.layout.slot('s_axis_tready');
        actual[(target - b.start) * driver.layout.outWords + slot.offset]! ^= 1;
      }
      m = sb.check(b, actual, (c, x) => driver.frameAt(c, x));
    }
    expect(m).toBeDefined();
    expect([m!.cycle, m!.signal, m!.kind]).toEqual([target, 's_axis_tready', 'lockstep']);
    const text = formatMismatch(m!, { seed: 4, configName: 'default', cfg: DEFAULT_CONFIG, frames: 300 });
    expect(text).toContain('at cycle 2000, seed 4');
    expect(text).toContain('signal:   s_axis_tready');
    expect(text).toMatch(/frame #\d+/);
    expect(text).toContain('make sim SEED=4 SEEDS=1 FRAMES=300');
  });

  it('reports a wrong record (a cycle model that agrees with the RTL but not with the reference engine)', () => {
    const cfg = DEFAULT_CONFIG;
    // One record (the first valid after cycle 3000) is wrong for as long as it is offered.
    let target: bigint | undefined;
    const bad = new Perturbed(new BehaviouralTop(cfg), (cycle, o) => {
      if (cycle > 3000 && o.m_axis_meta_tvalid && target === undefined) target = o.m_axis_meta_tdata as bigint;
      if (o.m_axis_meta_tvalid && o.m_axis_meta_tdata === target) {
        const r = unpackMeta(cfg, target!, 0);
        o.m_axis_meta_tdata = packMeta(cfg, { ...r, rss_queue: r.rss_queue ^ 1 });
      }
    });
    const { driver, sb } = setup(cfg, 8, 400, bad);
    let m;
    for (let b = driver.next(1000); b && !m; b = driver.next(1000)) m = sb.check(b, b.expected.slice(), (c, x) => driver.frameAt(c, x));
    expect(m?.kind).toBe('record');
    expect(m!.fields).toEqual(['rss_queue']);
    const text = formatMismatch(m!, { seed: 8, configName: 'default', cfg, frames: 400 });
    expect(text).toContain('field rss_queue');
    expect(text).toContain('headers:');
  });
});
