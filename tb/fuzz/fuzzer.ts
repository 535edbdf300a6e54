// SPDX-License-Identifier: MIT
// `make fuzz`: coverage-guided mutation fuzzing of the top level. Each round picks a
// control profile, mutates frames from the pool (the corpus, the directed frames and
// random valid frames, plus every mutant that reached a new reference-engine feature),
// and runs the whole round through the RTL in lockstep with the cycle model and the
// reference engine (tb/lockstep/regress.ts runRegression: every output of every cycle, every
// record). New-feature mutants and mismatching frames are written to test/corpus/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildConfig } from '../../gen/config.ts';
import { RefEngine } from '../../ref/engine.ts';
import { mulberry32, type Rand } from '../../ref/packets/index.ts';
import { entryFrame, loadCorpus, saveEntry, toEntry, type CorpusEntry } from './corpus.ts';
import { FeatureMap, features } from './ref-coverage.ts';
import { FUZZ_PROFILES } from './profiles.ts';
import { engineProfileOf, profiledScript, type ProfiledFrame } from './script.ts';
import { mutate, type FuzzFrame } from './mutate.ts';
import { runRegression, type TopProvider } from '../lockstep/regress.ts';
import { directedFor } from '../stimulus/directed.ts';
import { randomFrame } from '../stimulus/random.ts';

export interface FuzzOptions {
  cfg: BuildConfig;
  configName: string;
  seed: number;
  /** Stop after this many seconds (whichever of seconds/frames comes first). */
  seconds?: number;
  frames?: number;
  /** Mutants per lockstep run (default 2000). */
  roundFrames?: number;
  provider: TopProvider;
  corpusDir?: string;
  /** Write new seeds and mismatches to the corpus (default true). */
  save?: boolean;
  /** Where mismatch reports go (default build/fuzz). */
  reportDir?: string;
  /** Stop after this many mismatches (default 10). */
  maxMismatches?: number;
  log?: (line: string) => void;
}

export interface FuzzMismatch {
  entry: CorpusEntry;
  file: string | undefined;
  report: string;
}

export interface FuzzResult {
  /** Frames whose records were compared. */
  frames: number;
  mutants: number;
  rounds: number;
  features: number;
  /** Mutants with a new feature (added to the pool). */
  newSeeds: number;
  saved: string[];
  mismatches: FuzzMismatch[];
  seconds: number;
  /** Mutants run under each profile. */
  byProfile: Record<string, number>;
}

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** The starting pool: the corpus of this configuration, the directed frames, random valid frames. */
function initialPool(o: FuzzOptions, r: Rand): FuzzFrame[] {
  const pool: FuzzFrame[] = loadCorpus(o.corpusDir)
    .filter((c) => c.entry.config === o.configName)
    .map((c) => entryFrame(c.entry));
  for (const g of directedFor(o.cfg)) for (const c of g.cases) pool.push({ data: c.frame.data, macError: c.frame.macError });
  for (let i = 0; i < 300; i++) {
    const f = randomFrame(r, o.cfg);
    pool.push({ data: f.data, macError: f.macError });
  }
  return pool;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const t0 = performance.now();
  const r = mulberry32(o.seed);
  const fmap = new FeatureMap();
  const pool = initialPool(o, r);
  const initialSize = pool.length;
  const engines = new Map<string, RefEngine>();
  const engine = (name: string): RefEngine => {
    let e = engines.get(name);
    if (!e) engines.set(name, (e = new RefEngine(engineProfileOf(name, o.cfg), o.cfg)));
    return e;
  };
  // What the pool already covers is not news.
  for (const name of FUZZ_PROFILES)
    for (const f of pool) fmap.add(features(f.data, engine(name).classify(f.data, { macError: f.macError }), engineProfileOf(name, o.cfg), name, o.cfg));
  const res: FuzzResult = { frames: 0, mutants: 0, rounds: 0, features: fmap.size, newSeeds: 0, saved: [], mismatches: [], seconds: 0, byProfile: {} };
  const roundFrames = o.roundFrames ?? 2000;
  const maxFrames = o.frames ?? Infinity;
  const deadline = o.seconds !== undefined ? t0 + o.seconds * 1000 : Infinity;
  const save = o.save !== false;
  const recent = (): FuzzFrame => pool[pool.length - 1 - int(r, Math.min(pool.length, 200))]!;

  while (res.mutants < maxFrames && performance.now() < deadline && res.mismatches.length < (o.maxMismatches ?? 10)) {
    const round = res.rounds++;
    const profile = round % 3 === 0 ? 'default' : pick(r, FUZZ_PROFILES);
    const eng = engine(profile);
    const prof = engineProfileOf(profile, o.cfg);
    const batch: ProfiledFrame[] = [];
    const fresh: { f: FuzzFrame; ops: string[]; why: string }[] = [];
    const n = Math.min(roundFrames, maxFrames - res.mutants);
    for (let i = 0; i < n; i++) {
      const parent = r() < 0.5 ? recent() : pick(r, pool);
      const m = mutate(r, parent, o.cfg, pick(r, pool));
      const rec = eng.classify(m.data, { macError: m.macError });
      const news = fmap.add(features(m.data, rec, prof, profile, o.cfg));
      if (news.length) {
        pool.push(m);
        // Every new feature guides the pool; only new paths, record classes, stop points
        // and length classes are worth a corpus file (new offset tuples alone are many).
        const keep = news.find((x) => !x.startsWith('offsets '));
        if (keep) fresh.push({ f: m, ops: m.ops, why: keep });
      }
      batch.push({ frame: m, profile, tag: `fuzz seed ${o.seed} round ${round} #${i}: ${m.ops.join('; ')}` });
    }
    res.mutants += n;
    res.byProfile[profile] = (res.byProfile[profile] ?? 0) + n;
    res.newSeeds = pool.length - initialSize;
    // Through the RTL; after a mismatch the rest of the round goes on from the next frame.
    let rest = batch;
    let sub = 0;
    while (rest.length) {
      const seed = (o.seed * 7919 + round * 131 + sub++) >>> 0;
      const run = await runRegression({
        cfg: o.cfg,
        configName: o.configName,
        seed,
        frames: rest.length,
        script: profiledScript(rest, o.cfg, seed),
        provider: o.provider,
        noWave: true,
      });
      res.frames += run.records;
      if (!run.mismatch) break;
      const id = run.mismatch.frame?.id;
      const bad = id !== undefined ? rest[id] : undefined;
      const what = `mismatch: ${run.mismatch.signal}${run.mismatch.fields ? ` (${run.mismatch.fields.join(', ')})` : ''}`;
      const entry = toEntry(bad?.frame ?? { data: new Uint8Array(0), macError: false }, {
        config: o.configName,
        profile,
        reason: what,
        ops: bad ? [bad.tag] : [],
      });
      const file = bad && save ? saveEntry(entry, o.corpusDir) : undefined;
      const dir = o.reportDir ?? join(import.meta.dirname, '..', '..', 'build', 'fuzz');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${file ?? `mismatch-seed${seed}`}.txt`), run.report ?? what);
      res.mismatches.push({ entry, file, report: run.report ?? what });
      o.log?.(`round ${round}: ${what}${file ? ` -> test/corpus/${file}` : ''}`);
      if (id === undefined || res.mismatches.length >= (o.maxMismatches ?? 10)) break;
      rest = rest.slice(id + 1);
    }
    if (save) {
      for (const x of fresh) res.saved.push(saveEntry(toEntry(x.f, { config: o.configName, profile, reason: `new: ${x.why}`, ops: x.ops }), o.corpusDir));
    }
    res.features = fmap.size;
    res.seconds = (performance.now() - t0) / 1000;
    o.log?.(
      `round ${round} (${profile}): ${res.mutants} mutants, ${res.frames} frames compared, ${res.features} features, ${res.newSeeds} new seeds, ${res.mismatches.length} mismatches, ${(res.frames / res.seconds).toFixed(0)} frames/s`,
    );
  }
  res.seconds = (performance.now() - t0) / 1000;
  return res;
}
