// SPDX-License-Identifier: MIT
// `toeplitz: "tables"` (gen/blocks/toeplitz-tables.ts) in lockstep with the cycle model,
// across the bank switch: frames run back to back while the tables are rebuilt after a
// key write, so some hash with the old key and the rest with the new one; a second key
// write during a rebuild restarts it. The model (ref/cycle/top-model.ts, keyRebuild) says
// exactly which frame switches; the RTL must agree on every output of every cycle, and
// every record must equal the reference engine's under the old key or under the new one,
// switching once.

import { describe, expect, it } from 'vitest';
import { tablesRebuildCycles } from '../gen/blocks/toeplitz-tables.ts';
import { parseBuildConfig } from '../gen/config.ts';
import { KEY_BASE } from '../gen/regmap.ts';
import { topTiming } from '../gen/top.ts';
import { RefEngine } from '../ref/engine.ts';
import { mulberry32 } from '../ref/packets/index.ts';
import { defaultProfile, type Profile } from '../ref/profile.ts';
import { profileWrites } from '../tb/stimulus/csr.ts';
import { randomFrame } from '../tb/stimulus/random.ts';
import type { ScriptItem, StimFrame } from '../tb/stimulus/script.ts';
import { buildParamsOf } from '../gen/config.ts';
import { buildTop, driveScript, runLockstep } from './top-support.ts';

describe('toeplitz: "tables"', () => {
  it.each([
    ['64-bit, IPv6 (36 tables, 8 steps)', { toeplitz: 'tables' }],
    ['512-bit, IPv4 (12 tables at once)', { toeplitz: 'tables', dataWidth: 512, ipv6: false }],
  ])('%s: frames see the old key until the rebuild ends, then the new one; a key write restarts the rebuild', async (_n, cfgIn) => {
    const cfg = parseBuildConfig(cfgIn);
    const R = tablesRebuildCycles(cfg);
    expect(topTiming(cfg).keyRebuild).toBe(R);
    const r = mulberry32(0x7ab1e5);
    const p0 = defaultProfile(buildParamsOf(cfg));
    const csr = (p: Profile, writes = profileWrites(p, cfg)): ScriptItem => ({ k: 'csr', writes, during: false, profile: p, why: 'test' });
    const sent: StimFrame[] = [];
    const items: ScriptItem[] = [];
    const frames = (n: number): void => {
      for (let k = 0; k < n; k++) {
        const f = randomFrame(r, cfg);
        sent.push({ ...f, macError: false });
        items.push({ k: 'frame', frame: { ...f, macError: false } });
      }
    };
    // The default profile (key K0), then frames straight away: they hash with the reset
    // key (all zero) until the first rebuild ends.
    items.push(csr(p0));
    const beats = (f: StimFrame): number => Math.ceil(f.data.length / (cfg.dataWidth / 8));
    const span = (): number => sent.reduce((a, f) => a + Math.max(beats(f), cfg.dataWidth === 64 ? 8 : 1), 0);
    const until = (cycles: number): void => {
      const start = span();
      while (span() - start < cycles) frames(1);
    };
    until(R + 200);
    // K1: key word 0 changes; frames run across its rebuild.
    const k1 = { ...p0, key: p0.key.slice() };
    k1.key[0] ^= 0xff;
    items.push(csr(k1, [{ addr: KEY_BASE, data: ((k1.key[0]! << 24) | (k1.key[1]! << 16) | (k1.key[2]! << 8) | k1.key[3]!) >>> 0 }]));
    until(R / 2);
    // K2 half way through that rebuild: K1 is never used, K2 after its own rebuild.
    const k2 = { ...k1, key: k1.key.slice() };
    k2.key[5] ^= 0x5a;
    items.push(csr(k2, [{ addr: KEY_BASE + 4, data: ((k2.key[4]! << 24) | (k2.key[5]! << 16) | (k2.key[6]! << 8) | k2.key[7]!) >>> 0 }]));
    until(R + 200);

    const d = driveScript(cfg, { items, seed: 1 }, { seed: 2, gapRate: 0, readyRate: 1, axilReadyRate: 1 });
    expect(d.records.length).toBe(sent.length);
    // Which key each record was hashed with: 0 = the zero key, 1 = K0, 2 = K1, 3 = K2.
    const keys = [{ ...p0, key: new Uint8Array(40) }, p0, k1, k2].map((p) => new RefEngine(p, buildParamsOf(cfg)));
    const seen: number[] = [];
    d.records.forEach((rec, i) => {
      if (!rec.hash_valid) return;
      const ok = keys.map((e, k) => (e.classify(sent[i]!.data).hash === rec.hash ? k : -1)).filter((k) => k >= 0);
      expect(ok.length, `frame ${i}: hash ${rec.hash} matches none of the keys`).toBeGreaterThan(0);
      // Distinct keys give distinct hashes for every frame hashed with a nonzero key here.
      seen.push(ok.length === 1 ? ok[0]! : -1);
    });
    const order = seen.filter((k) => k >= 0);
    // Monotone: the zero key, then K0, then K2; K1 never.
    for (let i = 1; i < order.length; i++) expect(order[i]!, `record ${i}`).toBeGreaterThanOrEqual(order[i - 1]!);
    expect(order.filter((k) => k === 0).length).toBeGreaterThan(10);
    expect(order.filter((k) => k === 1).length).toBeGreaterThan(10);
    expect(order.filter((k) => k === 2).length).toBe(0);
    expect(order.filter((k) => k === 3).length).toBeGreaterThan(10);

    const b = await buildTop(cfg);
    const res = await runLockstep(b, cfg, d);
    expect(res.mismatches, res.mismatches.join('\n')).toEqual([]);
  });
});
