// SPDX-License-Identifier: MIT
// classify on real-capture terms, run as a user would: standard input, --output, csv,
// --summary, and damaged captures: one line on stderr, exit 1, and on stdout the whole
// lines of the frames before the damage.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixedCapture } from '../bench/mixed-capture.ts';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { RefEngine } from '../ref/engine.ts';
import { defaultProfile } from '../ref/profile.ts';
import { writePcap } from '../ref/pcap/write.ts';
import { cat, epb, idb, shb } from './pcapng-blocks.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'nvgre-rx.mjs');
const FRAMES = mixedCapture().slice(0, 300);
const engine = new RefEngine(defaultProfile(), DEFAULT_BUILD);
const WANT = FRAMES.map((f, i) => JSON.stringify(engine.classify(f, { frameIndex: i })) + '\n');
const PCAP = writePcap(FRAMES);
/** End offset of each frame's record. */
const ENDS = FRAMES.reduce<number[]>((a, f) => [...a, (a.at(-1) ?? 24) + 16 + f.length], []);

let dir = '';
const p = (name: string): string => join(dir, name);
const cli = (args: string[], input?: Uint8Array) => execa('node', [BIN, ...args], { reject: false, cwd: dir, input, stripFinalNewline: false });

function oneLine(r: { stderr: string; exitCode?: number }, msg: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(msg);
  expect(r.exitCode).toBe(1);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvgre-rx-stream-'));
  await writeFile(p('mixed.pcap'), PCAP);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sources and sinks', () => {
  it('"-" reads standard input: the same records as the file', async () => {
    const r = await cli(['classify', '-'], PCAP);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(WANT.join(''));
  });

  it('a pcapng written by a real tool (tshark -F pcapng -w -) through standard input', async () => {
    const ng = await execa('tshark', ['-r', p('mixed.pcap'), '-F', 'pcapng', '-w', '-'], { encoding: 'buffer', reject: false });
    expect(ng.exitCode).toBe(0);
    const bytes = new Uint8Array(ng.stdout);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)).toBe(0x0a0d0d0a);
    const r = await cli(['classify', '-'], bytes);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(WANT.join(''));
  });

  it('--output FILE: the records go to the file, nothing to stdout', async () => {
    const r = await cli(['classify', '--output', 'out.jsonl', 'mixed.pcap']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(await readFile(p('out.jsonl'), 'utf8')).toBe(WANT.join(''));
  });

  it('--output into a missing directory: one line, exit 1', async () => {
    oneLine(await cli(['classify', '--output', 'no/such/out.jsonl', 'mixed.pcap']), /cannot write no\/such\/out\.jsonl: no such file/);
  });

  it('--report into a missing directory: one line, exit 1, before reading the capture', async () => {
    const r = await cli(['classify', '--report', 'no/such/r.html', '-'], PCAP);
    oneLine(r, /cannot write no\/such\/r\.html: no such file/);
  });

  it('--format csv: a header and one row per frame with the jsonl values', async () => {
    const r = await cli(['classify', '--format', 'csv', 'mixed.pcap']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(FRAMES.length + 1);
    const keys = lines[0]!.split(',');
    lines.slice(1).forEach((l, i) => {
      const want = JSON.parse(WANT[i]!) as Record<string, unknown>;
      expect(l.split(',')).toEqual(keys.map((k) => (Array.isArray(want[k]) ? (want[k] as string[]).join('|') : String(want[k]))));
    });
  });

  it('--summary: queue spread, encapsulation mix, hash inputs and errors, counted', async () => {
    const r = await cli(['classify', '--summary', '-'], PCAP);
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = WANT.map((l) => JSON.parse(l) as Record<string, unknown>);
    const count = (k: string, v: unknown) => recs.filter((x) => x[k] === v).length;
    const section = (title: string): string => r.stdout.split(`\n${title}\n`)[1]!.split('\n\n')[0]!;
    expect(r.stdout).toMatch(/^standard input: 300 frames, \d+ bytes/);
    const rss = section('RSS queue');
    for (let q = 0; q < 8; q++) expect(rss).toMatch(new RegExp(`^  ${q}\\s+${count('rss_queue', q)}\\s`, 'm'));
    const perQueue = Array.from({ length: 8 }, (_, q) => count('rss_queue', q));
    const top = Math.max(...perQueue);
    expect(rss).toContain(`(8 queue(s) used; busiest ${perQueue.indexOf(top)} with ${top} frames, ${(top / (300 / 8)).toFixed(2)}x the mean)`);
    expect(section('Encapsulation')).toMatch(new RegExp(`^  nvgre\\s+${count('encap', 'nvgre')}\\s`, 'm'));
    expect(section('Hash input (why)')).toMatch(new RegExp(`^  inner-4tuple\\s+${count('hash_input', 'inner-4tuple')}\\s`, 'm'));
    const errors = section('Errors (a frame may have several)');
    const clean = recs.filter((x) => (x.errors as string[]).length === 0).length;
    expect(clean).toBeLessThan(recs.length);
    expect(errors).toMatch(new RegExp(`^  none\\s+${clean}\\s`, 'm'));
    for (const e of new Set(recs.flatMap((x) => x.errors as string[]))) {
      expect(errors).toMatch(new RegExp(`^  ${e}\\s+${recs.filter((x) => (x.errors as string[]).includes(e)).length}\\s`, 'm'));
    }
    // RSS and VMQ queues come first.
    expect(r.stdout.indexOf('RSS queue')).toBeLessThan(r.stdout.indexOf('Encapsulation'));
  });
});

describe('damaged captures: exit 1, one line, the frames before the damage as whole lines', () => {
  const cuts = [ENDS[0]! + 3, ENDS[9]! + 15, ENDS[100]! + 40, ENDS[299]! - 1, 30, 10];
  for (const cut of cuts) {
    it(`cut at byte ${cut}, from standard input`, async () => {
      const r = await cli(['classify', '-'], PCAP.subarray(0, cut));
      const whole = ENDS.filter((e) => e <= cut).length;
      oneLine(r, cut < 24 ? /standard input: truncated pcap file header/ : /standard input: truncated (record header|data) of packet \d+/);
      expect(r.stdout).toBe(WANT.slice(0, whole).join(''));
    });
  }

  it('a record length of 4 GB', async () => {
    const bad = PCAP.slice(0, ENDS[4]! + 16);
    new DataView(bad.buffer).setUint32(ENDS[4]! + 8, 0xffffffff, true);
    await writeFile(p('4g.pcap'), bad);
    const r = await cli(['classify', '4g.pcap']);
    oneLine(r, new RegExp(`4g\\.pcap: packet 5 at offset ${ENDS[4]}: captured length 4294967295 is implausible`));
    expect(r.stdout).toBe(WANT.slice(0, 5).join(''));
  });

  it('a pcapng block whose lengths disagree, --output keeps whole lines', async () => {
    const blocks = FRAMES.slice(0, 6).map((f) => epb(true, 0, 0n, f));
    const bad = blocks[3]!.slice();
    new DataView(bad.buffer).setUint32(bad.length - 4, bad.length + 4, true);
    await writeFile(p('mismatch.pcapng'), cat(shb(true), idb(true), ...blocks.slice(0, 3), bad, ...blocks.slice(4)));
    const r = await cli(['classify', '--output', 'partial.jsonl', 'mismatch.pcapng']);
    oneLine(r, /mismatch\.pcapng: pcapng block at offset \d+: trailing length \d+ does not match leading length \d+/);
    expect(await readFile(p('partial.jsonl'), 'utf8')).toBe(WANT.slice(0, 3).join(''));
  });

  it('a non-Ethernet interface in the middle of a pcapng file names the frame', async () => {
    const file = cat(
      shb(true),
      idb(true),
      ...FRAMES.slice(0, 4).map((f) => epb(true, 0, 0n, f)),
      idb(true, 113),
      epb(true, 1, 0n, FRAMES[4]!),
      epb(true, 0, 0n, FRAMES[5]!),
    );
    await writeFile(p('sll.pcapng'), file);
    const r = await cli(['classify', 'sll.pcapng']);
    oneLine(r, /sll\.pcapng: frame 4 \(offset \d+, interface 1\): link type 113 is not Ethernet \(1\)/);
    expect(r.stdout).toBe(WANT.slice(0, 4).join(''));
  });

  it('a second section with a non-Ethernet first interface', async () => {
    const file = cat(shb(true), idb(true), epb(true, 0, 0n, FRAMES[0]!), shb(false), idb(false, 101), epb(false, 0, 0n, FRAMES[1]!));
    await writeFile(p('raw.pcapng'), file);
    const r = await cli(['classify', 'raw.pcapng']);
    oneLine(r, /raw\.pcapng: frame 1 \(offset \d+, interface 0\): link type 101 is not Ethernet/);
    expect(r.stdout).toBe(WANT[0]);
  });
});
