// SPDX-License-Identifier: MIT
// Directed tests of docs/CONTRACT.md section 4: the lookup key, the filter conditions and priority.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { classify } from '../ref/classify.ts';
import { parseMac } from '../ref/packets/addr.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { defaultProfile, type Filter, type Profile } from '../ref/profile.ts';

const OUTER = '02:00:00:00:0a:01';
const INNER = '02:00:00:00:0b:01';
const OTHER = '02:00:00:00:0c:01';

function filter(mac: string, queue: number, o: { vlan?: number; vsid?: number; valid?: boolean } = {}): Filter {
  return {
    valid: o.valid ?? true,
    mac: parseMac(mac),
    matchVlan: o.vlan !== undefined,
    vlanId: o.vlan ?? 0,
    matchVsid: o.vsid !== undefined,
    vsid: o.vsid ?? 0,
    queue,
  };
}

function profile(filters: Filter[], o: Partial<Profile> = {}): Profile {
  return { ...defaultProfile(), vmqDefaultQueue: 31, filters, ...o };
}

const ip4: Layer = { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' };
const tcp: Layer = { kind: 'tcp', sport: 1, dport: 2 };

function plain(tags: number[] = [], dst = OUTER): Uint8Array {
  return buildFrame([{ kind: 'eth', dst }, ...tags.map((vid): Layer => ({ kind: 'vlan', vid })), ip4, tcp]);
}

function nvgre(vsid: number, o: { innerTag?: number; outerTag?: number; gre?: Layer } = {}): Uint8Array {
  return buildFrame([
    { kind: 'eth', dst: OUTER },
    ...(o.outerTag !== undefined ? [{ kind: 'vlan', vid: o.outerTag } as Layer] : []),
    { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
    o.gre ?? { kind: 'nvgre', vsid },
    { kind: 'eth', dst: INNER },
    ...(o.innerTag !== undefined ? [{ kind: 'vlan', vid: o.innerTag } as Layer] : []),
    ip4,
    tcp,
  ]);
}

function vmq(frame: Uint8Array, p: Profile) {
  const r = classify(frame, p);
  return { hit: r.vmq_hit, queue: r.vmq_queue, filter: r.vmq_filter };
}

const MISS = { hit: false, queue: 31, filter: -1 };

describe('filter table', () => {
  it('MAC match: hit, the entry queue and index', () => {
    expect(vmq(plain(), profile([filter(OTHER, 1), filter(OUTER, 7)]))).toEqual({ hit: true, queue: 7, filter: 1 });
  });

  it('no match: vmq_default_queue, filter -1', () => {
    expect(vmq(plain(), profile([filter(OTHER, 1)]))).toEqual(MISS);
  });

  it('the lowest matching index wins', () => {
    expect(vmq(plain([5]), profile([filter(OTHER, 1), filter(OUTER, 2, { vlan: 5 }), filter(OUTER, 3)]))).toEqual({ hit: true, queue: 2, filter: 1 });
  });

  it('an invalid entry never matches and keeps later indices', () => {
    expect(vmq(plain(), profile([filter(OUTER, 1, { valid: false }), filter(OUTER, 4)]))).toEqual({ hit: true, queue: 4, filter: 1 });
  });

  it('vmq_enable off: no match', () => {
    expect(vmq(plain(), profile([filter(OUTER, 1)], { vmqEnable: false }))).toEqual(MISS);
  });

  it('entries past the build table size are not there', () => {
    const fs = [...Array.from({ length: 16 }, () => filter(OTHER, 1)), filter(OUTER, 9)];
    expect(vmq(plain(), profile(fs))).toEqual(MISS);
    expect(classify(plain(), profile(fs), { ...DEFAULT_BUILD, vmqFilters: 32 }).vmq_filter).toBe(16);
  });

  it('filter queue numbers are queueBits wide', () => {
    expect(vmq(plain(), profile([filter(OUTER, 64 + 5)])).queue).toBe(5);
  });

  it('a frame under 14 bytes: no lookup', () => {
    expect(vmq(plain().subarray(0, 13), profile([filter(OUTER, 1)]))).toEqual(MISS);
  });

  it('a frame cut inside its tag: no lookup', () => {
    expect(vmq(plain([5]).subarray(0, 16), profile([filter(OUTER, 1)]))).toEqual(MISS);
  });

  it('a frame with no L3 is still looked up on its MAC', () => {
    const f = buildFrame([
      { kind: 'eth', dst: OUTER, type: 0x0806 },
      { kind: 'payload', bytes: 28 },
    ]);
    expect(vmq(f, profile([filter(OUTER, 3)]))).toEqual({ hit: true, queue: 3, filter: 0 });
  });
});

describe('VLAN condition', () => {
  const p = profile([filter(OUTER, 5, { vlan: 5 })]);
  it('matches the same VLAN', () => expect(vmq(plain([5]), p).hit).toBe(true));
  it('does not match another VLAN', () => expect(vmq(plain([6]), p)).toEqual(MISS));
  it('does not match an untagged frame', () => expect(vmq(plain(), p)).toEqual(MISS));
  it('a filter without VLAN matches tagged and untagged frames', () => {
    const any = profile([filter(OUTER, 2)]);
    expect(vmq(plain(), any).hit).toBe(true);
    expect(vmq(plain([100]), any).hit).toBe(true);
  });
  it('a priority tag is VLAN 0, not untagged', () => {
    const zero = profile([filter(OUTER, 2, { vlan: 0 })]);
    expect(vmq(plain([0]), zero).hit).toBe(true);
    expect(vmq(plain(), zero)).toEqual(MISS);
  });
  it('with two tags the second (inner) tag is the VLAN', () => {
    expect(vmq(plain([7, 5]), p).hit).toBe(true);
    expect(vmq(plain([5, 7]), p)).toEqual(MISS);
  });
  it('after a third TPID the VLAN is still the second tag', () => {
    const f = buildFrame([{ kind: 'eth', dst: OUTER }, { kind: 'vlan', vid: 7 }, { kind: 'vlan', vid: 5 }, { kind: 'vlan', vid: 9 }, ip4]);
    expect(vmq(f, p).hit).toBe(true);
  });
});

describe('encapsulated key', () => {
  it('NVGRE with encap VMQ: inner MAC, VSID', () => {
    expect(vmq(nvgre(4096), profile([filter(OUTER, 1), filter(INNER, 2, { vsid: 4096 })]))).toEqual({ hit: true, queue: 2, filter: 1 });
  });

  it('another VSID does not match', () => {
    expect(vmq(nvgre(4097), profile([filter(INNER, 2, { vsid: 4096 })]))).toEqual(MISS);
  });

  it('VSID 0 is a VSID: a VSID-0 filter matches NVGRE VSID 0 but not GRE (no VSID)', () => {
    const p = profile([filter(INNER, 2, { vsid: 0 })]);
    expect(vmq(nvgre(0), p).hit).toBe(true);
    expect(vmq(nvgre(0, { gre: { kind: 'gre', key: 0, seq: 1 } }), p)).toEqual(MISS);
    expect(vmq(nvgre(0, { gre: { kind: 'gre', key: 0, seq: 1 } }), profile([filter(INNER, 2)])).hit).toBe(true);
  });

  it('inner VLAN is the VLAN of the key; the outer tag is ignored', () => {
    const p = profile([filter(INNER, 3, { vlan: 12 })]);
    expect(vmq(nvgre(1, { innerTag: 12, outerTag: 99 }), p).hit).toBe(true);
    expect(vmq(nvgre(1, { outerTag: 12 }), p)).toEqual(MISS);
  });

  it('inner MAC with VLAN and VSID conditions together', () => {
    const p = profile([filter(INNER, 3, { vlan: 12, vsid: 77 })]);
    expect(vmq(nvgre(77, { innerTag: 12 }), p).hit).toBe(true);
    expect(vmq(nvgre(78, { innerTag: 12 }), p)).toEqual(MISS);
    expect(vmq(nvgre(77, { innerTag: 13 }), p)).toEqual(MISS);
  });

  it('encap VMQ off: outer MAC and VLAN; a VSID filter cannot match', () => {
    const off = { encapVmqEnable: false };
    expect(vmq(nvgre(5, { outerTag: 3 }), profile([filter(INNER, 1), filter(OUTER, 2, { vlan: 3 })], off))).toEqual({ hit: true, queue: 2, filter: 1 });
    expect(vmq(nvgre(5), profile([filter(OUTER, 2, { vsid: 5 })], off))).toEqual(MISS);
  });

  it('encap RSS off, encap VMQ on: the inner key is still used', () => {
    expect(vmq(nvgre(5), profile([filter(INNER, 6, { vsid: 5 })], { encapRssEnable: false })).hit).toBe(true);
  });

  it('both encap enables off: outer key', () => {
    const p = profile([filter(INNER, 1), filter(OUTER, 2)], { encapRssEnable: false, encapVmqEnable: false });
    expect(vmq(nvgre(5), p).filter).toBe(1);
  });

  it('IP-in-GRE (no inner Ethernet): outer MAC, no VSID', () => {
    const f = buildFrame([{ kind: 'eth', dst: OUTER }, ip4, { kind: 'gre' }, ip4, tcp]);
    expect(vmq(f, profile([filter(OUTER, 4)])).filter).toBe(0);
    expect(vmq(f, profile([filter(OUTER, 4, { vsid: 0 })]))).toEqual(MISS);
  });

  it('cannot parse (GRE version 1): outer MAC', () => {
    expect(vmq(nvgre(5, { gre: { kind: 'gre', version: 1 } }), profile([filter(INNER, 1), filter(OUTER, 2)])).filter).toBe(1);
  });

  it('inner Ethernet cut short: outer MAC', () => {
    expect(vmq(nvgre(5).subarray(0, 42 + 10), profile([filter(OUTER, 2)])).filter).toBe(0);
  });

  it('inner Ethernet followed by a non-IP type still counts for VMQ', () => {
    const f = buildFrame([
      { kind: 'eth', dst: OUTER },
      ip4,
      { kind: 'nvgre', vsid: 8 },
      { kind: 'eth', dst: INNER, type: 0x0806 },
      { kind: 'payload', bytes: 28 },
    ]);
    expect(vmq(f, profile([filter(OUTER, 1), filter(INNER, 2, { vsid: 8 })])).filter).toBe(1);
  });

  it('inner Ethernet followed by a truncated inner IP header still counts for VMQ', () => {
    expect(vmq(nvgre(5).subarray(0, 56 + 5), profile([filter(INNER, 2, { vsid: 5 })])).hit).toBe(true);
  });

  it('outer fragment with GRE: outer key', () => {
    const f = buildFrame([{ kind: 'eth', dst: OUTER }, { ...ip4, mf: true } as Layer, { kind: 'nvgre', vsid: 5 }, { kind: 'eth', dst: INNER }, ip4]);
    expect(vmq(f, profile([filter(INNER, 1), filter(OUTER, 2)])).filter).toBe(1);
  });
});
