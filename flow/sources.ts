// SPDX-License-Identifier: MIT
// Where the Verilog that the flow synthesises comes from: the checked-in rtl/ (the
// default build) or the generator run in memory for any configuration.

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import type { Sources } from './yosys.ts';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const RTL_DIR = join(REPO, 'rtl');
export const TOP_MODULE = 'nvgre_rx';

export async function rtlSources(dir = RTL_DIR): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.v')).sort()) out.set(f, await readFile(join(dir, f), 'utf8'));
  return out;
}

type GenerateAll = (cfg: BuildConfig) => Map<string, string> | Promise<Map<string, string>>;

/**
 * gen/build-all.ts's generateAll, when it exists. Loaded by path rather than imported,
 * so the flow (and its tests on rtl/) works before every generator has landed.
 */
export async function loadGenerator(): Promise<GenerateAll | undefined> {
  const p = join(REPO, 'gen', 'build-all.ts');
  if (!existsSync(p)) return undefined;
  const mod: unknown = await import(pathToFileURL(p).href);
  const f = (mod as { generateAll?: unknown }).generateAll;
  return typeof f === 'function' ? (f as GenerateAll) : undefined;
}

/** The Verilog of one build, keyed by file name (the generator's other outputs dropped). */
export async function generatedSources(cfg: BuildConfig): Promise<Map<string, string>> {
  const gen = await loadGenerator();
  if (!gen) throw new Error('gen/build-all.ts (generateAll) is not there yet: only rtl/ can be synthesised');
  const files = await gen(cfg);
  return new Map(
    [...files]
      .map(([f, v]) => [basename(f), v] as const)
      .filter(([f]) => f.endsWith('.v'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Module names, one per file; the top level last so tables read bottom-up. */
export function modulesOf(sources: Sources): string[] {
  const names = [...sources.keys()]
    .filter((f) => f.endsWith('.v'))
    .map((f) => f.slice(0, -2))
    .sort();
  return [...names.filter((n) => n !== TOP_MODULE), ...names.filter((n) => n === TOP_MODULE)];
}

export async function loadConfigFile(path: string | undefined): Promise<BuildConfig> {
  if (!path) return parseBuildConfig({});
  return parseBuildConfig(JSON.parse(await readFile(path, 'utf8')) as unknown);
}
