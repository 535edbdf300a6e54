// SPDX-License-Identifier: MIT
// Directed UDP tunnel traffic (docs/CONTRACT.md section 8) for builds with a tunnel port
// table: each rule of the section, each tunnel kind and GENEVE Protocol Type, every GENEVE
// option length the build's window can hold, the port table's priority, invalid entries,
// ports of the table on other protocols, outer fragments, the enables, and the layer stacks
// whose every header bound the structural prologue cuts (tb/stimulus/structural.ts).
// test/stimulus-tunnels.test.ts checks each case's expectations against the reference engine.

import type { BuildConfig } from '../../gen/config.ts';
import type { Layer } from '../../ref/packets/index.ts';
import { defaultProfile, type Filter, type Profile, type UdpTunnel } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import type { DirectedCase, DirectedGroup } from './directed.ts';
import type { ScriptBuilder } from './script-builder.ts';
import { frameOf, type StimFrame } from './script.ts';

const MAC_A = '02:00:00:00:00:01';
const MAC_B = '02:00:00:00:00:02';
const MAC_T = '02:00:00:00:00:0a';
/** The VNI of the VMQ filter with a VSID condition. */
export const TUNNEL_VNI = 0x0a0b0c;
const V4 = { src: '10.8.0.1', dst: '10.8.0.2' };
const V4I = { src: '192.168.8.1', dst: '192.168.8.2' };
const V6 = { src: '2001:db8::81', dst: '2001:db8::82' };
const V6I = { src: 'fd00::81', dst: 'fd00::82' };

const eth = (dst = MAC_A): Layer => ({ kind: 'eth', dst, src: MAC_B });
const ethIn = (dst = MAC_T): Layer => ({ kind: 'eth', dst, src: MAC_B });
const v4: Layer = { kind: 'ipv4', ...V4 };
const v6: Layer = { kind: 'ipv6', ...V6 };
const v4i: Layer = { kind: 'ipv4', ...V4I };
const v6i: Layer = { kind: 'ipv6', ...V6I };
const tcp: Layer = { kind: 'tcp', sport: 2345, dport: 443 };
const udpIn: Layer = { kind: 'udp', sport: 3456, dport: 53 };
const udpTo = (dport: number, sport = 49152): Layer => ({ kind: 'udp', sport, dport });
const vx = (flags = 0x08, vni = TUNNEL_VNI): Layer => ({ kind: 'vxlan', vni, flags });
const gn = (extra: Partial<Extract<Layer, { kind: 'geneve' }>> = {}): Layer => ({ kind: 'geneve', vni: TUNNEL_VNI, ...extra });
const pay: Layer = { kind: 'payload', bytes: 12 };

function c(tag: string, layers: Layer[], expect: Partial<MetaRecord>, v6only = false): DirectedCase {
  return { frame: frameOf([...layers, pay], tag), expect, v6: v6only };
}

const filter = (mac: string, queue: number, vsid?: number): Filter => ({
  valid: true,
  mac: Uint8Array.from(mac.split(':'), (h) => parseInt(h, 16)),
  matchVlan: false,
  vlanId: 0,
  matchVsid: vsid !== undefined,
  vsid: vsid ?? 0,
  queue,
});

/** Filters: the inner MAC with the VNI as VSID condition first, then the inner MAC alone, then the outer MAC. */
export function tunnelFilters(): Filter[] {
  return [filter(MAC_T, 21, TUNNEL_VNI), filter(MAC_T, 22), filter(MAC_A, 23)];
}

/** A table of `n` entries from `entries` (invalid past them). */
function table(n: number, entries: UdpTunnel[]): UdpTunnel[] {
  return Array.from({ length: n }, (_, i) => entries[i] ?? { valid: false, port: 0, type: 'vxlan' });
}

/** Bytes before a GENEVE header's options in the option sweep: outer Ethernet, IPv4, UDP, the fixed header. */
const SWEEP_PREFIX = 14 + 20 + 8 + 8;

/** The largest GENEVE option length whose options end inside the build's window with outer IPv4. */
export function maxSweptOptions(cfg: BuildConfig): number {
  return Math.min(252, (cfg.maxHeaderBytes - SWEEP_PREFIX) & ~3);
}

/** The directed groups of a build with a tunnel port table (none without one). */
export function tunnelGroups(cfg: BuildConfig): DirectedGroup[] {
  const n = cfg.udpTunnelPorts;
  if (n === 0) return [];
  const base = (c2: BuildConfig): Profile => ({ ...defaultProfile(c2), filters: tunnelFilters() });
  const kinds: DirectedCase[] = [
    c('vxlan: inner IPv4 TCP', [eth(), v4, udpTo(4789), vx(), ethIn(), v4i, tcp], {
      encap: 'vxlan',
      vsid: TUNNEL_VNI,
      flowid: 0,
      hash_input: 'inner-4tuple',
      inner_parsed: true,
      vmq_hit: true,
      vmq_filter: 0,
      inner_l2_offset: 50,
      inner_l3_offset: 64,
    }),
    c(
      'vxlan: inner VLAN tag, inner IPv6 UDP',
      [eth(), v4, udpTo(4789), vx(), ethIn(), { kind: 'vlan', vid: 9 }, v6i, udpIn],
      { encap: 'vxlan', vsid: TUNNEL_VNI, hash_input: 'inner-4tuple', inner_l3_offset: 68 },
      true,
    ),
    c('vxlan: outer IPv6', [eth(), v6, udpTo(4789), vx(), ethIn(), v4i, tcp], { encap: 'vxlan', hash_input: 'inner-4tuple', inner_l2_offset: 70 }, true),
    c('vxlan: every flag bit set', [eth(), v4, udpTo(4789), vx(0xff), ethIn(), v4i, tcp], { encap: 'vxlan', vsid: TUNNEL_VNI, hash_input: 'inner-4tuple' }),
    c('vxlan: reserved bits set', [eth(), v4, udpTo(4789), { kind: 'vxlan', vni: TUNNEL_VNI, reserved1: 0xffffff, reserved2: 0xff }, ethIn(), v4i, tcp], {
      encap: 'vxlan',
      vsid: TUNNEL_VNI,
      hash_input: 'inner-4tuple',
    }),
    c('vxlan: I flag 0', [eth(), v4, udpTo(4789), vx(0x00), ethIn(), v4i, tcp], {
      encap: 'vxlan',
      vsid: 0,
      hash_input: 'outer-2tuple',
      inner_parsed: false,
      vmq_filter: 2,
    }),
    c('vxlan: I flag 0, other flags set', [eth(), v4, udpTo(4789), vx(0xf7), ethIn(), v4i, tcp], { encap: 'vxlan', vsid: 0, hash_input: 'outer-2tuple' }),
    c('vxlan: inner not IP', [eth(), v4, udpTo(4789), vx(), { kind: 'eth', dst: MAC_T, src: MAC_B, type: 0x0806 }], {
      encap: 'vxlan',
      inner_parsed: false,
      hash_input: 'outer-2tuple',
      vmq_filter: 0,
    }),
    c('vxlan: VNI 0', [eth(), v4, udpTo(4789), vx(0x08, 0), ethIn(), v4i, tcp], { encap: 'vxlan', vsid: 0, vmq_filter: 1 }),
    c('geneve: Protocol Type 0x6558', [eth(), v4, udpTo(6081), gn(), ethIn(), v4i, tcp], {
      encap: 'geneve',
      vsid: TUNNEL_VNI,
      hash_input: 'inner-4tuple',
      vmq_filter: 0,
      inner_l2_offset: 50,
    }),
    c('geneve: Protocol Type 0x0800', [eth(), v4, udpTo(6081), gn(), v4i, tcp], {
      encap: 'geneve',
      vsid: TUNNEL_VNI,
      hash_input: 'inner-4tuple',
      inner_l2_offset: 0,
      inner_l3_offset: 50,
      vmq_filter: 2,
    }),
    c('geneve: Protocol Type 0x86DD', [eth(), v4, udpTo(6081), gn(), v6i, udpIn], { encap: 'geneve', hash_input: 'inner-4tuple', inner_l3_offset: 50 }, true),
    c('geneve: another Protocol Type', [eth(), v4, udpTo(6081), gn({ protocol: 0x88cc }), pay], {
      encap: 'geneve',
      vsid: TUNNEL_VNI,
      inner_parsed: false,
      hash_input: 'outer-2tuple',
    }),
    c('geneve: Ver 1', [eth(), v4, udpTo(6081), gn({ version: 1 }), ethIn(), v4i, tcp], {
      encap: 'geneve',
      vsid: 0,
      inner_parsed: false,
      hash_input: 'outer-2tuple',
    }),
    c('geneve: Ver 2', [eth(), v4, udpTo(6081), gn({ version: 2 }), v4i, tcp], { encap: 'geneve', vsid: 0, inner_parsed: false }),
    c('geneve: Ver 3', [eth(), v4, udpTo(6081), gn({ version: 3 }), v4i, tcp], { encap: 'geneve', vsid: 0, inner_parsed: false }),
    c('geneve: O = 1', [eth(), v4, udpTo(6081), gn({ oam: true }), ethIn(), v4i, tcp], {
      encap: 'geneve',
      vsid: 0,
      inner_parsed: false,
      hash_input: 'outer-2tuple',
    }),
    c('geneve: C = 1 with options', [eth(), v4, udpTo(6081), gn({ critical: true, options: 8 }), ethIn(), v4i, tcp], {
      encap: 'geneve',
      vsid: TUNNEL_VNI,
      hash_input: 'inner-4tuple',
      inner_l2_offset: 58,
    }),
    c(
      'geneve: outer IPv6, options',
      [eth(), v6, udpTo(6081), gn({ options: 16 }), ethIn(), v6i, tcp],
      { encap: 'geneve', hash_input: 'inner-4tuple', inner_l2_offset: 86 },
      true,
    ),
  ];
  // Every option length the window can hold, inner IPv4 directly (Protocol Type 0x0800).
  const sweep: DirectedCase[] = [];
  for (let o = 0; o <= maxSweptOptions(cfg); o += 4) {
    const fits = SWEEP_PREFIX + o + 20 + 8 <= cfg.maxHeaderBytes;
    sweep.push(
      c(
        `geneve: ${o} bytes of options`,
        [eth(), v4, udpTo(6081), gn({ options: o }), v4i, udpIn],
        fits ? { encap: 'geneve', inner_l3_offset: SWEEP_PREFIX + o, hash_input: 'inner-4tuple' } : { encap: 'geneve', vsid: TUNNEL_VNI },
      ),
    );
  }
  const notTunnels: DirectedCase[] = [
    c('tunnel port on TCP', [eth(), v4, { kind: 'tcp', sport: 1, dport: 4789 }], { encap: 'none', hash_input: '4tuple' }),
    c('tunnel port as GRE protocol', [eth(), v4, { kind: 'gre', protocol: 4789 }, pay], { encap: 'gre', hash_input: 'outer-2tuple' }),
    c('tunnel port as UDP source port', [eth(), v4, udpTo(53, 4789), vx(), ethIn(), v4i, tcp], { encap: 'none', hash_input: '4tuple' }),
    c('UDP to a port not in the table', [eth(), v4, udpTo(4790), vx(), ethIn(), v4i, tcp], { encap: 'none', hash_input: '4tuple' }),
    c('tunnel port, outer IPv4 fragment (MF)', [eth(), { kind: 'ipv4', ...V4, mf: true }, udpTo(4789), vx(), ethIn(), v4i, tcp], {
      encap: 'none',
      hash_input: '2tuple',
    }),
    c('tunnel port, outer IPv4 fragment (offset)', [eth(), { kind: 'ipv4', ...V4, fragOffset: 8 }, udpTo(6081), gn(), ethIn(), v4i, tcp], {
      encap: 'none',
      hash_input: '2tuple',
    }),
    c(
      'tunnel port, outer IPv6 Fragment header',
      [eth(), v6, { kind: 'ipv6-frag', nextHeader: 17 }, udpTo(6081), gn(), ethIn(), v4i, tcp],
      { encap: 'none', hash_input: '2tuple' },
      true,
    ),
    c(
      'tunnel port behind IPv6 extension headers',
      [eth(), v6, { kind: 'ipv6-ext', type: 0, length: 8 }, { kind: 'ipv6-ext', type: 60, length: 16 }, udpTo(4789), vx(), ethIn(), v4i, tcp],
      { encap: 'vxlan', hash_input: 'inner-4tuple' },
      true,
    ),
    c('tunnel port, UDP header cut short', [eth(), v4, udpTo(4789)], { encap: 'none' }),
  ];
  // The last one: the UDP header ends 1 byte early (its 8 bytes are not all there).
  notTunnels[notTunnels.length - 1] = {
    ...notTunnels[notTunnels.length - 1]!,
    frame: frameOf([eth(), v4, udpTo(4789)], 'tunnel port, UDP header cut short', { cutTo: 14 + 20 + 7 }),
  };
  const vxIp = (dport: number, flags = 0x08): Layer[] => [eth(), v4, udpTo(dport), vx(flags), ethIn(), v4i, tcp];
  const gnIp = (dport: number): Layer[] => [eth(), v4, udpTo(dport), gn(), v4i, tcp];
  const groups: DirectedGroup[] = [
    { name: 'udp tunnels: kinds', profile: base, cases: kinds },
    { name: 'udp tunnels: GENEVE options', profile: base, cases: sweep },
    { name: 'udp tunnels: not tunnels', profile: base, cases: notTunnels },
    {
      name: 'udp tunnels: encapsulation parsing off',
      profile: (c2) => ({ ...base(c2), encapRssEnable: false, encapVmqEnable: false }),
      cases: [
        c('vxlan, enables off', vxIp(4789), { encap: 'none', vsid: 0, hash_input: '4tuple', vmq_filter: 2 }),
        c('geneve, enables off', gnIp(6081), { encap: 'none', hash_input: '4tuple' }),
      ],
    },
    {
      name: 'udp tunnels: encapsulated VMQ only',
      profile: (c2) => ({ ...base(c2), encapRssEnable: false }),
      cases: [c('vxlan, encap RSS off', vxIp(4789), { encap: 'vxlan', vsid: TUNNEL_VNI, hash_input: '4tuple', vmq_filter: 0 })],
    },
    {
      name: 'udp tunnels: encapsulated RSS only',
      profile: (c2) => ({ ...base(c2), encapVmqEnable: false }),
      cases: [c('vxlan, encap VMQ off', vxIp(4789), { encap: 'vxlan', hash_input: 'inner-4tuple', vmq_filter: 2 })],
    },
  ];
  if (n >= 2) {
    // Entry 2 repeats entry 0's port with the other type: the lower entry decides.
    const entries: UdpTunnel[] = [
      { valid: true, port: 4789, type: 'vxlan' },
      { valid: true, port: 6081, type: 'geneve' },
      { valid: true, port: n > 2 ? 4789 : 6081, type: n > 2 ? 'geneve' : 'vxlan' },
      { valid: true, port: 8472, type: 'vxlan' },
    ];
    const prio = table(n, entries);
    const cases = [
      c('priority: entry 0 over a later entry of the same port', vxIp(4789), { encap: 'vxlan', hash_input: 'inner-4tuple' }),
      c('priority: entry 1 over a later entry of the same port', gnIp(6081), { encap: 'geneve', hash_input: 'inner-4tuple' }),
      ...(n > 3 ? [c('priority: entry 3', vxIp(8472), { encap: 'vxlan', hash_input: 'inner-4tuple' })] : []),
    ];
    groups.push({ name: 'udp tunnels: port table priority', profile: (c2) => ({ ...base(c2), udpTunnels: prio }), cases });
    // Invalid lower entries with the port: a valid later one decides.
    const inval: UdpTunnel[] = [
      { valid: false, port: 4789, type: 'vxlan' },
      { valid: true, port: 4789, type: 'geneve' },
      { valid: true, port: 6081, type: 'vxlan' },
      { valid: true, port: 0, type: 'geneve' },
    ];
    groups.push({
      name: 'udp tunnels: invalid entries',
      profile: (c2) => ({ ...base(c2), udpTunnels: table(n, inval) }),
      cases: [
        c('invalid entry 0, entry 1 decides', gnIp(4789), { encap: 'geneve', hash_input: 'inner-4tuple' }),
        ...(n > 2 ? [c('entry 2: VXLAN on 6081', vxIp(6081), { encap: 'vxlan', hash_input: 'inner-4tuple' })] : []),
        ...(n > 3 ? [c('entry 3: port 0', gnIp(0), { encap: 'geneve', hash_input: 'inner-4tuple' })] : []),
      ],
    });
  }
  // Every entry on its own, the others invalid, so that each slot's compare is seen to decide.
  for (let i = 0; i < n; i++) {
    const port = 10000 + i;
    const type = i % 2 ? 'geneve' : 'vxlan';
    groups.push({
      name: `udp tunnels: entry ${i} alone`,
      profile: (c2) => ({
        ...base(c2),
        udpTunnels: table(
          n,
          Array.from({ length: i + 1 }, (_, k): UdpTunnel => (k === i ? { valid: true, port, type } : { valid: false, port, type: 'vxlan' })),
        ),
      }),
      cases: [c(`entry ${i} decides (${type} on ${port})`, type === 'vxlan' ? vxIp(port) : gnIp(port), { encap: type, hash_input: 'inner-4tuple' })],
    });
  }
  return groups.map((g) => ({ ...g, cases: g.cases.filter((x) => cfg.ipv6 || !x.v6) }));
}

interface Named {
  name?: string;
  layer: Layer;
}

/** Layer stacks whose every tunnel header bound the prologue cuts (tb/stimulus/structural.ts boundCases). */
export function tunnelBoundStacks(cfg: BuildConfig): Named[][] {
  if (cfg.udpTunnelPorts === 0) return [];
  const n = (name: string | undefined, layer: Layer): Named => ({ name, layer });
  const out: Named[][] = [
    [
      n(undefined, eth()),
      n(undefined, v4),
      n('VXLAN: UDP', udpTo(4789)),
      n('VXLAN header', vx()),
      n('VXLAN: inner ethernet', ethIn()),
      n('VXLAN: inner VLAN tag', { kind: 'vlan', vid: 5 }),
      n('VXLAN: inner IPv4', v4i),
      n('VXLAN: inner TCP', tcp),
    ],
    [
      n(undefined, eth()),
      n(undefined, v4),
      n('GENEVE: UDP', udpTo(6081)),
      n('GENEVE fixed header, no options', gn()),
      n('GENEVE: inner ethernet', ethIn()),
      n('GENEVE: inner IPv4', v4i),
      n('GENEVE: inner UDP', udpIn),
    ],
    [
      n(undefined, eth()),
      n(undefined, v4),
      n(undefined, udpTo(6081)),
      n('GENEVE header with 12 bytes of options', gn({ options: 12 })),
      n('GENEVE: inner IPv4 (no inner Ethernet)', v4i),
      n('GENEVE: inner TCP', tcp),
    ],
    [
      n(undefined, eth()),
      n(undefined, v4),
      n(undefined, udpTo(6081)),
      n('GENEVE header with 124 bytes of options', gn({ options: 124 })),
      n(undefined, ethIn()),
      n(undefined, v4i),
      n(undefined, tcp),
    ],
    [n(undefined, eth()), n(undefined, v4), n(undefined, udpTo(4789)), n('VXLAN header, I flag 0', vx(0))],
    [n(undefined, eth()), n(undefined, v4), n(undefined, udpTo(6081)), n('GENEVE header, O = 1', gn({ oam: true, options: 4 }))],
  ];
  if (cfg.ipv6) {
    out.push([
      n(undefined, eth()),
      n(undefined, v6),
      n('GENEVE: UDP after IPv6', udpTo(6081)),
      n('GENEVE header after IPv6', gn({ options: 8 })),
      n('GENEVE: inner IPv6 (no inner Ethernet)', v6i),
      n('GENEVE: inner UDP after inner IPv6', udpIn),
    ]);
  }
  return out;
}

/**
 * The tunnel port table is frame-atomic at a frame's first beat (the parser's taps use it
 * before tlast): rewrites that land while a long VXLAN frame is being sent do not change
 * how that frame is classified, only the frames after it.
 */
export function tunnelAtomicity(b: ScriptBuilder): void {
  const cfg = b.cfg;
  if (cfg.udpTunnelPorts === 0) return;
  const on: Profile = { ...defaultProfile(cfg), filters: tunnelFilters() };
  const off: Profile = { ...on, udpTunnels: table(cfg.udpTunnelPorts, []) };
  const long = (tag: string): StimFrame => frameOf([eth(), v4, udpTo(4789), vx(), ethIn(), v4i, tcp, { kind: 'payload', bytes: 400 }], tag);
  const short = (tag: string): StimFrame => frameOf([eth(), v4, udpTo(4789), vx(), ethIn(), v4i, tcp, pay], tag);
  b.program(on, 'tunnels: the IANA table');
  b.program(off, 'tunnels: every entry invalidated during a VXLAN frame', true);
  b.frame(long('tunnels: VXLAN frame, table emptied after its first beat'));
  b.frame(short('tunnels: VXLAN frame after the table was emptied'));
  b.program(on, 'tunnels: the IANA table back during a VXLAN frame', true);
  b.frame(long('tunnels: VXLAN frame, table filled after its first beat'));
  b.frame(short('tunnels: VXLAN frame after the table was filled'));
  // Between the first and the second beat exactly: the frame waits for the write, so a
  // table taken at any beat but the first would differ.
  b.program(off, 'tunnels: every entry invalidated between the first two beats of a VXLAN frame', true, { beat: 0, hold: true });
  b.frame(long('tunnels: VXLAN frame, table emptied between its first two beats'));
  b.program(on, 'tunnels: the IANA table back between the first two beats of a VXLAN frame', true, { beat: 0, hold: true });
  b.frame(long('tunnels: VXLAN frame, table filled between its first two beats'));
}
