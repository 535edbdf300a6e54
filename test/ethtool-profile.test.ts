// SPDX-License-Identifier: MIT
// `nvgre-rx profile --from-ethtool`: the text of `ethtool -x IFACE` (as ethtool prints it:
// rows of 8 entries, "%5u:" labels) becomes a profile classify accepts, whose frames then
// hash with the NIC's key and land on the NIC's table entry; what has no counterpart is
// refused with one line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { EthtoolError, ethtoolProfile, parseEthtoolX } from '../ref/ethtool.ts';
import { buildFrame } from '../ref/packets/builder.ts';
import { writePcap } from '../ref/pcap/write.ts';
import { parseProfileJson } from '../ref/profile.ts';
import vectors from './vectors/ms-rss-vectors.json' with { type: 'json' };

const BIN = join(import.meta.dirname, '..', 'bin', 'nvgre-rx.mjs');
const MS_KEY = '6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa';
const OTHER_KEY = Array.from({ length: 52 }, (_, i) => ((i * 73 + 5) & 0xff).toString(16).padStart(2, '0')).join(':');

/** ethtool's own layout (ethtool.c print_indir_table): "%5u: " labels, " %5u" entries, 8 a row. */
function ethtoolX(table: number[], key: string, opts: { rings?: number; fn?: string; symmetric?: boolean } = {}): string {
  const rows: string[] = [];
  for (let i = 0; i < table.length; i += 8)
    rows.push(
      `${String(i).padStart(5)}: ${table
        .slice(i, i + 8)
        .map((q) => ` ${String(q).padStart(5)}`)
        .join('')}`,
    );
  const fns = ['toeplitz', 'xor', 'crc32'].map((f) => `    ${f}: ${f === (opts.fn ?? 'toeplitz') ? 'on' : 'off'}`);
  return [
    `RX flow hash indirection table for eth0 with ${opts.rings ?? 16} RX ring(s):`,
    ...rows,
    'RSS hash key:',
    key,
    'RSS hash function:',
    ...fns,
    ...(opts.symmetric === undefined ? [] : ['RSS input transformation:', `    symmetric-xor: ${opts.symmetric ? 'on' : 'off'}`]),
    '',
  ].join('\n');
}

// A table that is not the default round robin: entry i -> (i * 5 + 3) % 16.
const TABLE = Array.from({ length: 128 }, (_, i) => (i * 5 + 3) % 16);

let dir = '';
const p = (n: string): string => join(dir, n);
const cli = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvgre-rx-ethtool-'));
  await writeFile(p('ixgbe.txt'), ethtoolX(TABLE, MS_KEY));
  const v4 = vectors[0]!;
  await writeFile(
    p('one.pcap'),
    writePcap([buildFrame([{ kind: 'eth' }, { kind: 'ipv4', src: v4.src, dst: v4.dst }, { kind: 'tcp', sport: v4.sport, dport: v4.dport }])]),
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ethtool -x text', () => {
  it('reads the table, key, ring count and hash functions', () => {
    const r = parseEthtoolX(ethtoolX(TABLE, MS_KEY, { rings: 16, symmetric: false }));
    expect(r.table).toEqual(TABLE);
    expect(r.rings).toBe(16);
    expect(Array.from(r.key.subarray(0, 3))).toEqual([0x6d, 0x5a, 0x56]);
    expect([...r.functions]).toEqual([
      ['toeplitz', true],
      ['xor', false],
      ['crc32', false],
    ]);
    expect([...r.transforms]).toEqual([['symmetric-xor', false]]);
  });

  it('a 512-entry table that repeats every 16 entries and a 52-byte key (i40e/ice style) fit', () => {
    const big = Array.from({ length: 512 }, (_, i) => i % 16);
    const made = ethtoolProfile(parseEthtoolX(ethtoolX(big, OTHER_KEY)), DEFAULT_BUILD);
    expect(made.json.indirection).toEqual(big.slice(0, 16));
    expect(made.json.key).toBe(OTHER_KEY.replace(/:/g, '').slice(0, 80));
    expect(made.notes.join(' ')).toMatch(/52 bytes; the first 40 are kept/);
    expect(made.notes.join(' ')).toMatch(/repeats every 16 entries/);
    expect(() => parseProfileJson(JSON.stringify(made.json), DEFAULT_BUILD)).not.toThrow();
  });

  it.each([
    ['xor hashing', ethtoolX(TABLE, MS_KEY, { fn: 'xor' }), /hashes with xor; the core computes Toeplitz only/],
    ['symmetric-xor', ethtoolX(TABLE, MS_KEY, { symmetric: true }), /symmetric-xor is on/],
    [
      'a 512-entry table that does not repeat',
      ethtoolX(
        Array.from({ length: 512 }, (_, i) => (i * 7) % 61),
        MS_KEY,
      ),
      /does not repeat within 128/,
    ],
    [
      'a queue beyond 6 bits',
      ethtoolX(
        TABLE.map((q) => q + 60),
        MS_KEY,
      ),
      /queue 68 .* 6-bit queue numbers/,
    ],
    ['a 16-byte key', ethtoolX(TABLE, MS_KEY.slice(0, 47)), /16 bytes; the core needs 40/],
    ['a table of 96 entries', ethtoolX(TABLE.slice(0, 96), MS_KEY), /96 entries, not a power of two/],
    ['no key (driver without one)', ethtoolX(TABLE, 'Operation not supported'), /hash key is not colon-separated hex/],
    ['not ethtool output', 'hello\n', /line 1: not part of "ethtool -x" output/],
    ['no table', `RSS hash key:\n${MS_KEY}\n`, /no indirection table/],
    ['a row out of order', ethtoolX(TABLE, MS_KEY).replace('    8:', '   16:'), /row starts at entry 16, expected 8/],
  ])('refused: %s', (_, text, msg) => {
    expect(() => ethtoolProfile(parseEthtoolX(text), DEFAULT_BUILD)).toThrow(EthtoolError);
    expect(() => ethtoolProfile(parseEthtoolX(text), DEFAULT_BUILD)).toThrow(msg);
  });
});

describe('nvgre-rx profile --from-ethtool', () => {
  it('the profile sends a frame to the NIC table entry of its published hash', async () => {
    const r = await cli('profile', '--from-ethtool', 'ixgbe.txt', '--output', 'p.json');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: 16 RX rings/);
    const c = await cli('classify', '-p', 'p.json', 'one.pcap');
    expect(c.exitCode, c.stderr).toBe(0);
    const rec = JSON.parse(c.stdout) as { hash: number; rss_queue: number };
    const hash = Number(vectors[0]!.hash_with_ports);
    expect(rec.hash).toBe(hash);
    expect(rec.rss_queue).toBe(TABLE[hash & 127]);
  });

  it('reads standard input and prints the profile', async () => {
    const r = await execa('node', [BIN, 'profile', '--from-ethtool', '-'], { input: ethtoolX(TABLE, MS_KEY), reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ key: MS_KEY.replace(/:/g, ''), indirection: TABLE });
  });

  it('refusals are one line with exit 2; a missing file exit 1', async () => {
    await writeFile(p('xor.txt'), ethtoolX(TABLE, MS_KEY, { fn: 'xor' }));
    const r = await cli('profile', '--from-ethtool', 'xor.txt');
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['nvgre-rx: xor.txt: the NIC hashes with xor; the core computes Toeplitz only']);
    const m = await cli('profile', '--from-ethtool', 'none.txt');
    expect(m.exitCode).toBe(1);
    expect(m.stderr.trim()).toBe('nvgre-rx: cannot read none.txt: no such file');
  });
});
