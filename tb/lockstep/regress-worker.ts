// SPDX-License-Identifier: MIT
// A regression worker process: receives jobs from tb/cli/run-sim.ts over IPC, runs each
// with its own Verilated model process, reports progress and a serialisable result.

import { readFile } from 'node:fs/promises';
import { readPcap } from '../../ref/pcap/read.ts';
import { namedConfig } from './regress-configs.ts';
import { runRegression, type RunResult } from './regress.ts';
import { pcapScript } from '../stimulus/pcap.ts';
import { randomScript } from '../stimulus/random.ts';
import { topProvider } from './top.ts';

export interface Job {
  id: number;
  configName: string;
  seed: number;
  frames: number;
  pcap?: string;
  coverageFile?: string;
  payloadWhenValid?: boolean;
}

export type WorkerMessage =
  | { k: 'progress'; id: number; frames: number; cycles: number }
  | { k: 'done'; id: number; result: Omit<RunResult, 'mismatch' | 'records_'> }
  | { k: 'error'; id: number; message: string };

const send = (m: WorkerMessage): void => void process.send!(m);

export async function runJob(job: Job, onProgress: (frames: number, cycles: number) => void): Promise<Omit<RunResult, 'mismatch' | 'records_'>> {
  const cfg = namedConfig(job.configName);
  const script = job.pcap
    ? pcapScript(
        readPcap(await readFile(job.pcap)).packets.map((p) => p.data),
        cfg,
        job.seed,
      )
    : randomScript(job.seed, cfg, { frames: job.frames });
  const r = await runRegression({
    cfg,
    configName: job.configName,
    seed: job.seed,
    frames: job.frames,
    script,
    provider: topProvider,
    coverageBuild: job.coverageFile !== undefined,
    coverageFile: job.coverageFile,
    compare: { payloadWhenValid: job.payloadWhenValid },
    onProgress,
  });
  const { mismatch: _m, records_: _r, ...rest } = r;
  return rest;
}

if (process.send) {
  process.on('message', (job: Job) => {
    let last = 0;
    runJob(job, (frames, cycles) => {
      const now = Date.now();
      if (now - last > 200) {
        last = now;
        send({ k: 'progress', id: job.id, frames, cycles });
      }
    }).then(
      (result) => send({ k: 'done', id: job.id, result }),
      (e: Error) => send({ k: 'error', id: job.id, message: e.stack ?? e.message }),
    );
  });
}
