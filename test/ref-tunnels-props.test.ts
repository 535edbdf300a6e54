// SPDX-License-Identifier: MIT
// Properties of docs/CONTRACT.md section 8: "this core treats both exactly like NVGRE". For any inner
// packet, profile and cut, a VXLAN frame classifies as the NVGRE frame with the same
// inner packet and VSID = VNI, its inner offsets 8 bytes further; GENEVE over Ethernet as
// VXLAN with its options' length added; GENEVE carrying IP as IP-in-GRE (no inner
// Ethernet) plus the VNI. The header window is large so that only the offsets differ.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BuildParams, DEFAULT_BUILD } from '../ref/build.ts';
import { RefEngine } from '../ref/engine.ts';
import { ALL_HASH_TYPES } from '../ref/hash-types.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { mulberry32, randomLayers } from '../ref/packets/random.ts';
import { defaultProfile, type Filter, type Profile } from '../ref/profile.ts';
import type { MetaRecord } from '../ref/record.ts';

const BIG: BuildParams = { ...DEFAULT_BUILD, maxHeaderBytes: 1024 };
const OUTER_MAC = '02:00:00:00:0a:01';
const MACS = [1, 2, 3].map((i) => Uint8Array.of(2, 0, 0, 0, 0x0b, i));
const outer: Layer[] = [
  { kind: 'eth', dst: OUTER_MAC },
  { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
];

const arbIp: fc.Arbitrary<Layer> = fc.oneof(
  fc
    .record({ mf: fc.boolean(), off: fc.constantFrom(0, 0, 0, 5), opt: fc.constantFrom(0, 0, 4, 12), proto: fc.constantFrom(undefined, 6, 17, 47, 1) })
    .map(({ mf, off, opt, proto }): Layer => ({
      kind: 'ipv4',
      src: '10.0.0.1',
      dst: '10.0.0.2',
      mf,
      fragOffset: off,
      options: opt ? new Array<number>(opt).fill(1) : undefined,
      proto,
    })),
  fc.constantFrom<Layer>({ kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2' }, { kind: 'ipv6', src: 'fd00::3', dst: 'fd00::4', nextHeader: 0 }),
);
const arbL4: fc.Arbitrary<Layer[]> = fc.oneof(
  fc.record({ s: fc.nat(65535), d: fc.nat(65535) }).map(({ s, d }): Layer[] => [{ kind: 'tcp', sport: s, dport: d }]),
  fc.record({ s: fc.nat(65535), d: fc.nat(65535) }).map(({ s, d }): Layer[] => [{ kind: 'udp', sport: s, dport: d }]),
  fc.constant<Layer[]>([]),
);
/** The inner IP packet (IP header, L4, payload). */
const arbInnerIp = fc.tuple(arbIp, arbL4, fc.nat(40)).map(([ip, l4, n]): Layer[] => [ip, ...l4, { kind: 'payload', bytes: n }]);
/** An inner Ethernet header (optionally tagged, or of a non-IP type) before the IP packet. */
const arbInnerEth = fc
  .tuple(fc.nat(2), fc.option(fc.nat(4095)), fc.boolean())
  .map(([m, vid, arp]): Layer[] => [
    { kind: 'eth', dst: MACS[m]!, ...(arp ? { type: 0x0806 } : {}) },
    ...(vid !== null && !arp ? [{ kind: 'vlan', vid } as Layer] : []),
  ]);

const arbFilters: fc.Arbitrary<Filter[]> = fc.array(
  fc.record({
    valid: fc.constant(true),
    mac: fc.constantFrom(...MACS, Uint8Array.of(2, 0, 0, 0, 0x0a, 1)),
    matchVlan: fc.boolean(),
    vlanId: fc.nat(4095),
    matchVsid: fc.boolean(),
    vsid: fc.constantFrom(0, 7, 0xabcdef),
    queue: fc.nat(63),
  }),
  { maxLength: 4 },
);
/** Encapsulated RSS on: with it off a UDP tunnel is hashed as UDP and NVGRE as protocol 47. */
const arbProfile: fc.Arbitrary<Profile> = fc
  .record({ hashTypes: fc.nat(0xffff).map((m) => m & ALL_HASH_TYPES), encapVmqEnable: fc.boolean(), filters: arbFilters })
  .map((o) => ({ ...defaultProfile(), ...o, maxHeaderBytes: 1024 }));
const arbVni = fc.constantFrom(0, 7, 0xabcdef, 0xffffff);

/** The record with inner offsets moved back by `d` and the fields that legitimately differ dropped. */
function shifted(r: MetaRecord, d: number): Omit<MetaRecord, 'encap' | 'frame' | 'length'> {
  const { encap: _e, frame: _f, length: _l, ...rest } = r;
  const back = (o: number) => (o === 0 ? 0 : o - d);
  return { ...rest, inner_l2_offset: back(r.inner_l2_offset), inner_l3_offset: back(r.inner_l3_offset), inner_l4_offset: back(r.inner_l4_offset) };
}

describe('UDP tunnels are classified exactly like NVGRE', () => {
  it('VXLAN (VNI v) = NVGRE (VSID v), 8 bytes further, whole or cut inside the inner packet', () => {
    fc.assert(
      fc.property(arbInnerEth, arbInnerIp, arbVni, arbProfile, fc.nat(), (ie, ip, vni, p, cutSeed) => {
        const e = new RefEngine(p, BIG);
        const inner = [...ie, ...ip];
        const nv = buildFrame([...outer, { kind: 'nvgre', vsid: vni, flowId: 0 }, ...inner]);
        const vx = buildFrame([...outer, { kind: 'udp', sport: 9, dport: 4789 }, { kind: 'vxlan', vni }, ...inner]);
        const a = e.classify(nv);
        const b = e.classify(vx);
        expect(b.encap).toBe('vxlan');
        expect(shifted(b, 8)).toEqual(shifted(a, 0));
        // A cut anywhere after the tunnel header: the same cut of the inner packet.
        const k = cutSeed % (nv.length - 42 + 1);
        expect(shifted(e.classify(vx.subarray(0, 50 + k)), 8)).toEqual(shifted(e.classify(nv.subarray(0, 42 + k)), 0));
      }),
      { numRuns: 1500 },
    );
  });

  it('GENEVE over Ethernet (options n) = VXLAN, n bytes further; GENEVE carrying IP = IP-in-GRE with the VNI', () => {
    fc.assert(
      fc.property(arbInnerEth, arbInnerIp, arbVni, arbProfile, fc.nat(63), fc.boolean(), (ie, ip, vni, p, words, critical) => {
        const e = new RefEngine(p, BIG);
        const n = 4 * words;
        const udp: Layer = { kind: 'udp', sport: 9, dport: 6081 };
        const vx = e.classify(buildFrame([...outer, { kind: 'udp', sport: 9, dport: 4789 }, { kind: 'vxlan', vni }, ...ie, ...ip]));
        const gt = e.classify(buildFrame([...outer, udp, { kind: 'geneve', vni, options: n, critical }, ...ie, ...ip]));
        expect(gt.encap).toBe('geneve');
        expect(shifted(gt, n)).toEqual(shifted(vx, 0));
        const gre = e.classify(buildFrame([...outer, { kind: 'gre' }, ...ip]));
        const gi = e.classify(buildFrame([...outer, udp, { kind: 'geneve', vni, options: n }, ...ip]));
        expect(shifted(gi, 12 + n)).toEqual({ ...shifted(gre, 0), vsid: vni });
      }),
      { numRuns: 1500 },
    );
  });

  it('random tunnel stacks (odd flags, cuts) keep the record invariants and report the VNI they were built with', () => {
    let found = 0;
    for (let seed = 0; seed < 2000; seed++) {
      const layers = randomLayers(mulberry32(seed), { udpTunnelRate: 1, encapRate: 1 });
      const f = buildFrame(layers);
      const t = layers.find((l) => l.kind === 'vxlan' || l.kind === 'geneve');
      const r = new RefEngine(defaultProfile()).classify(f.subarray(0, seed % (f.length + 1)));
      const whole = new RefEngine(defaultProfile()).classify(f);
      // An outer fragment or a too-deep outer chain is no tunnel; anything else is the one built.
      if (whole.encap !== 'none') expect(whole.encap).toBe(t?.kind);
      if (whole.encap === t?.kind) found++;
      const usable = t?.kind === 'vxlan' ? ((t.flags ?? 8) & 8) !== 0 : t?.kind === 'geneve' && !t.version && !t.oam;
      if (whole.errors.length === 0 && t && whole.encap === t.kind) expect(whole.vsid).toBe(usable ? t.vni : 0);
      expect(whole.flowid).toBe(0);
      expect(r.vsid === 0 || r.vsid === whole.vsid).toBe(true);
      if (!usable) expect([whole.inner_parsed, whole.inner_l2_offset]).toEqual([false, 0]);
    }
    expect(found).toBeGreaterThan(1700);
  });
});
