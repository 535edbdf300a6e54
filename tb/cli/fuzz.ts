// SPDX-License-Identifier: MIT
// Entry point of `make fuzz`. Knobs (environment): FUZZ_SECONDS (default 60),
// FUZZ_FRAMES (default unlimited), SEED (default: time-based, printed), CONFIG (a name
// of tb/lockstep/regress-configs.ts, default "default"), FUZZ_SAVE=0 to keep test/corpus/ as is.
// Exit status 1 when any mismatch was found (each is in test/corpus/ and build/fuzz/).

import { namedConfig } from '../lockstep/regress-configs.ts';
import { topProvider } from '../lockstep/top.ts';
import { runFuzz } from '../fuzz/fuzzer.ts';

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`fuzz: ${name}=${v} is not a non-negative number\n`);
    process.exit(2);
  }
  return n;
}

const configName = process.env.CONFIG || 'default';
let cfg;
try {
  cfg = namedConfig(configName);
} catch (e) {
  process.stderr.write(`fuzz: ${(e as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
const seed = envInt('SEED') ?? Date.now() % 1_000_000;
const frames = envInt('FUZZ_FRAMES');
const seconds = envInt('FUZZ_SECONDS') ?? (frames === undefined ? 60 : undefined);
console.log(
  `fuzz: config ${configName}, seed ${seed}, ${seconds !== undefined ? `${seconds} s` : ''}${frames !== undefined ? ` ${frames} frames` : ''} (replay: SEED=${seed} make fuzz)`,
);
const r = await runFuzz({
  cfg,
  configName,
  seed,
  seconds,
  frames,
  provider: topProvider,
  save: process.env.FUZZ_SAVE !== '0',
  log: (l) => console.log(`fuzz: ${l}`),
});
console.log(
  `fuzz: done in ${r.seconds.toFixed(1)} s: ${r.mutants} mutants, ${r.frames} frames compared in lockstep (${(r.frames / r.seconds).toFixed(0)} frames/s), ` +
    `${r.features} coverage features, ${r.newSeeds} new seeds (${r.saved.length} files), ${r.mismatches.length} mismatches`,
);
for (const m of r.mismatches) console.log(`fuzz: MISMATCH ${m.entry.reason}${m.file ? ` test/corpus/${m.file}` : ''}\n${m.report}`);
process.exitCode = r.mismatches.length ? 1 : 0;
