// SPDX-License-Identifier: MIT
// `make mutants`: random single-point mutants of the default RTL (and, with --hand, the
// four hand-picked faults) through the regression; prints each outcome and the kill
// rate, and writes them to build/mutants/report-seed<S>.json for docs/GLS.md.

import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baseRtl, handPicked, MUTANT_ROOT, randomMutants } from './mutants.ts';
import { runMutant, type MutantOutcome } from './mutants-run.ts';

const program = new Command('mutants')
  .option('--count <N>', 'random mutants', '8')
  .option('--seed <S>', 'seed that picks them', '1')
  .option('--frames <F>', 'random frames per regression run', '300')
  .option('--seeds <K>', 'regression seeds per mutant (a mutant is killed by the first failing one)', '2')
  .option('--hand', 'also the hand-picked faults');
program.parse();
const o = program.opts<{ count: string; seed: string; frames: string; seeds: string; hand?: boolean }>();

const { files } = await baseRtl();
const ms = [...(o.hand ? handPicked(files) : []), ...randomMutants(files, Number(o.count), Number(o.seed))];
const seeds = Array.from({ length: Number(o.seeds) }, (_, k) => 1 + k);
const outcomes: MutantOutcome[] = [];
for (const m of ms) {
  const r = await runMutant(files, m, { seeds, frames: Number(o.frames) });
  outcomes.push(r);
  console.log(`${r.killed ? 'KILLED  ' : 'SURVIVED'} ${m.id}: ${m.what} (${r.seconds.toFixed(0)} s)`);
  console.log(`         - ${m.before.slice(0, 160)}`);
  console.log(`         + ${m.after.slice(0, 160)}`);
  console.log(`         ${r.by}`);
}
const rnd = outcomes.filter((x) => x.mutant.id.startsWith('rnd'));
const killed = rnd.filter((x) => x.killed).length;
console.log(`random mutants killed: ${killed}/${rnd.length}${rnd.length ? ` (${Math.round((100 * killed) / rnd.length)}%)` : ''}`);
const file = join(MUTANT_ROOT, `report-seed${o.seed}.json`);
await writeFile(file, JSON.stringify(outcomes.map((x) => ({ id: x.mutant.id, what: x.mutant.what, file: x.mutant.file, line: x.mutant.line, before: x.mutant.before, after: x.mutant.after, killed: x.killed, by: x.by, seconds: x.seconds })), null, 2));
console.log(`report: ${file}`);
