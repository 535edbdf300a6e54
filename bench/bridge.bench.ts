// SPDX-License-Identifier: MIT
// Cycles per second of a 2048-bit-input model driven through the bridge (TypeScript
// in the loop, batches over a pipe) against the same model's bare C++ loop
// (`model --bench`), on the same stimulus. Prints both, their ratio, and whether the
// outputs were identical (exit status 1 if not). Best of five runs each.
//
//   npx tsx bench/bridge.bench.ts [cycles] [batch]

import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { emitFixture, foldModule, writeFixture } from '../tb/bridge/fixtures.ts';
import { buildModel, DEFAULT_MODEL_DIR } from '../tb/bridge/verilator.ts';

// A million cycles: shared batch files cost page faults on first use, which short runs
// would mostly measure.
const cycles = Number(process.argv[2] ?? 1_000_000);
const batch = Number(process.argv[3] ?? 16_384);

const m = foldModule();
const model = await buildModel({ name: 'bench_fold', verilogFiles: [await writeFixture('bridge_fold.v', emitFixture(m))], top: m });
console.log(`model ${model.cached ? 'cached' : `built in ${model.seconds.toFixed(1)} s`}: ${model.binary}`);
const L = model.layout;

// Random data, built before timing starts: the comparison is of the two loops.
const stim = L.alloc(cycles);
let x = 0x12345678;
for (let i = 0; i < stim.length; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  stim[i] = x >>> 0;
}
const valid = L.slot('valid');
for (let c = 0; c < cycles; c++) stim[c * L.inWords + valid.offset] &= 1;
stim[L.slot('rst').offset] = 1;

const dir = join(DEFAULT_MODEL_DIR, '..', 'bench');
await mkdir(dir, { recursive: true });
const stimFile = join(dir, 'bridge-stim.bin');
const outFile = join(dir, 'bridge-out.bin');
await writeFile(stimFile, stim);
// Best of a few runs each: CI machines are shared, and the question is what each loop
// can do, not how often it was interrupted.
const ROUNDS = 5;
let bareRate = 0;
for (let i = 0; i < ROUNDS; i++) {
  const bare = await promisify(execFile)(model.binary, ['--bench', stimFile, outFile]);
  bareRate = Math.max(bareRate, Number(/cycles_per_s=(\d+)/.exec(bare.stdout)?.[1]));
}
const bareOut = new Uint32Array(new Uint8Array(await readFile(outFile)).buffer);

/** Cycles/s through the bridge, two batches in flight; checks the outputs against bare C++. */
async function viaBridge(transport: 'shm' | 'pipe'): Promise<{ rate: number; same: boolean }> {
  const sim = await SimProcess.start(model, { transport });
  const t0 = performance.now();
  const inFlight: Promise<Uint32Array>[] = [];
  const results: Uint32Array[] = [];
  for (let c = 0; c < cycles; c += batch) {
    inFlight.push(sim.run(stim.subarray(c * L.inWords, Math.min(cycles, c + batch) * L.inWords)));
    if (inFlight.length === 2) results.push(await inFlight.shift()!);
  }
  results.push(...(await Promise.all(inFlight)));
  const seconds = (performance.now() - t0) / 1000;
  await sim.close();
  let same = bareOut.length === cycles * L.outWords;
  let at = 0;
  for (const r of results) {
    for (let i = 0; i < r.length && same; i++) same = r[i] === bareOut[at + i];
    at += r.length;
  }
  return { rate: cycles / seconds, same };
}

const best = async (t: 'shm' | 'pipe'): Promise<{ rate: number; same: boolean }> => {
  let b = { rate: 0, same: true };
  for (let i = 0; i < ROUNDS; i++) {
    const r = await viaBridge(t);
    b = { rate: Math.max(b.rate, r.rate), same: b.same && r.same };
  }
  return b;
};
const shm = await best('shm');
const pipe = await best('pipe');
const same = shm.same && pipe.same;

await rm(stimFile, { force: true });
await rm(outFile, { force: true });

const fmt = (r: number): string => `${(r / 1e6).toFixed(2)} M cycles/s`;
console.log(`cycles ${cycles}, batch ${batch}, ${L.inWords} input words and ${L.outWords} output words per cycle`);
console.log(`bare C++ loop : ${fmt(bareRate)}`);
console.log(`bridge (TS)   : ${fmt(pipe.rate)} over the pipe (default), ${fmt(shm.rate)} over shm`);
console.log(`ratio         : ${(pipe.rate / bareRate).toFixed(2)} pipe / bare, ${(shm.rate / bareRate).toFixed(2)} shm / bare`);
console.log(`outputs       : ${same ? 'identical' : 'DIFFERENT'}`);
if (!same) process.exitCode = 1;
