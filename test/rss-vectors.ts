// SPDX-License-Identifier: MIT
// The published Microsoft RSS vectors ("Verifying the RSS Hash Calculation") as the
// hasher block tests use them: hash inputs padded to the build's input width.

import { readFileSync } from 'node:fs';
import type { PortLayout } from '../tb/bridge/ports.ts';

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

/**
 * A key-word write on the hasher's cfg_* port in cycle `c`, and the key the hash must use
 * from then on (word indexes 10..15 name no key word: the block ignores them).
 */
export function keyWrite(L: PortLayout, stim: Uint32Array, c: number, k: number, word: number, key: Uint8Array): void {
  L.set(stim, c, 'cfg_wr_en', 1);
  L.set(stim, c, 'cfg_wr_index', k);
  L.set(stim, c, 'cfg_wr_data', word);
  if (k < 10) for (let j = 0; j < 4; j++) key[4 * k + j] = (word >>> (24 - 8 * j)) & 0xff;
}
