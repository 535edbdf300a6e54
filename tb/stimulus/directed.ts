// SPDX-License-Identifier: MIT
// Directed frames: one or more per path of docs/CONTRACT.md sections 2-4, each with the control
// state it needs and what the reference engine must report for it, so that the
// stimulus tests can prove the path is really reached.

import type { BuildConfig } from '../../gen/config.ts';
import { HASH_TYPE } from '../../ref/hash-types.ts';
import type { Layer } from '../../ref/packets/index.ts';
import { defaultProfile, type Filter, type Profile } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import { frameOf, type StimFrame } from './script.ts';

export interface DirectedCase {
  frame: StimFrame;
  /** Fields the reference engine must report (checked by test/stimulus-directed.test.ts). */
  expect: Partial<MetaRecord>;
  /** Needs IPv6 in the build. */
  v6?: boolean;
  /** Deep-header cases: where the last needed header (inner TCP/UDP, else plain TCP/UDP) ends. */
  end?: number;
}

/** A register write the profile cannot express (a value past a clamp or mask bound) and what the register must then read. */
export interface RawWrite {
  addr: number;
  data: number;
  reads: number;
}

export interface DirectedGroup {
  name: string;
  /** Control state for the group, from the default profile. */
  profile: (cfg: BuildConfig) => Profile;
  /** Written after the profile, each then read back (tb/stimulus/edges.ts). */
  raw?: RawWrite[];
  cases: DirectedCase[];
}

const MAC_A = '02:00:00:00:00:01';
const MAC_B = '02:00:00:00:00:02';
const MAC_C = '02:00:00:00:00:03';
const V4 = { src: '10.0.0.1', dst: '10.0.0.2' };
const V4I = { src: '192.168.1.1', dst: '192.168.1.2' };
const V6 = { src: '2001:db8::1', dst: '2001:db8::2' };
const V6I = { src: 'fd00::1', dst: 'fd00::2' };
const eth = (dst = MAC_A): Layer => ({ kind: 'eth', dst, src: MAC_B });
const tcp: Layer = { kind: 'tcp', sport: 1234, dport: 80 };
const udp: Layer = { kind: 'udp', sport: 5353, dport: 53 };
const pay = (n = 16): Layer => ({ kind: 'payload', bytes: n });
const v4 = (extra: Partial<Extract<Layer, { kind: 'ipv4' }>> = {}): Layer => ({ kind: 'ipv4', ...V4, ...extra });
const v6 = (extra: Partial<Extract<Layer, { kind: 'ipv6' }>> = {}): Layer => ({ kind: 'ipv6', ...V6, ...extra });
const v4i: Layer = { kind: 'ipv4', ...V4I };
const v6i: Layer = { kind: 'ipv6', ...V6I };
const nv = (vsid = 0x123456, flowId = 7): Layer => ({ kind: 'nvgre', vsid, flowId });
const ethIn = (dst = MAC_C): Layer => ({ kind: 'eth', dst, src: MAC_B });

function c(tag: string, layers: Layer[], expect: Partial<MetaRecord>, opts: { macError?: boolean; cutTo?: number; v6?: boolean } = {}): DirectedCase {
  return { frame: frameOf(layers, tag, { macError: opts.macError, cutTo: opts.cutTo }), expect, v6: opts.v6 };
}

const filter = (mac: string, queue: number, vlan?: number, vsid?: number, valid = true): Filter => ({
  valid,
  mac: Uint8Array.from(mac.split(':'), (h) => parseInt(h, 16)),
  matchVlan: vlan !== undefined,
  vlanId: vlan ?? 0,
  matchVsid: vsid !== undefined,
  vsid: vsid ?? 0,
  queue,
});

/** Filters of the VMQ groups: priority overlap, VLAN and VSID conditions, an invalid entry. */
export function directedFilters(): Filter[] {
  return [
    filter(MAC_C, 9, undefined, 0x123456), // 0: inner MAC + VSID
    filter(MAC_C, 10, 5), // 1: inner MAC + VLAN 5
    filter(MAC_A, 11, 100), // 2: outer MAC + VLAN 100
    filter(MAC_A, 12, undefined, 0), // 3: VSID 0 condition: never matches an outer lookup
    filter('02:00:00:00:00:09', 13, undefined, undefined, false), // 4: invalid
    filter(MAC_A, 14), // 5: outer MAC, any VLAN (loses to 2 when VLAN is 100)
    filter(MAC_C, 15), // 6: inner MAC, anything
  ];
}

const withProfile =
  (patch: Partial<Profile>) =>
  (cfg: BuildConfig): Profile => ({ ...defaultProfile(cfg), ...patch });

const T = HASH_TYPE;

export function directedGroups(): DirectedGroup[] {
  return [
    {
      name: 'plain',
      profile: withProfile({}),
      cases: [
        c('v4-tcp', [eth(), v4(), tcp, pay()], { hash_input: '4tuple', hash_type: T.TCP_IPV4, outer_l3_offset: 14 }),
        c('v4-udp', [eth(), v4(), udp, pay()], { hash_input: '4tuple', hash_type: T.UDP_IPV4 }),
        c('v4-other', [eth(), v4({ proto: 1 }), pay(20)], { hash_input: '2tuple', hash_type: T.IPV4 }),
        c('v4-options', [eth(), v4({ options: new Array<number>(40).fill(1) }), tcp, pay()], { hash_input: '4tuple', hash_type: T.TCP_IPV4 }),
        c('v4-frag-mf', [eth(), v4({ mf: true }), tcp, pay()], { hash_input: '2tuple', hash_type: T.IPV4 }),
        c('v4-frag-offset', [eth(), v4({ fragOffset: 10 }), pay(30)], { hash_input: '2tuple', hash_type: T.IPV4 }),
        c('v6-tcp', [eth(), v6(), tcp, pay()], { hash_input: '4tuple', hash_type: T.TCP_IPV6 }, { v6: true }),
        c('v6-udp', [eth(), v6(), udp, pay()], { hash_input: '4tuple', hash_type: T.UDP_IPV6 }, { v6: true }),
        c('v6-other', [eth(), v6({ nextHeader: 58 }), pay(20)], { hash_input: '2tuple', hash_type: T.IPV6 }, { v6: true }),
        c(
          'v6-ext-chain',
          [
            eth(),
            v6(),
            { kind: 'ipv6-ext', type: 0 },
            { kind: 'ipv6-ext', type: 43, length: 24 },
            { kind: 'ipv6-ext', type: 60 },
            { kind: 'ipv6-ext', type: 0 },
            tcp,
            pay(),
          ],
          { hash_input: '4tuple', hash_type: T.TCP_IPV6 },
          { v6: true },
        ),
        c(
          'v6-ext-five',
          [eth(), v6(), ...[0, 43, 60, 0, 60].map((t): Layer => ({ kind: 'ipv6-ext', type: t })), udp, pay()],
          { errors: ['too_deep'], hash_input: '2tuple' },
          { v6: true },
        ),
        c('v6-frag-atomic', [eth(), v6(), { kind: 'ipv6-frag' }, udp, pay()], { hash_input: '2tuple', hash_type: T.IPV6 }, { v6: true }),
        c('vlan-8100', [eth(), { kind: 'vlan', vid: 5 }, v4(), tcp, pay()], { hash_input: '4tuple', outer_l3_offset: 18 }),
        c('vlan-88a8', [eth(), { kind: 'vlan', vid: 6, tpid: 0x88a8 }, v4(), udp, pay()], { outer_l3_offset: 18 }),
        c('vlan-qinq', [eth(), { kind: 'vlan', vid: 7, tpid: 0x88a8 }, { kind: 'vlan', vid: 8 }, v4(), tcp, pay()], { outer_l3_offset: 22 }),
        c('vlan-qinq-rev', [eth(), { kind: 'vlan', vid: 7 }, { kind: 'vlan', vid: 8, tpid: 0x88a8 }, v4(), tcp, pay()], { outer_l3_offset: 22 }),
        c('vlan-third-tpid', [eth(), { kind: 'vlan', vid: 1 }, { kind: 'vlan', vid: 2 }, { kind: 'vlan', vid: 3 }, v4(), tcp, pay()], {
          hash_input: 'none',
          outer_l3_offset: 0,
        }),
        c('vlan-priority', [eth(), { kind: 'vlan', vid: 0, pcp: 5 }, v4(), tcp, pay()], { outer_l3_offset: 18 }),
        c('non-ip', [{ kind: 'eth', dst: MAC_A, type: 0x0806 }, pay(28)], { hash_input: 'none', outer_l3_offset: 0 }),
        c('runt', [eth(), pay(0)], { errors: ['truncated'], hash_input: 'none' }, { cutTo: 13 }),
        c('one-byte', [eth(), pay(0)], { errors: ['truncated'] }, { cutTo: 1 }),
        c('cut-in-tag', [eth(), { kind: 'vlan', vid: 3 }, v4(), tcp], { errors: ['truncated'], hash_input: 'none' }, { cutTo: 16 }),
        c('v4-bad-version', [eth(), v4({ version: 5 }), tcp, pay()], { errors: ['bad_ip'], hash_input: 'none' }),
        c('v4-bad-ihl', [eth(), v4({ ihl: 4 }), tcp, pay()], { errors: ['bad_ip'] }),
        c('v6-bad-version', [eth(), v6({ version: 4 }), tcp, pay()], { errors: ['bad_ip'] }, { v6: true }),
        c('v4-truncated', [eth(), v4(), tcp], { errors: ['truncated'], hash_input: 'none' }, { cutTo: 30 }),
        c('tcp-truncated', [eth(), v4(), tcp], { errors: ['truncated'], hash_input: '2tuple' }, { cutTo: 50 }),
        c('mac-error', [eth(), v4(), udp, pay()], { errors: ['mac_error'], hash_input: '4tuple' }, { macError: true }),
        c('jumbo', [eth(), v4(), tcp, pay(1400)], { hash_input: '4tuple' }),
      ],
    },
    {
      name: 'encap',
      profile: withProfile({}),
      cases: [
        c('nvgre-v4-tcp', [eth(), v4(), nv(), ethIn(), v4i, tcp, pay()], {
          encap: 'nvgre',
          hash_input: 'inner-4tuple',
          hash_type: T.TCP_IPV4,
          vsid: 0x123456,
          flowid: 7,
          inner_l2_offset: 42,
          inner_l3_offset: 56,
          inner_l4_offset: 76,
        }),
        c('nvgre-v4-udp', [eth(), v4(), nv(), ethIn(), v4i, udp, pay()], { encap: 'nvgre', hash_input: 'inner-4tuple', hash_type: T.UDP_IPV4 }),
        c('nvgre-v6-tcp', [eth(), v4(), nv(), ethIn(), v6i, tcp, pay()], { encap: 'nvgre', hash_input: 'inner-4tuple', hash_type: T.TCP_IPV6 }, { v6: true }),
        c(
          'nvgre-over-v6-udp',
          [eth(), v6(), nv(9), ethIn(), v6i, udp, pay()],
          { encap: 'nvgre', hash_input: 'inner-4tuple', hash_type: T.UDP_IPV6 },
          { v6: true },
        ),
        c('nvgre-inner-other', [eth(), v4(), nv(), ethIn(), { kind: 'ipv4', ...V4I, proto: 1 }, pay()], {
          encap: 'nvgre',
          hash_input: 'outer-2tuple',
          inner_parsed: true,
        }),
        c('nvgre-inner-tag', [eth(), v4(), nv(), ethIn(), { kind: 'vlan', vid: 5 }, v4i, tcp, pay()], {
          encap: 'nvgre',
          hash_input: 'inner-4tuple',
          inner_l3_offset: 60,
        }),
        c('nvgre-inner-88a8', [eth(), v4(), nv(), ethIn(), { kind: 'vlan', vid: 5, tpid: 0x88a8 }, v4i, tcp, pay()], {
          encap: 'nvgre',
          hash_input: 'outer-2tuple',
          inner_parsed: false,
          inner_l2_offset: 42,
        }),
        c('nvgre-inner-non-ip', [eth(), v4(), nv(), { kind: 'eth', dst: MAC_C, type: 0x0806 }, pay(28)], {
          encap: 'nvgre',
          inner_parsed: false,
          inner_l2_offset: 42,
        }),
        c('nvgre-inner-frag', [eth(), v4(), nv(), ethIn(), { kind: 'ipv4', ...V4I, mf: true }, tcp, pay()], {
          hash_input: 'outer-2tuple',
          inner_parsed: true,
          inner_l4_offset: 0,
        }),
        c(
          'nvgre-inner-v6-ext',
          [eth(), v4(), nv(), ethIn(), v6i, { kind: 'ipv6-ext', type: 0 }, tcp, pay()],
          { hash_input: 'outer-2tuple', inner_parsed: true },
          { v6: true },
        ),
        c('nvgre-inner-bad-ip', [eth(), v4(), nv(), ethIn(), { kind: 'ipv4', ...V4I, version: 6 }, tcp, pay()], {
          hash_input: 'outer-2tuple',
          errors: ['bad_ip'],
        }),
        c('nvgre-inner-truncated', [eth(), v4(), nv(), ethIn(), v4i, tcp], { hash_input: 'outer-2tuple', errors: ['truncated'] }, { cutTo: 70 }),
        c('nvgre-l4-truncated', [eth(), v4(), nv(), ethIn(), v4i, tcp], { hash_input: 'outer-2tuple', inner_parsed: true, inner_l4_offset: 0 }, { cutTo: 86 }),
        c('nvgre-vsid0', [eth(), v4(), nv(0, 0), ethIn(), v4i, udp, pay()], { encap: 'nvgre', vsid: 0, flowid: 0 }),
        c('gre-cut-before-key', [eth(), v4(), nv()], { encap: 'gre', hash_input: 'outer-2tuple', errors: ['truncated'] }, { cutTo: 40 }),
        c('gre-cut-in-base', [eth(), v4(), nv()], { encap: 'gre', hash_input: 'outer-2tuple', errors: ['truncated'] }, { cutTo: 36 }),
        c('gre-teb-plain', [eth(), v4(), { kind: 'gre' }, ethIn(), v4i, tcp, pay()], { encap: 'gre', hash_input: 'inner-4tuple', vsid: 0 }),
        c('gre-ip4', [eth(), v4(), { kind: 'gre' }, v4i, udp, pay()], { encap: 'gre', hash_input: 'inner-4tuple', inner_l2_offset: 0, inner_l3_offset: 38 }),
        c('gre-ip6', [eth(), v6(), { kind: 'gre' }, v6i, tcp, pay()], { encap: 'gre', hash_input: 'inner-4tuple', hash_type: T.TCP_IPV6 }, { v6: true }),
        c('gre-c', [eth(), v4(), { kind: 'gre', checksum: true }, ethIn(), v4i, tcp, pay()], { encap: 'gre', hash_input: 'inner-4tuple' }),
        c('gre-ck', [eth(), v4(), { kind: 'gre', checksum: true, key: 0x12345678 }, ethIn(), v4i, tcp, pay()], { encap: 'gre', vsid: 0 }),
        c('gre-ks', [eth(), v4(), { kind: 'gre', key: 0x12345678, seq: 9 }, v4i, udp, pay()], { encap: 'gre', hash_input: 'inner-4tuple' }),
        c('gre-cks', [eth(), v4(), { kind: 'gre', checksum: true, key: 1, seq: 2 }, ethIn(), v4i, udp, pay()], { encap: 'gre', hash_input: 'inner-4tuple' }),
        c('gre-s', [eth(), v4(), { kind: 'gre', seq: 2 }, v4i, tcp, pay()], { encap: 'gre', hash_input: 'inner-4tuple' }),
        c('gre-version1', [eth(), v4(), { kind: 'gre', version: 1 }, ethIn(), v4i, tcp, pay()], {
          encap: 'gre',
          hash_input: 'outer-2tuple',
          inner_parsed: false,
          errors: [],
        }),
        c('gre-routing', [eth(), v4(), { kind: 'gre', routing: true }, ethIn(), v4i, tcp, pay()], {
          encap: 'gre',
          hash_input: 'outer-2tuple',
          inner_parsed: false,
        }),
        c('gre-unknown-proto', [eth(), v4(), { kind: 'gre', protocol: 0x880b }, pay(40)], { encap: 'gre', hash_input: 'outer-2tuple', inner_parsed: false }),
        c('gre-outer-frag', [eth(), v4({ mf: true }), nv(), ethIn(), v4i, tcp, pay()], { encap: 'gre', hash_input: 'outer-2tuple', vsid: 0 }),
        c(
          'gre-outer-v6-frag',
          [eth(), v6(), { kind: 'ipv6-frag', nextHeader: 47 }, nv(), ethIn(), v4i, tcp, pay()],
          { encap: 'gre', hash_input: 'outer-2tuple' },
          { v6: true },
        ),
        c(
          'gre-after-v6-ext',
          [eth(), v6(), { kind: 'ipv6-ext', type: 60 }, nv(), ethIn(), v4i, tcp, pay()],
          { encap: 'nvgre', hash_input: 'inner-4tuple' },
          { v6: true },
        ),
        c('nvgre-vlan-outer', [eth(), { kind: 'vlan', vid: 100 }, v4(), nv(), ethIn(), { kind: 'vlan', vid: 5 }, v4i, udp, pay()], { encap: 'nvgre' }),
      ],
    },
    {
      name: 'too-deep',
      profile: withProfile({ maxHeaderBytes: 64 }),
      cases: [
        c('deep-v4-options', [eth(), { kind: 'vlan', vid: 1 }, { kind: 'vlan', vid: 2 }, v4({ options: new Array<number>(40).fill(1) }), tcp, pay()], {
          errors: ['too_deep'],
        }),
        c('deep-nvgre-inner', [eth(), v4(), nv(), ethIn(), v4i, tcp, pay()], { hash_input: 'outer-2tuple', errors: ['too_deep'] }),
        c('deep-nvgre-l4', [eth(), v4(), nv(), ethIn(), v4i, udp, pay(100)], { hash_input: 'outer-2tuple', inner_parsed: false }),
      ],
    },
    {
      name: 'encap-off',
      profile: withProfile({ encapRssEnable: false, encapVmqEnable: false }),
      cases: [c('encap-off-nvgre', [eth(), v4(), nv(), ethIn(), v4i, tcp, pay()], { encap: 'none', vsid: 0, inner_parsed: false, hash_input: '2tuple' })],
    },
    {
      name: 'encap-vmq-only',
      profile: withProfile({ encapRssEnable: false, encapVmqEnable: true, filters: directedFilters() }),
      cases: [c('encap-vmq-only', [eth(), v4(), nv(), ethIn(), v4i, tcp, pay()], { encap: 'nvgre', hash_input: '2tuple', vmq_hit: true, vmq_filter: 0 })],
    },
    {
      name: 'tcp-only',
      profile: withProfile({ hashTypes: T.TCP_IPV4 | T.TCP_IPV6 }),
      cases: [
        c('tcp-only-nvgre-udp', [eth(), v4(), nv(), ethIn(), v4i, udp, pay()], { encap: 'nvgre', hash_input: 'none', hash_valid: false }),
        c('tcp-only-udp', [eth(), v4(), udp, pay()], { hash_input: 'none' }),
        c('tcp-only-tcp', [eth(), v4(), tcp, pay()], { hash_input: '4tuple' }),
      ],
    },
    {
      name: 'v4-2tuple-only',
      profile: withProfile({ hashTypes: T.IPV4 | T.IPV6 }),
      cases: [
        c('2tuple-only-tcp', [eth(), v4(), tcp, pay()], { hash_input: '2tuple', hash_type: T.IPV4 }),
        c('2tuple-only-nvgre', [eth(), v4(), nv(), ethIn(), v4i, tcp, pay()], { hash_input: 'outer-2tuple', hash_type: T.IPV4 }),
      ],
    },
    {
      name: 'rss-off',
      profile: withProfile({ rssEnable: false, rssDefaultQueue: 5 }),
      cases: [c('rss-off', [eth(), v4(), tcp, pay()], { hash_input: 'none', hash: 0, rss_queue: 5 })],
    },
    {
      name: 'small-table',
      profile: withProfile({ indirection: [3, 1], vmqEnable: false, vmqDefaultQueue: 2 }),
      cases: [
        c('indir-2', [eth(), v4(), udp, pay()], { hash_input: '4tuple', vmq_hit: false, vmq_queue: 2 }),
        c('vmq-off', [eth(), v4(), tcp, pay()], { vmq_hit: false }),
      ],
    },
    {
      name: 'vmq',
      profile: withProfile({ filters: directedFilters(), vmqDefaultQueue: 3 }),
      cases: [
        c('vmq-outer-any-vlan', [eth(), v4(), tcp, pay()], { vmq_hit: true, vmq_filter: 5, vmq_queue: 14 }),
        c('vmq-outer-vlan-priority', [eth(), { kind: 'vlan', vid: 100 }, v4(), tcp, pay()], { vmq_hit: true, vmq_filter: 2, vmq_queue: 11 }),
        c('vmq-outer-miss', [eth('02:00:00:00:00:04'), v4(), tcp, pay()], { vmq_hit: false, vmq_queue: 3, vmq_filter: -1 }),
        c('vmq-invalid-filter', [eth('02:00:00:00:00:09'), v4(), tcp, pay()], { vmq_hit: false }),
        c('vmq-inner-vsid', [eth(), v4(), nv(), ethIn(), v4i, tcp, pay()], { vmq_hit: true, vmq_filter: 0 }),
        c('vmq-inner-vlan', [eth(), v4(), nv(1), ethIn(), { kind: 'vlan', vid: 5 }, v4i, tcp, pay()], { vmq_hit: true, vmq_filter: 1 }),
        c('vmq-inner-vsid-mismatch', [eth(), v4(), nv(2), ethIn(), v4i, tcp, pay()], { vmq_hit: true, vmq_filter: 6 }),
        c('vmq-ip-in-gre-outer', [eth(), v4(), { kind: 'gre' }, v4i, tcp, pay()], { vmq_hit: true, vmq_filter: 5 }),
        c('vmq-runt', [eth(), pay(0)], { vmq_hit: false }, { cutTo: 10 }),
      ],
    },
  ];
}

/**
 * Filter priority across the whole table (the directed VMQ group uses entries 0-6 only):
 * a MAC in the first and the last entry, a VLAN/plain pair at the middle boundary (where
 * a table built in halves joins them), and a MAC only the last entry holds.
 */
export function wideFilterGroup(cfg: BuildConfig): DirectedGroup {
  const n = cfg.vmqFilters;
  const half = n >> 1;
  const q = (k: number): number => (20 + k) % 2 ** cfg.queueBits;
  const fs: Filter[] = Array.from({ length: n }, (_, i) => filter('02:00:00:00:00:0f', q(i), undefined, undefined, false));
  fs[0] = filter(MAC_A, q(0));
  fs[n - 1] = filter(MAC_A, q(1));
  if (n >= 4) {
    fs[half - 1] = filter(MAC_C, q(2), 5);
    fs[half] = filter(MAC_C, q(3));
    fs[n - 2] = filter('02:00:00:00:00:06', q(4));
  }
  const cases: DirectedCase[] = [c('wide-first-and-last', [eth(), v4(), tcp, pay()], { vmq_hit: true, vmq_filter: 0, vmq_queue: q(0) })];
  if (n >= 4) {
    cases.push(
      c('wide-middle-vlan', [eth(), v4(), nv(), ethIn(), { kind: 'vlan', vid: 5 }, v4i, udp, pay()], { vmq_hit: true, vmq_filter: half - 1 }),
      c('wide-middle-plain', [eth(), v4(), nv(), ethIn(), v4i, udp, pay()], { vmq_hit: true, vmq_filter: half }),
      c('wide-upper-only', [eth('02:00:00:00:00:06'), v4(), udp, pay()], { vmq_hit: true, vmq_filter: n - 2, vmq_queue: q(4) }),
    );
  }
  return { name: 'vmq-wide', profile: withProfile({ filters: fs }), cases };
}

/** The directed cases a build can carry (IPv4-only builds drop the IPv6 ones). */
export function directedFor(cfg: BuildConfig): DirectedGroup[] {
  return directedGroups().map((g) => ({ ...g, cases: g.cases.filter((x) => cfg.ipv6 || !x.v6) }));
}
