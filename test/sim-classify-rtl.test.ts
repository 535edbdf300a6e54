// SPDX-License-Identifier: MIT
// `nvgre-rx classify --engine rtl|both` on a small capture: the RTL's JSON Lines are the
// reference engine's, byte for byte, with the default profile and with a profile that
// turns on VMQ filters and restricts the hash types; `both` exits 0 when they agree.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../gen/config.ts';
import { writePcap } from '../ref/pcap/index.ts';
import { randomScript } from '../tb/stimulus/random.ts';
import { frames } from '../tb/stimulus/script.ts';

const DIR = join(process.cwd(), 'build', 'test-classify-rtl');
const PCAP = join(DIR, 'mixed.pcap');
const PROFILE = join(DIR, 'profile.json');
const cli = (...args: string[]) => execa('node', ['bin/nvgre-rx.mjs', 'classify', ...args], { reject: false });

beforeAll(() => {
  mkdirSync(DIR, { recursive: true });
  // Directed frames of every path plus random ones, and one empty record.
  const data = frames(randomScript(17, DEFAULT_CONFIG, { frames: 150 })).map((f) => f.data);
  writeFileSync(PCAP, writePcap([...data.slice(0, 10), new Uint8Array(0), ...data.slice(10)]));
  writeFileSync(
    PROFILE,
    JSON.stringify({
      hash_types: ['TCP_IPV4', 'IPV6', 'UDP_IPV6'],
      indirection: [5, 6, 7, 8],
      filters: [
        { mac: '02:00:00:00:00:01', vlan: null, vsid: null, queue: 3 },
        { mac: '02:00:00:00:00:03', vlan: 5, vsid: null, queue: 4 },
      ],
      max_header_bytes: 128,
    }),
  );
});

describe('classify --engine rtl / both', () => {
  it('prints the same JSON Lines as --engine ref (default profile)', async () => {
    const [rtl, ref] = await Promise.all([cli('--engine', 'rtl', PCAP), cli(PCAP)]);
    expect(rtl.exitCode, rtl.stderr).toBe(0);
    expect(rtl.stdout.split('\n').length).toBe(ref.stdout.split('\n').length);
    expect(rtl.stdout).toBe(ref.stdout);
    expect(rtl.stderr).toContain('frame 10 is empty');
  });

  it('prints the same records with a profile (filters, hash types, table, header limit)', async () => {
    const [rtl, ref] = await Promise.all([cli('--engine', 'rtl', '-p', PROFILE, PCAP), cli('-p', PROFILE, PCAP)]);
    expect(rtl.exitCode, rtl.stderr).toBe(0);
    expect(rtl.stdout).toBe(ref.stdout);
    expect(ref.stdout).toContain('"vmq_hit":true');
  });

  it('in batches of 7 frames (the empty record inside one): the same records', async () => {
    const [rtl, ref] = await Promise.all([cli('--engine', 'both', '--batch', '7', '-p', PROFILE, PCAP), cli('-p', PROFILE, PCAP)]);
    expect(rtl.exitCode, rtl.stderr).toBe(0);
    expect(rtl.stdout).toBe(ref.stdout);
    expect(rtl.stderr).toContain('frame 10 is empty');
  });

  it('a capture cut short: the records of the whole frames, then one line and exit 1', async () => {
    const bytes = readFileSync(PCAP);
    writeFileSync(join(DIR, 'cut.pcap'), bytes.subarray(0, bytes.length - 5));
    const [rtl, ref] = await Promise.all([cli('--engine', 'rtl', '--batch', '64', join(DIR, 'cut.pcap')), cli(PCAP)]);
    const whole = ref.stdout.trimEnd().split('\n').length - 1;
    expect(rtl.exitCode).toBe(1);
    expect(rtl.stderr).toMatch(new RegExp(`cut\\.pcap: truncated data of packet ${whole} `));
    // execa strips the final newline of both outputs.
    expect(rtl.stdout).toBe(ref.stdout.split('\n').slice(0, whole).join('\n'));
  });

  it('--engine both exits 0 when the engines agree, and prints the table format too', async () => {
    const r = await cli('--engine', 'both', '-f', 'table', PCAP);
    expect(r.exitCode, r.stderr).toBe(0);
    const ref = await cli('-f', 'table', PCAP);
    expect(r.stdout).toBe(ref.stdout);
  });
});
