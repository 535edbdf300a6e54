// SPDX-License-Identifier: MIT
// The decisions appended to docs/BEHAVIOUR.md ("Further decisions"), one test each.
import { describe, expect, it } from 'vitest';
import { classify } from '../ref/classify.ts';
import { HASH_TYPE } from '../ref/hash-types.ts';
import { parseMac } from '../ref/packets/addr.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { defaultProfile, type Filter, type Profile } from '../ref/profile.ts';

const P = defaultProfile();
const ip4: Layer = { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' };
const ip6: Layer = { kind: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' };
const tcp: Layer = { kind: 'tcp', sport: 1, dport: 2 };
const with_ = (o: Partial<Profile>): Profile => ({ ...P, ...o });

describe('further decisions', () => {
  it('plain L4 is checked even with RSS off or no L4 hash type', () => {
    const f = buildFrame([{ kind: 'eth' }, ip4, tcp]).subarray(0, 14 + 20 + 10);
    expect(classify(f, with_({ rssEnable: false })).errors).toEqual(['truncated']);
    expect(classify(f, with_({ hashTypes: HASH_TYPE.IPV4 })).errors).toEqual(['truncated']);
  });

  it('inner headers are parsed (and raise errors) with only encap VMQ on', () => {
    const f = buildFrame([{ kind: 'eth' }, ip4, { kind: 'nvgre', vsid: 1 }, { kind: 'eth' }, ip4, tcp]);
    const r = classify(f.subarray(0, 76 + 5), with_({ encapRssEnable: false }));
    expect(r.errors).toEqual(['truncated']);
    expect(r.inner_l3_offset).toBe(56);
    expect(r.hash_input).toBe('2tuple');
  });

  it('a fifth extension header is too_deep even when the frame ends before it', () => {
    const exts: Layer[] = [0, 60, 43, 60].map((t) => ({ kind: 'ipv6-ext', type: t }));
    const f = buildFrame([{ kind: 'eth' }, { ...ip6, nextHeader: 0 } as Layer, ...exts.slice(0, 3), { kind: 'ipv6-ext', type: 60, nextHeader: 0 }]);
    expect(f.length).toBe(14 + 40 + 32);
    expect(classify(f, P).errors).toEqual(['too_deep']);
  });

  it('the Fragment header counts toward the extension-header limit', () => {
    const exts: Layer[] = [0, 60, 43, 60].map((t) => ({ kind: 'ipv6-ext', type: t }));
    const r = classify(buildFrame([{ kind: 'eth' }, ip6, ...exts, { kind: 'ipv6-frag' }, tcp]), P);
    expect(r.errors).toEqual(['too_deep']);
    expect(r.outer_l3_offset).toBe(14);
    expect(r.hash_input).toBe('2tuple');
  });

  it('an unparseable IPv6 chain hides GRE: encap none', () => {
    const exts: Layer[] = [0, 60, 43, 60, 0].map((t) => ({ kind: 'ipv6-ext', type: t }));
    const r = classify(buildFrame([{ kind: 'eth' }, ip6, ...exts, { kind: 'nvgre', vsid: 3 }, { kind: 'eth' }, ip4, tcp]), P);
    expect(r.encap).toBe('none');
    expect(r.hash_input).toBe('2tuple');
  });

  it('DF and the reserved IPv4 flag bit do not make a fragment', () => {
    const f = buildFrame([{ kind: 'eth' }, { ...ip4, df: true } as Layer, tcp]);
    f[14 + 6]! |= 0x80;
    expect(classify(f, P).hash_input).toBe('4tuple');
  });

  it('GRE version 1 is judged on its first word: cut after it, no error', () => {
    const f = buildFrame([{ kind: 'eth' }, ip4, { kind: 'gre', version: 1, key: 5, seq: 6 }, { kind: 'payload', bytes: 20 }]);
    const r = classify(f.subarray(0, 34 + 6), P);
    expect(r.encap).toBe('gre');
    expect(r.errors).toEqual([]);
  });

  it('an inner 0x88A8 tag is not a tag: the inner key is untagged', () => {
    const f = buildFrame([
      { kind: 'eth' },
      ip4,
      { kind: 'nvgre', vsid: 1 },
      { kind: 'eth', dst: '02:00:00:00:0b:01' },
      { kind: 'vlan', vid: 9, tpid: 0x88a8 },
      ip4,
    ]);
    const flt = (matchVlan: boolean): Filter => ({
      valid: true,
      mac: parseMac('02:00:00:00:0b:01'),
      matchVlan,
      vlanId: 9,
      matchVsid: false,
      vsid: 0,
      queue: 4,
    });
    expect(classify(f, with_({ filters: [flt(true)] })).vmq_hit).toBe(false);
    expect(classify(f, with_({ filters: [flt(false)] })).vmq_hit).toBe(true);
  });

  it('two inner 0x8100 tags: the VLAN is the first one', () => {
    const f = buildFrame([
      { kind: 'eth' },
      ip4,
      { kind: 'nvgre', vsid: 1 },
      { kind: 'eth', dst: '02:00:00:00:0b:01' },
      { kind: 'vlan', vid: 9 },
      { kind: 'vlan', vid: 10 },
      ip4,
    ]);
    const flt: Filter = { valid: true, mac: parseMac('02:00:00:00:0b:01'), matchVlan: true, vlanId: 9, matchVsid: false, vsid: 0, queue: 4 };
    const r = classify(f, with_({ filters: [flt] }));
    expect(r.vmq_hit).toBe(true);
    expect(r.inner_parsed).toBe(false);
  });

  it('a 12-entry profile table uses 8 entries', () => {
    const table = [1, 2, 3, 4, 5, 6, 7, 8, 60, 60, 60, 60];
    for (let sp = 0; sp < 30; sp++) {
      const r = classify(buildFrame([{ kind: 'eth' }, ip4, { kind: 'tcp', sport: sp, dport: 2 }]), with_({ indirection: table }));
      expect(r.rss_queue).toBe(table[r.hash & 7]);
    }
  });

  it('hash_types bits other than the six flags are ignored', () => {
    const f = buildFrame([{ kind: 'eth' }, ip6, tcp]);
    expect(classify(f, with_({ hashTypes: 0x800 | 0x2000 })).hash_input).toBe('none');
    expect(classify(f, with_({ hashTypes: 0x2000 | HASH_TYPE.TCP_IPV6 })).hash_type).toBe(HASH_TYPE.TCP_IPV6);
  });

  it('filter VLAN and VSID values are masked to 12 and 24 bits', () => {
    const f = buildFrame([{ kind: 'eth', dst: '02:00:00:00:0a:01' }, { kind: 'vlan', vid: 5 }, ip4]);
    const flt: Filter = { valid: true, mac: parseMac('02:00:00:00:0a:01'), matchVlan: true, vlanId: 0x1005, matchVsid: false, vsid: 0, queue: 1 };
    expect(classify(f, with_({ filters: [flt] })).vmq_hit).toBe(true);
  });
});

describe('record length field', () => {
  it('saturates at 65535 like the 16-bit hardware field', () => {
    const big = new Uint8Array(70000);
    expect(classify(big, defaultProfile()).length).toBe(65535);
    expect(classify(new Uint8Array(65535), defaultProfile()).length).toBe(65535);
    expect(classify(new Uint8Array(1500), defaultProfile()).length).toBe(1500);
  });
});
