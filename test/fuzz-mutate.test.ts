// SPDX-License-Identifier: MIT
// The fuzzer's parts: the mutation engine does what each operator says and is
// deterministic per seed, fields are located where the reference parser finds the
// headers, the corpus format round-trips, coverage feedback tells new paths from known
// ones, and the fuzz loop on the real RTL finds a planted disagreement, saves the frame
// and reports it.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../gen/config.ts';
import { unpackMeta } from '../gen/meta-layout.ts';
import { RefEngine } from '../ref/engine.ts';
import { buildFrame, mulberry32 } from '../ref/packets/index.ts';
import { defaultProfile } from '../ref/profile.ts';
import { packMeta } from '../tb/lockstep/behavioural-top.ts';
import type { LockstepModel } from '../tb/lockstep/model.ts';
import { topProvider } from '../tb/lockstep/top.ts';
import { entryFrame, isEntry, toEntry } from '../tb/fuzz/corpus.ts';
import { FeatureMap, features } from '../tb/fuzz/ref-coverage.ts';
import { runFuzz } from '../tb/fuzz/fuzzer.ts';
import { fieldsOf } from '../tb/fuzz/mutate-fields.ts';
import { applyOperator, mutate, OPERATORS, type FuzzFrame } from '../tb/fuzz/mutate.ts';
import type { TopProvider } from '../tb/lockstep/regress.ts';

const cfg = DEFAULT_CONFIG;
const NVGRE: FuzzFrame = {
  data: buildFrame([
    { kind: 'eth', dst: '02:00:00:00:00:01' },
    { kind: 'vlan', vid: 5 },
    { kind: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' },
    { kind: 'nvgre', vsid: 0x123456, flowId: 7 },
    { kind: 'eth', dst: '02:00:00:00:00:03' },
    { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2' },
    { kind: 'tcp', sport: 1, dport: 2 },
    { kind: 'payload', bytes: 16 },
  ]),
  macError: false,
};

describe('mutation engine', () => {
  it('locates the header fields where the reference parser finds the headers', () => {
    const at = new Map(fieldsOf(NVGRE.data, cfg).map((f) => [f.name, f.off]));
    expect(at.get('outer ethertype')).toBe(12);
    expect(at.get('outer ipv4 ihl')).toBe(18);
    expect(at.get('outer ipv4 protocol')).toBe(18 + 9);
    expect(at.get('gre flags')).toBe(38);
    expect(at.get('gre protocol')).toBe(40);
    expect(at.get('inner ethertype')).toBe(46 + 12);
    expect(at.get('inner ipv6 next header')).toBe(60 + 6);
  });

  it('is deterministic for a seed and different across seeds', () => {
    const run = (s: number): string[] => {
      const r = mulberry32(s);
      return Array.from({ length: 50 }, () => Buffer.from(mutate(r, NVGRE, cfg, NVGRE).data).toString('hex'));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('applies each operator as it says, never changing its input', () => {
    const before = NVGRE.data.slice();
    const r = mulberry32(9);
    const fieldOffs = new Set(fieldsOf(NVGRE.data, cfg).flatMap((f) => [f.off, f.off + 1]));
    for (let i = 0; i < 40; i++) {
      for (const op of OPERATORS) {
        const m = applyOperator(r, op, NVGRE, cfg, NVGRE);
        expect(m.data.length, op).toBeGreaterThan(0);
        const d = m.data;
        if (op === 'field') {
          expect(d.length).toBe(NVGRE.data.length);
          for (let k = 0; k < d.length; k++) if (d[k] !== NVGRE.data[k]) expect(fieldOffs.has(k), `${m.ops[0]} changed byte ${k}`).toBe(true);
        }
        if (op === 'truncate') expect(Buffer.from(NVGRE.data.subarray(0, d.length)).equals(Buffer.from(d))).toBe(true);
        if (op === 'oversize') expect(d.length).toBeGreaterThanOrEqual(1518);
        if (op === 'all-zero') expect(d.every((x) => x === 0)).toBe(true);
        if (op === 'all-ones') expect(d.every((x) => x === 0xff)).toBe(true);
        if (op === 'insert-tag') {
          expect(d.length).toBe(NVGRE.data.length + 4);
          expect(m.ops[0]).toMatch(/0x(8100|88a8)/);
        }
        if (op === 'mac-error') expect(m.macError).toBe(true);
      }
    }
    expect(NVGRE.data).toEqual(before);
  });
});

describe('corpus format and coverage feedback', () => {
  it('round-trips entries, storing a long constant tail as a fill', () => {
    const big = new Uint8Array(9018).fill(0x2f);
    big.set(NVGRE.data);
    const e = toEntry({ data: big, macError: true }, { config: 'default', profile: 'default', reason: 'new: x', ops: ['oversize 9018 0x2f'] });
    expect(e.fill).toEqual({ length: 9018, byte: 0x2f });
    expect(e.hex.length).toBeLessThan(400);
    expect(isEntry(JSON.parse(JSON.stringify(e)))).toBe(true);
    expect(entryFrame(e)).toEqual({ data: big, macError: true });
    const small = toEntry(NVGRE, { config: 'default', profile: 'default', reason: 'new: y', ops: [] });
    expect(small.fill).toBeUndefined();
    expect(entryFrame(small).data).toEqual(NVGRE.data);
  });

  it('reports a cut or a bad field as new coverage, and the same frame again as nothing new', () => {
    const p = defaultProfile(cfg);
    const e = new RefEngine(p, cfg);
    const fm = new FeatureMap();
    const feat = (d: Uint8Array) => features(d, e.classify(d), p, 'default', cfg);
    expect(fm.add(feat(NVGRE.data)).length).toBeGreaterThan(0);
    expect(fm.add(feat(NVGRE.data))).toEqual([]);
    expect(fm.add(feat(NVGRE.data.slice(0, 50))).some((f) => f.startsWith('path'))).toBe(true);
    const badVer = NVGRE.data.slice();
    badVer[39] = 1; // GRE version 1
    expect(fm.add(feat(badVer)).some((f) => f.startsWith('path'))).toBe(true);
  });
});

/** The real cycle model, except that it predicts VSID+1 for every NVGRE record. */
const planted: TopProvider = {
  model: topProvider.model,
  cycleModel: (c) => {
    const inner = topProvider.cycleModel(c);
    const m: LockstepModel = {
      outputs: () => {
        const o = { ...inner.outputs() };
        const beat = o.m_axis_meta_tdata;
        if (typeof beat === 'bigint' && o.m_axis_meta_tvalid) {
          const rec = unpackMeta(c, beat, 0);
          if (rec.encap === 'nvgre') o.m_axis_meta_tdata = packMeta(c, { ...rec, vsid: (rec.vsid + 1) & 0xffffff });
        }
        return o;
      },
      step: (i) => inner.step(i),
      // A build whose s_axis_tready depends on tlast: that prediction is the real model's.
      ...(inner.treadyFor ? { treadyFor: (tlast: boolean): boolean => inner.treadyFor!(tlast) } : {}),
    };
    return m;
  },
};

describe('fuzz loop on nvgre_rx', () => {
  it('runs mutants in lockstep with no mismatch and grows coverage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nvgre-fuzz-'));
    try {
      const r = await runFuzz({ cfg, configName: 'default', seed: 77, frames: 3000, roundFrames: 1500, provider: topProvider, corpusDir: dir, reportDir: dir });
      expect(r.mismatches.map((m) => m.report)).toEqual([]);
      expect(r.mutants).toBe(3000);
      expect(r.frames).toBe(3000);
      expect(r.newSeeds).toBeGreaterThan(20);
      expect(r.saved.length).toBeGreaterThan(0);
      expect((await readdir(dir)).filter((f) => f.startsWith('cov-')).length).toBe(new Set(r.saved).size);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds a planted disagreement, saves the frame to the corpus and writes the report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nvgre-fuzz-'));
    try {
      const r = await runFuzz({
        cfg,
        configName: 'default',
        seed: 78,
        frames: 2000,
        roundFrames: 2000,
        provider: planted,
        corpusDir: dir,
        reportDir: dir,
        maxMismatches: 2,
      });
      expect(r.mismatches.length).toBeGreaterThan(0);
      const m = r.mismatches[0]!;
      expect(m.entry.reason).toMatch(/^mismatch: m_axis_meta_tdata \(vsid\)/);
      expect(m.file).toMatch(/^mismatch-default-/);
      const saved = JSON.parse(await readFile(join(dir, m.file!), 'utf8')) as unknown;
      expect(isEntry(saved)).toBe(true);
      // The saved frame really is one the plant concerns.
      const rec = new RefEngine(defaultProfile(cfg), cfg).classify(entryFrame(m.entry).data);
      expect(rec.encap).toBe('nvgre');
      expect(await readFile(join(dir, `${m.file}.txt`), 'utf8')).toMatch(/vsid/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
