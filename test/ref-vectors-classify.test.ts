// SPDX-License-Identifier: MIT
// The published RSS vectors through whole frames: the parser must find exactly the
// bytes the vectors hash, plain and inside NVGRE.
import { describe, expect, it } from 'vitest';
import { classify } from '../ref/classify.ts';
import { HASH_TYPE } from '../ref/hash-types.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { defaultProfile } from '../ref/profile.ts';
import vectors from './vectors/ms-rss-vectors.json' with { type: 'json' };

function ipLayer(v: (typeof vectors)[number]): Layer {
  return v.family === 'ipv4' ? { kind: 'ipv4', src: v.src, dst: v.dst } : { kind: 'ipv6', src: v.src, dst: v.dst };
}

const tcpType = (v: (typeof vectors)[number]) => (v.family === 'ipv4' ? HASH_TYPE.TCP_IPV4 : HASH_TYPE.TCP_IPV6);
const udpType = (v: (typeof vectors)[number]) => (v.family === 'ipv4' ? HASH_TYPE.UDP_IPV4 : HASH_TYPE.UDP_IPV6);
const ipType = (v: (typeof vectors)[number]) => (v.family === 'ipv4' ? HASH_TYPE.IPV4 : HASH_TYPE.IPV6);

describe.each(vectors)('vector $src:$sport -> $dst:$dport', (v) => {
  const withPorts = Number(v.hash_with_ports);
  const addrOnly = Number(v.hash_addr_only);
  const profile = defaultProfile();

  it('plain TCP frame: 4-tuple hash and the queue of its low 7 bits', () => {
    const r = classify(buildFrame([{ kind: 'eth' }, ipLayer(v), { kind: 'tcp', sport: v.sport, dport: v.dport }, { kind: 'payload', bytes: 10 }]), profile);
    expect(r.hash).toBe(withPorts);
    expect(r.hash_type).toBe(tcpType(v));
    expect(r.hash_input).toBe('4tuple');
    // Default table: entry i holds i % 8.
    expect(r.rss_queue).toBe((withPorts & 127) % 8);
  });

  it('plain UDP frame: same hash, UDP type', () => {
    const r = classify(buildFrame([{ kind: 'eth' }, { kind: 'vlan', vid: 7 }, ipLayer(v), { kind: 'udp', sport: v.sport, dport: v.dport }]), profile);
    expect(r.hash).toBe(withPorts);
    expect(r.hash_type).toBe(udpType(v));
  });

  it('plain TCP frame with only the 2-tuple type enabled: address-only hash', () => {
    const r = classify(buildFrame([{ kind: 'eth' }, ipLayer(v), { kind: 'tcp', sport: v.sport, dport: v.dport }]), {
      ...profile,
      hashTypes: ipType(v),
    });
    expect(r.hash).toBe(addrOnly);
    expect(r.hash_type).toBe(ipType(v));
    expect(r.hash_input).toBe('2tuple');
  });

  for (const outer of ['ipv4', 'ipv6'] as const) {
    const outerIp: Layer = outer === 'ipv4' ? { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' } : { kind: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' };

    it(`NVGRE over ${outer}: the inner 4-tuple gives the vector hash`, () => {
      const frame = buildFrame([
        { kind: 'eth' },
        outerIp,
        { kind: 'nvgre', vsid: 0x123456, flowId: 0x9a },
        { kind: 'eth', dst: '02:00:00:00:00:aa' },
        ipLayer(v),
        { kind: 'tcp', sport: v.sport, dport: v.dport },
      ]);
      const r = classify(frame, profile);
      expect(r.encap).toBe('nvgre');
      expect(r.vsid).toBe(0x123456);
      expect(r.flowid).toBe(0x9a);
      expect(r.hash_input).toBe('inner-4tuple');
      expect(r.hash_type).toBe(tcpType(v));
      expect(r.hash).toBe(withPorts);
    });
  }

  it('NVGRE whose outer addresses are the vector and whose inside is not TCP/UDP: outer 2-tuple', () => {
    const frame = buildFrame([
      { kind: 'eth' },
      ipLayer(v),
      { kind: 'nvgre', vsid: 1 },
      { kind: 'eth' },
      { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2', proto: 1 },
      { kind: 'payload', bytes: 8 },
    ]);
    const r = classify(frame, profile);
    expect(r.hash_input).toBe('outer-2tuple');
    expect(r.hash_type).toBe(ipType(v));
    expect(r.hash).toBe(addrOnly);
  });
});
