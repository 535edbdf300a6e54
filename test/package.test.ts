// SPDX-License-Identifier: MIT
// The built package as a user gets it: `npm pack` (which builds dist/ with tsc) gives a
// tarball; installed into a fresh directory it runs `nvgre-rx` from the built JavaScript
// (no TypeScript sources shipped), classifies a capture as the checkout does, and
// `--help` starts in under 0.3 s of CPU. Needs the npm registry or a warm npm cache for
// the package's dependencies.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixedCapture } from '../bench/mixed-capture.ts';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { RefEngine } from '../ref/engine.ts';
import { writePcap } from '../ref/pcap/write.ts';
import { defaultProfile } from '../ref/profile.ts';

const ROOT = join(import.meta.dirname, '..');
let dir = '';
let bin = '';

// What `npm pack` reads, copied: its build writes dist/ in the copy, not under the feet of
// the other CLI suites that run bin/nvgre-rx.mjs from the checkout meanwhile.
const PACKED = ['bin', 'cli', 'ref', 'gen', 'tb', 'flow', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nvgre-rx-pack-'));
  const src = join(dir, 'src');
  for (const f of PACKED) await cp(join(ROOT, f), join(src, f), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  await mkdir(join(dir, 'pack'));
  const pack = await execa('npm', ['pack', '--pack-destination', join(dir, 'pack')], { cwd: src, reject: false });
  expect(pack.exitCode, pack.stderr).toBe(0);
  const [tarball] = await readdir(join(dir, 'pack'));
  await mkdir(join(dir, 'fresh'));
  await writeFile(join(dir, 'fresh', 'package.json'), JSON.stringify({ name: 'fresh', private: true }));
  const inst = await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, 'pack', tarball!)], {
    cwd: join(dir, 'fresh'),
    reject: false,
  });
  expect(inst.exitCode, inst.stderr).toBe(0);
  bin = join(dir, 'fresh', 'node_modules', '.bin', 'nvgre-rx');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm pack tarball in a fresh directory', () => {
  it('ships built JavaScript and no TypeScript sources', async () => {
    const pkg = join(dir, 'fresh', 'node_modules', 'nvgre-rx');
    const files = (await readdir(pkg, { recursive: true })).map(String);
    expect(files).toContain(join('dist', 'cli', 'main.js'));
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('--help starts in under 0.3 s of CPU', async () => {
    // bash's `times` gives the child's user and system CPU: a figure the shared machine's load does not inflate.
    const r = await execa('bash', ['-c', `"${bin}" --help > /dev/null && times`], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const child = r.stdout.trim().split('\n')[1]!;
    const [user, sys] = [...child.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
    expect(user! + sys!).toBeLessThan(0.3);
  });

  it('classifies a capture from standard input like the reference engine', async () => {
    const frames = mixedCapture().slice(0, 500);
    const eng = new RefEngine(defaultProfile(), DEFAULT_BUILD);
    const r = await execa(bin, ['classify', '-'], { input: writePcap(frames), cwd: dir, reject: false, stripFinalNewline: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(frames.map((f, i) => JSON.stringify(eng.classify(f, { frameIndex: i })) + '\n').join(''));
  });

  it('a bad capture is one line with exit 1; --version is the package version', async () => {
    await writeFile(join(dir, 'bad.pcap'), Uint8Array.of(1, 2, 3, 4, 5));
    const r = await execa(bin, ['classify', join(dir, 'bad.pcap')], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`nvgre-rx: ${join(dir, 'bad.pcap')}: not a pcap or pcapng file (magic 0x01020304)`]);
    const ver = await execa(bin, ['--version']);
    expect(ver.stdout.trim()).toBe(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
