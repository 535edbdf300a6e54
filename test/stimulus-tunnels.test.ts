// SPDX-License-Identifier: MIT
// The directed UDP tunnel stimulus (tb/stimulus/tunnels.ts) reaches the paths of
// docs/CONTRACT.md section 8 it is named for: each case, classified by the reference
// engine under its group's control state, reports the fields it promises.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseBuildConfig } from '../gen/config.ts';
import { RefEngine } from '../ref/engine.ts';
import { maxSweptOptions, tunnelGroups } from '../tb/stimulus/tunnels.ts';

describe('directed UDP tunnel stimulus', () => {
  for (const cfg of [DEFAULT_CONFIG, parseBuildConfig({ ipv6: false, udpTunnelPorts: 2 })]) {
    for (const g of tunnelGroups(cfg)) {
      it(`${cfg.ipv6 ? 'default' : 'IPv4-only, 2 entries'}: ${g.name}`, () => {
        const engine = new RefEngine(g.profile(cfg), cfg);
        expect(g.cases.length).toBeGreaterThan(0);
        for (const c of g.cases) {
          const r = engine.classify(c.frame.data, { macError: c.frame.macError });
          for (const [k, v] of Object.entries(c.expect)) expect([c.frame.tag, k, r[k as keyof typeof r]]).toEqual([c.frame.tag, k, v]);
        }
      });
    }
  }

  it('a build without the table has no tunnel groups; every entry of the table has its own group', () => {
    expect(tunnelGroups(parseBuildConfig({ udpTunnelPorts: 0 }))).toEqual([]);
    const names = tunnelGroups(parseBuildConfig({ udpTunnelPorts: 6 })).map((g) => g.name);
    for (let i = 0; i < 6; i++) expect(names).toContain(`udp tunnels: entry ${i} alone`);
  });

  it('the option sweep reaches every length the window holds', () => {
    expect(maxSweptOptions(parseBuildConfig({ maxHeaderBytes: 512 }))).toBe(252);
    expect(maxSweptOptions(parseBuildConfig({ maxHeaderBytes: 256 }))).toBe(204);
  });
});
