// SPDX-License-Identifier: MIT
// The UDP tunnel port table as a build parameter (docs/CONTRACT.md section 8.1): 4 entries by
// default in streaming builds, 0 for the window parser (which refuses more), a build without
// the table generates what it always did, the testbench's reference (engine, CSR image,
// cycle model) honours the build's count, and the table is frame-atomic at a frame's first beat.
import { describe, expect, it } from 'vitest';
import { buildParamsOf, ConfigError, DEFAULT_CONFIG, describeBuild, parseBuildConfig } from '../gen/config.ts';
import { metaLayout } from '../gen/meta-layout.ts';
import { capabilities, regmap } from '../gen/regmap.ts';
import { topModelParams } from '../gen/top.ts';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { TopModel } from '../ref/cycle/top-model.ts';
import { RefEngine } from '../ref/engine.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import { defaultProfile } from '../ref/profile.ts';
import { coverageBins } from '../tb/lockstep/coverage.ts';
import { ScriptBuilder } from '../tb/stimulus/script-builder.ts';
import { engineProfile, imageOf, profileWrites } from '../tb/stimulus/csr.ts';
import { tunnelAtomicity } from '../tb/stimulus/tunnels.ts';
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

const NO_TABLE = parseBuildConfig({ udpTunnelPorts: 0 });

describe('udpTunnelPorts in the build configuration', () => {
  it('defaults to 4 (the contract) and refuses values outside 0..16 with the key named', () => {
    expect(DEFAULT_CONFIG.udpTunnelPorts).toBe(4);
    expect(parseBuildConfig({ udpTunnelPorts: 0 }).udpTunnelPorts).toBe(0);
    expect(() => parseBuildConfig({ udpTunnelPorts: 2.5 })).toThrow(ConfigError);
    expect(() => parseBuildConfig({ udpTunnelPorts: -1 })).toThrow(/udpTunnelPorts/);
    expect(() => parseBuildConfig({ udpTunnelPorts: 17 })).toThrow(/udpTunnelPorts/);
  });

  it('the default build is DEFAULT_BUILD', () => {
    expect(buildParamsOf(DEFAULT_CONFIG)).toEqual(DEFAULT_BUILD);
  });

  it('registers: TUNNEL_PORT entries, CAP_UDP_TUNNEL_PORTS, CNT_VXLAN/CNT_GENEVE; none of the entries without the table', () => {
    const x = { latency: 25 };
    expect(regmap(DEFAULT_CONFIG, x).regs.find((r) => r.name === 'TUNNEL_PORT')).toMatchObject({ offset: 0x140, count: 4, access: 'RW' });
    expect(regmap(NO_TABLE, x).regs.find((r) => r.name === 'TUNNEL_PORT')).toBeUndefined();
    expect(capabilities(DEFAULT_CONFIG, x).find((c) => c.name === 'CAP_UDP_TUNNEL_PORTS')!.value).toBe(4);
    expect(capabilities(NO_TABLE, x).find((c) => c.name === 'CAP_UDP_TUNNEL_PORTS')!.value).toBe(0);
    const names = regmap(NO_TABLE, x).regs.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['CNT_VXLAN', 'CNT_GENEVE']));
  });

  it('a build without the table says so in its Build line, keeps its 2-bit encap field and has no tunnel bins', () => {
    expect(describeBuild(DEFAULT_CONFIG)).not.toContain('udpTunnelPorts');
    expect(describeBuild(NO_TABLE)).toContain('udpTunnelPorts=0');
    expect(metaLayout(NO_TABLE).fields.find((f) => f.name === 'encap')).toMatchObject({ width: 2, doc: 'encapsulation: 0=none, 1=gre, 2=nvgre' });
    // Only the registers, which every build decodes (CNT_VXLAN and CNT_GENEVE read 0 there).
    expect(coverageBins(NO_TABLE).filter((b) => /vxlan|geneve|tunnel/i.test(b))).toEqual([
      'register CAP_UDP_TUNNEL_PORTS read',
      'register CAP_UDP_TUNNEL_PORTS written (read-only: refused)',
      'register CNT_VXLAN read',
      'register CNT_VXLAN written (read-only: refused)',
      'register CNT_GENEVE read',
      'register CNT_GENEVE written (read-only: refused)',
    ]);
    expect(metaLayout(DEFAULT_CONFIG).fields.find((f) => f.name === 'encap')!.width).toBe(3);
    expect(coverageBins(DEFAULT_CONFIG)).toEqual(
      expect.arrayContaining(['encap vxlan', 'encap geneve', 'tunnel port entry[3] decides', 'tunnel geneve options[0] bytes skipped']),
    );
  });
});

describe("the testbench's reference follows the build, not the profile", () => {
  it('engine: VXLAN with the table, ordinary UDP without', () => {
    const p = defaultProfile(DEFAULT_BUILD);
    expect(new RefEngine(p, DEFAULT_BUILD).classify(VXLAN)).toMatchObject({ encap: 'vxlan', vsid: 77, hash_input: 'inner-4tuple' });
    expect(new RefEngine(p, buildParamsOf(NO_TABLE)).classify(VXLAN)).toMatchObject({ encap: 'none', vsid: 0, hash_input: '4tuple' });
  });

  it('CSR image: the profile programmed through TUNNEL_PORT is in force; a build without the table keeps none', () => {
    const p = defaultProfile(DEFAULT_BUILD);
    expect(p.udpTunnels).toHaveLength(2);
    expect(engineProfile(imageOf(p, DEFAULT_CONFIG)).udpTunnels.filter((t) => t.valid)).toEqual(p.udpTunnels);
    expect(engineProfile(imageOf(p, NO_TABLE)).udpTunnels).toEqual([]);
  });

  for (const [name, cfg, want] of [
    ['with the table: VXLAN', DEFAULT_CONFIG, { encap: 'vxlan', vsid: 77, hash_input: 'inner-4tuple' }],
    ['without the table: ordinary UDP', NO_TABLE, { encap: 'none', vsid: 0, hash_input: '4tuple' }],
  ] as const) {
    it(`cycle model, the default profile programmed over the registers, ${name}`, () => {
      const p = defaultProfile(DEFAULT_BUILD);
      const script: Script = {
        seed: 1,
        items: [
          { k: 'csr', writes: profileWrites(p, cfg), during: false, profile: engineProfile(imageOf(p, cfg)), why: 'profile' },
          { k: 'frame', frame: { data: VXLAN, macError: false, tag: 'vxlan' } },
          { k: 'idle', cycles: 40 },
        ],
      };
      const d = driveScript(cfg, script, { seed: 1, gapRate: 0, readyRate: 1 });
      expect(d.records).toHaveLength(1);
      expect(d.records[0]).toMatchObject(want);
    });
  }

  it('cycle model: a frame is classified with the tunnel table in force at its first beat, not at its tlast', () => {
    const b = new ScriptBuilder(DEFAULT_CONFIG, mulberry32(3));
    tunnelAtomicity(b);
    b.items.push({ k: 'idle', cycles: 60 });
    const d = driveScript(DEFAULT_CONFIG, { seed: 3, items: b.items }, { seed: 3, gapRate: 0, readyRate: 1 });
    // Rewrites at a random beat after the first, then exactly between the first two beats:
    // every long frame keeps the table of its first beat.
    expect(d.records.map((r) => r.encap)).toEqual(['vxlan', 'none', 'none', 'vxlan', 'vxlan', 'none']);
    expect(new TopModel(topModelParams(NO_TABLE)).profile().udpTunnels).toEqual([]);
  });
});
