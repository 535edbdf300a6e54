// SPDX-License-Identifier: MIT
// Loading a directory of RTL for the regression: find its Verilog, elaborate the top and
// check its ports, build the Verilator model, ask it what build it is (tb/rtl-dir/caps.ts)
// and check the ports against that build. Every failure is one RtlDirError line.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, parseBuildConfig, type BuildConfig } from '../../gen/config.ts';
import { buildLine, resolveConfig, type Declared } from './caps.ts';
import type { TopProvider } from '../lockstep/regress.ts';
import {
  buildDirModel,
  checkPorts,
  slug,
  type DirBuildFlags,
  declaredModules,
  probeTop,
  RtlDirError,
  rtlDirProvider,
  TOP,
  verilogFiles,
  type RtlDir,
} from './dir-model.ts';

/** The config file a directory may hold beside its Verilog (a build configuration, JSON). */
export const CONFIG_FILE = 'nvgre_rx.config.json';

async function declaredConfig(dir: string, files: string[]): Promise<Declared | undefined> {
  const f = join(dir, CONFIG_FILE);
  if (existsSync(f)) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(f, 'utf8'));
    } catch (e) {
      throw new RtlDirError(`${f}: not JSON: ${(e as Error).message}`);
    }
    try {
      // Only the keys written count as claims; parsing checks them.
      parseBuildConfig(json);
    } catch (e) {
      if (e instanceof ConfigError) throw new RtlDirError(`${f}: ${e.message}`);
      throw e;
    }
    return { cfg: json as Partial<BuildConfig>, from: f };
  }
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    if (!declaredModules(text).includes(TOP)) continue;
    const cfg = buildLine(text);
    return cfg ? { cfg, from: `the Build: line of ${file}` } : undefined;
  }
  return undefined;
}

export interface LoadOptions {
  /** The build the directory must be (GLS netlists carry no header); checked against CAP_*. */
  cfg?: BuildConfig;
  /** Ignore a config file and Build: line: measure the FIFO depth (tests of the measurement). */
  measure?: boolean;
  /** Model cache label (default rtldir: the cache key is the content, so copies share builds). */
  label?: string;
  /** Verilator / C++ options (tb/rtl-dir/gls.ts passes lighter ones for gate netlists). */
  flags?: DirBuildFlags;
}

export async function loadRtlDir(dir: string, o: LoadOptions = {}): Promise<RtlDir> {
  const files = await verilogFiles(dir);
  const ports = await probeTop(dir, files);
  const declared = o.cfg || o.measure ? undefined : await declaredConfig(dir, files);
  // Ports first when the build is known: a wrong port list then costs no C++ build.
  if (o.cfg) checkPorts(dir, ports, o.cfg, 'the configuration asked for');
  else if (declared) checkPorts(dir, ports, parseBuildConfig(declared.cfg), declared.from);
  for (const need of ['clk', 'rst', 's_axil_araddr', 's_axil_arvalid', 's_axil_arready', 's_axil_rdata', 's_axil_rvalid', 's_axil_rready']) {
    if (!ports.some((p) => p.name === need))
      throw new RtlDirError(`RTL directory ${dir}: ${TOP} has no port ${need}, so its capability registers cannot be read`);
  }
  const label = o.label ?? 'rtldir';
  const model = await buildDirModel(dir, files, ports, label, false, o.flags);
  const r = await resolveConfig(model, declared, o.cfg);
  checkPorts(dir, ports, r.cfg, `the build its CAP_* registers report`);
  return { dir, files, ports, cfg: r.cfg, source: r.source, model, label, name: `rtl-${slug(dir)}`, flags: o.flags };
}

/**
 * For the command line (`classify --engine rtl --rtl DIR`): the directory's build and a
 * provider for runRegression; an RtlDirError becomes the caller's error type (its line).
 */
export async function loadRtlDirForCli(dir: string, asError: (message: string) => Error): Promise<{ cfg: BuildConfig; provider: TopProvider }> {
  try {
    const rd = await loadRtlDir(dir);
    return { cfg: rd.cfg, provider: rtlDirProvider(rd) };
  } catch (e) {
    if (e instanceof RtlDirError) throw asError(e.message);
    throw e;
  }
}
