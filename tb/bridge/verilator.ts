// SPDX-License-Identifier: MIT
// Builds a Verilated model with the generated harness, cached by content.
//
// The cache key hashes the Verilog sources' contents, the harness text, the flags and
// the Verilator version, so a second call with the same inputs returns at once, and any
// change rebuilds. Builds happen in a private directory renamed into place when done,
// under a lock directory, so parallel test files (vitest forks) never see a half-built
// model and never build the same model twice.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Module } from '../../gen/ir/module.ts';
import { generateHarness } from './harness-cpp.ts';
import { PortLayout } from './ports.ts';

export interface BuildOptions {
  /** A label for logs and error messages. */
  name: string;
  verilogFiles: string[];
  /** The top module's IR: its ports define the harness and the packed layout. */
  top: Module;
  /** Verilog name of the top module (default: top.name). */
  topName?: string;
  /** Build with FST tracing (`--trace-fst`), which SimProcess.trace needs. */
  trace?: boolean;
  /** Build with line/toggle coverage (`--coverage`); written by SimProcess.close. */
  coverage?: boolean;
  /** Cache root (default: build/models under the repository). */
  outDir?: string;
  /** Verilator flags after the defaults (gate netlists: `-fno-gate`, see docs/GLS.md). */
  extraFlags?: string[];
  /** C++ optimisation passed to make (default: OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O1). */
  makeFlags?: string;
  /**
   * Compile through ccache when it is installed (Verilator's OBJCACHE). Worth it for many
   * builds that differ in one module, with `-fno-inline` so that each module keeps C++
   * files of its own: a mutant then recompiles only the files of the module it changed.
   */
  objcache?: boolean;
}

export interface Model {
  name: string;
  topName: string;
  /** The cache directory of this build. */
  dir: string;
  /** The executable: the piped harness, or `binary --bench STIM OUT`. */
  binary: string;
  layout: PortLayout;
  trace: boolean;
  coverage: boolean;
  /** Whether this call found the model already built. */
  cached: boolean;
  /** Wall-clock seconds this call spent (building or waiting for another builder). */
  seconds: number;
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly logPath: string,
  ) {
    super(message);
  }
}

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_MODEL_DIR = join(REPO, 'build', 'models');

/**
 * Model code at -O3 (Verilator) and -O2 (C++); the runtime library and rarely run code
 * at -O1, which keeps first builds short on the 2-core CI without slowing the hot path.
 */
const MAKE_FLAGS = 'OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O1';
const BASE_FLAGS = ['--cc', '--exe', '--build', '-O3', '--x-assign', 'fast', '--x-initial', 'fast', '--noassert', '-Wno-fatal', '-j', '2'];

const LOCK_STALE_MS = 30 * 60_000;
const LOCK_POLL_MS = 150;

let versionCache: Promise<string> | undefined;

function run(cmd: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      res({ code, out: `${stdout}${stderr}${err && typeof err.code !== 'number' ? `\n${err.message}` : ''}` });
    });
  });
}

export function verilatorVersion(): Promise<string> {
  versionCache ??= run('verilator', ['--version']).then((r) => {
    if (r.code !== 0) throw new BuildError(`verilator not usable: ${r.out.trim().split('\n')[0]}`, '');
    return r.out.trim();
  });
  return versionCache;
}

/** The first line of a build log that names the problem (not make's summary of it). */
export function firstProblem(log: string): string {
  const lines = log.split('\n');
  const pick =
    lines.find((l) => /^%Error(-[A-Z0-9_]+)?: /.test(l) && !/^%Error: (make|Exiting|Command Failed)/.test(l)) ??
    lines.find((l) => /: (fatal )?error: /.test(l)) ??
    lines.find((l) => /undefined reference|^%Error/.test(l)) ??
    lines.find((l) => l.trim() !== '' && !l.startsWith('$ ')) ??
    'no output';
  return pick.trim().replace(/\s+/g, ' ').slice(0, 300);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the build lock of one cache entry; false when someone else holds it. */
async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), `${process.pid}\n`);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // A lock whose owner died (or that is absurdly old) is broken rather than waited on.
    const pid = Number((await readFile(join(lock, 'pid'), 'utf8').catch(() => '')).trim());
    const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if ((pid > 0 && !alive(pid)) || age > LOCK_STALE_MS || (!pid && age > 10_000)) await rm(lock, { recursive: true, force: true });
    return false;
  }
}

export async function buildModel(opts: BuildOptions): Promise<Model> {
  const t0 = performance.now();
  const topName = opts.topName ?? opts.top.name;
  const layout = PortLayout.of(opts.top);
  const harness = generateHarness(opts.top, topName);
  const flags = [...BASE_FLAGS, ...(opts.extraFlags ?? []), ...(opts.trace ? ['--trace-fst'] : []), ...(opts.coverage ? ['--coverage'] : [])];
  const makeFlags = opts.makeFlags ?? MAKE_FLAGS;
  const sources = await Promise.all(
    opts.verilogFiles.map(async (f, i) => ({ name: `${String(i).padStart(2, '0')}_${basename(f)}`, text: await readFile(f, 'utf8') })),
  );

  const h = createHash('sha256');
  // Coverage builds compile the user's files in place (see below), so their paths count.
  const where = opts.coverage ? opts.verilogFiles.map((f) => resolve(f)).join('\n') : '';
  for (const part of [await verilatorVersion(), flags.join(' '), makeFlags, topName, harness, where, ...sources.flatMap((s) => [s.name, s.text])]) {
    h.update(part).update('\0');
  }
  const key = h.digest('hex').slice(0, 20);
  const root = opts.outDir ?? DEFAULT_MODEL_DIR;
  const dir = join(root, `${opts.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${key}`);
  const binary = join(dir, 'obj', `V${topName}`);
  const model = (cached: boolean): Model => ({
    name: opts.name,
    topName,
    dir,
    binary,
    layout,
    trace: !!opts.trace,
    coverage: !!opts.coverage,
    cached,
    seconds: (performance.now() - t0) / 1000,
  });

  await mkdir(root, { recursive: true });
  const lock = `${dir}.lock`;
  let waited = false;
  for (;;) {
    if (existsSync(binary)) return model(!waited);
    if (await tryLock(lock)) break;
    waited = true;
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
  try {
    if (existsSync(binary)) return model(true);
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(join(tmp, 'src'), { recursive: true });
    // Compile private copies, so what is built is exactly what was hashed; except for
    // coverage, whose data names the sources it was built from and must name the user's.
    const copies = await Promise.all(
      sources.map(async (s) => {
        const p = join(tmp, 'src', s.name);
        await writeFile(p, s.text);
        return p;
      }),
    );
    const files = opts.coverage ? opts.verilogFiles.map((f) => resolve(f)) : copies;
    const main = join(tmp, 'src', 'harness.cpp');
    await writeFile(main, harness);
    const args = [...flags, '--top-module', topName, '--Mdir', join(tmp, 'obj'), '-MAKEFLAGS', makeFlags, main, ...files];
    const ccache = opts.objcache && (await run('ccache', ['--version'])).code === 0;
    const r = await run('verilator', args, tmp, ccache ? { ...process.env, OBJCACHE: 'ccache' } : undefined);
    const log = `$ verilator ${args.join(' ')}\n${r.out}`;
    await writeFile(join(tmp, 'build.log'), log);
    if (r.code !== 0 || !existsSync(join(tmp, 'obj', `V${topName}`))) {
      const failed = `${dir}.failed`;
      await rm(failed, { recursive: true, force: true });
      await rename(tmp, failed);
      const logPath = join(failed, 'build.log');
      // Name the user's files, not our private copies of them.
      let text = r.out;
      sources.forEach((s, i) => (text = text.replaceAll(join(tmp, 'src', s.name), opts.verilogFiles[i]!)));
      text = text.replaceAll(`${join(tmp, 'src')}/`, '');
      throw new BuildError(`verilator build of ${opts.name} failed: ${firstProblem(text)} (full log: ${logPath})`, logPath);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return model(false);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
