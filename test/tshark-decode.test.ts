// SPDX-License-Identifier: MIT
// An independent decoder: tshark must read the builder's frames (written by writePcap)
// as the same headers, with good checksums, and the engine must agree with it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { classify } from '../ref/classify.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { readPcap } from '../ref/pcap/read.ts';
import { writePcap } from '../ref/pcap/write.ts';
import { defaultProfile } from '../ref/profile.ts';

const tshark = await execa('tshark', ['--version'], { reject: false }).catch(() => undefined);
const haveTshark = tshark !== undefined && tshark.exitCode === 0;
if (!haveTshark) console.warn('tshark not found: skipping the tshark cross-check (make deps installs it)');

interface Case {
  name: string;
  layers: Layer[];
  /** Fields tshark reports for the innermost occurrence. */
  expect: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'VLAN + IPv4 options + TCP',
    layers: [
      { kind: 'eth' },
      { kind: 'vlan', vid: 100 },
      { kind: 'ipv4', src: '66.9.149.187', dst: '161.142.100.80', options: [1, 1, 1, 1] },
      { kind: 'tcp', sport: 2794, dport: 1766 },
      { kind: 'payload', bytes: 10 },
    ],
    expect: { 'vlan.id': '100', 'ip.src': '66.9.149.187', 'ip.dst': '161.142.100.80', 'tcp.srcport': '2794', 'tcp.dstport': '1766' },
  },
  {
    name: 'QinQ + IPv6 extension headers + UDP',
    layers: [
      { kind: 'eth' },
      { kind: 'vlan', vid: 10, tpid: 0x88a8 },
      { kind: 'vlan', vid: 20 },
      { kind: 'ipv6', src: '3ffe:2501:200:1fff::7', dst: '3ffe:2501:200:3::1' },
      { kind: 'ipv6-ext', type: 0 },
      { kind: 'ipv6-ext', type: 60, length: 16 },
      { kind: 'udp', sport: 14230, dport: 4739 },
      { kind: 'payload', bytes: 4 },
    ],
    expect: { 'vlan.id': '20', 'ipv6.src': '3ffe:2501:200:1fff::7', 'ipv6.dst': '3ffe:2501:200:3::1', 'udp.srcport': '14230', 'udp.dstport': '4739' },
  },
  {
    name: 'NVGRE over IPv4, inner IPv4 TCP',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
      { kind: 'nvgre', vsid: 0x123456, flowId: 0x78 },
      { kind: 'eth', dst: '02:00:00:00:0b:01' },
      { kind: 'ipv4', src: '24.19.198.95', dst: '12.22.207.184' },
      { kind: 'tcp', sport: 12898, dport: 38024 },
      { kind: 'payload', bytes: 6 },
    ],
    expect: {
      'gre.key': '0x12345678',
      'ip.src': '24.19.198.95',
      'ip.dst': '12.22.207.184',
      'tcp.srcport': '12898',
      'tcp.dstport': '38024',
      'eth.dst': '02:00:00:00:0b:01',
    },
  },
  {
    name: 'NVGRE over IPv6, inner tagged IPv6 UDP',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' },
      { kind: 'nvgre', vsid: 4096, flowId: 1 },
      { kind: 'eth' },
      { kind: 'vlan', vid: 33 },
      { kind: 'ipv6', src: 'fe80::200:f8ff:fe21:67cf', dst: '3ffe:1900:4545:3:200:f8ff:fe21:67cf' },
      { kind: 'udp', sport: 44251, dport: 38024 },
    ],
    expect: { 'gre.key': '0x00100001', 'vlan.id': '33', 'ipv6.src': 'fe80::200:f8ff:fe21:67cf', 'udp.srcport': '44251', 'udp.dstport': '38024' },
  },
  {
    name: 'GRE with checksum, key and sequence, IP-in-GRE',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
      { kind: 'gre', checksum: true, key: 0xdeadbeef, seq: 42 },
      { kind: 'ipv4', src: '38.27.205.30', dst: '209.142.163.6' },
      { kind: 'udp', sport: 48228, dport: 2217 },
      { kind: 'payload', bytes: 3 },
    ],
    expect: { 'gre.key': '0xdeadbeef', 'gre.sequence_number': '42', 'ip.src': '38.27.205.30', 'udp.srcport': '48228' },
  },
  // docs/CONTRACT.md section 8: tshark decodes VXLAN on 4789 and GENEVE on 6081 by default, as the
  // engine's default profile does.
  {
    name: 'VXLAN over IPv4, inner IPv4 TCP',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
      { kind: 'udp', sport: 49152, dport: 4789 },
      { kind: 'vxlan', vni: 0x123456 },
      { kind: 'eth', dst: '02:00:00:00:0b:02' },
      { kind: 'ipv4', src: '24.19.198.95', dst: '12.22.207.184' },
      { kind: 'tcp', sport: 12898, dport: 38024 },
      { kind: 'payload', bytes: 6 },
    ],
    expect: { 'vxlan.vni': '1193046', 'eth.dst': '02:00:00:00:0b:02', 'ip.src': '24.19.198.95', 'tcp.srcport': '12898', 'tcp.dstport': '38024' },
  },
  {
    name: 'VXLAN over IPv6, inner tagged IPv6 UDP',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' },
      { kind: 'udp', sport: 50000, dport: 4789 },
      { kind: 'vxlan', vni: 0xffffff },
      { kind: 'eth' },
      { kind: 'vlan', vid: 42 },
      { kind: 'ipv6', src: 'fe80::200:f8ff:fe21:67cf', dst: '3ffe:1900:4545:3:200:f8ff:fe21:67cf' },
      { kind: 'udp', sport: 44251, dport: 38024 },
    ],
    expect: { 'vxlan.vni': '16777215', 'vlan.id': '42', 'ipv6.src': 'fe80::200:f8ff:fe21:67cf', 'udp.srcport': '44251', 'udp.dstport': '38024' },
  },
  {
    name: 'GENEVE with 252 bytes of options, inner Ethernet (0x6558), IPv4 TCP',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
      { kind: 'udp', sport: 49153, dport: 6081 },
      { kind: 'geneve', vni: 4096, options: 252 },
      { kind: 'eth', dst: '02:00:00:00:0b:03' },
      { kind: 'ipv4', src: '38.27.205.30', dst: '209.142.163.6' },
      { kind: 'tcp', sport: 48228, dport: 2217 },
    ],
    expect: {
      'geneve.vni': '0x001000',
      'geneve.proto_type': '0x6558',
      'eth.dst': '02:00:00:00:0b:03',
      'ip.src': '38.27.205.30',
      'tcp.srcport': '48228',
      'tcp.dstport': '2217',
    },
  },
  {
    name: 'GENEVE carrying IPv4 (0x0800) with 12 bytes of options',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
      { kind: 'udp', sport: 49154, dport: 6081 },
      { kind: 'geneve', vni: 7, options: 12 },
      { kind: 'ipv4', src: '153.39.163.191', dst: '202.188.127.2' },
      { kind: 'udp', sport: 44251, dport: 1303 },
    ],
    expect: { 'geneve.vni': '0x000007', 'geneve.proto_type': '0x0800', 'ip.src': '153.39.163.191', 'udp.srcport': '44251', 'udp.dstport': '1303' },
  },
  {
    name: 'GENEVE over IPv6 carrying IPv6 (0x86DD)',
    layers: [
      { kind: 'eth' },
      { kind: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' },
      { kind: 'udp', sport: 49155, dport: 6081 },
      { kind: 'geneve', vni: 0 },
      { kind: 'ipv6', src: '3ffe:2501:200:1fff::7', dst: '3ffe:2501:200:3::1' },
      { kind: 'tcp', sport: 2794, dport: 1766 },
    ],
    expect: { 'geneve.vni': '0x000000', 'geneve.proto_type': '0x86dd', 'ipv6.src': '3ffe:2501:200:1fff::7', 'tcp.srcport': '2794' },
  },
];

const FIELDS = [
  'vlan.id',
  'eth.dst',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'gre.key',
  'gre.sequence_number',
  'vxlan.vni',
  'geneve.vni',
  'geneve.proto_type',
  'ip.checksum.status',
  'tcp.checksum.status',
  'udp.checksum.status',
  'gre.checksum.status',
];

describe.skipIf(!haveTshark)('tshark decodes builder frames the same way', () => {
  let dir = '';
  let rows: Record<string, string>[] = [];
  const frames = CASES.map((c) => buildFrame(c.layers));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nvgre-rx-tshark-'));
    const file = join(dir, 'frames.pcap');
    await writeFile(file, writePcap(frames));
    const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=l', '-E', 'separator=|'];
    // GRE checksums are always verified by this tshark; the others only when asked.
    for (const o of ['ip.check_checksum', 'tcp.check_checksum', 'udp.check_checksum']) args.push('-o', `${o}:TRUE`);
    for (const f of FIELDS) args.push('-e', f);
    const { stdout } = await execa('tshark', args);
    rows = stdout.split('\n').map((line) => Object.fromEntries(line.split('|').map((v, i) => [FIELDS[i]!, v])));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads one packet per frame', () => {
    expect(rows).toHaveLength(CASES.length);
  });

  CASES.forEach((c, i) => {
    it(`${c.name}: the inner fields`, () => {
      for (const [k, v] of Object.entries(c.expect)) expect(rows[i]![k], k).toBe(v);
    });

    it(`${c.name}: every checksum is good`, () => {
      // Status 1 is "Good"; empty means the header is absent.
      for (const k of ['ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status', 'gre.checksum.status']) {
        expect(['', '1'], `${k}=${rows[i]![k]}`).toContain(rows[i]![k]);
      }
    });

    it(`${c.name}: the engine reports tshark's GRE key as VSID/FlowID (NVGRE only), its VXLAN/GENEVE VNI as vsid`, () => {
      // A 512-byte window: the 252 bytes of GENEVE options put the inner TCP header past 256.
      const r = classify(frames[i]!, { ...defaultProfile(), maxHeaderBytes: 512 }, { ...DEFAULT_BUILD, maxHeaderBytes: 512 });
      const row = rows[i]!;
      const key = row['gre.key'];
      if (r.encap === 'nvgre') {
        expect(r.vsid).toBe(Number(key) >>> 8);
        expect(r.flowid).toBe(Number(key) & 0xff);
      } else if (row['vxlan.vni']) {
        expect([r.encap, r.vsid, r.flowid]).toEqual(['vxlan', Number(row['vxlan.vni']), 0]);
      } else if (row['geneve.vni']) {
        expect([r.encap, r.vsid, r.flowid]).toEqual(['geneve', Number(row['geneve.vni']), 0]);
      } else {
        expect(r.vsid).toBe(0);
      }
      // Every tunnel here carries TCP/UDP right after its inner IP header.
      if (r.encap !== 'none') expect(r.hash_input).toBe('inner-4tuple');
      expect(r.errors).toEqual([]);
    });
  });

  it('GENEVE options of every length 0..252: tshark walks them to the same inner headers as the engine', async () => {
    const g = Array.from({ length: 64 }, (_, w) =>
      buildFrame([
        { kind: 'eth' },
        { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
        { kind: 'udp', sport: 49152 + w, dport: 6081 },
        { kind: 'geneve', vni: w, options: 4 * w },
        { kind: 'eth' },
        { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
        { kind: 'tcp', sport: w, dport: 80 },
      ]),
    );
    const file = join(dir, 'geneve.pcap');
    await writeFile(file, writePcap(g));
    const f = ['geneve.vni', 'tcp.srcport', 'udp.checksum.status', '_ws.malformed'];
    const { stdout } = await execa('tshark', [
      '-r',
      file,
      '-T',
      'fields',
      '-E',
      'separator=|',
      '-o',
      'udp.check_checksum:TRUE',
      ...f.flatMap((x) => ['-e', x]),
    ]);
    // tshark prints the GENEVE VNI in hex. (Source ports are ephemeral: tshark would take a
    // well-known low source port for that protocol instead of GENEVE.)
    const got = stdout.split('\n').map((l) => l.split('|').map((v, k) => (k === 0 ? String(Number(v)) : v)));
    expect(got).toEqual(g.map((_, w) => [String(w), String(w), '1', '']));
    for (const [w, frame] of g.entries()) {
      // The engine over a window that holds the deepest one (50 + 252 + 54 bytes).
      const r = classify(frame, { ...defaultProfile(), maxHeaderBytes: 512 }, { ...DEFAULT_BUILD, maxHeaderBytes: 512 });
      expect([r.vsid, r.inner_l4_offset, frame[r.inner_l4_offset + 1]]).toEqual([w, 50 + 4 * w + 34, w]);
    }
  });

  it('a pcapng written by tshark reads back as the same frames', async () => {
    const ng = join(dir, 'frames.pcapng');
    await execa('tshark', ['-r', join(dir, 'frames.pcap'), '-F', 'pcapng', '-w', ng]);
    const f = readPcap(await readFile(ng));
    expect(f.format).toBe('pcapng');
    expect(f.packets.map((p) => Array.from(p.data))).toEqual(frames.map((x) => Array.from(x)));
  });

  it('a nanosecond big-endian pcap is accepted by tshark too', async () => {
    const file = join(dir, 'ns.pcap');
    await writeFile(file, writePcap(frames, { bigEndian: true, nanosecond: true }));
    const { stdout } = await execa('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.len']);
    expect(stdout.split('\n').map(Number)).toEqual(frames.map((x) => x.length));
  });
});
