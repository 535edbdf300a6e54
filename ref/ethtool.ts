// SPDX-License-Identifier: MIT
// The RSS configuration a Linux NIC reports with `ethtool -x IFACE` (text output), read
// into the parts a profile has: the Toeplitz key and the indirection table. What ethtool
// shows that the core has no counterpart for is refused or reported (docs/REFERENCE.md,
// "Profiles from ethtool"), never silently dropped.

import type { BuildParams } from './build.ts';

export class EthtoolError extends Error {
  override name = 'EthtoolError';
}

export interface EthtoolRss {
  /** "with N RX ring(s)" of the table header. */
  rings: number | undefined;
  table: number[];
  key: Uint8Array;
  /** Hash functions and their state ("toeplitz" -> true). */
  functions: Map<string, boolean>;
  /** Input transformations ("symmetric-xor" -> false). */
  transforms: Map<string, boolean>;
}

const TABLE_HEAD = /^RX flow hash indirection table for (\S+) with (\d+) RX ring\(s\):\s*$/;
const TABLE_ROW = /^\s*(\d+):((?:\s+\d+)+)\s*$/;
const KEY_BYTES = /^\s*[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*\s*$/;
const FLAG = /^\s+([\w-]+):\s+(on|off)\s*$/;

export function parseEthtoolX(text: string): EthtoolRss {
  const lines = text.split(/\r?\n/);
  let rings: number | undefined;
  const table: number[] = [];
  const keyHex: string[] = [];
  const functions = new Map<string, boolean>();
  const transforms = new Map<string, boolean>();
  let section: 'none' | 'table' | 'key' | 'functions' | 'transforms' = 'none';
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    const head = TABLE_HEAD.exec(line);
    if (head) {
      if (table.length) throw new EthtoolError(`${at}: a second indirection table (one RSS context at a time: give the output of "ethtool -x IFACE" alone)`);
      rings = Number(head[2]);
      section = 'table';
      return;
    }
    if (/^RSS hash key:\s*$/.test(line)) return void (section = 'key');
    if (/^RSS hash function:\s*$/.test(line)) return void (section = 'functions');
    if (/^RSS input transformation:\s*$/.test(line)) return void (section = 'transforms');
    if (line.trim() === '') return;
    if (section === 'table') {
      const row = TABLE_ROW.exec(line);
      if (!row) throw new EthtoolError(`${at}: not an indirection table row: "${line.trim()}"`);
      if (Number(row[1]) !== table.length) throw new EthtoolError(`${at}: row starts at entry ${row[1]}, expected ${table.length}`);
      table.push(...row[2]!.trim().split(/\s+/).map(Number));
    } else if (section === 'key') {
      if (!KEY_BYTES.test(line)) throw new EthtoolError(`${at}: the RSS hash key is not colon-separated hex bytes: "${line.trim()}"`);
      keyHex.push(...line.trim().split(':'));
    } else if (section === 'functions' || section === 'transforms') {
      const f = FLAG.exec(line);
      if (!f) throw new EthtoolError(`${at}: expected "name: on|off", got "${line.trim()}"`);
      (section === 'functions' ? functions : transforms).set(f[1]!, f[2] === 'on');
    } else {
      throw new EthtoolError(`${at}: not part of "ethtool -x" output: "${line.trim()}"`);
    }
  });
  if (table.length === 0) throw new EthtoolError('no indirection table (expected "RX flow hash indirection table for IFACE with N RX ring(s):")');
  if (keyHex.length === 0) throw new EthtoolError('no RSS hash key (expected "RSS hash key:" and its bytes)');
  return { rings, table, key: Uint8Array.from(keyHex, (h) => parseInt(h, 16)), functions, transforms };
}

/** Smallest power-of-two period of the table, if it repeats. */
function period(table: readonly number[]): number {
  for (let p = 1; p < table.length; p *= 2) if (table.every((q, i) => q === table[i % p])) return p;
  return table.length;
}

export interface EthtoolProfile {
  /** The profile JSON (docs/REFERENCE.md): key and indirection. */
  json: { key: string; indirection: number[] };
  /** What was adapted, one sentence each, for the user to read. */
  notes: string[];
}

/** The profile of an `ethtool -x` reading for a build, or an EthtoolError saying what does not fit. */
export function ethtoolProfile(rss: EthtoolRss, build: BuildParams): EthtoolProfile {
  const notes: string[] = [];
  const on = [...rss.functions].filter(([, v]) => v).map(([k]) => k);
  if (rss.functions.size > 0 && (on.length !== 1 || on[0] !== 'toeplitz')) {
    throw new EthtoolError(`the NIC hashes with ${on.length ? on.join(', ') : 'no function'}; the core computes Toeplitz only`);
  }
  const transforms = [...rss.transforms].filter(([, v]) => v).map(([k]) => k);
  if (transforms.length)
    throw new EthtoolError(`input transformation ${transforms.join(', ')} is on; the core hashes the fields as they are (no symmetric hashing)`);
  if (rss.key.length < 40) throw new EthtoolError(`the RSS hash key has ${rss.key.length} bytes; the core needs 40`);
  if (rss.key.length > 40) {
    // Toeplitz uses key bits up to input length + 32: 36-byte IPv6 4-tuples read the first 40 bytes only.
    notes.push(`the key has ${rss.key.length} bytes; the first 40 are kept (the longest hash input, an IPv6 4-tuple, uses no more)`);
  }
  const n = rss.table.length;
  if ((n & (n - 1)) !== 0) throw new EthtoolError(`the indirection table has ${n} entries, not a power of two`);
  let table = rss.table;
  const limit = Math.min(128, build.indirectionEntries);
  if (n > limit) {
    // The core indexes its table with the hash's low bits, as the NIC does: a table that
    // repeats with a period of at most `limit` entries sends every hash to the same queue.
    const p = period(table);
    if (p > limit)
      throw new EthtoolError(`the indirection table has ${n} entries and does not repeat within ${limit} (the build's table size): no equivalent table`);
    table = table.slice(0, Math.max(2, p));
    notes.push(`the ${n}-entry table repeats every ${p} entries; its first ${table.length} entries are the same mapping`);
  } else if (n < 2) {
    table = [table[0]!, table[0]!];
  }
  const qmax = 2 ** build.queueBits - 1;
  const big = table.find((q) => q > qmax);
  if (big !== undefined) throw new EthtoolError(`queue ${big} in the indirection table does not fit the build's ${build.queueBits}-bit queue numbers`);
  if (rss.rings !== undefined) notes.push(`${rss.rings} RX rings: the core has no ring count, queue numbers are used as they are`);
  notes.push('hash types, VMQ filters and enables are not in "ethtool -x": the profile leaves them at their defaults');
  const hex = Array.from(rss.key.subarray(0, 40), (b) => b.toString(16).padStart(2, '0')).join('');
  return { json: { key: hex, indirection: table }, notes };
}
