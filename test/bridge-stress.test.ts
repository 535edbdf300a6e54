// SPDX-License-Identifier: MIT
// The bridge under stress: many start / run / close cycles of several models at once,
// over both transports, while CPU-bound processes keep every core busy. A model process
// ends by itself right after answering the final request, so its exit and the last bytes
// on its stdout race each other; under load the exit used to be seen first and a clean
// close was reported as "model exited with status 0" (the flake of issue 13).

import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { counterReference, fixtureModel } from '../tb/bridge/fixtures.ts';
import type { Model } from '../tb/bridge/verilator.ts';

let counter: Model;
let widths: Model;
const burners: ChildProcess[] = [];

beforeAll(async () => {
  [counter, widths] = await Promise.all([fixtureModel('counter'), fixtureModel('widths')]);
  // One busy loop per core, ended by afterAll (and by itself after two minutes at most).
  for (let i = 0; i < cpus().length; i++) {
    burners.push(spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 120000) {}'], { stdio: 'ignore' }));
  }
});

afterAll(() => {
  for (const b of burners) b.kill('SIGKILL');
});

/** One model's life: start, a few short batches (some pipelined), check them, close. */
async function life(model: Model, transport: 'shm' | 'pipe', seed: number): Promise<number> {
  const sim = await SimProcess.start(model, { transport });
  const L = sim.layout;
  const n = 64 + (seed % 7) * 37;
  const ins = Array.from({ length: n }, (_, c) => ({ rst: c === 0 ? 1 : 0, en: (c * seed) % 5 !== 0 ? 1 : 0 }));
  const stim = L.alloc(n);
  if (model === counter) {
    ins.forEach((c, i) => {
      L.set(stim, i, 'rst', c.rst);
      L.set(stim, i, 'en', c.en);
    });
  } else {
    for (let i = 0; i < n; i++) L.set(stim, i, 'rst', i === 0 ? 1 : 0);
  }
  const half = n >> 1;
  const [a, b] = await Promise.all([sim.run(stim.subarray(0, half * L.inWords)), sim.run(stim.subarray(half * L.inWords))]);
  if (model === counter) {
    const want = counterReference(ins);
    for (let c = 1; c < n; c++) {
      const got = c < half ? L.getNum(a, c, 'count') : L.getNum(b, c - half, 'count');
      if (got !== want[c]!.count) throw new Error(`seed ${seed}, cycle ${c}: count ${got}, want ${want[c]!.count}`);
    }
  }
  await sim.close();
  return sim.cycle;
}

describe('bridge stress: start, run and close under a saturated CPU', () => {
  it('300 model lives, 6 at a time, both models, both transports, none lost', async () => {
    const lives = 300;
    let next = 0;
    let cycles = 0;
    const errors: string[] = [];
    const worker = async (): Promise<void> => {
      while (next < lives) {
        const k = next++;
        const model = k % 3 === 0 ? widths : counter;
        const transport = k % 2 === 0 ? 'shm' : 'pipe';
        try {
          const ran = await life(model, transport, k + 1);
          cycles += ran;
        } catch (e) {
          errors.push(`life ${k} (${model.name}, ${transport}): ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(errors).toEqual([]);
    expect(cycles).toBeGreaterThan(lives * 64);
  });
});
