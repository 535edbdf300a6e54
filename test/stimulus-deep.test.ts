// SPDX-License-Identifier: MIT
// The deep-header and out-of-range-register stimulus reaches what it is named for: every
// deep frame's needed headers end exactly at its target (inner_l4_offset + 20/8 from the
// reference engine's record), parsed up to max_header_bytes and too_deep just past it;
// every out-of-range write leaves the clamped/masked value the register must read, and
// the frames after it get the records that value implies.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { RefEngine } from '../ref/engine.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import { parseFrame, ParseState } from '../ref/parse.ts';
import { defaultProfile } from '../ref/profile.ts';
import { Coverage, deepSlots, neededEnd } from '../tb/lockstep/coverage.ts';
import { applyWrite, engineProfile, imageOf, readImage, REG, resetImage } from '../tb/stimulus/csr.ts';
import { deepGroups, deepTop, randomDeepFrame } from '../tb/stimulus/deep-groups.ts';
import { deepLayers } from '../tb/stimulus/deep.ts';
import type { DirectedGroup } from '../tb/stimulus/directed.ts';
import { csrEdgeGroups, indirectionBitsEdges, maxHeaderEdges } from '../tb/stimulus/edges.ts';
import { buildFrame } from '../ref/packets/index.ts';

/** The control state a group's frames are classified with: its profile, then its raw writes. */
function groupProfile(g: DirectedGroup, cfg: BuildConfig) {
  const img = imageOf(g.profile(cfg), cfg);
  for (const w of g.raw ?? []) applyWrite(img, w, cfg);
  return engineProfile(img);
}

/** Where the needed headers end when nothing bounds them but the frame. */
function unboundedEnd(f: Uint8Array, cfg: BuildConfig): number {
  const s = new ParseState();
  parseFrame(f, { maxHeaderBytes: 1 << 16, ipv6: cfg.ipv6, ipv6MaxExtHeaders: cfg.ipv6MaxExtHeaders, parseGre: true }, s);
  return neededEnd(s);
}

const CONFIGS: [string, BuildConfig][] = [
  ['default', DEFAULT_CONFIG],
  ['IPv4-only', parseBuildConfig({ ipv6: false })],
  ['512-byte window', parseBuildConfig({ maxHeaderBytes: 512, dataWidth: 128 })],
];

describe('deep-header stimulus', () => {
  for (const [name, cfg] of CONFIGS) {
    it(`${name}: every directed deep frame ends at its target, parsed within the limit and too_deep past it`, () => {
      const groups = deepGroups(cfg);
      const top = deepTop(cfg);
      const window = groups.find((g) => g.name === 'deep-window')!;
      const ends = new Set<number>();
      for (const g of groups) {
        const p = groupProfile(g, cfg);
        const engine = new RefEngine(p, cfg);
        for (const c of g.cases) {
          const f = c.frame.data;
          const tag = c.frame.tag;
          // A frame cut one byte short of its end: one more byte completes it.
          const whole = f.length === c.end! - 1 ? Uint8Array.from([...f, 0]) : f;
          expect([tag, unboundedEnd(whole, cfg)]).toEqual([tag, c.end]);
          const r = engine.classify(f);
          for (const [k, v] of Object.entries(c.expect)) expect([tag, k, r[k as keyof typeof r]]).toEqual([tag, k, v]);
          const cut = f.length < c.end!;
          if (cut) expect([tag, r.errors]).toEqual([tag, ['truncated']]);
          else if (c.end! > p.maxHeaderBytes) expect([tag, r.errors, r.inner_l4_offset]).toEqual([tag, ['too_deep'], 0]);
          else {
            expect([tag, r.errors]).toEqual([tag, []]);
            if (r.encap !== 'none')
              expect([tag, r.inner_l4_offset + (f[r.inner_l3_offset + (f[r.inner_l3_offset]! >> 4 === 4 ? 9 : 6)] === 6 ? 20 : 8)]).toEqual([tag, c.end]);
            if (g === window) ends.add(c.end!);
          }
        }
      }
      // Every even end of the deepest 64 bytes the build reaches, and 2..8 past a full window.
      const reachable = Array.from({ length: 32 }, (_, k) => top - 62 + 2 * k).filter((e) => cfg.ipv6 || e % 4 === 0 || e <= 178);
      expect(reachable.filter((e) => !ends.has(e))).toEqual([]);
      if (top === cfg.maxHeaderBytes) {
        const past = window.cases.filter((c) => c.end! > cfg.maxHeaderBytes).map((c) => c.end);
        expect(past).toEqual([top + 2, top + 4, top + 6, top + 8]);
      }
      // Both sides of every max_header_bytes the limit groups set.
      for (const g of groups.filter((x) => x.name.startsWith('deep-limit-'))) {
        const m = Number(g.name.slice('deep-limit-'.length));
        expect([g.name, g.cases.some((c) => c.end! <= m)]).toEqual([g.name, true]);
        if (m < top) expect([g.name, g.cases.some((c) => c.end! > m && c.expect.errors?.[0] === 'too_deep')]).toEqual([g.name, true]);
      }
    });
  }

  it('the builder reaches every even end from 80 to 1024 with IPv6 and each shape lands where asked', () => {
    const cfg = parseBuildConfig({ maxHeaderBytes: 1024 });
    const r = mulberry32(4);
    for (let e = 80; e <= 1024; e += 2) {
      const d = deepLayers(r, cfg, e);
      expect([e, d && unboundedEnd(buildFrame(d.layers), cfg)]).toEqual([e, e]);
    }
    expect(deepLayers(r, cfg, 201)).toBeUndefined();
  });

  it('random deep frames hit every deep coverage bin of the default build', () => {
    const cfg = DEFAULT_CONFIG;
    const r = mulberry32(11);
    const p = defaultProfile(cfg);
    const engine = new RefEngine(p, cfg);
    const cov = new Coverage(cfg);
    for (let i = 0; i < 600; i++) {
      const f = randomDeepFrame(r, cfg, cfg.maxHeaderBytes)!;
      cov.frame(f.data, engine.classify(f.data), p);
    }
    const deep = Object.keys(cov.counts).filter((b) => b.startsWith('deep: '));
    expect(deep.length).toBe(10);
    expect(deep.filter((b) => !cov.counts[b])).toEqual([]);
    expect(deepSlots(cfg)!.slots[3]).toEqual([472, 479]);
  });
});

describe('out-of-range register writes', () => {
  it('max_header_bytes and indirection_bits clamp the whole 32-bit value (docs/BEHAVIOUR.md "CSRs")', () => {
    const cfg = DEFAULT_CONFIG;
    const img = resetImage(cfg);
    const kept = (addr: number, data: number): number => {
      applyWrite(img, { addr, data }, cfg);
      return readImage(img, addr, cfg);
    };
    expect(maxHeaderEdges(cfg).map((v) => kept(REG.MAX_HEADER_BYTES, v))).toEqual([512, 512, 512, 512, 512, 512, 64, 64, 64]);
    expect(maxHeaderEdges(cfg)).toEqual([513, 514, 1024, 1088, 0xffffffff, 0x80000200, 0, 1, 63]);
    expect(indirectionBitsEdges(cfg).map((v) => [v, kept(REG.INDIRECTION_BITS, v)])).toEqual([
      [0, 1],
      [8, 7],
      [9, 7],
      [255, 7],
      [0xffffffff, 7],
      [0x80000000, 7],
    ]);
    expect(kept(REG.HASH_TYPES, 0xffffffff)).toBe(0xd700);
    expect(kept(REG.RSS_DEFAULT_QUEUE, 64 + 5)).toBe(5);
    expect(kept(REG.CTRL, 0xfffffff5)).toBe(5);
    expect(engineProfile(img).csrEdges.sort()).toEqual([
      'ctrl undefined bits',
      'hash_types undefined bits',
      'indirection_bits above log2(entries)',
      'max_header_bytes below 64',
      'queue number wider than queueBits',
    ]);
    // An in-range write ends an edge.
    applyWrite(img, { addr: REG.CTRL, data: 1 }, cfg);
    expect(engineProfile(img).csrEdges).not.toContain('ctrl undefined bits');
  });

  for (const [name, cfg] of [
    CONFIGS[0]!,
    ['IPv4-only, 16 entries, 3 queue bits', parseBuildConfig({ ipv6: false, indirectionEntries: 16, queueBits: 3 })] as [string, BuildConfig],
  ]) {
    it(`${name}: every edge group's writes read back clamped/masked and its frames get the records that implies`, () => {
      const groups = csrEdgeGroups(cfg);
      const edges = new Set<string>();
      for (const g of groups) {
        const img = imageOf(g.profile(cfg), cfg);
        for (const w of g.raw!) {
          applyWrite(img, w, cfg);
          expect([g.name, w.addr, readImage(img, w.addr, cfg)]).toEqual([g.name, w.addr, w.reads]);
        }
        const p = engineProfile(img);
        p.csrEdges.forEach((e) => edges.add(e));
        const engine = new RefEngine(p, cfg);
        for (const c of g.cases) {
          const r = engine.classify(c.frame.data);
          for (const [k, v] of Object.entries(c.expect)) expect([g.name, c.frame.tag, k, r[k as keyof typeof r]]).toEqual([g.name, c.frame.tag, k, v]);
        }
      }
      const bits = Math.log2(cfg.indirectionEntries);
      const ib = groups.filter((g) => g.name.startsWith('csr-edge indirection_bits=')).map((g) => g.raw!.at(-1)!.reads);
      expect(ib).toEqual(indirectionBitsEdges(cfg).map((v) => (v < 1 ? 1 : bits)));
      const mh = groups.filter((g) => g.name.startsWith('csr-edge max_header_bytes=')).map((g) => g.raw![0]!.reads);
      expect(mh).toEqual(maxHeaderEdges(cfg).map((v) => (v < 64 ? 64 : cfg.maxHeaderBytes)));
      expect(edges.size).toBe(8);
      // Under the clamped indirection_bits the spread frames use more than one entry.
      const g8 = groups.find((g) => g.name === 'csr-edge indirection_bits=8')!;
      const e8 = new RefEngine(groupProfile(g8, cfg), cfg);
      expect(new Set(g8.cases.map((c) => e8.classify(c.frame.data).rss_queue)).size).toBeGreaterThan(1);
    });
  }
});

describe('the new coverage bins', () => {
  it('are holes in a run without deep frames or out-of-range writes, and filled by the full script', async () => {
    const { randomScript } = await import('../tb/stimulus/random.ts');
    const cfg = DEFAULT_CONFIG;
    const count = (opts: Parameters<typeof randomScript>[2]): Coverage => {
      const cov = new Coverage(cfg);
      // Frames before any register write are classified with the reset values.
      let p = engineProfile(resetImage(cfg));
      let engine = new RefEngine(p, cfg);
      let cut = false;
      for (const it of randomScript(7, cfg, opts).items) {
        if (it.k === 'csr') {
          p = it.profile as ReturnType<typeof engineProfile>;
          engine = new RefEngine(p, cfg);
        } else if (it.k === 'reset') cut = true;
        else if (it.k === 'frame') {
          if (!cut) cov.frame(it.frame.data, engine.classify(it.frame.data, { macError: it.frame.macError }), p);
          cut = false;
        }
      }
      return cov;
    };
    const newBins = (c: Coverage): string[] => c.holes().filter((b) => b.startsWith('deep: ') || b.startsWith('csr edge: '));
    const without = newBins(count({ frames: 2000, directed: false, rates: { deep: 0, csrEdge: 0 } }));
    // The early out-of-range write still happens once; everything deep is missing.
    expect(without.filter((b) => b.startsWith('deep: ')).length).toBeGreaterThanOrEqual(8);
    expect(without.filter((b) => b.startsWith('csr edge: ')).length).toBeGreaterThanOrEqual(5);
    expect(newBins(count({ frames: 300 }))).toEqual([]);
  });
});
