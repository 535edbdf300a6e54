// SPDX-License-Identifier: MIT
// `nvgre-rx classify --engine both --rtl DIR` and `make sim RTL=DIR` as a user runs them:
// a copy of the default RTL classifies a capture exactly like the reference engine; a
// directory that cannot be simulated is one line on stderr and exit status 2.

import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFrame } from '../ref/packets/builder.ts';
import { mulberry32, randomLayers } from '../ref/packets/index.ts';
import { writePcap } from '../ref/pcap/write.ts';
import { baseRtl } from '../tb/rtl-dir/mutants.ts';
import { RTL_DIR_BUILD } from '../tb/rtl-dir/dir-model.ts';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'nvgre-rx.mjs');
const WORK = join(RTL_DIR_BUILD, 'cli-test');
let copy: string;
let pcap: string;

beforeAll(async () => {
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  copy = join(WORK, 'my-rtl');
  await cp((await baseRtl()).dir, copy, { recursive: true });
  const r = mulberry32(21);
  pcap = join(WORK, 'mixed.pcap');
  await writeFile(pcap, writePcap(Array.from({ length: 60 }, () => buildFrame(randomLayers(r)))));
});

describe('classify --rtl DIR', () => {
  it('a copy of the default RTL agrees with the reference engine on every frame', async () => {
    const r = await execa('node', [BIN, 'classify', '--engine', 'both', '--rtl', copy, pcap], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(60);
    expect((JSON.parse(lines[59]!) as { frame: number }).frame).toBe(59);
  });

  it('a directory without the top: one line, exit 2', async () => {
    const d = join(WORK, 'no-top');
    await cp(copy, d, { recursive: true });
    await rm(join(d, 'nvgre_rx.v'));
    const r = await execa('node', [BIN, 'classify', '--engine', 'rtl', '--rtl', d, pcap], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no module nvgre_rx (the top level)');
  });
});

describe('make sim RTL=DIR', () => {
  it('passes on the copy; a missing directory is exit 2 with one line', async () => {
    const ok = await execa('make', ['-s', 'sim', `RTL=${copy}`, 'FRAMES=150', 'SEED=3'], { cwd: REPO, reject: false });
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/seed 3: \d+ frames, \d+ cycles, [\d.]+ s: PASS/);
    const bad = await execa('make', ['-s', 'sim', `RTL=${join(WORK, 'nope')}`], { cwd: REPO, reject: false });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/^error: RTL directory .*nope: no such directory$/m);
  });
});
