// SPDX-License-Identifier: MIT
// The constrained-random generator: deterministic per seed, and between the directed
// groups and a few thousand random frames it reaches every functional-coverage bin
// (checked through the reference engine's records, as the regression counts them).

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { RefEngine } from '../ref/engine.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import { defaultProfile, type Profile } from '../ref/profile.ts';
import { Coverage } from '../tb/lockstep/coverage.ts';
import { applyWrite, csrEdgeOf, diffWrites, engineProfile, imageOf, profileWrites, resetImage } from '../tb/stimulus/csr.ts';
import { csrEdgeGroups } from '../tb/stimulus/edges.ts';
import { randomRewrite, randomScript } from '../tb/stimulus/random.ts';
import { frames, type ScriptItem } from '../tb/stimulus/script.ts';

function coverScript(cfg: BuildConfig, seed: number, n: number): Coverage {
  return coverScriptItems(cfg, randomScript(seed, cfg, { frames: n }).items);
}

function coverScriptItems(cfg: BuildConfig, items: ScriptItem[]): Coverage {
  const cov = new Coverage(cfg);
  // Frames before any register write are classified with the reset values.
  let profile: Profile = engineProfile(resetImage(cfg));
  let engine = new RefEngine(profile, cfg);
  let cutByReset = false;
  for (const it of items) {
    if (it.k === 'csr') {
      profile = it.profile;
      engine = new RefEngine(profile, cfg);
    } else if (it.k === 'reset') cutByReset = true;
    else if (it.k === 'frame') {
      if (!cutByReset) cov.frame(it.frame.data, engine.classify(it.frame.data, { macError: it.frame.macError }), profile, it.frame.tag);
      cutByReset = false;
    }
  }
  cov.registers(items);
  return cov;
}

const frameBins = (c: Coverage): string[] => c.holes().filter((b) => !b.startsWith('stim '));

describe('random stimulus', () => {
  it('is the same for the same seed and differs between seeds', () => {
    const a = frames(randomScript(5, DEFAULT_CONFIG, { frames: 300 })).map((f) => Buffer.from(f.data).toString('hex'));
    const b = frames(randomScript(5, DEFAULT_CONFIG, { frames: 300 })).map((f) => Buffer.from(f.data).toString('hex'));
    const c = frames(randomScript(6, DEFAULT_CONFIG, { frames: 300 })).map((f) => Buffer.from(f.data).toString('hex'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('reaches every functional-coverage bin of the default build (directed + 4000 random frames)', () => {
    const cov = coverScript(DEFAULT_CONFIG, 1, 4000);
    expect(frameBins(cov)).toEqual([]);
    // The random part alone mixes every encapsulation and error.
    const rnd = new Coverage(DEFAULT_CONFIG);
    const script = randomScript(2, DEFAULT_CONFIG, { frames: 3000, directed: false });
    const engine = new RefEngine(defaultProfile(DEFAULT_CONFIG), DEFAULT_CONFIG);
    for (const f of frames(script)) rnd.frame(f.data, engine.classify(f.data, { macError: f.macError }), defaultProfile(DEFAULT_CONFIG));
    for (const b of [
      'encap nvgre',
      'encap gre',
      'encap kind: IP in GRE',
      'error truncated',
      'error bad_ip',
      'error mac_error',
      'hash_input inner-4tuple',
      'IPv6 extension headers',
      'outer VLAN tags 2',
    ]) {
      expect([b, rnd.counts[b]! > 0]).toEqual([b, true]);
    }
  });

  it('the random part alone carries deep frames and out-of-range writes, each read back', () => {
    const cfg = DEFAULT_CONFIG;
    const script = randomScript(4, cfg, { frames: 4000, directed: false });
    const fs = frames(script);
    const deep = fs.filter((f) => f.tag.startsWith('random-deep')).length;
    expect(deep).toBeGreaterThan(0.02 * fs.length);
    expect(deep).toBeLessThan(0.05 * fs.length);
    const edges = new Set<string>();
    let events = 0;
    script.items.forEach((it, i) => {
      if (it.k !== 'csr' || !it.why.startsWith('out-of-range')) return;
      events++;
      for (const w of it.writes) {
        const e = csrEdgeOf(w, cfg);
        expect([w.addr, w.data, e !== undefined]).toEqual([w.addr, w.data, true]);
        edges.add(e!);
      }
      const next = script.items[i + 1]!;
      expect(next.k === 'read' && [...next.addrs].sort()).toEqual([...new Set(it.writes.map((w) => w.addr))].sort());
    });
    expect(events).toBeGreaterThanOrEqual(5);
    expect(edges.size).toBeGreaterThanOrEqual(4);
    // Counted as the regression counts them: every deep bin from the random frames alone.
    const cov = coverScriptItems(cfg, script.items);
    expect(Object.keys(cov.counts).filter((b) => b.startsWith('deep: ') && !cov.counts[b])).toEqual([]);
  });

  it('the directed part writes every edge group raw after its profile, then reads those registers', () => {
    const cfg = DEFAULT_CONFIG;
    const items = randomScript(1, cfg, { frames: 0 }).items;
    for (const g of csrEdgeGroups(cfg)) {
      const i = items.findIndex((x) => x.k === 'csr' && x.why === `directed group ${g.name}: out-of-range writes`);
      expect([g.name, i > 0]).toEqual([g.name, true]);
      const w = items[i]!;
      expect(w.k === 'csr' && w.writes.map((x) => [x.addr, x.data])).toEqual(g.raw!.map((x) => [x.addr, x.data]));
      const rd = items[i + 1]!;
      expect(rd.k === 'read' && rd.addrs).toEqual([...new Set(g.raw!.map((x) => x.addr))]);
    }
  });

  it('reaches every bin of an IPv4-only build too', () => {
    const cfg = parseBuildConfig({ ipv6: false, dataWidth: 128 });
    expect(frameBins(coverScript(cfg, 3, 4000))).toEqual([]);
  });

  it('programs control state through register writes exactly (full writes and diffs)', () => {
    const cfg = DEFAULT_CONFIG;
    const r = mulberry32(9);
    let cur = defaultProfile(cfg);
    let img = imageOf(cur, cfg);
    const frame = frames(randomScript(9, cfg, { frames: 50, directed: false }));
    for (let i = 0; i < 40; i++) {
      const next = randomRewrite(r, cur, cfg).profile;
      for (const w of diffWrites(img, next, cfg)) applyWrite(img, w, cfg);
      const full = resetImage(cfg);
      for (const w of profileWrites(next, cfg)) applyWrite(full, w, cfg);
      const a = new RefEngine(engineProfile(img), cfg);
      const b = new RefEngine(next, cfg);
      const c = new RefEngine(engineProfile(full), cfg);
      for (const f of frame) {
        const want = b.classify(f.data);
        expect(a.classify(f.data)).toEqual(want);
        expect(c.classify(f.data)).toEqual(want);
      }
      cur = next;
    }
  });
});
