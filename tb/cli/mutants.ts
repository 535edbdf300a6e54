// SPDX-License-Identifier: MIT
// `make mutants`: how many faults the short regression catches. A uniform sample of
// single-point mutants of the default RTL (a logic line drawn uniformly across every
// module, then one operator or constant on it: tb/rtl-dir/mutants.ts) is run through exactly the
// short regression `make sim FRAMES=3000` runs (seeds 1-4, 750 frames each, same traffic);
// a mutant is killed by the first failing seed. Prints the score per module and every
// survivor with its diff. A survivor counts as equivalent only when docs/GLS.md argues
// it, in its "Equivalent mutants" table, by the mutant's key. With --hand, the four
// hand-picked faults run too. The outcomes go to build/mutants/report-seed<S>.json.

import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baseRtl, handPicked, MUTANT_ROOT, randomMutants } from '../rtl-dir/mutants.ts';
import { runMutant, type MutantOutcome } from '../rtl-dir/mutants-run.ts';
import { intArg } from './int-arg.ts';

const program = new Command('mutants')
  .addOption(new Option('--count <N>', 'random mutants').default(100).argParser(intArg(1)))
  .addOption(new Option('--seed <S>', 'seed that picks them').default(1).argParser(intArg(1)))
  .addOption(new Option('--frames <F>', 'frames of the regression, split over the seeds (as make sim FRAMES=)').default(3000).argParser(intArg(1)))
  .addOption(new Option('--seeds <K>', 'regression seeds 1..K (as make sim SEEDS=)').default(4).argParser(intArg(1)))
  .addOption(new Option('--jobs <J>', 'mutants at a time').default(2).argParser(intArg(1)))
  .option('--hand', 'also the hand-picked faults');
program.parse();
const o = program.opts<{ count: number; seed: number; frames: number; seeds: number; jobs: number; hand?: boolean }>();

/** Keys of the mutants docs/GLS.md argues equivalent (rows "| `key` | ..." of its table). */
async function equivalentKeys(): Promise<Set<string>> {
  const doc = await readFile(new URL('../../docs/GLS.md', import.meta.url), 'utf8');
  const section = doc.split(/^### Equivalent mutants/m)[1]?.split(/^#/m)[0] ?? '';
  return new Set([...section.matchAll(/^\| `([\w]+-[0-9a-f]{8})` \|/gm)].map((m) => m[1]!));
}

const { files } = await baseRtl();
const equivalent = await equivalentKeys();
const ms = [...(o.hand ? handPicked(files) : []), ...randomMutants(files, o.count, o.seed)];
const run = { seeds: Array.from({ length: o.seeds }, (_, k) => 1 + k), frames: Math.ceil(o.frames / o.seeds), shape: undefined };
console.log(`${ms.length} mutants, each through ${o.seeds} seeds x ${run.frames} frames (make sim FRAMES=${o.frames}), ${o.jobs} at a time`);

const bar = new SingleBar({ format: 'mutants [{bar}] {value}/{total} | killed {killed} | {duration}s', hideCursor: true, clearOnComplete: true });
bar.start(ms.length, 0, { killed: 0 });
const outcomes: MutantOutcome[] = new Array(ms.length);
let next = 0;
let killedSoFar = 0;
await Promise.all(
  Array.from({ length: o.jobs }, async () => {
    while (next < ms.length) {
      const k = next++;
      const r = await runMutant(files, ms[k]!, run);
      outcomes[k] = r;
      if (r.killed) killedSoFar++;
      bar.increment(1, { killed: killedSoFar });
    }
  }),
);
bar.stop();

for (const r of outcomes.filter((x) => !x.killed)) {
  const m = r.mutant;
  console.log(`SURVIVED ${m.id}${equivalent.has(m.id) ? ' (equivalent: docs/GLS.md)' : ''}: ${m.what}`);
  console.log(`  - ${m.before}`);
  console.log(`  + ${m.after}`);
}

const rnd = outcomes.filter((x) => !x.mutant.expect);
const rows = new Map<string, { n: number; killed: number; equivalent: number }>();
for (const x of rnd) {
  const row = rows.get(x.mutant.file) ?? { n: 0, killed: 0, equivalent: 0 };
  row.n++;
  if (x.killed) row.killed++;
  else if (equivalent.has(x.mutant.id)) row.equivalent++;
  rows.set(x.mutant.file, row);
}
const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
console.log(`\n${'module'.padEnd(26)} ${'sampled'.padStart(7)} ${'killed'.padStart(6)} ${'equiv'.padStart(5)} ${'score'.padStart(7)}`);
let tot = { n: 0, killed: 0, equivalent: 0 };
for (const [file, r] of [...rows].sort()) {
  console.log(
    `${file.padEnd(26)} ${String(r.n).padStart(7)} ${String(r.killed).padStart(6)} ${String(r.equivalent).padStart(5)} ${pct(r.killed, r.n - r.equivalent).padStart(7)}`,
  );
  tot = { n: tot.n + r.n, killed: tot.killed + r.killed, equivalent: tot.equivalent + r.equivalent };
}
const open = tot.n - tot.killed - tot.equivalent;
console.log(
  `${'all'.padEnd(26)} ${String(tot.n).padStart(7)} ${String(tot.killed).padStart(6)} ${String(tot.equivalent).padStart(5)} ${pct(tot.killed, tot.n - tot.equivalent).padStart(7)}`,
);
console.log(
  `random mutants killed: ${tot.killed}/${tot.n} (${pct(tot.killed, tot.n)}); of the non-equivalent ${tot.n - tot.equivalent}: ${pct(tot.killed, tot.n - tot.equivalent)}; ${open} survivor(s) without an equivalence argument`,
);
for (const h of outcomes.filter((x) => x.mutant.expect)) console.log(`hand-picked ${h.mutant.id}: ${h.killed ? 'killed' : 'SURVIVED'} (${h.by})`);
const file = join(MUTANT_ROOT, `report-seed${o.seed}.json`);
await writeFile(
  file,
  JSON.stringify(
    outcomes.map((x) => ({
      id: x.mutant.id,
      what: x.mutant.what,
      file: x.mutant.file,
      line: x.mutant.line,
      before: x.mutant.before,
      after: x.mutant.after,
      killed: x.killed,
      equivalent: !x.killed && equivalent.has(x.mutant.id),
      by: x.by,
      seconds: x.seconds,
    })),
    null,
    2,
  ),
);
console.log(`report: ${file}`);
