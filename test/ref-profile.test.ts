// SPDX-License-Identifier: MIT
// Profiles: defaults, reset values, the JSON form and its validation, engine clamps.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { classify } from '../ref/classify.ts';
import { ALL_HASH_TYPES, HASH_TYPE, hashTypeName, hashTypeNames } from '../ref/hash-types.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { defaultProfile, parseProfileJson, ProfileError, profileToJson, resetProfile } from '../ref/profile.ts';
import { bytesToHex } from '../ref/toeplitz.ts';

const SAMPLE_KEY = '6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa';

describe('hash-type constants', () => {
  it('are the NDIS values', () => {
    expect(HASH_TYPE).toEqual({ IPV4: 0x100, TCP_IPV4: 0x200, IPV6: 0x400, TCP_IPV6: 0x1000, UDP_IPV4: 0x4000, UDP_IPV6: 0x8000 });
    expect(ALL_HASH_TYPES).toBe(0xd700);
  });
  it('map names and values both ways', () => {
    expect(hashTypeName(0x1000)).toBe('TCP_IPV6');
    expect(hashTypeName(0x300)).toBeUndefined();
    expect(hashTypeNames(0x4300)).toEqual(['IPV4', 'TCP_IPV4', 'UDP_IPV4']);
  });
});

describe('default and reset profiles', () => {
  it('default: sample key, all types and enables, 128 entries i % 8, no filters, 512 bytes (the build maximum)', () => {
    const p = defaultProfile();
    expect(bytesToHex(p.key)).toBe(SAMPLE_KEY);
    expect(p.hashTypes).toBe(0xd700);
    expect([p.rssEnable, p.vmqEnable, p.encapRssEnable, p.encapVmqEnable]).toEqual([true, true, true, true]);
    expect(p.indirection).toHaveLength(128);
    expect(p.indirection.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0, 1]);
    expect([p.rssDefaultQueue, p.vmqDefaultQueue, p.filters.length, p.maxHeaderBytes]).toEqual([0, 0, 0, 512]);
  });

  it('reset: everything off, zero key and table of the build size, invalid filters, build max header bytes', () => {
    const b = { ...DEFAULT_BUILD, indirectionEntries: 32, vmqFilters: 4, maxHeaderBytes: 192 };
    const p = resetProfile(b);
    expect(Array.from(p.key)).toEqual(new Array(40).fill(0));
    expect([p.hashTypes, p.rssEnable, p.vmqEnable, p.encapRssEnable, p.encapVmqEnable]).toEqual([0, false, false, false, false]);
    expect(p.indirection).toEqual(new Array(32).fill(0));
    expect(p.filters).toHaveLength(4);
    expect(p.filters.every((f) => !f.valid)).toBe(true);
    expect(p.maxHeaderBytes).toBe(192);
  });

  it('reset profile classifies with no hash, no VMQ, GRE not parsed', () => {
    const f = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' },
      { kind: 'nvgre', vsid: 9 },
      { kind: 'eth' },
      { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' },
      { kind: 'udp', sport: 1, dport: 2 },
    ]);
    const r = classify(f, resetProfile(DEFAULT_BUILD));
    expect([r.hash_valid, r.hash_input, r.rss_queue, r.vmq_hit, r.encap, r.vsid, r.inner_parsed]).toEqual([false, 'none', 0, false, 'none', 0, false]);
  });
});

describe('profile JSON', () => {
  it('an empty object is the default profile', () => {
    expect(parseProfileJson('{}')).toEqual(defaultProfile());
  });

  it('reads every key', () => {
    const p = parseProfileJson({
      key: 'ff'.repeat(40),
      hash_types: ['TCP_IPV4', 'IPV6'],
      rss_enable: false,
      vmq_enable: true,
      encap_rss_enable: false,
      encap_vmq_enable: true,
      indirection: [3, 2, 1, 0],
      rss_default_queue: 9,
      vmq_default_queue: 10,
      filters: [
        { mac: '02:00:00:00:00:01', vlan: 5, vsid: null, queue: 3 },
        { mac: '02-00-00-00-00-02', vsid: 0, queue: 4 },
      ],
      max_header_bytes: 128,
    });
    expect(Array.from(p.key)).toEqual(new Array(40).fill(255));
    expect(p.hashTypes).toBe(0x200 | 0x400);
    expect([p.rssEnable, p.vmqEnable, p.encapRssEnable, p.encapVmqEnable]).toEqual([false, true, false, true]);
    expect(p.indirection).toEqual([3, 2, 1, 0]);
    expect([p.rssDefaultQueue, p.vmqDefaultQueue, p.maxHeaderBytes]).toEqual([9, 10, 128]);
    expect(p.filters[0]).toEqual({ valid: true, mac: Uint8Array.of(2, 0, 0, 0, 0, 1), matchVlan: true, vlanId: 5, matchVsid: false, vsid: 0, queue: 3 });
    expect(p.filters[1]).toMatchObject({ matchVlan: false, matchVsid: true, vsid: 0, queue: 4 });
  });

  it('hash_types as a number', () => {
    expect(parseProfileJson({ hash_types: 0x8000 }).hashTypes).toBe(0x8000);
  });

  it('profileToJson round-trips', () => {
    const p = parseProfileJson({ hash_types: ['UDP_IPV6'], filters: [{ mac: '02:00:00:00:00:09', vlan: null, vsid: 7, queue: 1 }], indirection: [1, 1] });
    expect(parseProfileJson(JSON.stringify(profileToJson(p)))).toEqual(p);
    const r = resetProfile(DEFAULT_BUILD);
    expect(parseProfileJson(profileToJson(r))).toEqual(r);
  });

  const bad: [string, unknown, RegExp][] = [
    ['unknown key', { rss_enabled: true }, /unknown key "rss_enabled"/],
    ['unknown filter key', { filters: [{ mac: '02:00:00:00:00:01', queue: 1, port: 3 }] }, /unknown key "port" in "filters\[0\]"/],
    ['short key', { key: 'abcd' }, /"key".*80 hex digits/],
    ['non-hex key', { key: 'zz'.repeat(40) }, /"key"/],
    ['hash type name', { hash_types: ['TCP_IPV4_EX'] }, /"hash_types".*TCP_IPV4_EX/],
    ['hash type _EX bit', { hash_types: 0x800 }, /"hash_types".*0x800/],
    ['hash types string', { hash_types: 'IPV4' }, /"hash_types"/],
    ['enable not boolean', { rss_enable: 1 }, /"rss_enable".*true or false/],
    ['indirection length 3', { indirection: [0, 1, 2] }, /"indirection".*power-of-two/],
    ['indirection length 256', { indirection: new Array(256).fill(0) }, /"indirection"/],
    ['indirection length 1', { indirection: [0] }, /"indirection"/],
    ['indirection queue 64', { indirection: [0, 64] }, /"indirection\[1\]".*0\.\.63/],
    ['queue -1', { rss_default_queue: -1 }, /"rss_default_queue"/],
    ['queue 1.5', { vmq_default_queue: 1.5 }, /"vmq_default_queue"/],
    ['filter queue', { filters: [{ mac: '02:00:00:00:00:01', queue: 99 }] }, /"filters\[0\]\.queue"/],
    ['filter mac', { filters: [{ mac: '02:00:00:00:01', queue: 1 }] }, /"filters\[0\]\.mac"/],
    ['filter vlan', { filters: [{ mac: '02:00:00:00:00:01', vlan: 4096, queue: 1 }] }, /"filters\[0\]\.vlan".*0\.\.4095/],
    ['filter vsid', { filters: [{ mac: '02:00:00:00:00:01', vsid: 0x1000000, queue: 1 }] }, /"filters\[0\]\.vsid"/],
    ['filter missing queue', { filters: [{ mac: '02:00:00:00:00:01' }] }, /"filters\[0\]\.queue"/],
    ['too many filters', { filters: new Array(17).fill({ mac: '02:00:00:00:00:01', queue: 1 }) }, /"filters".*16/],
    ['max_header_bytes 63', { max_header_bytes: 63 }, /"max_header_bytes".*64\.\.512/],
    ['max_header_bytes 513', { max_header_bytes: 513 }, /"max_header_bytes"/],
    ['not an object', [1, 2], /must be a JSON object/],
  ];
  for (const [name, value, msg] of bad) {
    it(`rejects ${name} with a one-line message naming the key`, () => {
      let err: unknown;
      try {
        parseProfileJson(value);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProfileError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('rejects text that is not JSON', () => {
    expect(() => parseProfileJson('{"rss_enable": tru')).toThrow(/not valid JSON/);
  });

  it('validates against the build: queue bits, table size, filters, header window', () => {
    const b = { ...DEFAULT_BUILD, queueBits: 3, indirectionEntries: 16, vmqFilters: 2, maxHeaderBytes: 128 };
    expect(() => parseProfileJson({ rss_default_queue: 8 }, b)).toThrow(/0\.\.7/);
    expect(() => parseProfileJson({ indirection: new Array(32).fill(0) }, b)).toThrow(/2 to 16/);
    expect(() => parseProfileJson({ filters: new Array(3).fill({ mac: '02:00:00:00:00:01', queue: 1 }) }, b)).toThrow(/at most 2/);
    expect(() => parseProfileJson({ max_header_bytes: 129 }, b)).toThrow(/64\.\.128/);
    // The default adapts to the build.
    const d = parseProfileJson({}, b);
    expect(d.indirection).toHaveLength(16);
    expect(d.maxHeaderBytes).toBe(128);
  });
});

describe('write-time clamps in the engine', () => {
  const deepTcp: Layer[] = [
    { kind: 'eth' },
    { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2', options: new Array(40).fill(1) },
    { kind: 'tcp', sport: 1, dport: 2 },
  ];
  it('max_header_bytes below 64 acts as 64', () => {
    // TCP ends at 14 + 60 + 20 = 94 > 64: too_deep with 64 (so with 10 too, not truncated earlier).
    const f = buildFrame(deepTcp);
    expect(classify(f, { ...defaultProfile(), maxHeaderBytes: 10 }).errors).toEqual(['too_deep']);
    const short = buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' }, { kind: 'tcp', sport: 1, dport: 2 }]);
    expect(classify(short, { ...defaultProfile(), maxHeaderBytes: 10 }).hash_input).toBe('4tuple');
  });
  it('max_header_bytes above the build maximum acts as the maximum', () => {
    const f = buildFrame([...deepTcp.slice(0, 2), { kind: 'nvgre', vsid: 1 }, { kind: 'payload', bytes: 300 }]);
    const b = { ...DEFAULT_BUILD, maxHeaderBytes: 96 };
    // NVGRE header at 74..82 fits 96; with 90 bytes of outer headers it would not.
    expect(classify(f, { ...defaultProfile(), maxHeaderBytes: 1000 }, b).errors).toEqual([]);
    const g = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv6', src: '::1', dst: '::2' },
      { kind: 'ipv6-ext', type: 0, length: 48 },
      { kind: 'tcp', sport: 1, dport: 2 },
    ]);
    expect(classify(g, { ...defaultProfile(), maxHeaderBytes: 1000 }, b).errors).toEqual(['too_deep']);
  });
});

describe('udp_tunnels (docs/CONTRACT.md section 8)', () => {
  it('left out: the default entries (VXLAN 4789, GENEVE 6081); given: the list replaces them, [] turns UDP tunnels off', () => {
    expect(parseProfileJson({}).udpTunnels).toEqual([
      { valid: true, port: 4789, type: 'vxlan' },
      { valid: true, port: 6081, type: 'geneve' },
    ]);
    expect(parseProfileJson({ udp_tunnels: [] }).udpTunnels).toEqual([]);
    const p = parseProfileJson({
      udp_tunnels: [
        { port: 8472, type: 'vxlan' },
        { port: 1, type: 'geneve', valid: false },
        { port: 6081, type: 'geneve' },
      ],
    });
    expect(p.udpTunnels).toEqual([
      { valid: true, port: 8472, type: 'vxlan' },
      { valid: false, port: 1, type: 'geneve' },
      { valid: true, port: 6081, type: 'geneve' },
    ]);
    expect(parseProfileJson(JSON.stringify(profileToJson(p)))).toEqual(p);
    expect(profileToJson(p).udp_tunnels).toEqual([
      { port: 8472, type: 'vxlan' },
      { port: 1, type: 'geneve', valid: false },
      { port: 6081, type: 'geneve' },
    ]);
  });

  it('the profile decides: [] makes a VXLAN packet ordinary UDP', () => {
    const f = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' },
      { kind: 'udp', sport: 1, dport: 4789 },
      { kind: 'vxlan', vni: 5 },
      { kind: 'eth' },
      { kind: 'ipv4', src: '3.3.3.3', dst: '4.4.4.4' },
    ]);
    expect(classify(f, parseProfileJson({})).encap).toBe('vxlan');
    expect(classify(f, parseProfileJson({ udp_tunnels: [] })).encap).toBe('none');
  });

  const badTunnels: [string, unknown, RegExp][] = [
    ['an unknown type', { udp_tunnels: [{ port: 4790, type: 'vxlan-gpe' }] }, /"udp_tunnels\[0\]\.type".*"vxlan" or "geneve"/],
    ['port 65536', { udp_tunnels: [{ port: 65536, type: 'vxlan' }] }, /"udp_tunnels\[0\]\.port".*0\.\.65535/],
    ['a missing port', { udp_tunnels: [{ type: 'vxlan' }] }, /"udp_tunnels\[0\]\.port"/],
    ['an unknown entry key', { udp_tunnels: [{ port: 1, type: 'vxlan', vni: 3 }] }, /unknown key "vni" in "udp_tunnels\[0\]"/],
    ['more entries than the build has', { udp_tunnels: new Array(5).fill({ port: 1, type: 'vxlan' }) }, /"udp_tunnels".*at most 4/],
    ['not an array', { udp_tunnels: { port: 1, type: 'vxlan' } }, /"udp_tunnels".*array/],
  ];
  for (const [name, value, msg] of badTunnels) {
    it(`rejects ${name} with a one-line message naming the key`, () => {
      expect(() => parseProfileJson(value)).toThrow(ProfileError);
      expect(() => parseProfileJson(value)).toThrow(msg);
    });
  }

  it('validates against the build: a build without the table takes no entries and defaults to none', () => {
    const b0 = { ...DEFAULT_BUILD, udpTunnelPorts: 0 };
    expect(parseProfileJson({}, b0).udpTunnels).toEqual([]);
    expect(parseProfileJson({ udp_tunnels: [] }, b0).udpTunnels).toEqual([]);
    expect(() => parseProfileJson({ udp_tunnels: [{ port: 4789, type: 'vxlan' }] }, b0)).toThrow(/"udp_tunnels".*no UDP tunnel port table/);
    expect(resetProfile(b0).udpTunnels).toEqual([]);
    expect(resetProfile(DEFAULT_BUILD).udpTunnels).toEqual(new Array(4).fill({ valid: false, port: 0, type: 'vxlan' }));
  });
});
