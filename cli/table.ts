// SPDX-License-Identifier: MIT
// The --format table rendering of metadata records: one aligned row per frame.

import { hashTypeName } from '../ref/hash-types.ts';
import type { MetaRecord } from '../ref/record.ts';

const COLUMNS: readonly [string, (r: MetaRecord) => string][] = [
  ['frame', (r) => String(r.frame)],
  ['len', (r) => String(r.length)],
  ['encap', (r) => r.encap],
  // NVGRE's VSID or a VXLAN/GENEVE VNI (the same record field).
  ['vsid', (r) => (r.encap === 'none' || r.encap === 'gre' ? '-' : String(r.vsid))],
  ['flowid', (r) => (r.encap === 'nvgre' ? String(r.flowid) : '-')],
  ['hash', (r) => (r.hash_valid ? `0x${r.hash.toString(16).padStart(8, '0')}` : '-')],
  ['hash_type', (r) => (r.hash_valid ? (hashTypeName(r.hash_type) ?? String(r.hash_type)) : '-')],
  ['input', (r) => r.hash_input],
  ['rss_q', (r) => String(r.rss_queue)],
  ['vmq_q', (r) => String(r.vmq_queue)],
  ['filter', (r) => (r.vmq_hit ? String(r.vmq_filter) : '-')],
  ['inner', (r) => (r.inner_parsed ? 'yes' : 'no')],
  ['l3', (r) => String(r.outer_l3_offset)],
  ['il2', (r) => String(r.inner_l2_offset)],
  ['il3', (r) => String(r.inner_l3_offset)],
  ['il4', (r) => String(r.inner_l4_offset)],
  ['errors', (r) => (r.errors.length ? r.errors.join(',') : '-')],
];

/** Numbers align right, words left; the last column is not padded. */
export function formatTable(records: readonly MetaRecord[]): string[] {
  const rows = records.map((r) => COLUMNS.map(([, f]) => f(r)));
  const header = COLUMNS.map(([name]) => name);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^(\d+|-)$/.test(row[i]!)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}
