// SPDX-License-Identifier: MIT
// The UDP tunnel port table as a build parameter while the RTL has none (issue 18): the
// generator's default build has 0 entries and refuses more, the testbench's reference
// (engine, CSR image, cycle model) honours the build's count, and a build without the
// table generates what it always did. The software default build keeps the contract's 4.
import { describe, expect, it } from 'vitest';
import { buildParamsOf, ConfigError, DEFAULT_CONFIG, describeBuild, parseBuildConfig } from '../gen/config.ts';
import { metaLayout } from '../gen/meta-layout.ts';
import { topModelParams } from '../gen/top.ts';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { TopModel } from '../ref/cycle/top-model.ts';
import { RefEngine } from '../ref/engine.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import { defaultProfile } from '../ref/profile.ts';
import { coverageBins } from '../tb/lockstep/coverage.ts';
import { engineProfile, imageOf, profileWrites } from '../tb/stimulus/csr.ts';
import type { Script } from '../tb/stimulus/script.ts';
import { driveScript } from './top-support.ts';

const VXLAN = buildFrame([
  { kind: 'eth' },
  { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
  { kind: 'udp', sport: 50000, dport: 4789 },
  { kind: 'vxlan', vni: 77 },
  { kind: 'eth', dst: '02:00:00:00:0b:01' },
  { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
  { kind: 'tcp', sport: 1, dport: 2 },
]);

describe('udpTunnelPorts in the build configuration', () => {
  it('defaults to 0 and refuses other values with one line naming the key, until the RTL has the layers', () => {
    expect(DEFAULT_CONFIG.udpTunnelPorts).toBe(0);
    expect(() => parseBuildConfig({ udpTunnelPorts: 4 })).toThrow(ConfigError);
    expect(() => parseBuildConfig({ udpTunnelPorts: 4 })).toThrow(/^config: udpTunnelPorts: .*not generated yet/);
    expect(() => parseBuildConfig({ udpTunnelPorts: -1 })).toThrow(/udpTunnelPorts/);
  });

  it('the default build is DEFAULT_BUILD but for the tunnel table, whose contract default (4) the engine keeps', () => {
    expect({ ...buildParamsOf(DEFAULT_CONFIG), udpTunnelPorts: 4 }).toEqual(DEFAULT_BUILD);
    expect(DEFAULT_BUILD.udpTunnelPorts).toBe(4);
  });

  it('a build without the table keeps its Build line, its 2-bit encap field and its coverage bins', () => {
    expect(describeBuild(DEFAULT_CONFIG)).not.toContain('udpTunnelPorts');
    expect(metaLayout(DEFAULT_CONFIG).fields.find((f) => f.name === 'encap')).toMatchObject({ width: 2, doc: 'encapsulation: 0=none, 1=gre, 2=nvgre' });
    const bins = coverageBins(DEFAULT_CONFIG);
    expect(bins).toContain('encap nvgre');
    expect(bins.filter((b) => /vxlan|geneve/.test(b))).toEqual([]);
    // With the table (as the RTL part will build it): 3 bits, and the tunnel bins.
    const withTable = { ...DEFAULT_CONFIG, udpTunnelPorts: 4 };
    expect(metaLayout(withTable).fields.find((f) => f.name === 'encap')!.width).toBe(3);
    expect(coverageBins(withTable)).toEqual(expect.arrayContaining(['encap vxlan', 'encap geneve']));
  });
});

describe("the testbench's reference follows the build, not the profile", () => {
  it('engine: VXLAN with the contract build, ordinary UDP with the generated build', () => {
    const p = defaultProfile(DEFAULT_BUILD);
    expect(new RefEngine(p, DEFAULT_BUILD).classify(VXLAN)).toMatchObject({ encap: 'vxlan', vsid: 77, hash_input: 'inner-4tuple' });
    expect(new RefEngine(p, buildParamsOf(DEFAULT_CONFIG)).classify(VXLAN)).toMatchObject({ encap: 'none', vsid: 0, hash_input: '4tuple' });
  });

  it('CSR image: programming a profile with tunnel ports into a build without the table leaves none in force', () => {
    const p = defaultProfile(DEFAULT_BUILD);
    expect(p.udpTunnels).toHaveLength(2);
    expect(engineProfile(imageOf(p, DEFAULT_CONFIG)).udpTunnels).toEqual([]);
    expect(defaultProfile(DEFAULT_CONFIG).udpTunnels).toEqual([]);
  });

  it('cycle model: the record of a VXLAN frame after the default profile is programmed is that of an ordinary UDP packet', () => {
    const p = defaultProfile(DEFAULT_BUILD);
    const script: Script = {
      seed: 1,
      items: [
        { k: 'csr', writes: profileWrites(p, DEFAULT_CONFIG), during: false, profile: engineProfile(imageOf(p, DEFAULT_CONFIG)), why: 'profile' },
        { k: 'frame', frame: { data: VXLAN, macError: false, tag: 'vxlan' } },
        { k: 'idle', cycles: 40 },
      ],
    };
    const d = driveScript(DEFAULT_CONFIG, script, { seed: 1, gapRate: 0, readyRate: 1 });
    expect(d.records).toHaveLength(1);
    expect(d.records[0]).toMatchObject({ encap: 'none', vsid: 0, hash_input: '4tuple' });
    expect(new TopModel(topModelParams(DEFAULT_CONFIG)).profile().udpTunnels).toEqual([]);
  });
});
