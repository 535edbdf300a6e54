// SPDX-License-Identifier: MIT
// Directed tests of docs/CONTRACT.md section 3: hash-type choice, plain and encapsulated rules,
// every fallback reason, profile switches, the indirection table and its clamps.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { classify } from '../ref/classify.ts';
import { RefEngine } from '../ref/engine.ts';
import { HASH_TYPE as T } from '../ref/hash-types.ts';
import { parseIpv4, parseIpv6 } from '../ref/packets/addr.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { defaultProfile, type Profile } from '../ref/profile.ts';
import { toeplitzBitSerial } from '../ref/toeplitz.ts';
import { I4A, I4B, I6A, I6B, O4A, O4B, O6A, O6B } from './test-addresses.ts';

const P = defaultProfile();

function oracle(key: Uint8Array, ...parts: (Uint8Array | number[])[]): number {
  return toeplitzBitSerial(key, Uint8Array.from(parts.flatMap((p) => Array.from(p))));
}
const ports = (s: number, d: number) => [s >> 8, s & 0xff, d >> 8, d & 0xff];
const outer4 = oracle(P.key, parseIpv4(O4A), parseIpv4(O4B));
const outer6 = oracle(P.key, parseIpv6(O6A), parseIpv6(O6B));
const outer4Quad = oracle(P.key, parseIpv4(O4A), parseIpv4(O4B), ports(1111, 2222));
const inner4Quad = oracle(P.key, parseIpv4(I4A), parseIpv4(I4B), ports(1111, 2222));
const inner6Quad = oracle(P.key, parseIpv6(I6A), parseIpv6(I6B), ports(1111, 2222));

const o4: Layer = { kind: 'ipv4', src: O4A, dst: O4B };
const o6: Layer = { kind: 'ipv6', src: O6A, dst: O6B };
const i4: Layer = { kind: 'ipv4', src: I4A, dst: I4B };
const i6: Layer = { kind: 'ipv6', src: I6A, dst: I6B };
const tcp: Layer = { kind: 'tcp', sport: 1111, dport: 2222 };
const udp: Layer = { kind: 'udp', sport: 1111, dport: 2222 };

const nv = (outer: Layer, ...inner: Layer[]) => buildFrame([{ kind: 'eth' }, outer, { kind: 'nvgre', vsid: 4096 }, { kind: 'eth' }, ...inner]);
const plain = (...l: Layer[]) => buildFrame([{ kind: 'eth' }, ...l]);
const with_ = (o: Partial<Profile>): Profile => ({ ...P, ...o });

describe('plain packets', () => {
  it('TCP with TCP_IPV4 enabled: 4-tuple TCP_IPV4', () => {
    const r = classify(plain(o4, tcp), P);
    expect([r.hash, r.hash_type, r.hash_input, r.hash_valid]).toEqual([outer4Quad, T.TCP_IPV4, '4tuple', true]);
  });

  it('TCP without TCP_IPV4: 2-tuple IPV4', () => {
    const r = classify(plain(o4, tcp), with_({ hashTypes: T.IPV4 | T.UDP_IPV4 }));
    expect([r.hash, r.hash_type, r.hash_input]).toEqual([outer4, T.IPV4, '2tuple']);
  });

  it('UDP with only TCP types and IPV6: 2-tuple IPV6', () => {
    const r = classify(plain(o6, udp), with_({ hashTypes: T.TCP_IPV6 | T.TCP_IPV4 | T.IPV6 }));
    expect([r.hash, r.hash_type]).toEqual([outer6, T.IPV6]);
  });

  it('UDP over IPv6 with UDP_IPV6: 4-tuple', () => {
    const r = classify(plain(o6, udp), with_({ hashTypes: T.UDP_IPV6 }));
    expect(r.hash_type).toBe(T.UDP_IPV6);
    expect(r.hash).toBe(oracle(P.key, parseIpv6(O6A), parseIpv6(O6B), ports(1111, 2222)));
  });

  it('no applicable type: no hash, hash 0, type 0, default queue', () => {
    const r = classify(plain(o4, tcp), with_({ hashTypes: T.IPV6 | T.TCP_IPV6, rssDefaultQueue: 13 }));
    expect([r.hash, r.hash_type, r.hash_valid, r.hash_input, r.rss_queue]).toEqual([0, 0, false, 'none', 13]);
  });

  it('hash_types 0: no hash', () => {
    expect(classify(plain(o4, udp), with_({ hashTypes: 0 })).hash_valid).toBe(false);
  });

  it('rss_enable off: no hash even with every type, queue = rss_default_queue', () => {
    const r = classify(plain(o4, tcp), with_({ rssEnable: false, rssDefaultQueue: 5 }));
    expect([r.hash, r.hash_type, r.hash_valid, r.hash_input, r.rss_queue]).toEqual([0, 0, false, 'none', 5]);
  });

  it('a protocol other than TCP/UDP: 2-tuple', () => {
    expect(classify(plain({ ...o4, proto: 132 } as Layer, { kind: 'payload', bytes: 30 }), P).hash_input).toBe('2tuple');
  });

  it('fragment with only TCP types: no hash', () => {
    const r = classify(plain({ ...o4, mf: true } as Layer, tcp), with_({ hashTypes: T.TCP_IPV4 }));
    expect(r.hash_input).toBe('none');
  });
});

describe('encapsulated packets, encap RSS on', () => {
  it('NVGRE inner TCP/IPv4: inner 4-tuple, inner type', () => {
    const r = classify(nv(o6, i4, tcp), P);
    expect([r.hash, r.hash_type, r.hash_input]).toEqual([inner4Quad, T.TCP_IPV4, 'inner-4tuple']);
  });

  it('NVGRE inner UDP/IPv6 over IPv4: inner 4-tuple UDP_IPV6', () => {
    const r = classify(nv(o4, i6, udp), P);
    expect([r.hash, r.hash_type, r.hash_input]).toEqual([inner6Quad, T.UDP_IPV6, 'inner-4tuple']);
  });

  const fallbacks: [string, () => Uint8Array, Profile?][] = [
    ['protocol not parseable (GRE protocol 0x88be)', () => buildFrame([{ kind: 'eth' }, o4, { kind: 'gre', protocol: 0x88be }, i4, tcp])],
    ['no TCP/UDP right after the inner IP header (ICMP)', () => nv(o4, { ...i4, proto: 1 } as Layer, { kind: 'payload', bytes: 8 })],
    ['inner IPv6 with an extension header before TCP', () => nv(o4, i6, { kind: 'ipv6-ext', type: 0 }, tcp)],
    ['inner fragment', () => nv(o4, { ...i4, fragOffset: 3 } as Layer, tcp)],
    ['inner IPv6 Fragment header', () => nv(o4, i6, { kind: 'ipv6-frag' }, tcp)],
    ['truncated inner TCP', () => nv(o4, i4, tcp).subarray(0, 14 + 20 + 8 + 14 + 20 + 10)],
    ['truncated inner IP', () => nv(o4, i4, tcp).subarray(0, 14 + 20 + 8 + 14 + 10)],
    ['too deep (inner TCP ends past max_header_bytes)', () => nv(o4, i4, tcp, { kind: 'payload', bytes: 40 }), with_({ maxHeaderBytes: 64 })],
    ['4-tuple type of the inner family not enabled', () => nv(o4, i4, tcp), with_({ hashTypes: T.IPV4 | T.TCP_IPV6 | T.UDP_IPV4 })],
    [
      'outer fragment with protocol 47',
      () => buildFrame([{ kind: 'eth' }, { ...o4, mf: true } as Layer, { kind: 'nvgre', vsid: 1 }, { kind: 'eth' }, i4, tcp]),
    ],
    ['GRE cut before its key', () => nv(o4, i4, tcp).subarray(0, 14 + 20 + 6)],
    ['GRE version 1', () => buildFrame([{ kind: 'eth' }, o4, { kind: 'gre', version: 1 }, i4, tcp])],
    ['inner bad IP version', () => nv(o4, { ...i4, version: 6 } as Layer, tcp)],
    [
      'inner Ethernet with a non-IP type',
      () => buildFrame([{ kind: 'eth' }, o4, { kind: 'nvgre', vsid: 1 }, { kind: 'eth', type: 0x0806 }, { kind: 'payload', bytes: 28 }]),
    ],
  ];
  for (const [name, make, profile] of fallbacks) {
    it(`falls back to the outer 2-tuple: ${name}`, () => {
      const r = classify(make(), profile ?? P);
      expect(r.encap).not.toBe('none');
      expect([r.hash, r.hash_type, r.hash_input]).toEqual([outer4, T.IPV4, 'outer-2tuple']);
    });
  }

  it('fallback uses the OUTER family: IPv6 outer, IPv4 inner ICMP -> IPV6', () => {
    const r = classify(nv(o6, { ...i4, proto: 1 } as Layer, { kind: 'payload', bytes: 8 }), P);
    expect([r.hash, r.hash_type, r.hash_input]).toEqual([outer6, T.IPV6, 'outer-2tuple']);
  });

  it('inner IPv6 TCP with only TCP_IPV4 + IPV4: outer IPV4 fallback', () => {
    const r = classify(nv(o4, i6, tcp), with_({ hashTypes: T.TCP_IPV4 | T.IPV4 }));
    expect([r.hash_type, r.hash_input]).toEqual([T.IPV4, 'outer-2tuple']);
  });

  it('fallback with the outer 2-tuple type not enabled: no hash', () => {
    const r = classify(nv(o4, { ...i4, proto: 1 } as Layer), with_({ hashTypes: T.IPV6 | T.TCP_IPV4 }));
    expect(r.hash_input).toBe('none');
    expect(r.hash_valid).toBe(false);
  });

  it('TCP-only hash types: NVGRE with inner UDP gets no hash at all; inner TCP is hashed', () => {
    const tcpOnly = with_({ hashTypes: T.TCP_IPV4 | T.TCP_IPV6 });
    const u = classify(nv(o4, i4, udp), tcpOnly);
    expect([u.hash_valid, u.hash, u.hash_type, u.hash_input]).toEqual([false, 0, 0, 'none']);
    const t = classify(nv(o4, i4, tcp), tcpOnly);
    expect([t.hash, t.hash_input]).toEqual([inner4Quad, 'inner-4tuple']);
  });

  it('GRE with K and S (not NVGRE) still hashes the inner 4-tuple', () => {
    const r = classify(buildFrame([{ kind: 'eth' }, o4, { kind: 'gre', key: 99, seq: 1 }, { kind: 'eth' }, i4, udp]), P);
    expect(r.encap).toBe('gre');
    expect([r.hash, r.hash_input]).toEqual([inner4Quad, 'inner-4tuple']);
  });

  it('IP-in-GRE: inner 4-tuple', () => {
    const r = classify(buildFrame([{ kind: 'eth' }, o4, { kind: 'gre' }, i4, tcp]), P);
    expect([r.hash, r.hash_input]).toEqual([inner4Quad, 'inner-4tuple']);
  });

  it('rss_enable off: no hash for encapsulated packets either', () => {
    expect(classify(nv(o4, i4, tcp), with_({ rssEnable: false })).hash_input).toBe('none');
  });
});

describe('encapsulation enables', () => {
  it('both off: protocol 47 is an ordinary IP protocol (plain 2-tuple)', () => {
    const r = classify(nv(o4, i4, tcp), with_({ encapRssEnable: false, encapVmqEnable: false }));
    expect([r.encap, r.hash, r.hash_type, r.hash_input]).toEqual(['none', outer4, T.IPV4, '2tuple']);
  });

  it('encap RSS off, encap VMQ on: encap and VSID reported, plain 2-tuple', () => {
    const r = classify(nv(o4, i4, tcp), with_({ encapRssEnable: false }));
    expect([r.encap, r.vsid, r.hash, r.hash_input]).toEqual(['nvgre', 4096, outer4, '2tuple']);
    expect(r.inner_parsed).toBe(true);
  });

  it('encap RSS on, encap VMQ off: inner 4-tuple', () => {
    const r = classify(nv(o4, i4, tcp), with_({ encapVmqEnable: false }));
    expect([r.encap, r.hash_input, r.hash]).toEqual(['nvgre', 'inner-4tuple', inner4Quad]);
  });

  it('plain non-GRE packets are unaffected by the encap enables', () => {
    const r = classify(plain(o4, tcp), with_({ encapRssEnable: false, encapVmqEnable: false }));
    expect([r.hash, r.hash_input]).toEqual([outer4Quad, '4tuple']);
  });
});

describe('indirection table', () => {
  for (let bits = 1; bits <= 7; bits++) {
    const n = 1 << bits;
    it(`${n} entries: queue = table[hash & ${n - 1}]`, () => {
      // A table whose entries differ so that the index is visible: entry i -> (i * 5 + 3) % 64.
      const table = Array.from({ length: n }, (_, i) => (i * 5 + 3) % 64);
      const eng = new RefEngine(with_({ indirection: table }));
      const seen = new Set<number>();
      for (let sp = 0; sp < 200; sp++) {
        const r = eng.classify(plain(o4, { kind: 'tcp', sport: sp, dport: 80 }));
        const h = oracle(P.key, parseIpv4(O4A), parseIpv4(O4B), ports(sp, 80));
        expect(r.hash).toBe(h);
        expect(r.rss_queue).toBe(table[h & (n - 1)]);
        seen.add(h & (n - 1));
      }
      // The 200 flows exercise most of the table, not one entry.
      expect(seen.size).toBeGreaterThan(n / 2);
    });
  }

  it('a build with 64 entries uses 6 index bits even when the profile lists 128', () => {
    const b = { ...DEFAULT_BUILD, indirectionEntries: 64 };
    const table = Array.from({ length: 128 }, (_, i) => i % 64);
    for (let sp = 0; sp < 50; sp++) {
      const r = classify(plain(o4, { kind: 'tcp', sport: sp, dport: 80 }), with_({ indirection: table }), b);
      expect(r.rss_queue).toBe(r.hash & 63);
    }
  });

  it('indirection_bits clamps to 1: a 1-entry list uses 2 entries (the missing one is 0)', () => {
    for (let sp = 0; sp < 40; sp++) {
      const r = classify(plain(o4, { kind: 'tcp', sport: sp, dport: 80 }), with_({ indirection: [9] }));
      expect(r.rss_queue).toBe((r.hash & 1) === 0 ? 9 : 0);
    }
  });

  it('queue numbers are queueBits wide: upper bits dropped', () => {
    const r = classify(plain(o4, tcp), with_({ indirection: [64 + 7, 64 + 7], rssDefaultQueue: 70 }));
    expect(r.rss_queue).toBe(7);
    expect(classify(plain(o4, tcp), with_({ rssEnable: false, rssDefaultQueue: 70 })).rss_queue).toBe(6);
  });

  it('a new key or table takes effect from the next frame (setProfile)', () => {
    const eng = new RefEngine(P);
    const f = plain(o4, tcp);
    expect(eng.classify(f).hash).toBe(outer4Quad);
    const key2 = new Uint8Array(40).map((_, i) => (i * 37 + 11) & 0xff);
    eng.setProfile(with_({ key: key2, indirection: [1, 2] }));
    const r = eng.classify(f);
    const h2 = oracle(key2, parseIpv4(O4A), parseIpv4(O4B), ports(1111, 2222));
    expect(r.hash).toBe(h2);
    expect(r.rss_queue).toBe((h2 & 1) === 0 ? 1 : 2);
  });
});
