// SPDX-License-Identifier: MIT
// Directed tests of docs/CONTRACT.md section 8 (VXLAN and GENEVE through the UDP tunnel port table),
// one or more per rule, in the reference engine. Expected hashes come from the bit-serial
// Toeplitz oracle over the bytes the rule names, not from the engine.
import { describe, expect, it } from 'vitest';
import { type BuildParams, DEFAULT_BUILD } from '../ref/build.ts';
import { classify } from '../ref/classify.ts';
import { type CountedName, counts } from '../ref/cycle/top-model.ts';
import { RefEngine } from '../ref/engine.ts';
import { HASH_TYPE as T } from '../ref/hash-types.ts';
import { parseIpv4, parseIpv6, parseMac } from '../ref/packets/addr.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { mulberry32, randomLayers } from '../ref/packets/random.ts';
import { defaultProfile, type Filter, type Profile, resetProfile, type UdpTunnel } from '../ref/profile.ts';
import { toeplitzBitSerial } from '../ref/toeplitz.ts';
import { I4A, I4B, I6A, I6B, O4A, O4B, O6A, O6B } from './test-addresses.ts';

const P = defaultProfile();
const OUTER_MAC = '02:00:00:00:0a:01';
const INNER_MAC = '02:00:00:00:0b:01';

const oracle = (...parts: (Uint8Array | number[])[]): number => toeplitzBitSerial(P.key, Uint8Array.from(parts.flatMap((p) => Array.from(p))));
const ports = (s: number, d: number) => [s >> 8, s & 0xff, d >> 8, d & 0xff];
const OUTER4 = oracle(parseIpv4(O4A), parseIpv4(O4B));
const OUTER6 = oracle(parseIpv6(O6A), parseIpv6(O6B));
const INNER4_TCP = oracle(parseIpv4(I4A), parseIpv4(I4B), ports(1111, 2222));
const INNER6_TCP = oracle(parseIpv6(I6A), parseIpv6(I6B), ports(1111, 2222));

const eth: Layer = { kind: 'eth', dst: OUTER_MAC };
const o4: Layer = { kind: 'ipv4', src: O4A, dst: O4B };
const o6: Layer = { kind: 'ipv6', src: O6A, dst: O6B };
const ieth: Layer = { kind: 'eth', dst: INNER_MAC };
const i4: Layer = { kind: 'ipv4', src: I4A, dst: I4B };
const i6: Layer = { kind: 'ipv6', src: I6A, dst: I6B };
const tcp: Layer = { kind: 'tcp', sport: 1111, dport: 2222 };
const udpTo = (dport: number, sport = 40000): Layer => ({ kind: 'udp', sport, dport });
const vxlan = (vni: number, o: Partial<Extract<Layer, { kind: 'vxlan' }>> = {}): Layer => ({ kind: 'vxlan', vni, ...o });
const geneve = (vni: number, o: Partial<Extract<Layer, { kind: 'geneve' }>> = {}): Layer => ({ kind: 'geneve', vni, ...o });

/** Outer Ethernet + IPv4 + UDP to 4789 + VXLAN + inner layers. */
const vx = (vni: number, ...inner: Layer[]) => buildFrame([eth, o4, udpTo(4789), vxlan(vni), ...inner]);
/** Outer Ethernet + IPv4 + UDP to 6081 + GENEVE + inner layers. */
const gn = (vni: number, g: Partial<Extract<Layer, { kind: 'geneve' }>>, ...inner: Layer[]) => buildFrame([eth, o4, udpTo(6081), geneve(vni, g), ...inner]);
const with_ = (o: Partial<Profile>): Profile => ({ ...P, ...o });
const table = (...t: [number, UdpTunnel['type'], boolean?][]): UdpTunnel[] => t.map(([port, type, valid]) => ({ port, type, valid: valid ?? true }));

function filter(mac: string, queue: number, o: { vlan?: number; vsid?: number } = {}): Filter {
  return { valid: true, mac: parseMac(mac), matchVlan: o.vlan !== undefined, vlanId: o.vlan ?? 0, matchVsid: o.vsid !== undefined, vsid: o.vsid ?? 0, queue };
}

describe('the tunnel port table', () => {
  it('default profile: entry 0 VXLAN 4789, entry 1 GENEVE 6081, nothing else', () => {
    expect(P.udpTunnels).toEqual(table([4789, 'vxlan'], [6081, 'geneve']));
    expect(classify(vx(7, ieth, i4, tcp), P).encap).toBe('vxlan');
    expect(classify(gn(7, {}, ieth, i4, tcp), P).encap).toBe('geneve');
  });

  it('reset: every entry invalid, so a VXLAN packet is the ordinary UDP packet it also is', () => {
    const r0 = resetProfile();
    expect(r0.udpTunnels).toHaveLength(DEFAULT_BUILD.udpTunnelPorts);
    expect(r0.udpTunnels.every((t) => !t.valid)).toBe(true);
    const r = classify(vx(7, ieth, i4, tcp), { ...P, udpTunnels: r0.udpTunnels });
    expect([r.encap, r.vsid, r.hash_input, r.hash_type, r.hash]).toEqual([
      'none',
      0,
      '4tuple',
      T.UDP_IPV4,
      oracle(parseIpv4(O4A), parseIpv4(O4B), ports(40000, 4789)),
    ]);
  });

  it('a build without the table (0 entries) ignores the profile entries; a 1-entry build uses entry 0 only', () => {
    const b0: BuildParams = { ...DEFAULT_BUILD, udpTunnelPorts: 0 };
    const b1: BuildParams = { ...DEFAULT_BUILD, udpTunnelPorts: 1 };
    expect(defaultProfile(b0).udpTunnels).toEqual([]);
    expect(defaultProfile(b1).udpTunnels).toEqual(table([4789, 'vxlan']));
    expect(classify(vx(7, ieth, i4, tcp), P, b0).encap).toBe('none');
    expect(classify(vx(7, ieth, i4, tcp), P, b1).encap).toBe('vxlan');
    expect(classify(gn(7, {}, ieth, i4, tcp), P, b1).encap).toBe('none');
  });

  it('only the destination port matters, and any port can be configured (Linux VXLAN 8472)', () => {
    const p = with_({ udpTunnels: table([8472, 'vxlan']) });
    const f = buildFrame([eth, o4, udpTo(8472), vxlan(5), ieth, i4, tcp]);
    expect(classify(f, p).encap).toBe('vxlan');
    expect(classify(f, P).encap).toBe('none');
    // The source port is not checked: from 4789 to elsewhere is no tunnel.
    expect(classify(buildFrame([eth, o4, { kind: 'udp', sport: 4789, dport: 9 }, vxlan(5), ieth, i4, tcp]), P).encap).toBe('none');
  });

  it('the lowest valid matching entry gives the type; an invalid entry never matches', () => {
    const f = gn(9, {}, ieth, i4, tcp);
    expect(classify(f, with_({ udpTunnels: table([6081, 'vxlan'], [6081, 'geneve']) })).encap).toBe('vxlan');
    expect(classify(f, with_({ udpTunnels: table([6081, 'vxlan', false], [6081, 'geneve']) })).encap).toBe('geneve');
    expect(classify(f, with_({ udpTunnels: table([6081, 'geneve', false]) })).encap).toBe('none');
  });

  it('entries match on the 16-bit port only: a valid entry with port 0 matches destination port 0', () => {
    const f = buildFrame([eth, o4, udpTo(0), vxlan(5), ieth, i4, tcp]);
    expect(classify(f, with_({ udpTunnels: table([0, 'vxlan']) })).encap).toBe('vxlan');
    expect(classify(f, P).encap).toBe('none');
  });

  it('entries past the build table are ignored', () => {
    const b2: BuildParams = { ...DEFAULT_BUILD, udpTunnelPorts: 2 };
    const p = with_({ udpTunnels: table([1, 'vxlan'], [2, 'vxlan'], [4789, 'vxlan']) });
    expect(classify(vx(3, ieth, i4, tcp), p, b2).encap).toBe('none');
    expect(classify(vx(3, ieth, i4, tcp), p).encap).toBe('vxlan');
  });
});

describe('recognition', () => {
  it('only with encap_rss_enable or encap_vmq_enable; both off: an ordinary UDP packet', () => {
    const f = vx(0x123456, ieth, i4, tcp);
    const off = classify(f, with_({ encapRssEnable: false, encapVmqEnable: false }));
    expect([off.encap, off.vsid, off.inner_parsed, off.inner_l2_offset, off.hash_input]).toEqual(['none', 0, false, 0, '4tuple']);
    expect(classify(f, with_({ encapRssEnable: true, encapVmqEnable: false })).encap).toBe('vxlan');
    expect(classify(f, with_({ encapRssEnable: false, encapVmqEnable: true })).encap).toBe('vxlan');
  });

  it('a port in the table for a non-UDP protocol is not a tunnel (TCP to 4789)', () => {
    const f = buildFrame([eth, o4, { kind: 'tcp', sport: 1, dport: 4789 }, vxlan(5), ieth, i4, tcp]);
    const r = classify(f, P);
    expect([r.encap, r.hash_input, r.hash_type]).toEqual(['none', '4tuple', T.TCP_IPV4]);
  });

  it('after skipped IPv6 extension headers', () => {
    const f = buildFrame([eth, o6, { kind: 'ipv6-ext', type: 0 }, { kind: 'ipv6-ext', type: 60, length: 16 }, udpTo(4789), vxlan(11), ieth, i6, tcp]);
    const r = classify(f, P);
    expect([r.encap, r.vsid, r.hash_input, r.hash_type, r.hash]).toEqual(['vxlan', 11, 'inner-4tuple', T.TCP_IPV6, INNER6_TCP]);
  });

  it('an outer fragment is never parsed into: a plain fragment, encap none (IPv4 MF, IPv4 offset, IPv6 Fragment header)', () => {
    const frames = [
      buildFrame([eth, { ...o4, mf: true } as Layer, udpTo(4789), vxlan(5), ieth, i4, tcp]),
      buildFrame([eth, { ...o4, fragOffset: 3 } as Layer, udpTo(4789), vxlan(5), ieth, i4, tcp]),
      buildFrame([eth, o6, { kind: 'ipv6-frag', more: true }, udpTo(6081), geneve(5), ieth, i4, tcp]),
    ];
    for (const f of frames) {
      const r = classify(f, P);
      expect([r.encap, r.vsid, r.inner_parsed, r.hash_input]).toEqual(['none', 0, false, '2tuple']);
    }
  });

  it('the UDP header must be complete within the frame and max_header_bytes', () => {
    const f = vx(5, ieth, i4, tcp);
    const cut = classify(f.subarray(0, 14 + 20 + 6), P);
    expect([cut.encap, cut.errors, cut.hash_input]).toEqual(['none', ['truncated'], '2tuple']);
    // UDP ends at 42; with 20 bytes of IPv4 options it ends at 62, past a 64-byte bound minus 0.
    const deep = buildFrame([eth, { ...o4, options: new Array(28).fill(1) } as Layer, udpTo(4789), vxlan(5), ieth, i4, tcp]);
    const r = classify(deep, with_({ maxHeaderBytes: 64 }));
    expect([r.encap, r.errors]).toEqual(['none', ['too_deep']]);
  });

  it('UDP length and checksum are not checked', () => {
    const bad = buildFrame([eth, o4, { kind: 'udp', sport: 1, dport: 4789, length: 3, checksum: 0x1234 }, vxlan(5), ieth, i4, tcp]);
    const zero = buildFrame([eth, o4, { kind: 'udp', sport: 1, dport: 4789, checksum: 0 }, vxlan(5), ieth, i4, tcp]);
    for (const f of [bad, zero]) expect(classify(f, P)).toMatchObject({ encap: 'vxlan', vsid: 5, hash_input: 'inner-4tuple', hash: INNER4_TCP, errors: [] });
  });
});

describe('VXLAN', () => {
  it('inner Ethernet, IPv4, TCP: inner 4-tuple, VNI in vsid, flowid 0, NVGRE-like offsets (16 bytes of UDP + VXLAN)', () => {
    const r = classify(vx(0xabcdef, ieth, i4, tcp), P);
    expect(r).toMatchObject({
      encap: 'vxlan',
      vsid: 0xabcdef,
      flowid: 0,
      inner_parsed: true,
      hash: INNER4_TCP,
      hash_type: T.TCP_IPV4,
      hash_input: 'inner-4tuple',
      outer_l3_offset: 14,
      inner_l2_offset: 50,
      inner_l3_offset: 64,
      inner_l4_offset: 84,
      errors: [],
    });
  });

  it('outer IPv6, inner tagged IPv6 UDP', () => {
    const f = buildFrame([eth, o6, udpTo(4789), vxlan(1), ieth, { kind: 'vlan', vid: 33 }, i6, { kind: 'udp', sport: 1111, dport: 2222 }]);
    const r = classify(f, P);
    expect([r.hash, r.hash_type, r.inner_l2_offset, r.inner_l3_offset]).toEqual([INNER6_TCP, T.UDP_IPV6, 70, 88]);
    // Its fallback is the outer IPv6 2-tuple.
    const frag = buildFrame([eth, o6, udpTo(4789), vxlan(1), ieth, { ...i4, mf: true } as Layer, tcp]);
    expect(classify(frag, P)).toMatchObject({ encap: 'vxlan', hash_input: 'outer-2tuple', hash_type: T.IPV6, hash: OUTER6 });
  });

  it('I flag 0: a UDP tunnel whose protocol cannot be parsed (vsid 0, outer 2-tuple, no error)', () => {
    const r = classify(buildFrame([eth, o4, udpTo(4789), vxlan(5, { flags: 0x00 }), ieth, i4, tcp]), P);
    expect([r.encap, r.vsid, r.inner_parsed, r.inner_l2_offset, r.hash_input, r.hash, r.errors]).toEqual(['vxlan', 0, false, 0, 'outer-2tuple', OUTER4, []]);
    // Every other flag and reserved bit set, I still 0.
    expect(classify(buildFrame([eth, o4, udpTo(4789), vxlan(5, { flags: 0xf7 }), ieth, i4, tcp]), P).inner_parsed).toBe(false);
  });

  it('the other flag bits and the reserved fields are ignored', () => {
    const r = classify(buildFrame([eth, o4, udpTo(4789), vxlan(0x010203, { flags: 0xff, reserved1: 0xffffff, reserved2: 0xff }), ieth, i4, tcp]), P);
    expect([r.encap, r.vsid, r.hash_input, r.hash]).toEqual(['vxlan', 0x010203, 'inner-4tuple', INNER4_TCP]);
  });

  it('VXLAN header cut short by the frame: truncated; by max_header_bytes: too_deep', () => {
    const f = vx(5, ieth, i4, tcp);
    for (const n of [42, 43, 49]) {
      const r = classify(f.subarray(0, n), P);
      expect([r.encap, r.vsid, r.errors, r.hash_input, r.hash]).toEqual(['vxlan', 0, ['truncated'], 'outer-2tuple', OUTER4]);
    }
    const deep = buildFrame([eth, { ...o4, options: new Array(16).fill(1) } as Layer, udpTo(4789), vxlan(5), ieth, i4, tcp]);
    // UDP ends at 58, VXLAN at 66 > 64.
    const r = classify(deep, with_({ maxHeaderBytes: 64 }));
    expect([r.encap, r.vsid, r.errors, r.hash_input]).toEqual(['vxlan', 0, ['too_deep'], 'outer-2tuple']);
  });

  it('inner Ethernet cut short: VNI reported, truncated, no inner header', () => {
    const r = classify(vx(9, ieth, i4, tcp).subarray(0, 60), P);
    expect([r.encap, r.vsid, r.inner_l2_offset, r.errors, r.hash_input]).toEqual(['vxlan', 9, 0, ['truncated'], 'outer-2tuple']);
  });

  it('inner fragment, inner non-IP, no L4 after the inner header: outer 2-tuple', () => {
    const cases = [
      vx(5, ieth, { ...i4, mf: true } as Layer, tcp),
      vx(5, { kind: 'eth', dst: INNER_MAC, type: 0x0806 }, { kind: 'payload', bytes: 28 }),
      vx(5, ieth, i4, { kind: 'payload', bytes: 20 }),
      vx(5, ieth, i6, { kind: 'ipv6-ext', type: 0 }, tcp),
    ];
    for (const f of cases) expect(classify(f, P)).toMatchObject({ encap: 'vxlan', vsid: 5, hash_input: 'outer-2tuple', hash: OUTER4, errors: [] });
  });

  it("4-tuple type of the inner family not enabled: outer 2-tuple; the outer family's 2-tuple off too: no hash", () => {
    expect(classify(vx(5, ieth, i4, tcp), with_({ hashTypes: T.TCP_IPV6 | T.IPV4 }))).toMatchObject({
      hash_input: 'outer-2tuple',
      hash: OUTER4,
      hash_type: T.IPV4,
    });
    expect(classify(vx(5, ieth, i4, tcp), with_({ hashTypes: T.TCP_IPV6 | T.IPV6 }))).toMatchObject({
      hash_input: 'none',
      hash: 0,
      hash_valid: false,
      rss_queue: P.rssDefaultQueue,
    });
  });

  it('encapsulated RSS off: hashed as the ordinary UDP packet (outer 4-tuple with UDP_IPV4, else 2-tuple); encap and VNI still reported', () => {
    const f = vx(5, ieth, i4, tcp);
    const quad = oracle(parseIpv4(O4A), parseIpv4(O4B), ports(40000, 4789));
    expect(classify(f, with_({ encapRssEnable: false }))).toMatchObject({ encap: 'vxlan', vsid: 5, hash_input: '4tuple', hash_type: T.UDP_IPV4, hash: quad });
    expect(classify(f, with_({ encapRssEnable: false, hashTypes: T.TCP_IPV4 | T.IPV4 }))).toMatchObject({ hash_input: '2tuple', hash: OUTER4 });
  });

  it('RSS disabled globally: no hash, the default queue', () => {
    expect(classify(vx(5, ieth, i4, tcp), with_({ rssEnable: false, rssDefaultQueue: 3 }))).toMatchObject({ encap: 'vxlan', hash_input: 'none', rss_queue: 3 });
  });

  it('the queue is the indirection entry of the hash', () => {
    const ind = Array.from({ length: 16 }, (_, i) => (i * 5) % 16);
    expect(classify(vx(5, ieth, i4, tcp), with_({ indirection: ind })).rss_queue).toBe(ind[INNER4_TCP & 15]);
  });

  it('one level only: a VXLAN packet inside is the inner UDP packet it is', () => {
    const inner: Layer[] = [ieth, i4, { kind: 'udp', sport: 1111, dport: 4789 }, vxlan(77), ieth, i4, tcp];
    const r = classify(vx(5, ...inner), P);
    expect([r.encap, r.vsid, r.hash_input, r.hash, r.inner_l4_offset]).toEqual([
      'vxlan',
      5,
      'inner-4tuple',
      oracle(parseIpv4(I4A), parseIpv4(I4B), ports(1111, 4789)),
      84,
    ]);
  });

  it('GRE inside a UDP tunnel is not looked into: the outer 2-tuple', () => {
    const r = classify(vx(5, ieth, i4, { kind: 'nvgre', vsid: 9 }, ieth, i4, tcp), P);
    expect([r.encap, r.vsid, r.inner_parsed, r.inner_l4_offset, r.hash_input]).toEqual(['vxlan', 5, true, 0, 'outer-2tuple']);
  });

  it('an IPv4-only build parses VXLAN over IPv4 with inner IPv4, not inner IPv6', () => {
    const b: BuildParams = { ...DEFAULT_BUILD, ipv6: false };
    expect(classify(vx(5, ieth, i4, tcp), P, b).hash_input).toBe('inner-4tuple');
    expect(classify(vx(5, ieth, i6, tcp), P, b)).toMatchObject({ encap: 'vxlan', inner_l2_offset: 50, inner_parsed: false, hash_input: 'outer-2tuple' });
  });
});

describe('GENEVE', () => {
  it('every option length 0..252: the options are skipped, offsets move, inner 4-tuple while the headers fit', () => {
    const b: BuildParams = { ...DEFAULT_BUILD, maxHeaderBytes: 1024 };
    const p = with_({ maxHeaderBytes: 1024 });
    const q = with_({ maxHeaderBytes: 256 });
    expect(P.maxHeaderBytes).toBe(512);
    for (let n = 0; n <= 252; n += 4) {
      const f = gn(0x42, { options: n }, ieth, i4, tcp);
      const l2 = 50 + n;
      for (const [prof, mhb] of [
        [p, 1024],
        [P, 512],
        [q, 256],
      ] as const) {
        const r = classify(f, prof, prof === p ? b : DEFAULT_BUILD);
        if (l2 + 14 + 20 + 20 <= mhb) {
          expect([r.encap, r.vsid, r.inner_l2_offset, r.inner_l3_offset, r.inner_l4_offset, r.hash, r.errors], `options ${n}, bound ${mhb}`).toEqual([
            'geneve',
            0x42,
            l2,
            l2 + 14,
            l2 + 34,
            INNER4_TCP,
            [],
          ]);
        } else {
          expect([r.encap, r.vsid, r.hash_input, r.hash, r.errors], `options ${n}, bound ${mhb}`).toEqual([
            'geneve',
            0x42,
            'outer-2tuple',
            OUTER4,
            ['too_deep'],
          ]);
        }
      }
    }
  });

  it('Protocol Type 0x6558: inner Ethernet; 0x0800 / 0x86DD: inner IP directly, no inner Ethernet', () => {
    expect(classify(gn(1, { options: 8 }, ieth, i4, tcp), P)).toMatchObject({ inner_l2_offset: 58, inner_l3_offset: 72, hash: INNER4_TCP });
    const v4 = classify(gn(1, { options: 8 }, i4, tcp), P);
    expect([v4.inner_l2_offset, v4.inner_l3_offset, v4.inner_l4_offset, v4.hash, v4.hash_type]).toEqual([0, 58, 78, INNER4_TCP, T.TCP_IPV4]);
    const v6 = classify(gn(1, {}, i6, tcp), P);
    expect([v6.inner_l2_offset, v6.inner_l3_offset, v6.hash, v6.hash_type]).toEqual([0, 50, INNER6_TCP, T.TCP_IPV6]);
  });

  it('any other Protocol Type cannot be parsed: VNI reported, outer 2-tuple, no error', () => {
    for (const pt of [0x0806, 0x8100, 0x88cc, 0x894f, 0x0000]) {
      const r = classify(gn(3, { protocol: pt, options: 4 }, ieth, i4, tcp), P);
      expect([r.encap, r.vsid, r.inner_parsed, r.inner_l2_offset, r.hash_input, r.errors], `0x${pt.toString(16)}`).toEqual([
        'geneve',
        3,
        false,
        0,
        'outer-2tuple',
        [],
      ]);
    }
  });

  it('Ver != 0 or O = 1: cannot be parsed, no VNI; C = 1 is ignored', () => {
    for (const g of [{ version: 1 }, { version: 3 }, { oam: true }]) {
      const r = classify(gn(3, g, ieth, i4, tcp), P);
      expect([r.encap, r.vsid, r.inner_parsed, r.hash_input, r.hash, r.errors]).toEqual(['geneve', 0, false, 'outer-2tuple', OUTER4, []]);
    }
    expect(classify(gn(3, { critical: true, options: 12 }, ieth, i4, tcp), P)).toMatchObject({ vsid: 3, hash_input: 'inner-4tuple', hash: INNER4_TCP });
  });

  it('a fixed header cut short: truncated, no VNI; options cut short: truncated with the VNI', () => {
    const f = gn(6, { options: 16 }, ieth, i4, tcp);
    for (const n of [42, 45, 49])
      expect(classify(f.subarray(0, n), P)).toMatchObject({ encap: 'geneve', vsid: 0, errors: ['truncated'], hash_input: 'outer-2tuple' });
    for (const n of [50, 60, 65]) expect(classify(f.subarray(0, n), P)).toMatchObject({ encap: 'geneve', vsid: 6, errors: ['truncated'], inner_l2_offset: 0 });
  });

  it('order of checks: Ver/O before the options fit (never truncated past 8 bytes), the options fit before the Protocol Type', () => {
    const v1 = gn(3, { version: 1, optLen: 63 }, ieth, i4, tcp);
    expect(classify(v1.subarray(0, 50), P)).toMatchObject({ encap: 'geneve', vsid: 0, errors: [] });
    const unknown = gn(3, { protocol: 0x88cc, options: 40 }, ieth, i4, tcp);
    expect(classify(unknown.subarray(0, 70), P)).toMatchObject({ encap: 'geneve', vsid: 3, errors: ['truncated'] });
    expect(classify(unknown, P)).toMatchObject({ encap: 'geneve', vsid: 3, errors: [] });
  });

  it('options past max_header_bytes: too_deep', () => {
    const r = classify(gn(6, { options: 40 }, ieth, i4, tcp), with_({ maxHeaderBytes: 64 }));
    expect([r.vsid, r.errors, r.hash_input]).toEqual([6, ['too_deep'], 'outer-2tuple']);
  });

  it('Opt Len is what is skipped, whatever the options hold', () => {
    // Opt Len says 2 words, 8 bytes; the 8 bytes written are the inner Ethernet's first 8.
    const f = buildFrame([eth, o4, udpTo(6081), geneve(2, { optLen: 2, protocol: 0x6558 }), { kind: 'payload', bytes: 8 }, ieth, i4, tcp]);
    expect(classify(f, P)).toMatchObject({ inner_l2_offset: 58, hash: INNER4_TCP });
  });

  it('IP-in-GENEVE (no inner Ethernet): VMQ on the outer MAC, without the VNI', () => {
    const p = with_({ filters: [filter(INNER_MAC, 1), filter(OUTER_MAC, 2, { vsid: 9 }), filter(OUTER_MAC, 3)] });
    expect(classify(gn(9, {}, i4, tcp), p)).toMatchObject({ vmq_hit: true, vmq_filter: 2, vmq_queue: 3 });
  });
});

describe('VMQ on tunnels', () => {
  const p = (fs: Filter[]) => with_({ filters: fs, vmqDefaultQueue: 31 });

  it('inner MAC + inner VLAN + VNI when an inner Ethernet header was parsed', () => {
    const f = buildFrame([eth, o4, udpTo(4789), vxlan(0x1234), ieth, { kind: 'vlan', vid: 44 }, i4, tcp]);
    expect(classify(f, p([filter(INNER_MAC, 5, { vlan: 44, vsid: 0x1234 })]))).toMatchObject({ vmq_hit: true, vmq_queue: 5, vmq_filter: 0 });
    // Wrong VNI, wrong inner VLAN, and the outer MAC is not the lookup key: no match.
    expect(classify(f, p([filter(INNER_MAC, 5, { vsid: 0x1235 }), filter(INNER_MAC, 6, { vlan: 43 }), filter(OUTER_MAC, 7)]))).toMatchObject({
      vmq_hit: false,
      vmq_filter: -1,
      vmq_queue: 31,
    });
    expect(classify(gn(0x1234, { options: 20 }, ieth, i4, tcp), p([filter(INNER_MAC, 5, { vsid: 0x1234 })]))).toMatchObject({ vmq_hit: true, vmq_queue: 5 });
  });

  it('VNI 0 is a VNI, not "none"', () => {
    expect(classify(vx(0, ieth, i4, tcp), p([filter(INNER_MAC, 4, { vsid: 0 })]))).toMatchObject({ vmq_hit: true, vmq_queue: 4 });
  });

  it('cannot be parsed (I = 0, GENEVE O = 1): the outer MAC and VLAN, and a VSID condition cannot match', () => {
    const fs = [filter(OUTER_MAC, 8, { vsid: 0 }), filter(INNER_MAC, 9), filter(OUTER_MAC, 10)];
    for (const f of [buildFrame([eth, o4, udpTo(4789), vxlan(0, { flags: 0 }), ieth, i4, tcp]), gn(0, { oam: true }, ieth, i4, tcp)]) {
      expect(classify(f, p(fs))).toMatchObject({ vmq_hit: true, vmq_filter: 2, vmq_queue: 10 });
    }
  });

  it('encapsulated VMQ off: the outer MAC, with encapsulated RSS still inside', () => {
    const r = classify(vx(5, ieth, i4, tcp), with_({ encapVmqEnable: false, filters: [filter(INNER_MAC, 1), filter(OUTER_MAC, 2)] }));
    expect([r.vmq_filter, r.hash_input]).toEqual([1, 'inner-4tuple']);
  });
});

describe('counters', () => {
  it('encapsulated counts UDP tunnels; vxlan and geneve count their kind; nvgre does not count them', () => {
    const e = new RefEngine(P);
    e.classify(vx(1, ieth, i4, tcp));
    e.classify(buildFrame([eth, o4, udpTo(4789), vxlan(1, { flags: 0 })]));
    e.classify(gn(1, {}, i4, tcp));
    e.classify(buildFrame([eth, o4, { kind: 'nvgre', vsid: 1 }, ieth, i4, tcp]));
    e.classify(buildFrame([eth, o4, udpTo(53), { kind: 'payload', bytes: 10 }]));
    expect(e.counters).toMatchObject({ frames: 5, encapsulated: 4, nvgre: 1, vxlan: 2, geneve: 1, fourTuple: 4, outerTwoTupleFallbacks: 1 });
  });
});

describe('counters derived from records (the cycle model counts what the engine counts)', () => {
  it('every counter of the engine equals the records that increment it, the tunnel kinds included', () => {
    const e = new RefEngine(P);
    const recs = [];
    for (let seed = 0; seed < 400; seed++) {
      const layers = randomLayers(mulberry32(seed), { udpTunnelRate: 0.5 });
      const f = buildFrame(layers);
      recs.push(e.classify(f.subarray(0, f.length - (seed % 7) * 9), { macError: seed % 13 === 0 }));
    }
    const names: [CountedName, keyof RefEngine['counters']][] = [
      ['frames', 'frames'],
      ['encap', 'encapsulated'],
      ['nvgre', 'nvgre'],
      ['vxlan', 'vxlan'],
      ['geneve', 'geneve'],
      ['four_tuple', 'fourTuple'],
      ['outer_2tuple', 'outerTwoTupleFallbacks'],
      ['no_hash', 'noHash'],
      ['vmq_hit', 'vmqHits'],
      ['parse_error', 'parseErrors'],
      ['mac_error', 'macErrors'],
    ];
    for (const [n, k] of names) expect(recs.filter((r) => counts(n, r)).length, n).toBe(e.counters[k]);
    expect(e.counters.vxlan).toBeGreaterThan(20);
    expect(e.counters.geneve).toBeGreaterThan(20);
  });
});

describe('header budget (docs/BEHAVIOUR.md "UDP tunnels", input to the RTL window decision)', () => {
  const big: BuildParams = { ...DEFAULT_BUILD, maxHeaderBytes: 1024 };
  const p = with_({ maxHeaderBytes: 1024 });
  const end = (layers: Layer[]) => {
    const r = classify(buildFrame(layers), p, big);
    expect(r.hash_input).toBe('inner-4tuple');
    return r.inner_l4_offset + 20;
  };
  const tags: Layer[] = [
    { kind: 'vlan', vid: 1, tpid: 0x88a8 },
    { kind: 'vlan', vid: 2 },
  ];
  const o4opt: Layer = { ...o4, options: new Array(40).fill(1) } as Layer;
  const itag: Layer = { kind: 'vlan', vid: 3 };

  it('where the inner TCP header ends: plain stacks and the deepest without IPv6 extension headers', () => {
    const tunnels: [string, Layer[]][] = [
      ['nvgre', [{ kind: 'nvgre', vsid: 1 }]],
      ['vxlan', [udpTo(4789), vxlan(1)]],
      ['geneve 0', [udpTo(6081), geneve(1)]],
      ['geneve 252', [udpTo(6081), geneve(1, { options: 252 })]],
    ];
    const got = tunnels.map(([, t]) => [end([eth, o4, ...t, ieth, i4, tcp]), end([eth, ...tags, o4opt, ...t, ieth, itag, i6, tcp])]);
    expect(got).toEqual([
      [96, 168],
      [104, 176],
      [104, 176],
      [356, 428],
    ]);
  });
});
