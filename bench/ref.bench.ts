// SPDX-License-Identifier: MIT
// Reference-engine speed: Toeplitz hashes/s (IPv4 and IPv6 4-tuples) and frames
// classified/s on an in-memory mixed capture, each beside the bit-serial oracle's figure.
// A benchmark, not a test: it prints figures and flags those under the floors.

import { DEFAULT_BUILD } from '../ref/build.ts';
import { RefEngine } from '../ref/engine.ts';
import { mulberry32 } from '../ref/packets/random.ts';
import { mixedCapture } from './mixed-capture.ts';
import { defaultProfile } from '../ref/profile.ts';
import { BitSerialToeplitz, type Toeplitz, ToeplitzHasher } from '../ref/toeplitz.ts';

const FLOOR_V4_HASHES = 10e6;
const FLOOR_FRAMES = 1e6;

/** Runs `batch` (which does `perBatch` operations) for about `seconds`, returns operations/s. */
function rate(seconds: number, perBatch: number, batch: () => number): number {
  let sink = 0;
  // Warm-up so the JIT has optimised the loop before timing starts.
  const warm = performance.now();
  while (performance.now() - warm < seconds * 200) sink ^= batch();
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    sink ^= batch();
    ops += perBatch;
    t = performance.now();
  }
  if (sink === 0.5) console.log('');
  return ops / ((t - t0) / 1000);
}

function hashRate(h: Toeplitz, inputLen: number, seconds: number): number {
  const n = 1024;
  const rnd = mulberry32(inputLen);
  const buf = Uint8Array.from({ length: n * inputLen }, () => Math.floor(rnd() * 256));
  return rate(seconds, n, () => {
    let x = 0;
    for (let i = 0, off = 0; i < n; i++, off += inputLen) x ^= h.hash(buf, off, inputLen);
    return x;
  });
}

function frameRate(engine: RefEngine, frames: Uint8Array[], seconds: number): number {
  return rate(seconds, frames.length, () => {
    let x = 0;
    for (let i = 0; i < frames.length; i++) x ^= engine.classify(frames[i]!).hash;
    return x;
  });
}

function fmt(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)} M/s` : `${(r / 1e3).toFixed(1)} k/s`;
}

const profile = defaultProfile();
const fast = new ToeplitzHasher(profile.key);
const serial = new BitSerialToeplitz(profile.key);
const frames = mixedCapture();

const rows: [string, number, number, number | undefined][] = [];
const v4Fast = hashRate(fast, 12, 1.5);
rows.push(['Toeplitz IPv4 4-tuple (12 B) hashes', v4Fast, hashRate(serial, 12, 0.5), FLOOR_V4_HASHES]);
rows.push(['Toeplitz IPv6 4-tuple (36 B) hashes', hashRate(fast, 36, 1.5), hashRate(serial, 36, 0.5), undefined]);
const eng = new RefEngine(profile, DEFAULT_BUILD);
const framesFast = frameRate(eng, frames, 2);
rows.push([`classify, mixed capture (${frames.length} frames)`, framesFast, frameRate(new RefEngine(profile, DEFAULT_BUILD, serial), frames, 1), FLOOR_FRAMES]);

let failed = false;
console.log('reference engine speed (table-driven vs bit-serial Toeplitz)');
for (const [name, f, s, floor] of rows) {
  const below = floor !== undefined && f < floor;
  failed ||= below;
  console.log(
    `  ${name.padEnd(48)} ${fmt(f).padStart(10)}   bit-serial ${fmt(s).padStart(10)}   x${(f / s).toFixed(1)}` +
      (floor !== undefined ? `   floor ${fmt(floor)}${below ? '  BELOW FLOOR' : ''}` : ''),
  );
}
if (failed) process.exitCode = 1;
