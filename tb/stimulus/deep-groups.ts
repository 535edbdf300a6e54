// SPDX-License-Identifier: MIT
// Directed and random deep-header frames (tb/stimulus/deep.ts builds the stacks): the last
// needed header ending at every even byte of the window's 64 deepest bytes, just past the
// window (too_deep), cut one byte short (truncated), and at both sides of several
// max_header_bytes values, so that each bound compare and each window slot matters to some
// frame of every run.

import type { BuildConfig } from '../../gen/config.ts';
import { mulberry32, type Layer, type Rand } from '../../ref/packets/index.ts';
import { defaultProfile } from '../../ref/profile.ts';
import type { MetaRecord } from '../../ref/record.ts';
import { deepLayers, deepReach, nearestDeepEnd, type DeepFrame } from './deep.ts';
import type { DirectedCase, DirectedGroup } from './directed.ts';
import { frameOf, type StimFrame } from './script.ts';

const int = (r: Rand, n: number): number => Math.floor(r() * n);

/** The deepest end the build's needed headers can have (its window, or less in an IPv4-only build). */
export function deepTop(cfg: BuildConfig): number {
  return Math.min(cfg.maxHeaderBytes, deepReach(cfg));
}

function withPayload(d: DeepFrame, n: number): Layer[] {
  return n > 0 ? [...d.layers, { kind: 'payload', bytes: n }] : d.layers;
}

/** What the engine reports when the needed headers end at d.end under `limit`. */
function expectFor(d: DeepFrame, limit: number, cut: boolean): Partial<MetaRecord> {
  const l4 = d.shape.l4 === 'tcp' ? 20 : 8;
  const encap = d.shape.encap !== 'none';
  if (cut) return { errors: ['truncated'], inner_l4_offset: 0 };
  if (d.end > limit) return { errors: ['too_deep'], inner_l4_offset: 0, hash_input: encap ? 'outer-2tuple' : '2tuple' };
  return encap ? { errors: [], inner_l4_offset: d.end - l4, hash_input: 'inner-4tuple' } : { errors: [], hash_input: '4tuple' };
}

function deepCase(d: DeepFrame, limit: number, tag: string, payload: number, cut = false): DirectedCase {
  const f = frameOf(
    withPayload(d, payload),
    `${tag} end ${d.end} ${d.shape.encap}/v${d.shape.outer}${d.shape.encap === 'none' ? '' : `/v${d.shape.inner}`}/${d.shape.l4}`,
    cut ? { cutTo: d.end - 1 } : {},
  );
  return { frame: f, expect: expectFor(d, limit, cut), v6: d.shape.outer === 6 || (d.shape.encap !== 'none' && d.shape.inner === 6), end: d.end };
}

/**
 * The deep groups of a build: ends at every even byte of (top-64, top] under the full
 * window, 2-8 bytes past it, a few cut short; then for several max_header_bytes values m
 * the nearest end at or below m (parsed) and above it (too_deep).
 */
export function deepGroups(cfg: BuildConfig): DirectedGroup[] {
  const r = mulberry32(0xdee9);
  const w = cfg.maxHeaderBytes;
  const top = deepTop(cfg);
  if (top < 128) return [];
  const window: DirectedCase[] = [];
  for (let e = top - 62, k = 0; e <= top; e += 2, k++) {
    const d = deepLayers(r, cfg, e, { l4: k % 2 === 0 ? 'tcp' : 'udp' }) ?? deepLayers(r, cfg, e);
    // Every fourth frame ends exactly where its headers do.
    if (d) window.push(deepCase(d, w, 'deep', k % 4 === 0 ? 0 : 1 + int(r, 24)));
  }
  for (const e of [top, top - 2, top - 36]) {
    const d = deepLayers(r, cfg, e);
    if (d) window.push(deepCase(d, w, 'deep-cut', 0, true));
  }
  if (top === w) {
    for (const e of [w + 2, w + 4, w + 6, w + 8]) {
      const d = deepLayers(r, cfg, e);
      if (d) window.push(deepCase(d, w, 'deep-past', 1 + int(r, 16)));
    }
  }
  const groups: DirectedGroup[] = [{ name: 'deep-window', profile: (c) => ({ ...defaultProfile(c), maxHeaderBytes: c.maxHeaderBytes }), cases: window }];
  const limits = [...new Set([top - 63, top - 32, top - 17, top - 2, top - 1, top, 64, 65])].filter((m) => m >= 64 && m <= w);
  for (const m of limits) {
    const cases: DirectedCase[] = [];
    const lo = nearestDeepEnd(r, cfg, m);
    const hi = nearestDeepEnd(r, cfg, m, true);
    if (lo) cases.push(deepCase(lo, m, `limit ${m}`, 1 + int(r, 8)));
    if (hi) cases.push(deepCase(hi, m, `limit ${m}`, 1 + int(r, 8)));
    groups.push({ name: `deep-limit-${m}`, profile: (c) => ({ ...defaultProfile(c), maxHeaderBytes: m }), cases });
  }
  return groups.map((g) => ({ ...g, cases: g.cases.filter((x) => cfg.ipv6 || !x.v6) }));
}

/**
 * A random deep frame for the constrained-random mix: its needed headers end in the 64
 * bytes below `limit` (the max_header_bytes in force, or the deepest the build reaches),
 * or up to 8 bytes past it; sometimes cut one byte short.
 */
export function randomDeepFrame(r: Rand, cfg: BuildConfig, limit: number): StimFrame | undefined {
  const top = Math.min(limit, deepTop(cfg));
  const past = r() < 0.2;
  const e = past ? top + 2 * (1 + int(r, 4)) : top - 2 * int(r, 32);
  const d = deepLayers(r, cfg, e - (e % 2));
  if (!d) return undefined;
  const cut = !past && r() < 0.1;
  let data = frameOf(withPayload(d, cut ? 0 : int(r, 32)), 'random-deep').data;
  if (cut) data = data.slice(0, d.end - 1);
  return { data, macError: false, tag: cut ? 'random-deep-cut' : 'random-deep' };
}
