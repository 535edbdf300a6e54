// SPDX-License-Identifier: MIT
// The project's depth rule: at most MAX_LUT_LEVELS LUT6 levels between registers, per
// module (`synth -top M -flatten -lut 6; ltp -noff`) and for the whole design
// (`synth -auto-top -flatten -lut 6; ltp -noff`).

import { describePath, type LongestPath } from './reports.ts';
import { modulesOf } from './sources.ts';
import { autoTopDepth, depthOf, MAX_LUT_LEVELS } from './synth.ts';
import { pool, type Sources } from './yosys.ts';

export interface DepthFinding {
  module: string;
  path: LongestPath;
  ok: boolean;
  /** One line: module, levels, the named nodes of the path. */
  text: string;
}

const finding = (module: string, path: LongestPath): DepthFinding => ({
  module,
  path,
  ok: path.length <= MAX_LUT_LEVELS,
  text: describePath(path),
});

export async function moduleDepths(label: string, sources: Sources, modules = modulesOf(sources)): Promise<DepthFinding[]> {
  return pool(modules, async (m) => finding(m, await depthOf(label, sources, m)));
}

export async function wholeDesignDepth(label: string, sources: Sources): Promise<DepthFinding> {
  const { path } = await autoTopDepth(label, sources);
  return finding(`${path.module} (auto-top)`, path);
}
