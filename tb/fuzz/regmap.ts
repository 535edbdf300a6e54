// SPDX-License-Identifier: MIT
// The register map as documented (gen/regmap.ts, docs/ARCHITECTURE.md) turned into an
// oracle for the hostile-register tests (AXI4-Lite misuse, reset): every mapped word
// with its access, documented reset value, stored bits and clamp, and what a write of
// some data with some strobes leaves in it. Independent of the CSR cycle model.

import type { BuildConfig } from '../../gen/config.ts';
import { fieldMask, regmap, type RegmapExtras } from '../../gen/regmap.ts';

export interface DocWord {
  name: string;
  access: 'RO' | 'RW';
  reset: number;
  /** Bits that are stored; the others read 0. */
  mask: number;
  clamp?: { min: number; max: number };
}

/** Word address -> documented word, for every mapped word of a build. */
export function documentedWords(cfg: BuildConfig, extras: RegmapExtras): Map<number, DocWord> {
  const m = regmap(cfg, extras);
  const out = new Map<number, DocWord>();
  for (const r of m.regs) {
    for (let k = 0; k < r.count; k++) {
      out.set(r.offset + k * r.stride, {
        name: r.count > 1 ? `${r.name}[${k}]` : r.name,
        access: r.access,
        reset: r.reset(k) >>> 0,
        mask: fieldMask(r.fields),
        clamp: r.clamp,
      });
    }
  }
  for (let f = 0; f < m.filter.count; f++) {
    for (const w of m.filter.words)
      out.set(m.filter.offset + f * m.filter.stride + 4 * w.word, { name: `FILTER[${f}].${w.name}`, access: 'RW', reset: 0, mask: fieldMask(w.fields) });
  }
  return out;
}

/** What an RW word holds after a write of `data` with `strb`: byte lanes, then clamp, then mask. */
export function storedValue(d: DocWord, old: number, data: number, strb: number): number {
  let v = 0;
  for (let l = 0; l < 4; l++) v |= ((strb >> l) & 1 ? data : old) & (0xff << (8 * l));
  v >>>= 0;
  if (d.clamp) v = Math.min(Math.max(v, d.clamp.min), d.clamp.max);
  return (v & d.mask) >>> 0;
}
