// SPDX-License-Identifier: MIT
// The GTKWave save file generated from the top module's IR: every block has its group,
// traces are the design's own hierarchical names, enumerations get translate filters
// whose values are the record's encodings.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../gen/config.ts';
import { topModule } from '../gen/top.ts';
import { HASH_TYPE } from '../ref/hash-types.ts';
import { ENCAPS, HASH_INPUTS } from '../ref/record.ts';
import { GROUPS, gtkwText, tracesOf, translateFilters } from '../tb/waves/gtkw.ts';

describe('waves: .gtkw from the IR', () => {
  const top = topModule(DEFAULT_CONFIG).module;
  const groups = tracesOf(top);

  it('groups every block (input stream, parser, RSS, VMQ, metadata, CSR) and names traces by hierarchy', () => {
    for (const g of GROUPS.filter((x) => x !== 'top')) expect([g, groups.get(g)!.length > 0]).toEqual([g, true]);
    const all = [...groups.values()].flat();
    expect(new Set(all.map((t) => t.path)).size).toBe(all.length);
    expect(all.map((t) => t.path)).toContain(`TOP.nvgre_rx.s_axis_tdata[${DEFAULT_CONFIG.dataWidth - 1}:0]`);
    expect(groups.get('CSR')!.some((t) => t.path.startsWith('TOP.nvgre_rx.csr_inst.'))).toBe(true);
    expect(groups.get('VMQ')!.some((t) => t.path.startsWith('TOP.nvgre_rx.vmq_inst.'))).toBe(true);
  });

  it('uses translate filters only on multi-bit enumerations, with the record encodings', () => {
    const filtered = [...groups.values()].flat().filter((t) => t.filter);
    expect(filtered.length).toBeGreaterThan(0);
    for (const t of filtered) expect(t.width).toBeGreaterThan(1);
    expect(filtered.map((t) => t.filter)).toEqual(expect.arrayContaining(['encap.txt', 'hash_input.txt', 'hash_type.txt']));
    const f = translateFilters();
    expect(f.get('encap.txt')).toEqual(ENCAPS.map((e, i) => `${i} ${e}`));
    expect(f.get('hash_input.txt')).toContain(`${HASH_INPUTS.indexOf('inner-4tuple')} inner-4tuple`);
    expect(f.get('hash_type.txt')).toContain(`${HASH_TYPE.UDP_IPV6} UDP_IPV6`);
    const text = gtkwText(top, 'build/wave/x.fst', 'build/wave/filters');
    expect(text).toMatch(/\^1 \S+encap\.txt\n@2024\n\S+encap\[2:0\]/);
    expect(text).toContain('@800200\n-parser');
  });
});
