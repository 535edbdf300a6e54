// SPDX-License-Identifier: MIT
// The packet builder: field layout, derived types/lengths, and checksums checked by
// summing the finished bytes (a correct checksum makes the one's-complement sum 0xffff).
import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv4, parseIpv6, parseMac } from '../ref/packets/addr.ts';
import { buildFrame } from '../ref/packets/builder.ts';

function sum16(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
const u16 = (f: Uint8Array, o: number) => (f[o]! << 8) | f[o + 1]!;
const slice = (f: Uint8Array, a: number, b: number) => Array.from(f.subarray(a, b));

describe('Ethernet and VLAN', () => {
  it('lays out MACs and derives types through tags', () => {
    const f = buildFrame([
      { kind: 'eth', dst: '01:02:03:04:05:06', src: 'aa:bb:cc:dd:ee:ff' },
      { kind: 'vlan', vid: 0x123, pcp: 5, dei: true, tpid: 0x88a8 },
      { kind: 'vlan', vid: 7 },
      { kind: 'ipv6', src: '::1', dst: '::2' },
    ]);
    expect(slice(f, 0, 12)).toEqual([1, 2, 3, 4, 5, 6, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
    expect(u16(f, 12)).toBe(0x88a8);
    expect(u16(f, 14)).toBe((5 << 13) | 0x1000 | 0x123);
    expect(u16(f, 16)).toBe(0x8100);
    expect(u16(f, 18)).toBe(7);
    expect(u16(f, 20)).toBe(0x86dd);
    expect(f.length).toBe(22 + 40);
  });

  it('pads to a minimum length without changing IP lengths', () => {
    const f = buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '1.2.3.4', dst: '5.6.7.8', proto: 1 }], { padTo: 60 });
    expect(f.length).toBe(60);
    expect(u16(f, 16)).toBe(20);
  });
});

describe('IPv4', () => {
  it('header checksum matches a published example (RFC 1071 style, 0xb861)', () => {
    // The widely used example header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7.
    const f = buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '192.168.0.1', dst: '192.168.0.199', proto: 17, df: true, ttl: 64, totalLength: 0x73 }]);
    expect(
      slice(f, 14, 34)
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(''),
    ).toBe('45000073000040004011b861c0a80001c0a800c7');
  });

  it('options, IHL, fragment fields, total length and a valid checksum', () => {
    const f = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2', options: [1, 1, 1], mf: true, fragOffset: 0x155, id: 0xbeef, tos: 0x10 },
      { kind: 'udp', sport: 5, dport: 6 },
      { kind: 'payload', bytes: 11 },
    ]);
    expect(f[14]).toBe(0x46); // 24-byte header: 3 option bytes padded to 4
    expect(u16(f, 16)).toBe(24 + 8 + 11);
    expect(u16(f, 18)).toBe(0xbeef);
    expect(u16(f, 20)).toBe(0x2000 | 0x155);
    expect(f[23]).toBe(17);
    expect(slice(f, 34, 38)).toEqual([1, 1, 1, 0]);
    expect(sum16(slice(f, 14, 38))).toBe(0xffff);
  });

  it('protocol derived from the next layer: TCP 6, UDP 17, GRE 47, IPv6 41', () => {
    const proto = (next: Parameters<typeof buildFrame>[0][number]) => buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' }, next])[23];
    expect(proto({ kind: 'tcp', sport: 1, dport: 2 })).toBe(6);
    expect(proto({ kind: 'udp', sport: 1, dport: 2 })).toBe(17);
    expect(proto({ kind: 'nvgre', vsid: 1 })).toBe(47);
    expect(proto({ kind: 'ipv6', src: '::1', dst: '::2' })).toBe(41);
  });
});

describe('IPv6', () => {
  it('extension chain next headers, lengths and Fragment fields', () => {
    const f = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', flowLabel: 0xabcde, trafficClass: 0x12 },
      { kind: 'ipv6-ext', type: 0 },
      { kind: 'ipv6-ext', type: 43, length: 24 },
      { kind: 'ipv6-frag', offset: 0x100, more: true, id: 0x01020304 },
      { kind: 'udp', sport: 7, dport: 8 },
    ]);
    const ip = 14;
    expect(f[ip]! >> 4).toBe(6);
    expect(((f[ip]! & 15) << 4) | (f[ip + 1]! >> 4)).toBe(0x12);
    expect(((f[ip + 1]! & 15) << 16) | u16(f, ip + 2)).toBe(0xabcde);
    expect(u16(f, ip + 4)).toBe(8 + 24 + 8 + 8);
    expect(f[ip + 6]).toBe(0);
    expect([f[54], f[55]]).toEqual([43, 0]);
    expect([f[62], f[63]]).toEqual([44, 2]);
    expect(f[86]).toBe(17);
    expect(u16(f, 88)).toBe((0x100 << 3) | 1);
    expect(slice(f, 90, 94)).toEqual([1, 2, 3, 4]);
  });

  it('address text round trip', () => {
    for (const a of ['::', '::1', '2001:db8::1', 'fe80::200:f8ff:fe21:67cf', '3ffe:2501:200:1fff::7', '1:2:3:4:5:6:7:8', '1::4:0:0:8']) {
      expect(formatIpv6(parseIpv6(a))).toBe(a);
    }
    expect(() => parseIpv6('1:2:3')).toThrow();
    expect(() => parseIpv4('1.2.3.256')).toThrow();
    expect(() => parseMac('01:02:03')).toThrow();
  });
});

describe('GRE and NVGRE', () => {
  it('NVGRE: K bit, protocol 0x6558, key = VSID << 8 | FlowID', () => {
    const f = buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' }, { kind: 'nvgre', vsid: 0xabcdef, flowId: 0x12 }, { kind: 'eth' }]);
    expect(slice(f, 34, 42)).toEqual([0x20, 0x00, 0x65, 0x58, 0xab, 0xcd, 0xef, 0x12]);
  });

  it('GRE C/K/S words in order, protocol from the next layer, valid checksum', () => {
    const f = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' },
      { kind: 'gre', checksum: true, key: 0x11223344, seq: 0x55667788 },
      { kind: 'ipv6', src: '::1', dst: '::2' },
      { kind: 'payload', bytes: 5 },
    ]);
    expect(f[34]).toBe(0xb0);
    expect(u16(f, 36)).toBe(0x86dd);
    expect(slice(f, 42, 50)).toEqual([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
    expect(sum16(slice(f, 34, f.length))).toBe(0xffff);
  });

  it('version and R bit can be forced', () => {
    const f = buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' }, { kind: 'gre', version: 1, routing: true, protocol: 0x880b }]);
    expect([f[34], f[35], u16(f, 36)]).toEqual([0x40, 0x01, 0x880b]);
  });
});

describe('TCP and UDP checksums', () => {
  it('TCP over IPv4: pseudo header + segment sums to 0xffff', () => {
    const f = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv4', src: '66.9.149.187', dst: '161.142.100.80' },
      { kind: 'tcp', sport: 2794, dport: 1766, seqNo: 1, flags: 0x18 },
      { kind: 'payload', bytes: 7 },
    ]);
    const seg = slice(f, 34, f.length);
    const pseudo = [...slice(f, 26, 34), 0, 6, 0, seg.length];
    expect(sum16([...pseudo, ...seg])).toBe(0xffff);
    expect(f[46]).toBe(0x50);
    expect(f[47]).toBe(0x18);
  });

  it('UDP over IPv6 (inside NVGRE): pseudo header with the 32-bit length, and the UDP length', () => {
    const f = buildFrame([
      { kind: 'eth' },
      { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' },
      { kind: 'nvgre', vsid: 5 },
      { kind: 'eth' },
      { kind: 'ipv6', src: '3ffe:2501:200:1fff::7', dst: '3ffe:2501:200:3::1' },
      { kind: 'udp', sport: 2794, dport: 1766 },
      { kind: 'payload', bytes: 9 },
    ]);
    const ip6 = 14 + 20 + 8 + 14;
    const seg = slice(f, ip6 + 40, f.length);
    expect(u16(f, ip6 + 44)).toBe(17);
    const pseudo = [...slice(f, ip6 + 8, ip6 + 40), 0, 0, 0, seg.length, 0, 0, 0, 17];
    expect(sum16([...pseudo, ...seg])).toBe(0xffff);
  });

  it('forced checksum values are written as given', () => {
    const f = buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' }, { kind: 'udp', sport: 1, dport: 2, checksum: 0 }]);
    expect(u16(f, 40)).toBe(0);
  });
});

describe('VXLAN and GENEVE', () => {
  const outer = [{ kind: 'eth' }, { kind: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2' }] as const;

  it('VXLAN: I flag, VNI in bytes 4..6, the outer UDP checksum covering the inner frame', () => {
    const f = buildFrame([
      ...outer,
      { kind: 'udp', sport: 5, dport: 4789 },
      { kind: 'vxlan', vni: 0xabcdef },
      { kind: 'eth' },
      { kind: 'ipv4', src: '3.3.3.3', dst: '4.4.4.4' },
      { kind: 'tcp', sport: 1, dport: 2 },
    ]);
    expect(slice(f, 42, 50)).toEqual([0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0]);
    expect(u16(f, 50 + 12)).toBe(0x0800);
    const seg = slice(f, 34, f.length);
    expect(u16(f, 38)).toBe(seg.length);
    expect(sum16([...slice(f, 26, 34), 0, 17, seg.length >> 8, seg.length & 0xff, ...seg])).toBe(0xffff);
  });

  it('VXLAN flags and reserved fields can be forced', () => {
    const f = buildFrame([...outer, { kind: 'udp', sport: 5, dport: 4789 }, { kind: 'vxlan', vni: 1, flags: 0x0c, reserved1: 0x123456, reserved2: 0x78 }]);
    expect(slice(f, 42, 50)).toEqual([0x0c, 0x12, 0x34, 0x56, 0, 0, 1, 0x78]);
  });

  it('GENEVE: Opt Len, O/C, Protocol Type from the next layer, VNI, options as well-formed TLVs of every length 0..252', () => {
    for (let n = 0; n <= 252; n += 4) {
      const f = buildFrame([
        ...outer,
        { kind: 'udp', sport: 5, dport: 6081 },
        { kind: 'geneve', vni: 0x010203, options: n, critical: true },
        { kind: 'ipv6', src: '::1', dst: '::2' },
      ]);
      expect(slice(f, 42, 50)).toEqual([n / 4, 0x40, 0x86, 0xdd, 1, 2, 3, 0]);
      expect(f.length).toBe(50 + n + 40);
      // Walk the TLVs: each option's length field (low 5 bits of byte 3) covers it exactly.
      let o = 50;
      while (o < 50 + n) {
        expect(u16(f, o)).toBe(0xffff);
        o += 4 + 4 * (f[o + 3]! & 0x1f);
      }
      expect(o).toBe(50 + n);
      expect(f[50 + n]! >> 4).toBe(6);
    }
    const t = buildFrame([...outer, { kind: 'udp', sport: 5, dport: 6081 }, { kind: 'geneve', vni: 1, oam: true, version: 2, optLen: 63 }, { kind: 'eth' }]);
    expect(slice(t, 42, 46)).toEqual([0x80 | 63, 0x80, 0x65, 0x58]);
  });

  it('GENEVE option lengths that are not whole words or exceed 252 bytes are refused', () => {
    for (const options of [2, 256, -4, [1, 2, 3]]) {
      expect(() => buildFrame([...outer, { kind: 'udp', sport: 5, dport: 6081 }, { kind: 'geneve', vni: 1, options }])).toThrow(RangeError);
    }
  });
});
