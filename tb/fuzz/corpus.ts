// SPDX-License-Identifier: MIT
// The fuzz corpus: one small JSON file per interesting frame in test/corpus/ (a new
// coverage feature or a mismatch), replayed by `make test` (test/fuzz-corpus.test.ts).
// A long constant tail (an oversize frame) is stored as a fill rather than as hex.
//
//   { "config": "default", "profile": "window-64", "macError": false,
//     "reason": "new: path window-64: ...", "ops": ["gre flags=0x40", "truncate 37"],
//     "hex": "0200...", "fill": { "length": 9018, "byte": 0 } }

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzFrame } from './mutate.ts';

export interface CorpusEntry {
  /** Build configuration name (tb/lockstep/regress-configs.ts namedConfig). */
  config: string;
  /** Control profile (tb/fuzz/profiles.ts). */
  profile: string;
  macError: boolean;
  /** Why it was kept: "new: <feature>" or "mismatch: <signal/fields>". */
  reason: string;
  ops: string[];
  hex: string;
  fill?: { length: number; byte: number };
}

export const CORPUS_DIR = join(import.meta.dirname, '..', '..', 'test', 'corpus');
const MIN_FILL = 64;

export function entryFrame(e: CorpusEntry): FuzzFrame {
  const head = Uint8Array.from(Buffer.from(e.hex, 'hex'));
  if (!e.fill) return { data: head, macError: e.macError };
  const data = new Uint8Array(Math.max(head.length, e.fill.length)).fill(e.fill.byte);
  data.set(head);
  return { data, macError: e.macError };
}

export function toEntry(f: FuzzFrame, meta: Omit<CorpusEntry, 'hex' | 'fill' | 'macError'>): CorpusEntry {
  const d = f.data;
  let i = d.length;
  while (i > 0 && d[i - 1] === d[d.length - 1]) i--;
  const e: CorpusEntry = { ...meta, macError: f.macError, hex: '' };
  if (d.length - i >= MIN_FILL) {
    e.hex = Buffer.from(d.subarray(0, i)).toString('hex');
    e.fill = { length: d.length, byte: d[d.length - 1]! };
  } else e.hex = Buffer.from(d).toString('hex');
  return e;
}

/** Content name: the same frame under the same configuration and profile is stored once. */
export function entryName(e: CorpusEntry): string {
  const kind = e.reason.startsWith('mismatch') ? 'mismatch' : 'cov';
  const h = createHash('sha1')
    .update(`${e.config}|${e.profile}|${e.macError}|${e.hex}|${e.fill?.length ?? 0}|${e.fill?.byte ?? 0}`)
    .digest('hex');
  return `${kind}-${e.config}-${h.slice(0, 12)}.json`;
}

export function isEntry(x: unknown): x is CorpusEntry {
  const e = x as CorpusEntry;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.config === 'string' &&
    typeof e.profile === 'string' &&
    typeof e.macError === 'boolean' &&
    typeof e.reason === 'string' &&
    Array.isArray(e.ops) &&
    typeof e.hex === 'string' &&
    /^([0-9a-f]{2})*$/.test(e.hex) &&
    (e.fill === undefined || (Number.isInteger(e.fill.length) && Number.isInteger(e.fill.byte)))
  );
}

export function loadCorpus(dir = CORPUS_DIR): { name: string; entry: CorpusEntry }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((name) => {
      const x: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      if (!isEntry(x)) throw new Error(`${join(dir, name)}: not a corpus entry`);
      return { name, entry: x };
    });
}

/** Writes the entry unless the same one exists; returns its file name. */
export function saveEntry(e: CorpusEntry, dir = CORPUS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const name = entryName(e);
  const path = join(dir, name);
  if (!existsSync(path)) writeFileSync(path, `${JSON.stringify(e, null, 1)}\n`);
  return name;
}
