// SPDX-License-Identifier: MIT
// The command line, run as a user would: node bin/nvgre-rx.mjs ...
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame } from '../ref/packets/builder.ts';
import type { Layer } from '../ref/packets/layers.ts';
import { writePcap } from '../ref/pcap/write.ts';
import vectors from './vectors/ms-rss-vectors.json' with { type: 'json' };

const BIN = join(import.meta.dirname, '..', 'bin', 'nvgre-rx.mjs');
const KEYS = [
  'frame',
  'hash',
  'hash_type',
  'hash_valid',
  'hash_input',
  'rss_queue',
  'vmq_queue',
  'vmq_hit',
  'vmq_filter',
  'encap',
  'inner_parsed',
  'vsid',
  'flowid',
  'outer_l3_offset',
  'inner_l2_offset',
  'inner_l3_offset',
  'inner_l4_offset',
  'length',
  'errors',
];

const v4 = vectors[0]!;
const v6 = vectors[5]!;
const FRAMES = [
  buildFrame([
    { kind: 'eth', dst: '02:00:00:00:00:01' },
    { kind: 'ipv4', src: v4.src, dst: v4.dst },
    { kind: 'tcp', sport: v4.sport, dport: v4.dport },
  ]),
  buildFrame([
    { kind: 'eth' },
    { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' },
    { kind: 'nvgre', vsid: 4096, flowId: 7 },
    { kind: 'eth', dst: '02:00:00:00:0b:01' },
    { kind: 'ipv6', src: v6.src, dst: v6.dst },
    { kind: 'tcp', sport: v6.sport, dport: v6.dport },
  ]),
  buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: v4.src, dst: v4.dst }, { kind: 'tcp', sport: 1, dport: 2 }]).subarray(0, 40),
];

let dir = '';
const path = (name: string) => join(dir, name);

function run(...args: string[]) {
  return execa('node', [BIN, ...args], { reject: false });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvgre-rx-cli-'));
  await writeFile(path('frames.pcap'), writePcap(FRAMES));
  await writeFile(path('corrupt.pcap'), writePcap(FRAMES).subarray(0, 50));
  await writeFile(path('linux-sll.pcap'), writePcap(FRAMES, { linkType: 113 }));
  await writeFile(path('filter.json'), JSON.stringify({ filters: [{ mac: '02:00:00:00:0b:01', vsid: 4096, queue: 9 }], hash_types: ['TCP_IPV6', 'IPV4'] }));
  await writeFile(path('bad-queue.json'), JSON.stringify({ filters: [{ mac: '02:00:00:00:0b:01', queue: 99 }] }));
  await writeFile(path('bad-key.json'), JSON.stringify({ rss_enabled: true }));
  await writeFile(path('not-json.json'), '{ "rss_enable": ');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function expectOneLineError(r: { stderr: string; stdout: string }, msg: RegExp) {
  const lines = r.stderr.split('\n').filter((l) => l.length > 0 && !/dangerous/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(msg);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

describe('nvgre-rx classify', () => {
  it('prints one JSON line per frame with the record keys in order', async () => {
    const r = await run('classify', path('frames.pcap'));
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const rec of recs) expect(Object.keys(rec)).toEqual(KEYS);
    expect(recs.map((x) => x.frame)).toEqual([0, 1, 2]);
    // Published vector hashes: plain TCP/IPv4 and the inner TCP/IPv6 of the NVGRE frame.
    expect(recs[0]).toMatchObject({
      hash: Number(v4.hash_with_ports),
      hash_type: 0x200,
      hash_valid: true,
      hash_input: '4tuple',
      rss_queue: (Number(v4.hash_with_ports) & 127) % 8,
      vmq_hit: false,
      vmq_filter: -1,
      errors: [],
    });
    expect(recs[1]).toMatchObject({
      hash: Number(v6.hash_with_ports),
      hash_type: 0x1000,
      hash_input: 'inner-4tuple',
      encap: 'nvgre',
      vsid: 4096,
      flowid: 7,
      inner_parsed: true,
      outer_l3_offset: 14,
      inner_l2_offset: 42,
      inner_l3_offset: 56,
      inner_l4_offset: 96,
    });
    expect(recs[2]).toMatchObject({ length: 40, errors: ['truncated'], hash_input: '2tuple', hash: Number(v4.hash_addr_only) });
  });

  it('--engine ref is the default and accepted explicitly', async () => {
    const a = await run('classify', path('frames.pcap'));
    const b = await run('classify', '--engine', 'ref', path('frames.pcap'));
    expect(b.exitCode).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('applies a profile', async () => {
    const r = await run('classify', '--profile', path('filter.json'), path('frames.pcap'));
    expect(r.exitCode).toBe(0);
    const recs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs[0]).toMatchObject({ hash: Number(v4.hash_addr_only), hash_type: 0x100, hash_input: '2tuple' });
    expect(recs[1]).toMatchObject({ vmq_hit: true, vmq_queue: 9, vmq_filter: 0, hash: Number(v6.hash_with_ports) });
  });

  it('--format table prints an aligned header and one row per frame', async () => {
    const r = await run('classify', '--format', 'table', path('frames.pcap'));
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^frame\s+len\s+encap\s+vsid\s+flowid\s+hash\s+hash_type\s+input/);
    expect(lines[1]).toContain(`0x${Number(v4.hash_with_ports).toString(16).padStart(8, '0')}`);
    expect(lines[1]).toContain('TCP_IPV4');
    expect(lines[2]).toMatch(/nvgre\s+4096\s+7\s+0x[0-9a-f]{8}\s+TCP_IPV6\s+inner-4tuple/);
    expect(lines[3]).toMatch(/truncated$/);
    // Aligned: the "hash" column starts at the same position on every line.
    const col = lines[0]!.indexOf('hash ');
    expect(lines[1]!.slice(col, col + 2)).toBe('0x');
    expect(lines[2]!.slice(col, col + 2)).toBe('0x');
  });

  it('--help documents the commands and options', async () => {
    const top = await run('--help');
    expect(top.exitCode).toBe(0);
    expect(top.stdout).toMatch(/classify/);
    const sub = await run('classify', '--help');
    expect(sub.exitCode).toBe(0);
    for (const s of ['--profile', '--format', 'jsonl', 'table', '--engine', 'ref', 'hash_types', 'max_header_bytes', 'Exit codes'])
      expect(sub.stdout).toContain(s);
  });
});

describe('errors: one line on stderr, no stack trace', () => {
  it('missing file: exit 1', async () => {
    const r = await run('classify', path('nope.pcap'));
    expect(r.exitCode).toBe(1);
    expectOneLineError(r, /nope\.pcap: no such file/);
  });

  it('corrupt pcap: exit 1', async () => {
    const r = await run('classify', path('corrupt.pcap'));
    expect(r.exitCode).toBe(1);
    expectOneLineError(r, /corrupt\.pcap: truncated/);
  });

  it('a link type other than Ethernet: exit 1', async () => {
    const r = await run('classify', path('linux-sll.pcap'));
    expect(r.exitCode).toBe(1);
    expectOneLineError(r, /link type 113 is not Ethernet/);
  });

  it('bad profile value: exit 2, the message names the key', async () => {
    const r = await run('classify', '--profile', path('bad-queue.json'), path('frames.pcap'));
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /filters\[0\]\.queue/);
  });

  it('unknown profile key: exit 2', async () => {
    const r = await run('classify', '-p', path('bad-key.json'), path('frames.pcap'));
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /unknown key "rss_enabled"/);
  });

  it('profile that is not JSON: exit 2', async () => {
    const r = await run('classify', '-p', path('not-json.json'), path('frames.pcap'));
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /not valid JSON/);
  });

  it('missing profile file: exit 2', async () => {
    const r = await run('classify', '-p', path('none.json'), path('frames.pcap'));
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /cannot read profile/);
  });

  it('unknown option: exit 2', async () => {
    const r = await run('classify', '--colour', path('frames.pcap'));
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /unknown option '--colour'/);
  });

  it('engine outside the choices: exit 2', async () => {
    const r = await run('classify', '--engine', 'gates', path('frames.pcap'));
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /Allowed choices are ref, rtl, both/);
  });

  it('missing file argument: exit 2', async () => {
    const r = await run('classify');
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /missing required argument/);
  });
});

describe('nvgre-rx classify: VXLAN and GENEVE (docs/CONTRACT.md section 8)', () => {
  const outer: Layer[] = [{ kind: 'eth' }, { kind: 'ipv4', src: '192.0.2.1', dst: '192.0.2.2' }];
  const inner: Layer[] = [
    { kind: 'eth', dst: '02:00:00:00:0b:01' },
    { kind: 'ipv4', src: v4.src, dst: v4.dst },
    { kind: 'tcp', sport: v4.sport, dport: v4.dport },
  ];
  const TUNNELS = [
    buildFrame([...outer, { kind: 'udp', sport: 50000, dport: 4789 }, { kind: 'vxlan', vni: 0x123456 }, ...inner]),
    buildFrame([...outer, { kind: 'udp', sport: 50000, dport: 6081 }, { kind: 'geneve', vni: 77, options: 8 }, ...inner]),
  ];

  beforeAll(async () => {
    await writeFile(path('tunnels.pcap'), writePcap(TUNNELS));
    await writeFile(path('no-tunnels.json'), JSON.stringify({ udp_tunnels: [] }));
    await writeFile(path('bad-tunnel.json'), JSON.stringify({ udp_tunnels: [{ port: 4790, type: 'gpe' }] }));
  });

  it('default profile: encap vxlan/geneve, the VNI in vsid, flowid 0, the published inner 4-tuple hash', async () => {
    const r = await run('classify', path('tunnels.pcap'));
    expect(r.exitCode).toBe(0);
    const recs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const inner4 = { hash: Number(v4.hash_with_ports), hash_type: 0x200, hash_input: 'inner-4tuple', inner_parsed: true, flowid: 0 };
    expect(recs[0]).toMatchObject({ ...inner4, encap: 'vxlan', vsid: 0x123456, inner_l2_offset: 50, inner_l3_offset: 64, inner_l4_offset: 84 });
    expect(recs[1]).toMatchObject({ ...inner4, encap: 'geneve', vsid: 77, inner_l2_offset: 58 });
  });

  it('"udp_tunnels": [] turns them into ordinary UDP packets', async () => {
    const r = await run('classify', '-p', path('no-tunnels.json'), path('tunnels.pcap'));
    expect(r.exitCode).toBe(0);
    for (const l of r.stdout.trim().split('\n')) expect(JSON.parse(l)).toMatchObject({ encap: 'none', vsid: 0, hash_input: '4tuple', hash_type: 0x4000 });
  });

  it('--format table shows the VNI in the vsid column', async () => {
    const r = await run('classify', '-f', 'table', path('tunnels.pcap'));
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/vxlan\s+1193046\s+-\s+0x/);
    expect(lines[2]).toMatch(/geneve\s+77\s+-\s+0x/);
  });

  it('a bad udp_tunnels entry: exit 2, one line naming the key', async () => {
    const r = await run('classify', '-p', path('bad-tunnel.json'), path('tunnels.pcap'));
    expect(r.exitCode).toBe(2);
    expectOneLineError(r, /"udp_tunnels\[0\]\.type"/);
  });

  it('--help documents udp_tunnels and the encap values', async () => {
    const sub = await run('classify', '--help');
    for (const s of ['udp_tunnels', 'vxlan', 'geneve']) expect(sub.stdout).toContain(s);
  });
});
