// SPDX-License-Identifier: MIT
// Simulate any directory of Verilog as the nvgre_rx top: a patched copy of the generated
// RTL, the copy inside an FPGA project, or a gate-level netlist (tb/rtl-dir/gls.ts).
//
// What is wrong with a directory is answered in one line naming it (no Verilog files, no
// top module, a compile error, ports that differ from what the testbench drives, build
// parameters that do not match its capability registers); Verilator's full output stays
// in a log file whose path the line gives. Verilator itself tells us the top's ports
// (`--xml-only` elaborates in about a second), so ANSI headers, old-style port lists
// (yosys netlists) and parameterised widths all work the same.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BuildConfig } from '../../gen/config.ts';
import { Module } from '../../gen/ir/module.ts';
import { topModule } from '../../gen/top.ts';
import type { TopProvider } from '../lockstep/regress.ts';
import { TopLockstep } from '../lockstep/top.ts';
import { BuildError, buildModel, DEFAULT_MODEL_DIR, firstProblem, type Model } from '../bridge/verilator.ts';

export const TOP = 'nvgre_rx';
export const RTL_DIR_BUILD = join(DEFAULT_MODEL_DIR, '..', 'rtl-dir');

/** Everything wrong with a directory, as one line (plus the log that has the details). */
export class RtlDirError extends Error {
  constructor(
    message: string,
    readonly logPath?: string,
  ) {
    super(message);
  }
}

export interface PortInfo {
  name: string;
  dir: 'input' | 'output';
  width: number;
}

const VERILOG = /\.(v|sv)$/;

/** The Verilog files of a directory (not its subdirectories), sorted. */
export async function verilogFiles(dir: string): Promise<string[]> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new RtlDirError(`RTL directory ${dir}: no such directory`);
  }
  if (!st.isDirectory()) throw new RtlDirError(`RTL directory ${dir}: not a directory`);
  const files = (await readdir(dir)).filter((f) => VERILOG.test(f)).sort();
  if (files.length === 0) throw new RtlDirError(`RTL directory ${dir}: no Verilog files (*.v, *.sv)`);
  return files.map((f) => join(dir, f));
}

/** Module names declared in some Verilog text (comments stripped first). */
export function declaredModules(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...code.matchAll(/^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)/gm)].map((m) => m[1]!);
}

/** Ports of the top module out of Verilator's XML (only the top's own <module> element). */
export function portsFromXml(xml: string, top = TOP): PortInfo[] {
  const start = xml.search(new RegExp(`<module [^>]*name="${top}"[^>]*topModule="1"`));
  if (start < 0) throw new Error(`no top module ${top} in the XML`);
  const end = xml.indexOf('</module>', start);
  const body = xml.slice(start, end);
  const widths = new Map<string, number>();
  for (const m of xml.matchAll(/<basicdtype [^>]*id="(\d+)"[^>]*?\/>/g)) {
    const l = /left="(-?\d+)"/.exec(m[0]);
    const r = /right="(-?\d+)"/.exec(m[0]);
    widths.set(m[1]!, l && r ? Math.abs(Number(l[1]) - Number(r[1])) + 1 : 1);
  }
  const ports: PortInfo[] = [];
  for (const m of body.matchAll(/<var [^>]*\/?>/g)) {
    const dir = /\bdir="(input|output|inout)"/.exec(m[0])?.[1];
    if (!dir) continue;
    const name = /\bname="([^"]+)"/.exec(m[0])![1]!;
    const dt = /\bdtype_id="(\d+)"/.exec(m[0])![1]!;
    const width = widths.get(dt);
    if (width === undefined) throw new RtlDirError(`port ${name} of ${top} is not a plain packed vector (unsupported type)`);
    if (dir === 'inout') throw new RtlDirError(`port ${name} of ${top} is an inout`);
    ports.push({ name, dir: dir as PortInfo['dir'], width });
  }
  return ports;
}

function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { cwd, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

export const slug = (dir: string): string =>
  resolve(dir)
    .split('/')
    .filter(Boolean)
    .slice(-2)
    .join('_')
    .replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * Elaborate the directory with `verilator --xml-only` and return the top's ports. The
 * top must be declared in one of its files; any elaboration error is one line.
 */
export async function probeTop(dir: string, files: string[]): Promise<PortInfo[]> {
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const mods = texts.flatMap((t) => declaredModules(t));
  if (!mods.includes(TOP)) {
    const found = mods.length ? `modules found: ${mods.slice(0, 8).join(', ')}${mods.length > 8 ? ', ...' : ''}` : 'no modules found';
    throw new RtlDirError(`RTL directory ${dir}: no module ${TOP} (the top level) in its ${files.length} Verilog file${files.length > 1 ? 's' : ''}; ${found}`);
  }
  const h = createHash('sha256');
  for (let i = 0; i < files.length; i++) h.update(files[i]!).update('\0').update(texts[i]!).update('\0');
  const work = join(RTL_DIR_BUILD, `probe-${slug(dir)}-${h.digest('hex').slice(0, 16)}`);
  const xmlPath = join(work, `V${TOP}.xml`);
  const logPath = join(work, 'probe.log');
  if (!existsSync(xmlPath)) {
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const args = ['--xml-only', '-Wno-fatal', '--top-module', TOP, '--Mdir', work, ...files.map((f) => resolve(f))];
    const r = await run('verilator', args);
    await writeFile(logPath, `$ verilator ${args.join(' ')}\n${r.out}`);
    if (r.code !== 0 || !existsSync(xmlPath)) {
      await rm(xmlPath, { force: true });
      throw new RtlDirError(`RTL directory ${dir} does not compile: ${firstProblem(r.out)} (full log: ${logPath})`, logPath);
    }
  }
  return portsFromXml(await readFile(xmlPath, 'utf8'));
}

/** The ports the testbench drives for a build: the generated top's. */
export function expectedPorts(cfg: BuildConfig): PortInfo[] {
  return topModule(cfg).module.ports.map((p) => ({ name: p.name, dir: p.kind as PortInfo['dir'], width: p.width }));
}

/** What differs between two port lists, as short phrases (empty: the same). */
export function portDiff(actual: readonly PortInfo[], expected: readonly PortInfo[]): string[] {
  const out: string[] = [];
  const got = new Map(actual.map((p) => [p.name, p]));
  const want = new Map(expected.map((p) => [p.name, p]));
  for (const e of expected) {
    const a = got.get(e.name);
    if (!a) out.push(`missing ${e.dir} ${e.name}${e.width > 1 ? ` [${e.width - 1}:0]` : ''}`);
    else if (a.dir !== e.dir) out.push(`${e.name} is an ${a.dir}, expected an ${e.dir}`);
    else if (a.width !== e.width) out.push(`${e.name} is ${a.width} bit${a.width > 1 ? 's' : ''}, expected ${e.width}`);
  }
  for (const a of actual) if (!want.has(a.name)) out.push(`unexpected ${a.dir} ${a.name}`);
  return out;
}

export function checkPorts(dir: string, actual: readonly PortInfo[], cfg: BuildConfig, why: string): void {
  const d = portDiff(actual, expectedPorts(cfg));
  if (d.length) {
    const more = d.length > 4 ? `; and ${d.length - 4} more` : '';
    throw new RtlDirError(`RTL directory ${dir}: ${TOP} ports differ from what the testbench expects (${why}): ${d.slice(0, 4).join('; ')}${more}`);
  }
}

/** An IR module with exactly these ports: all the harness generator needs. */
export function portsModule(ports: readonly PortInfo[]): Module {
  const m = new Module(TOP, [], { clock: false });
  for (const p of ports) p.dir === 'input' ? m.input(p.name, p.width) : m.output(p.name, p.width);
  return m;
}

/** Build the Verilator model of a directory (cached by content like every model). */
/** Verilator and C++ options for a directory's builds (gate netlists need lighter ones). */
export interface DirBuildFlags {
  extraFlags?: string[];
  makeFlags?: string;
  objcache?: boolean;
}

export async function buildDirModel(
  dir: string,
  files: string[],
  ports: readonly PortInfo[],
  label: string,
  trace = false,
  flags: DirBuildFlags = {},
): Promise<Model> {
  try {
    return await buildModel({ name: `${label}${trace ? '-trace' : ''}`, verilogFiles: files, top: portsModule(ports), topName: TOP, trace, ...flags });
  } catch (e) {
    if (e instanceof BuildError)
      throw new RtlDirError(`RTL directory ${dir} does not build: ${e.message.replace(/^verilator build of \S+ failed: /, '')}`, e.logPath);
    throw e;
  }
}

/** A directory, checked and built, with the build configuration it was found to be. */
export interface RtlDir {
  dir: string;
  files: string[];
  ports: PortInfo[];
  cfg: BuildConfig;
  /** Where each build parameter came from, for the run's summary line. */
  source: string;
  model: Model;
  /** Model cache label: the same Verilog shares one build whatever directory holds it. */
  label: string;
  /** The directory as a file-name-safe word (reports, waveform files). */
  name: string;
  flags?: DirBuildFlags;
}

/** The regression's TopProvider for a loaded directory (the generated top's IR names the waves). */
export function rtlDirProvider(rd: RtlDir): TopProvider {
  return {
    async model(cfg, opts) {
      if (cfg !== rd.cfg && JSON.stringify(cfg) !== JSON.stringify(rd.cfg))
        throw new Error(`RTL directory ${rd.dir} holds a different build than the one asked for`);
      const top = topModule(rd.cfg).module;
      if (opts.coverage) throw new RtlDirError(`coverage builds of an RTL directory are not offered (use the generated top)`);
      const model = opts.trace ? await buildDirModel(rd.dir, rd.files, rd.ports, rd.label, true, rd.flags) : rd.model;
      return { model, top };
    },
    cycleModel: (cfg) => new TopLockstep(cfg),
  };
}
