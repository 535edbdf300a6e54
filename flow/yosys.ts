// SPDX-License-Identifier: MIT
// Runs yosys on a set of Verilog sources, cached by content.
//
// The cache key hashes the yosys version, the script and every source's name and text,
// so a repeated run (a second `make test`, the depth gate after `make synth`) costs a
// file read, and any change to the Verilog reruns it. Each run works in a private
// directory renamed into place when done, so parallel runs never see half a result.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DEFAULT_SYNTH_DIR = join(REPO, 'build', 'synth');

/** Verilog sources by file name (one module per file, named for the module). */
export type Sources = ReadonlyMap<string, string>;

export interface ToolRun {
  code: number;
  out: string;
  seconds: number;
}

export class FlowError extends Error {
  constructor(
    message: string,
    readonly logPath: string,
  ) {
    super(message);
  }
}

export function runTool(cmd: string, args: string[], cwd?: string, timeoutMs = 0): Promise<ToolRun> {
  const t0 = performance.now();
  return new Promise((res) => {
    execFile(cmd, args, { cwd, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      const extra = err && typeof err.code !== 'number' ? `\n${err.message}` : '';
      res({ code, out: `${stdout}${stderr}${extra}`, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

let versionCache: Promise<string> | undefined;
export function yosysVersion(): Promise<string> {
  versionCache ??= runTool('yosys', ['-V']).then((r) => {
    if (r.code !== 0) throw new FlowError(`yosys not usable: ${r.out.trim().split('\n')[0]}`, '');
    return r.out.trim();
  });
  return versionCache;
}

export interface YosysJob {
  /** Short label for messages, e.g. `default-nvgre_rx_vmq-lut6`. */
  label: string;
  sources: Sources;
  /** Commands run after the sources are read; `{dir}` is not needed: outputs land in cwd. */
  script: string[];
  /** Files the script writes (in its working directory) that the caller wants back. */
  outputs: string[];
  /** Extra text that changes the result without being in the script (e.g. a tool version). */
  salt?: string;
  cacheDir?: string;
}

export interface YosysResult {
  label: string;
  /** The full yosys command line that produced the result, for the docs. */
  command: string;
  /** Contents of the requested output files. */
  files: Map<string, string>;
  log: string;
  logPath: string;
  dir: string;
  cached: boolean;
  /** Wall-clock seconds of the yosys run (as recorded when it ran). */
  seconds: number;
}

/** The first error line of a yosys log. */
export function yosysProblem(log: string): string {
  const lines = log.split('\n');
  const pick = lines.find((l) => l.startsWith('ERROR')) ?? lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '';
  return pick.trim().slice(0, 300);
}

/** Which sources to read: sorted by name, so the script does not depend on map order. */
function sortedNames(sources: Sources): string[] {
  return [...sources.keys()].sort();
}

export async function runYosys(job: YosysJob): Promise<YosysResult> {
  const names = sortedNames(job.sources);
  const script = [`read_verilog ${names.join(' ')}`, ...job.script];
  const h = createHash('sha256');
  for (const part of [await yosysVersion(), job.salt ?? '', script.join('\n'), job.outputs.join(' ')]) h.update(part).update('\0');
  for (const n of names) h.update(n).update('\0').update(job.sources.get(n)!).update('\0');
  const key = h.digest('hex').slice(0, 20);
  const root = job.cacheDir ?? DEFAULT_SYNTH_DIR;
  // Named by the hash alone, so every caller with the same Verilog and script (the depth
  // test, `make synth`) shares one result whatever it calls the job.
  const dir = join(root, `ys-${key}`);
  const command = `yosys -p "${script.join('; ')}"`;
  const done = join(dir, 'result.json');

  const load = async (cached: boolean): Promise<YosysResult> => {
    const meta = JSON.parse(await readFile(done, 'utf8')) as { seconds: number };
    const files = new Map<string, string>();
    for (const o of job.outputs) files.set(o, await readFile(join(dir, o), 'utf8'));
    const logPath = join(dir, 'yosys.log');
    return { label: job.label, command, files, log: await readFile(logPath, 'utf8'), logPath, dir, cached, seconds: meta.seconds };
  };
  if (existsSync(done)) return load(true);

  await mkdir(root, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const n of names) await writeFile(join(tmp, n), job.sources.get(n)!);
  await writeFile(join(tmp, 'script.ys'), `${script.join('\n')}\n`);
  const r = await runTool('yosys', ['-q', '-l', 'yosys.log', '-s', 'script.ys'], tmp);
  const log = await readFile(join(tmp, 'yosys.log'), 'utf8').catch(() => r.out);
  const missing = job.outputs.filter((o) => !existsSync(join(tmp, o)));
  if (r.code !== 0 || missing.length > 0) {
    const failed = `${dir}.failed`;
    await rm(failed, { recursive: true, force: true });
    await writeFile(join(tmp, 'yosys.log'), `${log}\n${r.out}`);
    await rename(tmp, failed);
    const logPath = join(failed, 'yosys.log');
    throw new FlowError(`yosys ${job.label} failed: ${yosysProblem(`${r.out}\n${log}`)} (log: ${logPath})`, logPath);
  }
  await writeFile(join(tmp, 'result.json'), JSON.stringify({ label: job.label, seconds: r.seconds, command }));
  // Another process may have finished the same job first; its result is as good as ours.
  if (existsSync(done)) {
    await rm(tmp, { recursive: true, force: true });
    return load(true);
  }
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return load(false);
}

/** Run `f` over `xs` with at most `limit` in flight (yosys is single-threaded). */
export async function pool<T, R>(xs: readonly T[], f: (x: T) => Promise<R>, limit = availableParallelism()): Promise<R[]> {
  const out = new Array<R>(xs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await f(xs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, xs.length)) }, worker));
  return out;
}
