// SPDX-License-Identifier: MIT
// The register map as JSON for tools (offsets, access, resets, fields), from gen/regmap.ts.

import { buildSummary, type BuildConfig } from '../config.ts';
import { regmap, type RegmapExtras } from '../regmap.ts';

export function regmapJson(cfg: BuildConfig, extras: RegmapExtras): string {
  const rm = regmap(cfg, extras);
  const doc = {
    // JSON has no comments: the licence is a key, as the other generated files carry it in a comment.
    'SPDX-License-Identifier': 'MIT',
    generator: 'nvgre-rx gen (gen/regmap.ts)',
    build: Object.fromEntries(buildSummary(cfg)),
    dataWidth: 32,
    addrWidth: 16,
    registers: rm.regs.map((r) => ({
      name: r.name,
      offset: r.offset,
      access: r.access,
      count: r.count,
      stride: r.stride,
      reset: Array.from({ length: r.count }, (_, i) => r.reset(i)).every((v, _, a) => v === a[0])
        ? r.reset(0)
        : Array.from({ length: r.count }, (_, i) => r.reset(i)),
      ...(r.clamp ? { clamp: r.clamp } : {}),
      fields: r.fields,
      doc: r.doc,
    })),
    filters: {
      offset: rm.filter.offset,
      stride: rm.filter.stride,
      count: rm.filter.count,
      access: 'RW',
      reset: 0,
      words: rm.filter.words.map((w) => ({ ...w, offset: 4 * w.word })),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
