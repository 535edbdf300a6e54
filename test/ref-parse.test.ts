// SPDX-License-Identifier: MIT
// Directed tests of the parser: docs/CONTRACT.md sections 2 and 7, docs/BEHAVIOUR.md bounds, errors and offsets.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { classify } from '../ref/classify.ts';
import { HASH_TYPE } from '../ref/hash-types.ts';
import { parseIpv4, parseIpv6 } from '../ref/packets/addr.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { defaultProfile, type Profile } from '../ref/profile.ts';
import { toeplitzBitSerial } from '../ref/toeplitz.ts';

const P = defaultProfile();
const KEY = P.key;
const V4A = '10.1.1.1';
const V4B = '10.2.2.2';
const V6A = '2001:db8::a';
const V6B = '2001:db8::b';

function oracle(...parts: (Uint8Array | number[])[]): number {
  const bytes = Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  return toeplitzBitSerial(KEY, bytes);
}
const ports = (s: number, d: number) => [s >> 8, s & 0xff, d >> 8, d & 0xff];
const v4Pair = oracle(parseIpv4(V4A), parseIpv4(V4B));
const v4Quad = oracle(parseIpv4(V4A), parseIpv4(V4B), ports(1000, 2000));
const v6Pair = oracle(parseIpv6(V6A), parseIpv6(V6B));
const v6Quad = oracle(parseIpv6(V6A), parseIpv6(V6B), ports(1000, 2000));

const ip4: Layer = { kind: 'ipv4', src: V4A, dst: V4B };
const ip6: Layer = { kind: 'ipv6', src: V6A, dst: V6B };
const tcp: Layer = { kind: 'tcp', sport: 1000, dport: 2000 };
const udp: Layer = { kind: 'udp', sport: 1000, dport: 2000 };

function run(layers: Layer[], profile: Profile = P, cut?: number) {
  const f = buildFrame(layers);
  return classify(cut === undefined ? f : f.subarray(0, cut), profile);
}

describe('outer Ethernet and VLAN tags', () => {
  it('untagged IPv4: L3 at 14', () => {
    const r = run([{ kind: 'eth' }, ip4, tcp]);
    expect(r.outer_l3_offset).toBe(14);
    expect(r.hash).toBe(v4Quad);
    expect(r.errors).toEqual([]);
    expect(r.length).toBe(14 + 20 + 20);
  });

  for (const tpid of [0x8100, 0x88a8]) {
    it(`one tag with TPID 0x${tpid.toString(16)}: L3 at 18`, () => {
      const r = run([{ kind: 'eth' }, { kind: 'vlan', vid: 5, tpid }, ip4, tcp]);
      expect(r.outer_l3_offset).toBe(18);
      expect(r.hash).toBe(v4Quad);
    });
  }

  for (const [a, b] of [
    [0x88a8, 0x8100],
    [0x8100, 0x8100],
    [0x88a8, 0x88a8],
    [0x8100, 0x88a8],
  ] as const) {
    it(`two tags 0x${a.toString(16)} + 0x${b.toString(16)}: L3 at 22`, () => {
      const r = run([{ kind: 'eth' }, { kind: 'vlan', vid: 1, tpid: a }, { kind: 'vlan', vid: 2, tpid: b }, ip6, udp]);
      expect(r.outer_l3_offset).toBe(22);
      expect(r.hash).toBe(v6Quad);
    });
  }

  it('a third TPID after two tags is "anything else": no L3, no hash, no error', () => {
    const r = run([{ kind: 'eth' }, { kind: 'vlan', vid: 1 }, { kind: 'vlan', vid: 2 }, { kind: 'vlan', vid: 3 }, ip4, tcp]);
    expect(r.outer_l3_offset).toBe(0);
    expect(r.hash_valid).toBe(false);
    expect(r.hash_input).toBe('none');
    expect(r.errors).toEqual([]);
  });

  it('a non-IP ethertype (ARP): no hash, no error', () => {
    const r = run([
      { kind: 'eth', type: 0x0806 },
      { kind: 'payload', bytes: 28 },
    ]);
    expect(r.hash_valid).toBe(false);
    expect(r.outer_l3_offset).toBe(0);
    expect(r.errors).toEqual([]);
  });

  it('a frame under 14 bytes has no Ethernet header: truncated', () => {
    const r = classify(new Uint8Array(13), P);
    expect(r.errors).toEqual(['truncated']);
    expect(r.length).toBe(13);
    expect(r.hash_input).toBe('none');
  });

  it('a frame cut inside the first or second tag: truncated, no L3', () => {
    const one = run([{ kind: 'eth' }, { kind: 'vlan', vid: 5 }, ip4, tcp], P, 17);
    expect(one.errors).toEqual(['truncated']);
    const two = run([{ kind: 'eth' }, { kind: 'vlan', vid: 5 }, { kind: 'vlan', vid: 6 }, ip4, tcp], P, 21);
    expect(two.errors).toEqual(['truncated']);
    expect(two.outer_l3_offset).toBe(0);
  });

  it('an empty frame', () => {
    const r = classify(new Uint8Array(0), P);
    expect(r.errors).toEqual(['truncated']);
    expect(r.length).toBe(0);
  });
});

describe('IPv4', () => {
  it('options are skipped: ports found after a 60-byte header', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, options: new Array(40).fill(1) } as Layer, tcp]);
    expect(r.outer_l3_offset).toBe(14);
    expect(r.hash).toBe(v4Quad);
    expect(r.hash_input).toBe('4tuple');
  });

  it('IHL < 5 is bad_ip: header not parsed, no hash', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, ihl: 4 } as Layer, tcp]);
    expect(r.errors).toEqual(['bad_ip']);
    expect(r.outer_l3_offset).toBe(0);
    expect(r.hash_valid).toBe(false);
  });

  it('version 6 under ethertype 0x0800 is bad_ip', () => {
    const r = run([{ kind: 'eth', type: 0x0800 }, ip6, tcp]);
    expect(r.errors).toEqual(['bad_ip']);
  });

  it('cut inside the fixed 20 bytes: truncated (the version is not judged first)', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, version: 5 } as Layer, tcp], P, 14 + 19);
    expect(r.errors).toEqual(['truncated']);
  });

  it('cut inside the options: truncated and not parsed', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, options: new Array(8).fill(1) } as Layer, tcp], P, 14 + 27);
    expect(r.errors).toEqual(['truncated']);
    expect(r.outer_l3_offset).toBe(0);
    expect(r.hash_valid).toBe(false);
  });

  it('options ending past max_header_bytes in a longer frame: too_deep', () => {
    // 14 + 60 = 74 > 64 while the frame is longer than that.
    const r = run([{ kind: 'eth' }, { ...ip4, options: new Array(40).fill(1) } as Layer, tcp], { ...P, maxHeaderBytes: 64 });
    expect(r.errors).toEqual(['too_deep']);
    expect(r.outer_l3_offset).toBe(0);
  });

  it('total length and checksum are not used: a wrong total length and checksum still parse', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, totalLength: 3, checksum: 0x1234 } as Layer, tcp]);
    expect(r.hash).toBe(v4Quad);
    expect(r.errors).toEqual([]);
  });

  it('TCP cut before its 20 bytes: truncated, plain 2-tuple', () => {
    const r = run([{ kind: 'eth' }, ip4, tcp], P, 14 + 20 + 19);
    expect(r.errors).toEqual(['truncated']);
    expect(r.hash_input).toBe('2tuple');
    expect(r.hash).toBe(v4Pair);
  });

  it('UDP needs 8 bytes: 8 present is enough, 7 is truncated', () => {
    expect(run([{ kind: 'eth' }, ip4, udp], P, 14 + 20 + 8).hash).toBe(v4Quad);
    const r = run([{ kind: 'eth' }, ip4, udp, { kind: 'payload', bytes: 4 }], P, 14 + 20 + 7);
    expect(r.errors).toEqual(['truncated']);
    expect(r.hash).toBe(v4Pair);
  });

  it('TCP ending past max_header_bytes in a longer frame: too_deep', () => {
    // 14 + 28 (options 8) + 20 = 62 fits 64; 14 + 32 + 20 = 66 does not.
    const ok = run([{ kind: 'eth' }, { ...ip4, options: new Array(8).fill(1) } as Layer, tcp], { ...P, maxHeaderBytes: 64 });
    expect(ok.errors).toEqual([]);
    expect(ok.hash_input).toBe('4tuple');
    const deep = run([{ kind: 'eth' }, { ...ip4, options: new Array(12).fill(1) } as Layer, tcp], { ...P, maxHeaderBytes: 64 });
    expect(deep.errors).toEqual(['too_deep']);
    expect(deep.hash_input).toBe('2tuple');
  });

  for (const [name, frag] of [
    ['MF set (first fragment)', { mf: true }],
    ['offset != 0, MF clear (last fragment)', { fragOffset: 100 }],
    ['MF and offset', { mf: true, fragOffset: 1 }],
  ] as const) {
    it(`fragment, ${name}: 2-tuple even with TCP inside; its L4 is not read`, () => {
      const r = run([{ kind: 'eth' }, { ...ip4, ...frag } as Layer, tcp], P, 14 + 20 + 3);
      expect(r.hash_input).toBe('2tuple');
      expect(r.hash).toBe(v4Pair);
      expect(r.errors).toEqual([]);
    });
  }

  it('DF alone is not a fragment', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, df: true } as Layer, tcp]);
    expect(r.hash_input).toBe('4tuple');
  });
});

describe('IPv6', () => {
  it('version 4 under 0x86DD is bad_ip', () => {
    const r = run([{ kind: 'eth', type: 0x86dd }, ip4, tcp, { kind: 'payload', bytes: 20 }]);
    expect(r.errors).toEqual(['bad_ip']);
    expect(r.outer_l3_offset).toBe(0);
  });

  it('cut inside the 40-byte header: truncated', () => {
    expect(run([{ kind: 'eth' }, ip6, tcp], P, 14 + 39).errors).toEqual(['truncated']);
  });

  it('Hop-by-Hop, Routing and Destination Options (4 in all, one 24 bytes long) are skipped', () => {
    const r = run([
      { kind: 'eth' },
      ip6,
      { kind: 'ipv6-ext', type: 0 },
      { kind: 'ipv6-ext', type: 43, length: 24 },
      { kind: 'ipv6-ext', type: 60 },
      { kind: 'ipv6-ext', type: 0 },
      tcp,
    ]);
    expect(r.errors).toEqual([]);
    expect(r.hash_input).toBe('4tuple');
    expect(r.hash_type).toBe(HASH_TYPE.TCP_IPV6);
    expect(r.hash).toBe(v6Quad);
  });

  it('a fifth extension header is too_deep: 2-tuple over the fixed header', () => {
    const exts: Layer[] = [0, 60, 43, 60, 0].map((t) => ({ kind: 'ipv6-ext', type: t }));
    const r = run([{ kind: 'eth' }, ip6, ...exts, tcp]);
    expect(r.errors).toEqual(['too_deep']);
    expect(r.outer_l3_offset).toBe(14);
    expect(r.hash_input).toBe('2tuple');
    expect(r.hash).toBe(v6Pair);
  });

  it('the extension-header limit is a build parameter', () => {
    const exts: Layer[] = [0, 60].map((t) => ({ kind: 'ipv6-ext', type: t }));
    const f = buildFrame([{ kind: 'eth' }, ip6, ...exts, tcp]);
    expect(classify(f, P, { ...DEFAULT_BUILD, ipv6MaxExtHeaders: 1 }).errors).toEqual(['too_deep']);
    expect(classify(f, P, { ...DEFAULT_BUILD, ipv6MaxExtHeaders: 2 }).hash).toBe(v6Quad);
  });

  it('an extension header cut in its first 8 bytes or in its full length: truncated', () => {
    const layers: Layer[] = [{ kind: 'eth' }, ip6, { kind: 'ipv6-ext', type: 60, length: 16 }, tcp];
    expect(run(layers, P, 14 + 40 + 7).errors).toEqual(['truncated']);
    const r = run(layers, P, 14 + 40 + 15);
    expect(r.errors).toEqual(['truncated']);
    expect(r.hash).toBe(v6Pair);
  });

  it('an extension header ending past max_header_bytes: too_deep', () => {
    // 14 + 40 = 54; a 16-byte header ends at 70 > 64.
    const r = run([{ kind: 'eth' }, ip6, { kind: 'ipv6-ext', type: 0, length: 16 }, tcp], { ...P, maxHeaderBytes: 64 });
    expect(r.errors).toEqual(['too_deep']);
  });

  it('an atomic Fragment header (offset 0, M 0) still makes a fragment; nothing after it is read', () => {
    const layers: Layer[] = [{ kind: 'eth' }, ip6, { kind: 'ipv6-frag' }, tcp];
    const r = run(layers, P, 14 + 40 + 8 + 2);
    expect(r.hash_input).toBe('2tuple');
    expect(r.hash).toBe(v6Pair);
    expect(r.errors).toEqual([]);
  });

  it('a Fragment header after other extension headers', () => {
    const r = run([{ kind: 'eth' }, ip6, { kind: 'ipv6-ext', type: 0 }, { kind: 'ipv6-frag', more: true }, udp]);
    expect(r.hash_input).toBe('2tuple');
  });

  it('a Fragment header cut short: truncated', () => {
    expect(run([{ kind: 'eth' }, ip6, { kind: 'ipv6-frag' }, tcp], P, 14 + 40 + 7).errors).toEqual(['truncated']);
  });

  it('an IPv4-only build treats 0x86DD as anything else: no L3, no error', () => {
    const r = classify(buildFrame([{ kind: 'eth' }, ip6, tcp]), P, { ...DEFAULT_BUILD, ipv6: false });
    expect(r.outer_l3_offset).toBe(0);
    expect(r.hash_input).toBe('none');
    expect(r.errors).toEqual([]);
  });
});

describe('GRE and NVGRE', () => {
  const nvgre = (inner: Layer[]): Layer[] => [{ kind: 'eth' }, ip4, { kind: 'nvgre', vsid: 0xabcdef, flowId: 0x42 }, ...inner];

  it('NVGRE offsets: outer L3 14, inner L2 42, inner L3 56, inner L4 76', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, tcp]));
    expect([r.outer_l3_offset, r.inner_l2_offset, r.inner_l3_offset, r.inner_l4_offset]).toEqual([14, 42, 56, 76]);
    expect(r.encap).toBe('nvgre');
    expect(r.vsid).toBe(0xabcdef);
    expect(r.flowid).toBe(0x42);
    expect(r.inner_parsed).toBe(true);
  });

  it('an inner 0x8100 tag moves the inner L3 by 4', () => {
    const r = run(nvgre([{ kind: 'eth' }, { kind: 'vlan', vid: 9 }, ip6, udp]));
    expect([r.inner_l2_offset, r.inner_l3_offset, r.inner_l4_offset]).toEqual([42, 60, 100]);
    expect(r.hash).toBe(v6Quad);
  });

  it('an inner 0x88A8 tag: inner Ethernet parsed, inside not IP, no error', () => {
    const r = run(nvgre([{ kind: 'eth' }, { kind: 'vlan', vid: 9, tpid: 0x88a8 }, ip4, tcp]));
    expect(r.inner_l2_offset).toBe(42);
    expect(r.inner_parsed).toBe(false);
    expect(r.inner_l3_offset).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.hash_input).toBe('outer-2tuple');
  });

  it('two inner 0x8100 tags: not IP', () => {
    const r = run(nvgre([{ kind: 'eth' }, { kind: 'vlan', vid: 9 }, { kind: 'vlan', vid: 10 }, ip4, tcp]));
    expect(r.inner_l2_offset).toBe(42);
    expect(r.inner_parsed).toBe(false);
  });

  it('inner Ethernet cut short: truncated, no inner L2 offset', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, tcp]), P, 42 + 13);
    expect(r.errors).toEqual(['truncated']);
    expect(r.inner_l2_offset).toBe(0);
    expect(r.encap).toBe('nvgre');
  });

  it('inner IPv4 with a bad version: bad_ip, inner not parsed', () => {
    const r = run(nvgre([{ kind: 'eth' }, { ...ip4, version: 7 } as Layer, tcp]));
    expect(r.errors).toEqual(['bad_ip']);
    expect(r.inner_parsed).toBe(false);
    expect(r.inner_l3_offset).toBe(0);
    expect(r.inner_l2_offset).toBe(42);
  });

  it('inner IPv4 fragment: inner parsed, no inner L4, nothing after it read', () => {
    const r = run(nvgre([{ kind: 'eth' }, { ...ip4, mf: true } as Layer, tcp]), P, 56 + 20 + 4);
    expect(r.inner_parsed).toBe(true);
    expect(r.inner_l3_offset).toBe(56);
    expect(r.inner_l4_offset).toBe(0);
    expect(r.errors).toEqual([]);
  });

  it('inner IPv6 extension headers are not read: parsed, no inner L4, no error even when cut', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip6, { kind: 'ipv6-ext', type: 0 }, tcp]), P, 56 + 40 + 4);
    expect(r.inner_parsed).toBe(true);
    expect(r.inner_l4_offset).toBe(0);
    expect(r.errors).toEqual([]);
  });

  it('inner_l4_offset does not depend on the enabled hash types', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, udp]), { ...P, hashTypes: 0 });
    expect(r.inner_l4_offset).toBe(76);
    expect(r.hash_valid).toBe(false);
  });

  it('inner TCP cut before 20 bytes: truncated, no inner L4 offset', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, tcp]), P, 76 + 19);
    expect(r.errors).toEqual(['truncated']);
    expect(r.inner_parsed).toBe(true);
    expect(r.inner_l4_offset).toBe(0);
  });

  it('IP-in-GRE (protocol 0x0800): no inner L2, inner L3 right after GRE', () => {
    const r = run([{ kind: 'eth' }, ip4, { kind: 'gre' }, ip4, tcp]);
    expect(r.encap).toBe('gre');
    expect([r.inner_l2_offset, r.inner_l3_offset, r.inner_l4_offset]).toEqual([0, 38, 58]);
    expect(r.vsid).toBe(0);
  });

  for (const c of [false, true])
    for (const k of [false, true])
      for (const s of [false, true]) {
        const size = 4 + 4 * (Number(c) + Number(k) + Number(s));
        const isNvgre = k && !c && !s;
        it(`GRE C=${+c} K=${+k} S=${+s} over Ethernet: ${size}-byte header, ${isNvgre ? 'NVGRE' : 'plain GRE'}, inner parsed`, () => {
          const gre: Layer = { kind: 'gre', checksum: c, key: k ? 0x01020304 : undefined, seq: s ? 7 : undefined };
          const r = run([{ kind: 'eth' }, ip4, gre, { kind: 'eth' }, ip6, tcp]);
          expect(r.encap).toBe(isNvgre ? 'nvgre' : 'gre');
          // K with C or S is plain GRE: the key is not a VSID.
          expect(r.vsid).toBe(isNvgre ? 0x010203 : 0);
          expect(r.flowid).toBe(isNvgre ? 4 : 0);
          expect(r.inner_l2_offset).toBe(34 + size);
          expect(r.inner_l3_offset).toBe(34 + size + 14);
          expect(r.hash_input).toBe('inner-4tuple');
          expect(r.hash).toBe(v6Quad);
        });
      }

  it('GRE K=1 with protocol 0x0800 is GRE, not NVGRE', () => {
    const r = run([{ kind: 'eth' }, ip4, { kind: 'gre', key: 0x12345678 }, ip4, udp]);
    expect(r.encap).toBe('gre');
    expect(r.vsid).toBe(0);
    expect(r.inner_l3_offset).toBe(42);
  });

  for (const [name, gre] of [
    ['version 1', { kind: 'gre', version: 1 }],
    ['R bit', { kind: 'gre', routing: true }],
    ['unknown protocol 0x88be', { kind: 'gre', protocol: 0x88be }],
  ] as const) {
    it(`GRE ${name}: encapsulated, inside not parseable, no error`, () => {
      const r = run([{ kind: 'eth' }, ip4, gre as Layer, { kind: 'eth' }, ip4, tcp]);
      expect(r.encap).toBe('gre');
      expect(r.inner_parsed).toBe(false);
      expect(r.inner_l2_offset).toBe(0);
      expect(r.errors).toEqual([]);
      expect(r.hash_input).toBe('outer-2tuple');
      expect(r.hash).toBe(v4Pair);
    });
  }

  it('GRE header cut inside its first 4 bytes: gre, truncated', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, tcp]), P, 34 + 3);
    expect(r.encap).toBe('gre');
    expect(r.errors).toEqual(['truncated']);
    expect(r.hash_input).toBe('outer-2tuple');
  });

  it('NVGRE header cut before its key: gre (not nvgre), VSID 0, truncated', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, tcp]), P, 34 + 7);
    expect(r.encap).toBe('gre');
    expect(r.vsid).toBe(0);
    expect(r.errors).toEqual(['truncated']);
  });

  it('a GRE header ending past max_header_bytes: too_deep', () => {
    // Outer IPv4 with 20 bytes of options: GRE at 54..62 fits 64; with 28 bytes of options it ends at 70.
    const r = run([{ kind: 'eth' }, { ...ip4, options: new Array(28).fill(1) } as Layer, { kind: 'nvgre', vsid: 5 }, { kind: 'payload', bytes: 80 }], {
      ...P,
      maxHeaderBytes: 64,
    });
    expect(r.errors).toEqual(['too_deep']);
    expect(r.encap).toBe('gre');
  });

  it('an outer fragment with protocol 47: gre, outer 2-tuple, nothing past it parsed', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, mf: true } as Layer, { kind: 'nvgre', vsid: 77 }, { kind: 'eth' }, ip4, tcp]);
    expect(r.encap).toBe('gre');
    expect(r.vsid).toBe(0);
    expect(r.inner_parsed).toBe(false);
    expect(r.inner_l2_offset).toBe(0);
    expect(r.hash_input).toBe('outer-2tuple');
    expect(r.hash).toBe(v4Pair);
  });

  it('an outer IPv6 fragment whose Fragment header announces GRE: the same', () => {
    const r = run([{ kind: 'eth' }, ip6, { kind: 'ipv6-frag', more: true }, { kind: 'nvgre', vsid: 77 }, { kind: 'eth' }, ip4, tcp]);
    expect(r.encap).toBe('gre');
    expect(r.hash_input).toBe('outer-2tuple');
    expect(r.hash).toBe(v6Pair);
  });

  it('GRE after IPv6 extension headers is found', () => {
    const r = run([{ kind: 'eth' }, ip6, { kind: 'ipv6-ext', type: 60 }, { kind: 'nvgre', vsid: 3 }, { kind: 'eth' }, ip4, udp]);
    expect(r.encap).toBe('nvgre');
    expect(r.vsid).toBe(3);
    expect(r.hash).toBe(v4Quad);
  });

  it('an IPv4-only build: inner 0x86DD is not IP, GRE protocol 0x86DD is not parseable', () => {
    const b = { ...DEFAULT_BUILD, ipv6: false };
    const a = classify(buildFrame(nvgre([{ kind: 'eth' }, ip6, tcp])), P, b);
    expect(a.inner_l2_offset).toBe(42);
    expect(a.inner_parsed).toBe(false);
    expect(a.hash_input).toBe('outer-2tuple');
    const g = classify(buildFrame([{ kind: 'eth' }, ip4, { kind: 'gre' }, ip6, tcp]), P, b);
    expect(g.encap).toBe('gre');
    expect(g.inner_parsed).toBe(false);
    expect(g.errors).toEqual([]);
  });

  it('both encapsulation enables off: GRE not parsed at all', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, tcp]), { ...P, encapRssEnable: false, encapVmqEnable: false });
    expect(r.encap).toBe('none');
    expect(r.vsid).toBe(0);
    expect(r.inner_parsed).toBe(false);
    expect(r.inner_l2_offset).toBe(0);
    expect(r.hash_input).toBe('2tuple');
    expect(r.hash).toBe(v4Pair);
  });

  it('both encapsulation enables off: a cut GRE header raises nothing', () => {
    const r = run(nvgre([{ kind: 'eth' }, ip4, tcp]), { ...P, encapRssEnable: false, encapVmqEnable: false }, 36);
    expect(r.errors).toEqual([]);
  });
});

describe('error flags', () => {
  it('mac_error comes from the options and is listed after parse errors', () => {
    const f = buildFrame([{ kind: 'eth' }, ip4, tcp]);
    expect(classify(f, P, DEFAULT_BUILD, { macError: true }).errors).toEqual(['mac_error']);
    expect(classify(f.subarray(0, 20), P, DEFAULT_BUILD, { macError: true }).errors).toEqual(['truncated', 'mac_error']);
    // The frame is still classified.
    expect(classify(f, P, DEFAULT_BUILD, { macError: true }).hash).toBe(v4Quad);
  });

  it('frameIndex is copied to the record', () => {
    expect(classify(buildFrame([{ kind: 'eth' }, ip4]), P, DEFAULT_BUILD, { frameIndex: 41 }).frame).toBe(41);
  });

  it('an ICMP payload is never read', () => {
    const r = run([{ kind: 'eth' }, { ...ip4, proto: 1 } as Layer, { kind: 'payload', bytes: 2 }]);
    expect(r.errors).toEqual([]);
    expect(r.hash_input).toBe('2tuple');
  });
});
