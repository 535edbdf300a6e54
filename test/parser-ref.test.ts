// SPDX-License-Identifier: MIT
// nvgre_rx_parser alone in Verilator against ref/parse.ts: every field the parser hands
// on, for random frames, every truncation of some frames' headers, random
// max_header_bytes and both GRE enables, with junk (not zeros) past each frame's end so
// that a missing bounds check shows. The parser is fed the frame's beats back to back,
// the last one's unused lanes junk (64-bit IPv6, the 64-byte window, 64-bit IPv4-only,
// 128-bit IPv6, 512-bit IPv6, 256-bit IPv4-only).

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parserModule } from '../gen/blocks/parser.ts';
import { parseBuildConfig, describeBuild, type BuildConfig } from '../gen/config.ts';
import { emitModule } from '../gen/emit/verilog.ts';
import { buildFrame, layerSize, mulberry32, randomLayers } from '../ref/packets/index.ts';
import { ENCAP_GENEVE, ENCAP_VXLAN, parseFrame, ParseState, type UdpTunnelPort } from '../ref/parse.ts';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { buildModel } from '../tb/bridge/verilator.ts';

const open: SimProcess[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

interface Case {
  frame: Uint8Array;
  mhb: number;
  parseGre: boolean;
  /** The UDP tunnel port table in force at the frame's first beat (builds with the table). */
  tunnels: UdpTunnelPort[];
}

/** Tunnel tables the cases draw from: the IANA one, the types swapped, one with an invalid lower entry, none. */
const TUNNEL_TABLES: UdpTunnelPort[][] = [
  [
    { port: 4789, encap: ENCAP_VXLAN },
    { port: 6081, encap: ENCAP_GENEVE },
  ],
  [
    { port: 4789, encap: ENCAP_VXLAN },
    { port: 6081, encap: ENCAP_GENEVE },
  ],
  [
    { port: 6081, encap: ENCAP_VXLAN },
    { port: 4789, encap: ENCAP_GENEVE },
  ],
  [],
];

/** The in_udp_tunnels bus of a table (entry i at bits 18i..18i+17: port, type, valid). */
function tunnelBus(t: UdpTunnelPort[]): bigint {
  let v = 0n;
  t.forEach((e, i) => (v |= (BigInt(e.port) | (e.encap === ENCAP_GENEVE ? 1n << 16n : 0n) | (1n << 17n)) << BigInt(18 * i)));
  return v;
}

function cases(cfg: BuildConfig, seed: number, n: number): Case[] {
  const r = mulberry32(seed);
  const out: Case[] = [];
  const mhbChoices = [64, 96, 128, cfg.maxHeaderBytes, cfg.maxHeaderBytes];
  for (let i = 0; i < n; i++) {
    const layers = randomLayers(r, {
      ipv6: cfg.ipv6 || r() < 0.2,
      oddRate: 0.25,
      encapRate: 0.6,
      maxPayload: 40,
      udpTunnelRate: cfg.udpTunnelPorts > 0 ? 0.4 : 0,
    });
    const tunnels = cfg.udpTunnelPorts > 0 ? TUNNEL_TABLES[Math.floor(r() * TUNNEL_TABLES.length)]!.slice(0, cfg.udpTunnelPorts) : [];
    let frame = buildFrame(layers);
    // Corrupt a header byte now and then: versions, IHL, types and flags all get hit.
    if (r() < 0.15) {
      frame = frame.slice();
      frame[Math.floor(r() * Math.min(frame.length, 120))] = Math.floor(r() * 256);
    }
    // A bad version or IHL on an outer or inner IP header.
    if (r() < 0.1) {
      let off = 0;
      const ips: number[] = [];
      for (const l of layers) {
        if (l.kind === 'ipv4' || l.kind === 'ipv6') ips.push(off);
        off += layerSize(l);
      }
      const at = ips[Math.floor(r() * ips.length)];
      if (at !== undefined) {
        frame = frame.slice();
        frame[at] = r() < 0.5 ? (frame[at]! & 0xf0) | Math.floor(r() * 5) : (Math.floor(r() * 16) << 4) | (frame[at]! & 15);
      }
    }
    const mhb = mhbChoices[Math.floor(r() * mhbChoices.length)]!;
    const parseGre = r() < 0.85;
    out.push({ frame, mhb, parseGre, tunnels });
    // Every cut of a few frames' headers.
    if (i % 25 === 0) for (let k = 0; k < Math.min(frame.length, 140); k++) out.push({ frame: frame.slice(0, k), mhb, parseGre, tunnels });
  }
  return out;
}

async function parserSim(cfg: BuildConfig): Promise<{ sim: SimProcess; latency: number }> {
  const { module, latency } = parserModule(cfg, { sideWidth: 8, mhbWidth: 11 });
  const dir = join('build', 'parser-test', `w${cfg.dataWidth}-v6${cfg.ipv6}-m${cfg.maxHeaderBytes}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'nvgre_rx_parser.v');
  await writeFile(file, emitModule(module, { build: describeBuild(cfg), generator: 'test/parser-ref.test.ts' }));
  const model = await buildModel({ name: `parser-w${cfg.dataWidth}-${cfg.ipv6 ? 'v6' : 'v4'}-m${cfg.maxHeaderBytes}`, verilogFiles: [file], top: module });
  const sim = await SimProcess.start(model);
  open.push(sim);
  return { sim, latency };
}

function bytesBE(b: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

/** Outcomes the stimulus must reach in a build whose window holds every layer. */
const ALL_OUTCOMES = ['truncated', 'too_deep', 'bad_ip', 'gre', 'nvgre', 'vlan', 'frag', 'l4', 'inner_eth', 'inner_vlan', 'inner_v4', 'inner_l4'];

async function check(
  cfg: BuildConfig,
  seed: number,
  n: number,
  need: string[] = [...ALL_OUTCOMES, ...(cfg.ipv6 ? ['v6', 'inner_v6'] : []), ...(cfg.udpTunnelPorts > 0 ? ['vxlan', 'geneve', 'tunnel_inner_l4'] : [])],
): Promise<number> {
  const { sim, latency } = await parserSim(cfg);
  const L = sim.model.layout;
  const all = cases(cfg, seed, n);
  const W = cfg.dataWidth / 8;
  const beatsOf = (cs: Case): number => Math.max(1, Math.ceil(cs.frame.length / W));
  // The cycle each frame is handed over (in_valid): the parser sees its beats
  // in the cycles before, back to back, as capture hands them on.
  const at: number[] = [];
  let cyc = 1;
  for (const cs of all) at.push((cyc += beatsOf(cs)));
  const cycles = at[at.length - 1]! + latency + 2;
  const stim = L.alloc(cycles);
  const junk = mulberry32(seed ^ 0x5a5a);
  L.set(stim, 0, 'rst', 1);
  all.forEach((cs, i) => {
    const c = at[i]!;
    // The frame's bytes, then junk in the last beat's unused lanes.
    const bytes = new Uint8Array(beatsOf(cs) * W);
    for (let k = 0; k < bytes.length; k++) bytes[k] = k < cs.frame.length ? cs.frame[k]! : Math.floor(junk() * 256);
    L.set(stim, c, 'in_valid', 1);
    for (let b = 0; b < beatsOf(cs); b++) {
      const bc = c - beatsOf(cs) + b;
      L.set(stim, bc, 'in_beat_valid', 1);
      L.set(stim, bc, 'in_beat_last', b === beatsOf(cs) - 1 ? 1 : 0);
      // Lane j of a beat is its byte j: little-endian in the data word.
      L.set(stim, bc, 'in_beat_data', bytesBE(bytes.slice(b * W, b * W + W).reverse(), 0, W));
      if (cfg.udpTunnelPorts > 0) L.set(stim, bc, 'in_udp_tunnels', tunnelBus(cs.tunnels));
    }
    L.set(stim, c, 'in_len', cs.frame.length);
    L.set(stim, c, 'in_max_header_bytes', Math.min(cs.mhb, cfg.maxHeaderBytes));
    L.set(stim, c, 'in_parse_gre', cs.parseGre ? 1 : 0);
    L.set(stim, c, 'in_side', i & 0xff);
  });
  const out = await sim.run(stim);
  const s = new ParseState();
  const ab = cfg.ipv6 ? 32 : 8;
  let checked = 0;
  const seen = new Map<string, number>();
  const saw = (k: string, cond: boolean): void => {
    if (cond) seen.set(k, (seen.get(k) ?? 0) + 1);
  };
  all.forEach((cs, i) => {
    const c = at[i]! + latency;
    parseFrame(
      cs.frame,
      {
        maxHeaderBytes: Math.min(cs.mhb, cfg.maxHeaderBytes),
        ipv6: cfg.ipv6,
        ipv6MaxExtHeaders: cfg.ipv6MaxExtHeaders,
        parseGre: cs.parseGre,
        udpTunnels: cs.tunnels,
      },
      s,
    );
    const f = cs.frame;
    for (const [k, v] of Object.entries({
      truncated: s.error === 1,
      too_deep: s.error === 2,
      bad_ip: s.error === 4,
      gre: s.encap === 1,
      nvgre: s.encap === 2,
      vlan: s.vlan >= 0,
      v6: s.l3 === 6,
      frag: s.l3Frag,
      l4: s.l4Ok,
      inner_eth: s.innerEth,
      inner_vlan: s.innerVlan >= 0,
      inner_v4: s.innerL3 === 4,
      inner_v6: s.innerL3 === 6,
      inner_l4: s.innerL4Off !== 0,
      vxlan: s.encap === ENCAP_VXLAN,
      geneve: s.encap === ENCAP_GENEVE,
      tunnel_inner_l4: s.encap >= ENCAP_VXLAN && s.innerL4Off !== 0,
    }))
      saw(k, v);
    const g = (p: string): number => L.getNum(out, c, `out_${p}`);
    const gb = (p: string): bigint => L.getBig(out, c, `out_${p}`);
    const got: Record<string, number | bigint> = {
      valid: g('valid'),
      side: g('side'),
      len: g('len'),
      err: g('err'),
      eth: g('eth'),
      vlan: g('vlan_valid') ? g('vlan') : -1,
      l3: g('l3_v4') ? 4 : g('l3_v6') ? 6 : 0,
      l3_off: g('l3_off'),
      encap: g('encap'),
      vsid: g('vsid'),
      flowid: g('flowid'),
      inner_eth: g('inner_eth'),
      inner_l2_off: g('inner_l2_off'),
      inner_vlan: g('inner_vlan_valid') ? g('inner_vlan') : -1,
      inner_l3: g('inner_v4') ? 4 : g('inner_v6') ? 6 : 0,
      inner_l3_off: g('inner_l3_off'),
      inner_l4_off: g('inner_l4_ok') ? g('inner_l4_off') : 0,
      l4_ok: g('l4_ok'),
    };
    if (s.encap === ENCAP_VXLAN || s.encap === ENCAP_GENEVE) {
      // A VXLAN/GENEVE VNI comes on out_vni, valid under out_vni_ok (else the record's VSID is 0).
      got.vsid = g('vni_ok') ? g('vni') : 0;
      got.flowid = s.flowid;
    } else if (s.encap !== 2) {
      // The streaming parser hands on the GRE key bytes raw: RSS select zeroes them unless NVGRE.
      got.vsid = s.vsid;
      got.flowid = s.flowid;
    }
    const want: Record<string, number | bigint> = {
      valid: 1,
      side: i & 0xff,
      len: f.length,
      err: s.error,
      eth: s.eth ? 1 : 0,
      vlan: s.vlan,
      l3: s.l3,
      l3_off: s.l3Off,
      encap: s.encap,
      vsid: s.vsid,
      flowid: s.flowid,
      inner_eth: s.innerEth ? 1 : 0,
      inner_l2_off: s.innerL2Off,
      inner_vlan: s.innerVlan,
      inner_l3: s.innerL3,
      inner_l3_off: s.innerL3Off,
      inner_l4_off: s.innerL4Off,
      l4_ok: s.l4Ok ? 1 : 0,
    };
    // Values used downstream only under a flag are compared under that flag.
    if (s.eth) {
      got.mac = gb('mac');
      want.mac = bytesBE(f, 0, 6);
    }
    if (s.l3) {
      got.o_addr = gb('o_addr');
      const a = s.l3 === 4 ? bytesBE(f, s.l3Off + 12, 8) << BigInt(8 * (ab - 8)) : bytesBE(f, s.l3Off + 8, 32);
      want.o_addr = a;
      // An IPv4 pair in an IPv6 streaming build: the top 8 bytes are the pair, the rest is not read.
      if (s.l3 === 4) got.o_addr = (got.o_addr >> BigInt(8 * (ab - 8))) << BigInt(8 * (ab - 8));
    }
    if (s.l4Ok) {
      got.proto = g('proto');
      want.proto = s.proto;
      got.o_ports = gb('o_ports');
      want.o_ports = bytesBE(f, s.l4Off, 4);
    }
    if (s.innerEth) {
      got.inner_mac = gb('inner_mac');
      want.inner_mac = bytesBE(f, s.innerL2Off, 6);
    }
    if (s.innerL3) {
      got.inner_proto = g('inner_proto');
      want.inner_proto = s.innerProto;
      got.i_addr = gb('i_addr');
      want.i_addr = s.innerL3 === 4 ? bytesBE(f, s.innerL3Off + 12, 8) << BigInt(8 * (ab - 8)) : bytesBE(f, s.innerL3Off + 8, 32);
      if (s.innerL3 === 4) got.i_addr = (got.i_addr >> BigInt(8 * (ab - 8))) << BigInt(8 * (ab - 8));
    }
    if (s.innerL4Off) {
      got.i_ports = gb('i_ports');
      want.i_ports = bytesBE(f, s.innerL4Off, 4);
    }
    const hex = Buffer.from(f).toString('hex');
    expect(got, `case ${i} mhb=${cs.mhb} gre=${cs.parseGre} frame=${hex}`).toEqual(want);
    checked++;
  });
  // Nothing is valid before the first frame arrives or after the last one leaves.
  expect(L.getNum(out, at[0]! + latency - 1, 'out_valid')).toBe(0);
  expect(L.getNum(out, at[at.length - 1]! + latency + 1, 'out_valid')).toBe(0);
  // The stimulus must reach every outcome the build can produce.
  console.log(`parser ${describeBuild(cfg)}: ${checked} cases, outcomes ${JSON.stringify(Object.fromEntries(seen))}`);
  for (const k of need) expect(seen.get(k) ?? 0, `outcome ${k} reached`).toBeGreaterThan(3);
  return checked;
}

describe('the streaming nvgre_rx_parser (beats in) against ref/parse.ts', () => {
  it('default build (64-bit, IPv6)', async () => {
    expect(await check(parseBuildConfig({}), 4, 1500)).toBeGreaterThan(1500);
  });
  it('IPv6 with the smallest window (64 bytes)', async () => {
    const cfg = parseBuildConfig({ maxHeaderBytes: 64 });
    expect(
      await check(cfg, 5, 600, ['truncated', 'too_deep', 'bad_ip', 'gre', 'nvgre', 'vlan', 'frag', 'l4', 'inner_eth', 'inner_vlan', 'v6']),
    ).toBeGreaterThan(600);
  });
  it('512-bit, IPv6 (a frame of up to 64 bytes is one beat)', async () => {
    expect(await check(parseBuildConfig({ dataWidth: 512 }), 6, 1000)).toBeGreaterThan(1000);
  });
  it('64-bit, IPv4-only with a 128-byte window (IPv6 frames are "anything else")', async () => {
    expect(await check(parseBuildConfig({ ipv6: false, maxHeaderBytes: 128 }), 2, 800)).toBeGreaterThan(800);
  });
  it('128-bit, IPv6', async () => {
    expect(await check(parseBuildConfig({ dataWidth: 128 }), 1, 1000)).toBeGreaterThan(1000);
  });
  it('256-bit, IPv4-only', async () => {
    expect(await check(parseBuildConfig({ dataWidth: 256, ipv6: false, maxHeaderBytes: 128 }), 7, 800)).toBeGreaterThan(800);
  });
});
