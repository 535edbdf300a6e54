// SPDX-License-Identifier: MIT
// Markdown tables of synthesis results, as docs/RESULTS.md and `make synth` show them.

import type { PnrResult } from './pnr.ts';
import type { AreaRow } from './synth.ts';

export function markdownTable(head: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const line = (r: string[]): string => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...cells.map(line)].join('\n');
}

const AREA_HEAD = [
  'module',
  'LUT6 levels',
  'LUT6 (generic)',
  'gates (generic)',
  'xc7 LUTs',
  'xc7 FFs',
  'xc7 BRAM36',
  'xc7 LUTRAM',
  'xc7 CARRY4',
  'ice40 LUT4',
  'ice40 FFs',
  'ice40 BRAM',
  'ice40 carry',
];

export function areaTable(rows: AreaRow[]): string {
  return markdownTable(
    AREA_HEAD,
    rows.map((r) => [
      r.module,
      r.depth.length,
      r.lut6,
      r.genericCells,
      r.xcLuts,
      r.xcFfs,
      r.xcBram36,
      r.xcLutram,
      r.xcCarry4,
      r.iceLuts,
      r.iceFfs,
      r.iceBram,
      r.iceCarry,
    ]),
  );
}

export function pnrTable(rs: PnrResult[]): string {
  const types = ['ICESTORM_LC', 'ICESTORM_RAM', 'SB_IO'];
  return markdownTable(
    ['device', 'fits', 'Fmax (MHz)', ...types],
    rs.map((r) => [
      r.device,
      r.fits ? 'yes' : 'no',
      r.fmaxMHz?.toFixed(1) ?? '-',
      ...types.map((t) => {
        const u = r.utilisation[t];
        return u ? `${u.used}/${u.available} (${Math.round((100 * u.used) / u.available)}%)` : '-';
      }),
    ]),
  );
}
