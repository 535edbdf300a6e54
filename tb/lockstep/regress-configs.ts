// SPDX-License-Identifier: MIT
// Named build configurations for the regression: "default", the matrix names
// w<width>-<v6|v4>-<rk|ck|tk> (data width, IPv6 on/off, runtime-key/const-key/tables
// Toeplitz; a trailing -s, the streaming parser, is accepted: it is the only parser), or a
// JSON file holding a build configuration.

import { readFileSync } from 'node:fs';
import { parseBuildConfig, type BuildConfig } from '../../gen/config.ts';

const MATRIX_RE = /^w(64|128|256|512)-(v6|v4)-(rk|ck|tk)(-s)?$/;

export function namedConfig(name: string): BuildConfig {
  if (name === 'default') return parseBuildConfig({});
  const m = MATRIX_RE.exec(name);
  if (m) {
    return parseBuildConfig({
      dataWidth: Number(m[1]),
      ipv6: m[2] === 'v6',
      toeplitz: m[3] === 'ck' ? 'const-key' : m[3] === 'tk' ? 'tables' : 'runtime-key',
    });
  }
  if (name.endsWith('.json')) return parseBuildConfig(JSON.parse(readFileSync(name, 'utf8')));
  throw new Error(`unknown configuration '${name}': use default, w<64|128|256|512>-<v6|v4>-<rk|ck|tk>, or a .json build configuration`);
}

/** Every data width x IPv6 on/off x Toeplitz implementation (streaming parser, the only one), then two key-table builds. */
export function matrixNames(): string[] {
  const out: string[] = [];
  for (const w of [64, 128, 256, 512]) for (const v of ['v6', 'v4']) for (const k of ['rk', 'ck']) out.push(`w${w}-${v}-${k}`);
  out.push('w64-v6-tk', 'w512-v4-tk');
  return out;
}
