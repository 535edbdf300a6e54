// SPDX-License-Identifier: MIT
// Model builds and the process around the simulation: the build cache, compile errors,
// FST tracing, the bare C++ bench mode, and a model that dies or hangs.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimProcess } from '../tb/bridge/sim-process.ts';
import { counterModule, counterReference, emitFixture, fixtureModel, widthsModule, writeFixture } from '../tb/bridge/fixtures.ts';
import { generateHarness } from '../tb/bridge/harness-cpp.ts';
import { buildModel, BuildError, DEFAULT_MODEL_DIR, type Model } from '../tb/bridge/verilator.ts';

const WORK = join(DEFAULT_MODEL_DIR, '..', 'bridge-test', String(process.pid));
const sims: SimProcess[] = [];
let counterTrace: Model;
let widths: Model;

beforeAll(async () => {
  await mkdir(WORK, { recursive: true });
  [counterTrace, widths] = await Promise.all([fixtureModel('counter', { trace: true }), fixtureModel('widths')]);
});

afterAll(async () => {
  for (const s of sims) s.kill();
  await rm(WORK, { recursive: true, force: true });
});

async function start(m: Model, opts: Parameters<typeof SimProcess.start>[1] = {}): Promise<SimProcess> {
  const s = await SimProcess.start(m, opts);
  sims.push(s);
  return s;
}

/** The start and end times in an FST file's header block (big-endian, after tag and length). */
function fstTimes(file: string): { start: bigint; end: bigint } {
  const b = readFileSync(file);
  expect(b[0]).toBe(0); // FST_BL_HDR
  return { start: b.readBigUInt64BE(9), end: b.readBigUInt64BE(17) };
}

describe('buildModel', () => {
  it('finds a built model in the cache on the second call', async () => {
    const again = await fixtureModel('widths');
    expect(again.cached).toBe(true);
    expect(again.dir).toBe(widths.dir);
    expect(again.seconds).toBeLessThan(2);
    expect(existsSync(join(again.dir, 'build.log'))).toBe(true);
  });

  it('builds once when two callers want the same new model at the same time', async () => {
    const m = counterModule();
    const file = await writeFixture('bridge_counter.v', emitFixture(m));
    const outDir = join(WORK, 'models');
    const [a, b] = await Promise.all([0, 1].map(() => buildModel({ name: 'race', verilogFiles: [file], top: m, outDir })));
    expect(a!.binary).toBe(b!.binary);
    expect(existsSync(a!.binary)).toBe(true);
    // Only the finished model is left: no lock, no private build directory.
    expect(await readdir(outDir)).toEqual([basename(a!.dir)]);
    const sim = await start(a!);
    const out = await sim.run(a!.layout.alloc(5));
    expect(out.length).toBe(5 * a!.layout.outWords);
    await sim.close();
  });

  it('answers broken Verilog with one line naming the problem and the log path', async () => {
    const m = counterModule();
    const text = emitFixture(m).replace('assign count = count_reg;', 'assign count = count_reg +;');
    const file = await writeFixture('bridge_counter_broken.v', text);
    const err = await buildModel({ name: 'broken', verilogFiles: [file], top: m }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    const msg = (err as BuildError).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/^verilator build of broken failed: %Error: .*\/build\/fixtures\/bridge_counter_broken\.v:\d+:\d+: .*\(full log: .*build\.log\)$/);
    const log = (err as BuildError).logPath;
    expect(msg).toContain(log);
    expect(await readFile(log, 'utf8')).toContain('%Error');
  });

  it('reports a model whose ports do not match the Verilog', async () => {
    const m = counterModule();
    m.input('missing', 3);
    const file = await writeFixture('bridge_counter.v', emitFixture(counterModule()));
    await expect(buildModel({ name: 'mismatch', verilogFiles: [file], top: m })).rejects.toThrow(
      /failed: harness.cpp:\d+:\d+: error: .*has no member named .missing. \(full log: /,
    );
  });
});

describe('harness', () => {
  it('uses the Verilator storage class of each width', () => {
    const h = generateHarness(widthsModule());
    expect(h).toContain('#include "Vbridge_widths.h"');
    expect(h).toMatch(/top->p1 = \(w\[1\] & 0x1u\);/);
    expect(h).toMatch(/top->p33 = \(QData\)w\[2\] \| \(\(QData\)\(w\[3\] & 0x1u\) << 32\);/);
    expect(h).toMatch(/std::memcpy\(top->p2048\.data\(\), w \+ 6, 256\);/);
    expect(h).toMatch(/std::memcpy\(w \+ 5, top->q2048\.data\(\), 256\);/);
  });

  it('gives the same outputs in bare C++ bench mode as through the bridge', async () => {
    const L = widths.layout;
    const n = 4000;
    const stim = L.alloc(n);
    let x = 99;
    for (let i = 0; i < stim.length; i++) stim[i] = x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // Keep each port's unused top bits clear, as PortLayout.set would.
    for (let c = 0; c < n; c++) for (const s of L.inputs) stim[c * L.inWords + s.offset + s.words - 1]! &= s.topMask;
    const sim = await start(widths);
    const piped = await sim.run(stim);
    await sim.close();
    const stimFile = join(WORK, 'stim.bin');
    const outFile = join(WORK, 'out.bin');
    await writeFile(stimFile, stim);
    const r = await promisify(execFile)(widths.binary, ['--bench', stimFile, outFile]);
    expect(r.stdout).toMatch(new RegExp(`^cycles=${n} seconds=[0-9.]+ cycles_per_s=\\d+\\n$`));
    const bare = new Uint32Array(new Uint8Array(await readFile(outFile)).buffer);
    expect(bare.length).toBe(piped.length);
    expect(Buffer.compare(Buffer.from(bare.buffer), Buffer.from(piped.buffer))).toBe(0);
  });
});

describe('tracing', () => {
  it('writes an FST covering exactly the requested window, twice in one run', async () => {
    const sim = await start(counterTrace);
    const L = sim.layout;
    const stim = L.alloc(100);
    L.set(stim, 0, 'rst', 1);
    for (let c = 1; c < 100; c++) L.set(stim, c, 'en', 1);
    const a = join(WORK, 'a.fst');
    const b = join(WORK, 'b.fst');
    await sim.trace(a, 10, 20);
    const out = await sim.run(stim);
    await sim.trace(b, 150, 1000); // still open at close()
    await sim.run(stim.subarray(0, 60 * L.inWords));
    await sim.close();
    // 10 ns per cycle at the fixture's 1 ps precision; the last dump is the rising edge.
    const P = 10_000n;
    expect(fstTimes(a)).toEqual({ start: 10n * P, end: 19n * P + P / 2n });
    expect(fstTimes(b)).toEqual({ start: 150n * P, end: 159n * P + P / 2n });
    // Tracing does not change what the model does.
    const want = counterReference(Array.from({ length: 100 }, (_, c) => ({ rst: c === 0 ? 1 : 0, en: c > 0 ? 1 : 0 })));
    for (let c = 1; c < 100; c++) expect(L.getNum(out, c, 'count')).toBe(want[c]!.count);
  });

  it('refuses a trace on a model built without trace support', async () => {
    const sim = await start(widths);
    await expect(sim.trace(join(WORK, 'x.fst'), 0, 10)).rejects.toThrow(/built without trace: true/);
    await sim.close();
  });
});

describe('coverage', () => {
  it('writes coverage data that names the original source at close()', async () => {
    const m = counterModule();
    const file = await writeFixture('bridge_counter.v', emitFixture(m));
    const model = await buildModel({ name: 'counter_cov', verilogFiles: [file], top: m, coverage: true });
    const dat = join(WORK, 'coverage.dat');
    const sim = await start(model, { coverageFile: dat });
    const stim = model.layout.alloc(50);
    model.layout.set(stim, 0, 'rst', 1);
    for (let c = 1; c < 50; c++) model.layout.set(stim, c, 'en', 1);
    await sim.run(stim);
    await sim.close();
    const text = await readFile(dat, 'utf8');
    expect(text).toMatch(/^# SystemC::Coverage/);
    expect(text).toContain(file);
    expect(text).toContain('TOP.bridge_counter');
  });
});

describe('a model process that fails', () => {
  it.each(['shm', 'pipe'] as const)('rejects pending and later runs with the exit reason when it is killed (%s)', async (transport) => {
    const sim = await start(widths, { transport });
    await sim.run(widths.layout.alloc(10));
    process.kill(sim.pid!, 'SIGKILL');
    await expect(sim.run(widths.layout.alloc(10))).rejects.toThrow(/model fixture_widths killed by SIGKILL/);
    await expect(sim.run(widths.layout.alloc(10))).rejects.toThrow(/killed by SIGKILL/);
  });

  it('times out instead of hanging when the model stops answering', async () => {
    const sim = await start(widths, { timeoutMs: 400 });
    process.kill(sim.pid!, 'SIGSTOP');
    const t0 = performance.now();
    await expect(sim.run(widths.layout.alloc(10))).rejects.toThrow(/no reply for 400 ms/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('does not start a model whose binary is missing', async () => {
    const ghost: Model = { ...widths, binary: join(WORK, 'no-such-model') };
    await expect(SimProcess.start(ghost)).rejects.toThrow(/cannot start .*no-such-model/);
  });
});
