// SPDX-License-Identifier: MIT
// Small IR modules that exercise the bridge (port widths of every Verilator storage
// class, registered and combinational outputs, reset), each with the same behaviour
// written in TypeScript, for test/bridge-*.test.ts and bench/bridge.bench.ts.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emitModule } from '../../gen/emit/verilog.ts';
import { cat, lit, xorAll } from '../../gen/ir/expr.ts';
import { Module } from '../../gen/ir/module.ts';
import { buildModel, DEFAULT_MODEL_DIR, type Model } from './verilator.ts';

export const ADDER_WIDTH = 300;
const M300 = (1n << BigInt(ADDER_WIDTH)) - 1n;

/** sum <= a + b (mod 2^300) when en; reset to 0. eq = (a == b), combinational. */
export function adderModule(): Module {
  const m = new Module('bridge_adder', ['Registered 300-bit adder with enable (bridge test fixture).']);
  const en = m.input('en', 1);
  const a = m.input('a', ADDER_WIDTH);
  const b = m.input('b', ADDER_WIDTH);
  const sum = m.output('sum', ADDER_WIDTH);
  const eq = m.output('eq', 1);
  const r = m.reg('sum_reg', ADDER_WIDTH, 0);
  m.sync((s) => s.if(en, (t) => t.set(r, a.add(b))));
  m.assign(sum, r);
  m.assign(eq, a.eq(b));
  return m;
}

export interface AdderIn {
  rst: number;
  en: number;
  a: bigint;
  b: bigint;
}

/** Outputs of each cycle for the given inputs, from the first reset on. */
export function adderReference(ins: AdderIn[]): { sum: bigint; eq: number }[] {
  let sum = 0n;
  return ins.map((c) => {
    const out = { sum, eq: c.a === c.b ? 1 : 0 };
    if (c.rst) sum = 0n;
    else if (c.en) sum = (c.a + c.b) & M300;
    return out;
  });
}

/** A 16-bit counter with reset and enable; wrapped pulses for one cycle after 0xffff -> 0. */
export function counterModule(): Module {
  const m = new Module('bridge_counter', ['16-bit counter with synchronous reset and enable (bridge test fixture).']);
  const en = m.input('en', 1);
  const count = m.output('count', 16);
  const wrapped = m.output('wrapped', 1);
  const c = m.reg('count_reg', 16, 0);
  const w = m.reg('wrapped_reg', 1, 0);
  m.sync((s) => {
    s.set(w, en.and(c.eq(0xffff)));
    s.if(en, (t) => t.set(c, c.add(1)));
  });
  m.assign(count, c);
  m.assign(wrapped, w);
  return m;
}

export function counterReference(ins: { rst: number; en: number }[]): { count: number; wrapped: number }[] {
  let count = 0;
  let wrapped = 0;
  return ins.map((c) => {
    const out = { count, wrapped };
    if (c.rst) {
      count = 0;
      wrapped = 0;
    } else {
      wrapped = c.en && count === 0xffff ? 1 : 0;
      if (c.en) count = (count + 1) & 0xffff;
    }
    return out;
  });
}

const X64 = 0xdeadbeef01234567n;

/**
 * Ports of 1, 33, 64 and 2048 bits (CData, QData, QData, VlWide<64> in the model):
 * registered q1 = ~p1, q33 = p33 + 1, q64 = p64 ^ X64, q2048 = p2048 rotated left by one
 * byte; combinational c64 = p64 and c1 = p1 & p2048[2047] (seen in the same cycle).
 */
export function widthsModule(): Module {
  const m = new Module('bridge_widths', ['Ports of every Verilator storage class (bridge test fixture).']);
  const p1 = m.input('p1', 1);
  const p33 = m.input('p33', 33);
  const p64 = m.input('p64', 64);
  const p2048 = m.input('p2048', 2048);
  const q1 = m.reg('q1_reg', 1, 0);
  const q33 = m.reg('q33_reg', 33, 0);
  const q64 = m.reg('q64_reg', 64, 0);
  const q2048 = m.reg('q2048_reg', 2048, 0);
  m.sync((s) => {
    s.set(q1, p1.not());
    s.set(q33, p33.add(1));
    s.set(q64, p64.xor(lit(X64, 64)));
    s.set(q2048, cat(p2048.slice(2039, 0), p2048.slice(2047, 2040)));
  });
  m.assign(m.output('q1', 1), q1);
  m.assign(m.output('q33', 33), q33);
  m.assign(m.output('q64', 64), q64);
  m.assign(m.output('q2048', 2048), q2048);
  m.assign(m.output('c64', 64), p64);
  m.assign(m.output('c1', 1), p1.and(p2048.bit(2047)));
  return m;
}

export interface WidthsIn {
  rst: number;
  p1: number;
  p33: bigint;
  p64: bigint;
  p2048: bigint;
}
export interface WidthsOut {
  q1: number;
  q33: bigint;
  q64: bigint;
  q2048: bigint;
  c64: bigint;
  c1: number;
}

export function widthsReference(ins: WidthsIn[]): WidthsOut[] {
  let q = { q1: 0, q33: 0n, q64: 0n, q2048: 0n };
  const m2048 = (1n << 2048n) - 1n;
  return ins.map((c) => {
    const out = { ...q, c64: c.p64, c1: c.p1 & Number(c.p2048 >> 2047n) };
    q = c.rst
      ? { q1: 0, q33: 0n, q64: 0n, q2048: 0n }
      : {
          q1: c.p1 ^ 1,
          q33: (c.p33 + 1n) & ((1n << 33n) - 1n),
          q64: c.p64 ^ X64,
          q2048: ((c.p2048 << 8n) | (c.p2048 >> 2040n)) & m2048,
        };
    return out;
  });
}

/**
 * The benchmark's 2048-bit-input module: XOR-folds `data` to 32 bits over two register
 * stages (eight 256-bit slices, then their partial folds) and counts valid cycles.
 */
export function foldModule(): Module {
  const m = new Module('bridge_fold', ['XOR fold of a 2048-bit word to 32 bits over two stages (bridge benchmark fixture).']);
  const valid = m.input('valid', 1);
  const data = m.input('data', 2048);
  const parts = Array.from({ length: 8 }, (_, i) => {
    const r = m.reg(`part${i}_reg`, 32, 0);
    const words = Array.from({ length: 8 }, (_, j) => data.slice(256 * i + 32 * j + 31, 256 * i + 32 * j));
    m.sync((s) => s.set(r, xorAll(words)));
    return r;
  });
  const fold = m.reg('fold_reg', 32, 0);
  const count = m.reg('count_reg', 32, 0);
  m.sync((s) => {
    s.set(fold, xorAll(parts));
    s.if(valid, (t) => t.set(count, count.add(1)));
  });
  m.assign(m.output('fold', 32), fold);
  m.assign(m.output('count', 32), count);
  return m;
}

/** Emit `m` as the Verilog a fixture test compiles. */
export function emitFixture(m: Module): string {
  return emitModule(m, { build: 'bridge test fixture', generator: 'tb/bridge/fixtures.ts' });
}

/** Write build/fixtures/<file> atomically (parallel test files write the same files). */
export async function writeFixture(file: string, text: string): Promise<string> {
  const dir = join(DEFAULT_MODEL_DIR, '..', 'fixtures');
  await mkdir(dir, { recursive: true });
  const path = join(dir, file);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
  return path;
}

export const FIXTURES = { adder: adderModule, counter: counterModule, widths: widthsModule, fold: foldModule } as const;

/** Build (or find in the cache) the model of one fixture. */
export async function fixtureModel(kind: keyof typeof FIXTURES, opts: { trace?: boolean } = {}): Promise<Model> {
  const m = FIXTURES[kind]();
  const file = await writeFixture(`${m.name}.v`, emitFixture(m));
  return buildModel({ name: `fixture_${kind}${opts.trace ? '_trace' : ''}`, verilogFiles: [file], top: m, trace: !!opts.trace });
}
