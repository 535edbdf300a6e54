// SPDX-License-Identifier: MIT
// The Toeplitz implementations side by side: area, depth and latency of the hasher alone,
// for IPv6 builds (36 input bytes) and IPv4-only builds (12), in its parallel form (one
// hash per cycle, what a 512-bit build uses) and its serial form at 64 bits (8 steps).

import { parseBuildConfig, type BuildConfig } from '../gen/config.ts';
import { emitModule } from '../gen/emit/verilog.ts';
import { toeplitzModule } from '../gen/blocks/toeplitz.ts';
import { toeplitzSerialModule } from '../gen/blocks/toeplitz-serial.ts';
import { markdownTable } from './table.ts';
import { synthModule, type AreaRow } from './synth.ts';

export const TOEPLITZ_VARIANTS = ['runtime-key', 'const-key'] as const satisfies readonly BuildConfig['toeplitz'][];

export interface ToeplitzRow {
  variant: BuildConfig['toeplitz'];
  /** 'parallel' or 'serial, N steps'. */
  form: string;
  inBytes: number;
  latency: number;
  area: AreaRow;
}

export async function compareToeplitz(): Promise<ToeplitzRow[]> {
  const rows: ToeplitzRow[] = [];
  for (const ipv6 of [true, false]) {
    for (const variant of TOEPLITZ_VARIANTS) {
      for (const serial of [false, true]) {
        const cfg = parseBuildConfig({ ipv6, toeplitz: variant });
        const h = serial ? toeplitzSerialModule(cfg) : { ...toeplitzModule(cfg), steps: 1 };
        const form = serial ? `serial, ${h.steps} steps` : 'parallel';
        const sources = new Map([
          [`${h.module.name}.v`, emitModule(h.module, { build: `toeplitz=${variant} ipv6=${ipv6} ${form}`, generator: 'gen/blocks/toeplitz*.ts' })],
        ]);
        const area = await synthModule(`toeplitz-${variant}-${ipv6 ? 'v6' : 'v4'}${serial ? '-serial' : ''}`, sources, h.module.name);
        rows.push({ variant, form, inBytes: ipv6 ? 36 : 12, latency: h.latency, area });
      }
    }
  }
  return rows;
}

export function toeplitzTable(rows: ToeplitzRow[]): string {
  return markdownTable(
    ['implementation', 'form', 'input bytes', 'latency (cycles)', 'LUT6 levels', 'LUT6 (generic)', 'xc7 LUTs', 'xc7 FFs', 'ice40 LUT4', 'ice40 FFs'],
    rows.map((r) => [r.variant, r.form, r.inBytes, r.latency, r.area.depth.length, r.area.lut6, r.area.xcLuts, r.area.xcFfs, r.area.iceLuts, r.area.iceFfs]),
  );
}
