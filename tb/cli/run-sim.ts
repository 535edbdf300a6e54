// SPDX-License-Identifier: MIT
// `make sim`, `make sim-matrix`, `make coverage`, `make wave`: the lockstep co-simulation
// regression. Builds each configuration's model once (cached), runs the jobs (seed x
// configuration, or a pcap replay) in worker processes with a progress bar, prints a
// summary, the functional coverage, and exits non-zero on any mismatch or coverage hole.

import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { Coverage, coverageBins, formatCoverage } from '../lockstep/coverage.ts';
import { topProvider } from '../lockstep/top.ts';
import { matrixNames, namedConfig } from '../lockstep/regress-configs.ts';
import { intArg } from './int-arg.ts';
import { traceRun, type RunResult } from '../lockstep/regress.ts';
import type { Job, WorkerMessage } from '../lockstep/regress-worker.ts';
import { readFile } from 'node:fs/promises';
import { readPcap } from '../../ref/pcap/read.ts';
import { randomScript } from '../stimulus/random.ts';

type Result = Omit<RunResult, 'mismatch' | 'records_'>;

interface Opts {
  seed: number;
  seeds: number;
  frames: number;
  config: string;
  pcap?: string;
  jobs: number;
  matrix: boolean;
  coverage: boolean;
  wave: boolean;
  lenient: boolean;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('../lockstep/regress-worker.ts', import.meta.url));

function table(rows: string[][]): string[] {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r, j) => {
    const line = r.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
    return j === 0 ? `${line}\n${w.map((n) => '-'.repeat(n)).join('  ')}` : line;
  });
}

/** Skipped because another job mismatched first. */
const STOPPED = 'stopped: another job mismatched first';

function runJobs(jobs: Job[], parallel: number, onProgress: (id: number, frames: number, cycles: number) => void): Promise<Map<number, Result | string>> {
  const results = new Map<number, Result | string>();
  const queue = [...jobs];
  return new Promise((resolve) => {
    let alive = 0;
    let stop = false;
    const workers = new Map<ChildProcess, Job | undefined>();
    const finish = (): void => {
      for (const j of jobs) if (!results.has(j.id)) results.set(j.id, STOPPED);
      resolve(results);
    };
    const next = (w: ChildProcess): void => {
      const job = stop ? undefined : queue.shift();
      workers.set(w, job);
      if (job) w.send(job);
      else w.disconnect();
    };
    const n = Math.max(1, Math.min(parallel, jobs.length));
    for (let i = 0; i < n; i++) {
      const w = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      alive++;
      w.on('message', (m: WorkerMessage) => {
        if (m.k === 'progress') return onProgress(m.id, m.frames, m.cycles);
        results.set(m.id, m.k === 'done' ? m.result : m.message);
        if (m.k !== 'done' || m.result.report) {
          // The first mismatch stops the run: the other workers are ended, queued jobs dropped.
          stop = true;
          for (const [o, j] of workers) if (o !== w && j) o.kill();
        }
        next(w);
      });
      w.on('exit', (code, signal) => {
        const j = workers.get(w);
        if (j && !results.has(j.id)) results.set(j.id, stop ? STOPPED : `worker exited with ${signal ?? `status ${code}`}`);
        workers.set(w, undefined);
        if (--alive === 0) finish();
      });
      next(w);
    }
  });
}

async function coverageReport(dir: string): Promise<string[]> {
  const dats = (await readdir(dir)).filter((f) => f.endsWith('.dat') && f !== 'merged.dat').map((f) => join(dir, f));
  if (!dats.length) return ['no coverage data written'];
  const merged = join(dir, 'merged.dat');
  await execa('verilator_coverage', ['--write', merged, ...dats]);
  const ann = join(dir, 'annotated');
  await rm(ann, { recursive: true, force: true });
  const r = await execa('verilator_coverage', ['--annotate', ann, '--annotate-min', '1', merged], { reject: false });
  await execa('verilator_coverage', ['--write-info', join(dir, 'merged.info'), merged], { reject: false });
  return [
    `Verilator line/toggle coverage (annotated sources in ${ann}):`,
    ...`${r.stdout}\n${r.stderr}`
      .trim()
      .split('\n')
      .map((l) => `  ${l}`),
  ];
}

async function main(o: Opts): Promise<number> {
  const configs = o.matrix ? matrixNames() : o.config.split(',');
  for (const c of configs) namedConfig(c);
  // A bad capture is reported before anything is built.
  const pcapFrames = o.pcap ? readPcap(await readFile(o.pcap)).packets.length : 0;
  const t0 = performance.now();

  if (o.wave) {
    const cfg = namedConfig(configs[0]!);
    const dir = join(REPO, 'build', 'wave');
    await mkdir(dir, { recursive: true });
    const frames = Math.min(o.frames, 400);
    const script = randomScript(o.seed, cfg, { frames, directed: true });
    const r = await traceRun({ cfg, configName: configs[0]!, seed: o.seed, frames, script, provider: topProvider }, join(dir, 'nvgre_rx.fst'));
    process.stdout.write(`wrote ${r.fst} (${r.cycles} cycles, ${frames} frames)\n      ${r.gtkw}\nopen with: gtkwave ${r.fst} ${r.gtkw}\n`);
    return 0;
  }

  const covDir = join(REPO, 'build', 'coverage');
  if (o.coverage) {
    await rm(covDir, { recursive: true, force: true });
    await mkdir(covDir, { recursive: true });
  }
  // Build every model before the workers start, so that the bar shows simulation only.
  for (const c of configs) {
    const tb = performance.now();
    const { model } = await topProvider.model(namedConfig(c), { coverage: o.coverage });
    process.stdout.write(
      `model ${c}${o.coverage ? ' (coverage)' : ''}: ${model.cached ? 'cached' : `built in ${((performance.now() - tb) / 1000).toFixed(1)} s`}\n`,
    );
  }

  const jobs: Job[] = [];
  const perJob = Math.max(1, Math.ceil(o.frames / o.seeds));
  for (const c of configs) {
    for (let k = 0; k < (o.pcap ? 1 : o.seeds); k++) {
      const seed = o.seed + k;
      jobs.push({
        id: jobs.length,
        configName: c,
        seed,
        frames: perJob,
        pcap: o.pcap,
        coverageFile: o.coverage ? join(covDir, `${c}-seed${seed}.dat`) : undefined,
        payloadWhenValid: o.lenient,
      });
    }
  }
  const total = o.pcap ? pcapFrames * jobs.length : jobs.reduce((n, j) => n + j.frames, 0);
  const bar = new cliProgress.SingleBar(
    {
      format: 'sim [{bar}] {percentage}% | {value}/{total} frames | {cycles} cycles | {fps} frames/s | {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const progress = new Map<number, { frames: number; cycles: number }>();
  const tSim = performance.now();
  bar.start(total || 1, 0, { cycles: 0, fps: 0 });
  const update = (): void => {
    let f = 0;
    let c = 0;
    for (const p of progress.values()) {
      f += p.frames;
      c += p.cycles;
    }
    bar.update(Math.min(f, total || f), { cycles: c, fps: Math.round(f / ((performance.now() - tSim) / 1000)) });
  };
  const results = await runJobs(jobs, o.jobs, (id, frames, cycles) => {
    progress.set(id, { frames, cycles });
    update();
  });
  for (const j of jobs) {
    const r = results.get(j.id);
    if (r && typeof r !== 'string') progress.set(j.id, { frames: r.frames, cycles: r.cycles });
  }
  update();
  bar.stop();
  const simSeconds = (performance.now() - tSim) / 1000;

  // Summary.
  const rows: string[][] = [['config', 'seed', 'frames', 'records', 'cycles', 'seconds', 'frames/s', 'result']];
  let frames = 0;
  let records = 0;
  let cycles = 0;
  let failures = 0;
  const reports: string[] = [];
  const covByConfig = new Map<string, Coverage>();
  for (const j of jobs) {
    const r = results.get(j.id);
    if (r === STOPPED) {
      rows.push([j.configName, String(j.seed), '-', '-', '-', '-', '-', 'stopped']);
      continue;
    }
    if (!r || typeof r === 'string') {
      failures++;
      rows.push([j.configName, String(j.seed), '-', '-', '-', '-', '-', 'ERROR']);
      reports.push(`job ${j.configName} seed ${j.seed}: ${r ?? 'no result'}`);
      continue;
    }
    frames += r.stats.framesSent;
    records += r.records;
    cycles += r.cycles;
    const cov = covByConfig.get(j.configName) ?? new Coverage(namedConfig(j.configName));
    cov.merge(r.coverage);
    covByConfig.set(j.configName, cov);
    if (r.report) {
      failures++;
      reports.push(r.report);
    }
    rows.push([
      j.configName,
      String(j.seed),
      String(r.stats.framesSent),
      String(r.records),
      String(r.cycles),
      r.seconds.toFixed(1),
      String(Math.round(r.stats.framesSent / r.seconds)),
      r.report ? 'MISMATCH' : 'ok',
    ]);
  }
  rows.push([
    'total',
    `${jobs.length} jobs`,
    String(frames),
    String(records),
    String(cycles),
    simSeconds.toFixed(1),
    String(Math.round(frames / simSeconds)),
    failures ? `${failures} FAILED` : 'ok',
  ]);
  const out: string[] = ['', ...table(rows), ''];
  let holes = 0;
  for (const [name, cov] of covByConfig) {
    const bins = coverageBins(cov.cfg);
    out.push(`functional coverage, ${name} (frames per path of docs/CONTRACT.md sections 2-4; stim: cycles/events):`);
    out.push(...formatCoverage(cov.counts, bins));
    // A pcap replay covers what the capture holds; only generated runs must hit every bin.
    if (!o.pcap) holes += cov.holes().length;
    out.push('');
  }
  if (o.coverage) out.push(...(await coverageReport(covDir)), '');
  for (const r of reports) out.push(r, '');
  const wall = (performance.now() - t0) / 1000;
  out.push(
    failures
      ? `FAIL: ${failures} job(s) with a mismatch or error`
      : holes
        ? `FAIL: ${holes} coverage bin(s) never hit`
        : `PASS: ${frames} frames sent, ${records} records checked, ${cycles} cycles, every output compared on every cycle, no mismatch (${wall.toFixed(1)} s wall)`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return failures || holes ? 1 : 0;
}

const program = new Command()
  .name('run-sim')
  .description('lockstep co-simulation regression of the generated RTL against the cycle model and the reference engine')
  .addOption(new Option('--seed <n>', 'first seed').env('SEED').default(1).argParser(intArg(0)))
  .addOption(new Option('--seeds <n>', 'seeds (one job each) per configuration').env('SEEDS').default(4).argParser(intArg(1)))
  .addOption(new Option('--frames <n>', 'frames in total per configuration, split over the seeds').env('FRAMES').default(100_000).argParser(intArg(1)))
  .addOption(
    new Option('--config <names>', 'default, w<64|128|256|512>-<v6|v4>-<rk|ck|tk>, or a build-config .json; comma-separated').env('CONFIG').default('default'),
  )
  .addOption(new Option('--pcap <file>', 'replay a capture instead of random frames').env('PCAP'))
  .addOption(new Option('--jobs <n>', 'worker processes').env('JOBS').default(Math.min(2, availableParallelism())).argParser(intArg(1)))
  .option('--matrix', 'every width x IPv6 on/off x Toeplitz implementation', false)
  .option('--coverage', 'Verilator line/toggle coverage build; annotated output in build/coverage', false)
  .option('--wave', 'trace a short run into build/wave/nvgre_rx.fst with its .gtkw', false)
  .option('--lenient', 'compare payloads (meta tdata, rdata/rresp, bresp) only while their valid is high', false)
  // Strict comparison is the default now; the old flag is still accepted.
  .addOption(new Option('--strict', 'compare every output on every cycle (the default)').hideHelp());

program.parse();
const opts = program.opts<Opts>();
process.exitCode = await main(opts).catch(async (e: Error) => {
  await writeFile(join(REPO, 'build', 'sim-error.log'), e.stack ?? e.message).catch(() => undefined);
  process.stderr.write(`run-sim: ${e.message}\n`);
  return 2;
});
