// SPDX-License-Identifier: MIT
// Entry point of `make soak`. Knobs (environment): SOAK_FRAMES (default 10 000 000),
// SEED (default 1), CONFIG (a name of tb/lockstep/regress-configs.ts, default "default"; a comma
// list runs each in turn), SOAK_CHUNK (frames per generated chunk, default 20000).
// Progress on stderr; the summary on stdout; exit status 1 on any failure.

import cliProgress from 'cli-progress';
import { topProvider } from '../lockstep/top.ts';
import { namedConfig } from '../lockstep/regress-configs.ts';
import { runSoak, type SoakResult } from '../fuzz/soak.ts';

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`soak: ${name}=${v} is not a positive integer\n`);
    process.exit(2);
  }
  return n;
}

const frames = envInt('SOAK_FRAMES', 10_000_000);
const seed = envInt('SEED', 1);
const chunk = envInt('SOAK_CHUNK', 20_000);
const names = (process.env.CONFIG || 'default').split(',');
for (const n of names) {
  try {
    namedConfig(n);
  } catch (e) {
    process.stderr.write(`soak: ${(e as Error).message.split('\n')[0]}\n`);
    process.exit(2);
  }
}

function summary(r: SoakResult): string {
  const s = r.stats;
  return [
    `soak ${r.configName} seed ${r.seed}: ${r.failures.length ? 'FAILED' : 'ok'} in ${(r.seconds / 60).toFixed(1)} min, ${r.framesPerSecond.toFixed(0)} frames/s, ${(r.cycles / r.seconds / 1000).toFixed(0)} k cycles/s, ${r.cycles} cycles`,
    `  frames in ${r.framesIn} = records out ${r.recordsOut} + discarded by resets ${r.recordsLost}; frames cut by resets before tlast ${r.framesCut}`,
    `  faults: ${s.resets} mid-frame resets, ${s.rewritesBetween} CSR rewrites between frames, ${s.rewritesDuring} during frames, ${s.csrWrites} register writes, ` +
      `${s.framesSent} frames with ${s.gapCycles} valid gaps, ${s.metaStallCycles} meta stall cycles, ${s.treadyLowCycles} tready-low cycles`,
    `  counters: ${r.counterChecks} quiet counter reads equal to the testbench's counts, ${r.counterUnsettled} left unsettled by a reset (${r.counterReads} reads in all); peak heap ${r.peakHeapMB.toFixed(0)} MB`,
    ...r.failures.map((f) => `  FAILURE: ${f}`),
  ].join('\n');
}

let failed = false;
for (const configName of names) {
  const cfg = namedConfig(configName);
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: `soak ${configName} [{bar}] {percentage}% {value}/{total} frames, {rate} frames/s, ETA {eta_formatted}, heap {heap} MB`,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(frames, 0, { rate: 0, heap: 0 });
  let lastLine = 0;
  const r = await runSoak({
    cfg,
    configName,
    seed,
    frames,
    chunkFrames: chunk,
    provider: topProvider,
    onProgress: (p) => {
      const rate = (p.frames / p.seconds).toFixed(0);
      bar?.update(p.frames, { rate, heap: p.heapMB.toFixed(0) });
      if (!tty && p.seconds - lastLine >= 30) {
        lastLine = p.seconds;
        process.stderr.write(`soak ${configName}: ${p.frames}/${frames} frames, ${rate} frames/s, ${p.seconds.toFixed(0)} s, heap ${p.heapMB.toFixed(0)} MB\n`);
      }
    },
  });
  bar?.stop();
  console.log(summary(r));
  failed ||= r.failures.length > 0;
}
process.exitCode = failed ? 1 : 0;
