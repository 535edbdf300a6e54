// SPDX-License-Identifier: MIT
// The published Microsoft RSS vectors ("Verifying the RSS Hash Calculation") as the
// hasher block tests use them: hash inputs padded to the build's input width.

import { readFileSync } from 'node:fs';

export interface Vector {
  key: string;
  hash_with_ports: string;
  hash_addr_only: string;
  input_with_ports_hex: string;
  input_addr_only_hex: string;
  family: string;
}
export const VECTORS = JSON.parse(readFileSync(new URL('./vectors/ms-rss-vectors.json', import.meta.url), 'utf8')) as Vector[];

/** An input of `inBytes` bytes with `bytes` at its start, the rest zero. */
export function padded(bytes: Uint8Array, inBytes: number): Uint8Array {
  const out = new Uint8Array(inBytes);
  out.set(bytes.subarray(0, inBytes));
  return out;
}
