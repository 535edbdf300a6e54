// SPDX-License-Identifier: MIT
// The directed stimulus really reaches the paths it is named for: every case is
// classified by the reference engine under its group's control state and must report
// the fields it promises.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseBuildConfig } from '../gen/config.ts';
import { RefEngine } from '../ref/engine.ts';
import { directedFor, directedGroups } from '../tb/stimulus/directed.ts';

describe('directed stimulus', () => {
  for (const g of directedGroups()) {
    it(`group ${g.name}: every case reports its intended path`, () => {
      const engine = new RefEngine(g.profile(DEFAULT_CONFIG), DEFAULT_CONFIG);
      for (const c of g.cases) {
        const r = engine.classify(c.frame.data, { macError: c.frame.macError });
        for (const [k, v] of Object.entries(c.expect)) expect([c.frame.tag, k, r[k as keyof typeof r]]).toEqual([c.frame.tag, k, v]);
      }
    });
  }

  it('an IPv4-only build keeps only the IPv4 cases', () => {
    const v4 = directedFor(parseBuildConfig({ ipv6: false })).flatMap((g) => g.cases);
    const all = directedGroups().flatMap((g) => g.cases);
    expect(v4.length).toBeLessThan(all.length);
    expect(v4.some((c) => c.v6)).toBe(false);
  });
});
