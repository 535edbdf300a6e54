// SPDX-License-Identifier: MIT
// Shared by the block tests: build one generated block as a Verilated model (cached under
// build/ by content through tb/bridge/verilator.ts) and a seeded random source.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBuild, type BuildConfig } from '../gen/config.ts';
import { emitModule } from '../gen/emit/verilog.ts';
import type { Module } from '../gen/ir/module.ts';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { buildModel } from '../tb/bridge/verilator.ts';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

export async function startBlock(cfg: BuildConfig, m: Module): Promise<SimProcess> {
  const text = emitModule(m, { build: describeBuild(cfg), generator: 'nvgre-rx gen' });
  const dir = join(REPO, 'build', 'blocks', createHash('sha256').update(text).digest('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${m.name}.v`);
  writeFileSync(file, text);
  const model = await buildModel({ name: m.name, verilogFiles: [file], top: m });
  return SimProcess.start(model);
}

/** Deterministic xorshift32, so a failure reproduces from its seed. */
export function rng(seed: number): {
  u32: () => number;
  int: (n: number) => number;
  big: (bits: number) => bigint;
  chance: (p: number) => boolean;
  bytes: (n: number) => Uint8Array;
} {
  let x = seed >>> 0 || 1;
  const u32 = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
  const big = (bits: number): bigint => {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(u32());
    return v & ((1n << BigInt(bits)) - 1n);
  };
  return {
    u32,
    int: (n) => u32() % n,
    big,
    chance: (p) => u32() / 2 ** 32 < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => u32() & 0xff),
  };
}

/** Bytes as a big-endian number: byte 0 in the most significant bits. */
export function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
