// SPDX-License-Identifier: MIT
// Property tests: whatever the bytes and the profile, classify() returns a record whose
// fields are in range and consistent; random valid frames report what they were built with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BuildParams, DEFAULT_BUILD } from '../ref/build.ts';
import { classify } from '../ref/classify.ts';
import { RefEngine } from '../ref/engine.ts';
import { ALL_HASH_TYPES, HASH_TYPE } from '../ref/hash-types.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import { mulberry32, randomLayers } from '../ref/packets/random.ts';
import { defaultProfile, type Profile } from '../ref/profile.ts';
import { ENCAPS, ERROR_NAMES, HASH_INPUTS, type MetaRecord } from '../ref/record.ts';

const HASH_VALUES = new Set<number>(Object.values(HASH_TYPE));

function checkRecord(r: MetaRecord, frame: Uint8Array, p: Profile, b: BuildParams): void {
  const qmax = 2 ** b.queueBits;
  const mhb = Math.min(Math.max(p.maxHeaderBytes, 64), b.maxHeaderBytes);
  expect(Number.isInteger(r.hash) && r.hash >= 0 && r.hash <= 0xffffffff).toBe(true);
  expect(r.hash_valid).toBe(r.hash_type !== 0);
  if (r.hash_valid) expect(HASH_VALUES.has(r.hash_type)).toBe(true);
  else expect(r.hash).toBe(0);
  expect(HASH_INPUTS).toContain(r.hash_input);
  expect(r.hash_input === 'none').toBe(!r.hash_valid);
  expect(r.rss_queue >= 0 && r.rss_queue < qmax).toBe(true);
  expect(r.vmq_queue >= 0 && r.vmq_queue < qmax).toBe(true);
  expect(r.vmq_hit).toBe(r.vmq_filter >= 0);
  expect(r.vmq_filter >= -1 && r.vmq_filter < Math.min(p.filters.length, b.vmqFilters)).toBe(true);
  expect(ENCAPS).toContain(r.encap);
  if (r.encap !== 'nvgre') expect(r.flowid).toBe(0);
  if (r.encap === 'none' || r.encap === 'gre') expect(r.vsid).toBe(0);
  if ((r.encap === 'vxlan' || r.encap === 'geneve') && b.udpTunnelPorts === 0) expect.unreachable('a UDP tunnel in a build without the table');
  expect(r.vsid >= 0 && r.vsid < 2 ** 24 && r.flowid >= 0 && r.flowid < 256).toBe(true);
  if (r.hash_input === 'inner-4tuple' || r.hash_input === 'outer-2tuple') expect(r.encap).not.toBe('none');
  expect(r.inner_parsed).toBe(r.inner_l3_offset > 0);
  if (r.inner_l4_offset > 0) expect(r.inner_l4_offset).toBeGreaterThan(r.inner_l3_offset);
  if (r.inner_l3_offset > 0 && r.inner_l2_offset > 0) expect(r.inner_l3_offset).toBeGreaterThan(r.inner_l2_offset);
  for (const off of [r.outer_l3_offset, r.inner_l2_offset, r.inner_l3_offset, r.inner_l4_offset]) {
    expect(off).toBeGreaterThanOrEqual(0);
    if (off > 0) expect(off).toBeLessThan(Math.min(frame.length, mhb));
  }
  if (r.encap !== 'none' || r.inner_l2_offset > 0) expect(r.outer_l3_offset).toBeGreaterThan(0);
  expect(r.length).toBe(frame.length);
  const idx = r.errors.map((e) => ERROR_NAMES.indexOf(e));
  expect(idx.every((i) => i >= 0)).toBe(true);
  expect([...idx].sort()).toEqual(idx);
  expect(new Set(idx).size).toBe(idx.length);
  expect(r.errors.filter((e) => e !== 'mac_error').length).toBeLessThanOrEqual(1);
}

const arbProfile: fc.Arbitrary<Profile> = fc
  .record({
    key: fc.uint8Array({ minLength: 40, maxLength: 40 }),
    hashTypes: fc.nat(0xffff).map((m) => m & ALL_HASH_TYPES),
    rssEnable: fc.boolean(),
    vmqEnable: fc.boolean(),
    encapRssEnable: fc.boolean(),
    encapVmqEnable: fc.boolean(),
    bits: fc.integer({ min: 1, max: 7 }),
    rssDefaultQueue: fc.nat(63),
    vmqDefaultQueue: fc.nat(63),
    filters: fc.array(
      fc.record({
        valid: fc.boolean(),
        mac: fc.constantFrom(...[1, 2, 3, 4].map((i) => Uint8Array.of(2, 0, 0, 0, 0, i))),
        matchVlan: fc.boolean(),
        vlanId: fc.nat(4095),
        matchVsid: fc.boolean(),
        vsid: fc.constantFrom(0, 1, 4096),
        queue: fc.nat(63),
      }),
      { maxLength: 16 },
    ),
    maxHeaderBytes: fc.integer({ min: 64, max: 256 }),
    udpTunnels: fc.array(
      fc.record({ valid: fc.boolean(), port: fc.constantFrom(4789, 6081, 53, 0), type: fc.constantFrom('vxlan' as const, 'geneve' as const) }),
      { maxLength: 6 },
    ),
  })
  .chain((r) =>
    fc.array(fc.nat(63), { minLength: 2 ** r.bits, maxLength: 2 ** r.bits }).map((indirection) => {
      const { bits: _bits, ...rest } = r;
      return { ...rest, indirection };
    }),
  );

const arbBuild: fc.Arbitrary<BuildParams> = fc.record({
  dataWidth: fc.constantFrom(64 as const, 512 as const),
  ipv6: fc.boolean(),
  maxHeaderBytes: fc.constantFrom(128, 256),
  ipv6MaxExtHeaders: fc.integer({ min: 1, max: 4 }),
  vmqFilters: fc.constantFrom(4, 16),
  indirectionEntries: fc.constantFrom(16, 128),
  queueBits: fc.constant(6),
  udpTunnelPorts: fc.constantFrom(0, 4),
});

describe('classify never throws and stays in range', () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), arbProfile, arbBuild, fc.boolean(), (frame, p, b, macError) => {
        const r = classify(frame, p, b, { macError });
        checkRecord(r, frame, p, b);
        expect(r.errors.includes('mac_error')).toBe(macError);
      }),
      { numRuns: 2000 },
    );
  });

  it('on random bytes behind a plausible Ethernet + IP start', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([0x08, 0x00, 0x45], [0x86, 0xdd, 0x60], [0x81, 0x00, 0x00, 0x05, 0x08, 0x00, 0x46]),
        fc.uint8Array({ maxLength: 200 }),
        arbProfile,
        (head, tail, p) => {
          const frame = new Uint8Array(12 + head.length + tail.length);
          frame.set(head, 12);
          frame.set(tail, 12 + head.length);
          checkRecord(classify(frame, p), frame, p, DEFAULT_BUILD);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('on random truncations of random valid frames', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(), arbProfile, arbBuild, (seed, cutSeed, p, b) => {
        const frame = buildFrame(randomLayers(mulberry32(seed), { ipv6: b.ipv6 || seed % 2 === 0, udpTunnelRate: seed % 3 === 0 ? 0.5 : 0 }));
        const cut = frame.subarray(0, cutSeed % (frame.length + 1));
        checkRecord(classify(cut, p, b), cut, p, b);
        checkRecord(classify(frame, p, b), frame, p, b);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('random valid frames report what they were built with', () => {
  it('NVGRE VSID/FlowID, encapsulation kind and no errors when the headers fit', () => {
    for (let seed = 0; seed < 3000; seed++) {
      const layers = randomLayers(mulberry32(seed), { oddRate: 0 });
      const frame = buildFrame(layers);
      const r = classify(frame, defaultProfile());
      const nv = layers.find((l) => l.kind === 'nvgre');
      const gre = layers.find((l) => l.kind === 'gre');
      if (frame.length <= 256 - 8) expect(r.errors).toEqual([]);
      if (nv?.kind === 'nvgre' && r.errors.length === 0) {
        expect(r.encap).toBe('nvgre');
        expect(r.vsid).toBe(nv.vsid);
        expect(r.flowid).toBe(nv.flowId);
        expect(r.inner_l2_offset).toBeGreaterThan(0);
      }
      if (gre?.kind === 'gre') {
        // GRE with only K over Ethernet is NVGRE by the wire format, whoever built it.
        const overEth = layers[layers.indexOf(gre) + 1]?.kind === 'eth';
        const looksNvgre = gre.key !== undefined && !gre.checksum && gre.seq === undefined && overEth;
        expect(r.encap).toBe(looksNvgre ? 'nvgre' : 'gre');
      }
      if (!nv && !gre) expect(r.encap).toBe('none');
      checkRecord(r, frame, defaultProfile(), DEFAULT_BUILD);
    }
  });

  it('RefEngine and classify() agree, frame after frame', () => {
    const p = defaultProfile();
    const eng = new RefEngine(p);
    for (let seed = 0; seed < 500; seed++) {
      const frame = buildFrame(randomLayers(mulberry32(seed)));
      expect(eng.classify(frame, { frameIndex: seed })).toEqual(classify(frame, p, DEFAULT_BUILD, { frameIndex: seed }));
    }
    expect(eng.counters.frames).toBe(500);
  });
});
