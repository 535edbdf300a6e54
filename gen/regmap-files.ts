// SPDX-License-Identifier: MIT
// The register map's derived files, written beside the Verilog by `nvgre-rx gen`.

import type { BuildConfig } from './config.ts';
import { regmapCHeader } from './outputs/c-header.ts';
import { regmapJson } from './outputs/json.ts';
import { regmapMarkdown } from './outputs/markdown.ts';
import { regmapTsModule } from './outputs/ts-module.ts';
import type { RegmapExtras } from './regmap.ts';

export function regmapFiles(cfg: BuildConfig, extras: RegmapExtras): Map<string, string> {
  return new Map([
    ['nvgre_rx_regs.h', regmapCHeader(cfg, extras)],
    ['nvgre_rx_regs.md', regmapMarkdown(cfg, extras)],
    ['nvgre_rx_regs.json', regmapJson(cfg, extras)],
    ['nvgre_rx_regs.ts', regmapTsModule(cfg, extras)],
  ]);
}
