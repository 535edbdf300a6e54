// SPDX-License-Identifier: MIT
// The mutation engine of `make fuzz`: turns a valid (or already mutated) frame into a
// hostile one, one operator at a time, from a seeded random source so that every
// mutant can be regenerated. Structured operators work on the header fields that
// tb/fuzz/mutate-fields.ts locates (lengths, IHL, version, next-header chains, GRE flags,
// version and protocol, TPIDs); unstructured ones cut, extend, blank, flip, insert,
// delete and splice bytes, biased towards header boundaries.

import type { BuildConfig } from '../../gen/config.ts';
import type { Rand } from '../../ref/packets/index.ts';
import { boundariesOf, fieldsOf } from './mutate-fields.ts';

export interface FuzzFrame {
  data: Uint8Array;
  macError: boolean;
}

export const OPERATORS = [
  'field',
  'field-random',
  'truncate',
  'extend',
  'oversize',
  'all-zero',
  'all-ones',
  'header-zero',
  'header-ones',
  'bitflip',
  'byte',
  'insert-tag',
  'insert',
  'delete',
  'duplicate',
  'splice',
  'mac-error',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Mutant extends FuzzFrame {
  /** What was done, e.g. "field outer ipv4 ihl=15; truncate 37". */
  ops: string[];
}

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** Largest frame the fuzzer makes: past the 16-bit length field, so that saturation is exercised. */
export const MAX_FUZZ_FRAME = 66_000;

function near(r: Rand, f: Uint8Array, cfg: BuildConfig): number {
  const b = boundariesOf(f, cfg);
  return Math.max(0, Math.min(f.length, pick(r, b) + int(r, 5) - 2));
}

function setField(d: Uint8Array, off: number, size: 1 | 2, mask: number | undefined, v: number): void {
  if (size === 2) {
    d[off] = (v >> 8) & 0xff;
    d[off + 1] = v & 0xff;
  } else if (mask !== undefined) d[off] = (d[off]! & ~mask) | (v & mask);
  else d[off] = v & 0xff;
}

/** One operator applied to `f`; returns a new frame (the input is never changed). */
export function applyOperator(r: Rand, op: Operator, f: FuzzFrame, cfg: BuildConfig, donor?: FuzzFrame): Mutant {
  const d = f.data.slice();
  const n = d.length;
  const win = Math.min(n, cfg.maxHeaderBytes);
  const same = (why: string, data: Uint8Array = d, macError = f.macError): Mutant => ({ data, macError, ops: [why] });
  switch (op) {
    case 'field':
    case 'field-random': {
      const fs = fieldsOf(d, cfg);
      if (!fs.length) return applyOperator(r, 'byte', f, cfg);
      const x = pick(r, fs);
      const base = op === 'field' ? pick(r, x.values) : int(r, x.size === 2 ? 0x10000 : 0x100);
      // Off-by-one around a boundary value is where comparisons go wrong.
      const v = op === 'field' && r() < 0.2 ? base + (r() < 0.5 ? 1 : -1) : base;
      setField(d, x.off, x.size, x.mask, v & (x.size === 2 ? 0xffff : 0xff));
      return same(`${x.name}=0x${(v & 0xffff).toString(16)}`);
    }
    case 'truncate': {
      // A frame keeps at least one byte: AXI4-Stream has no empty packet.
      const at = Math.max(1, r() < 0.7 ? near(r, d, cfg) : int(r, n + 1));
      return same(`truncate ${at}`, d.slice(0, at));
    }
    case 'extend':
    case 'oversize': {
      // Giants cost thousands of cycles each: past-64k ones (length saturation) are rare.
      const giant = r() < 0.15 ? pick(r, [65535, 65536, MAX_FUZZ_FRAME]) : pick(r, [1518, 1522, 2048, 9018, 16384]);
      const to = op === 'extend' ? n + 1 + int(r, 300) : giant;
      const fill = pick(r, [0x00, 0xff, 0x2f, 0x45, 0x86]);
      const out = new Uint8Array(Math.max(n, Math.min(to, MAX_FUZZ_FRAME))).fill(fill);
      out.set(d);
      return same(`${op} ${out.length} 0x${fill.toString(16)}`, out);
    }
    case 'all-zero':
      return same('all-zero', d.fill(0));
    case 'all-ones':
      return same('all-ones', d.fill(0xff));
    case 'header-zero':
    case 'header-ones': {
      const a = near(r, d, cfg);
      const len = 1 + int(r, 24);
      d.fill(op === 'header-zero' ? 0 : 0xff, a, Math.min(n, a + len));
      return same(`${op} ${a}+${len}`);
    }
    case 'bitflip': {
      if (!win) return same('bitflip (empty)');
      const k = 1 + int(r, 3);
      const at: number[] = [];
      for (let i = 0; i < k; i++) {
        const b = int(r, win * 8);
        d[b >> 3] ^= 0x80 >> (b & 7);
        at.push(b);
      }
      return same(`bitflip ${at.join(',')}`);
    }
    case 'byte': {
      if (!win) return same('byte (empty)');
      const at = r() < 0.5 ? Math.min(win - 1, near(r, d, cfg)) : int(r, win);
      d[at] = pick(r, [0x00, 0xff, 0x2f, 0x06, 0x11, 0x45, 0x4f, 0x60, 0x86, 0xdd, 0x08, 0x65, 0x58, 0x81, 0x88, 0xa8, 0x2c, 0x2b, 0x3c, 0x20, 0x80]);
      return same(`byte ${at}=0x${d[at]!.toString(16)}`);
    }
    case 'insert-tag': {
      // One more VLAN tag where the outer or inner type sits.
      const at = r() < 0.7 ? 12 : near(r, d, cfg);
      const tpid = pick(r, [0x8100, 0x88a8]);
      const tag = Uint8Array.of(tpid >> 8, tpid & 0xff, int(r, 16), int(r, 256));
      return same(`insert-tag ${at} 0x${tpid.toString(16)}`, concat(d.subarray(0, at), tag, d.subarray(at)));
    }
    case 'insert': {
      const at = near(r, d, cfg);
      const len = pick(r, [1, 2, 4, 8, 16, 40]);
      const bytes = Uint8Array.from({ length: len }, () => (r() < 0.5 ? 0 : int(r, 256)));
      return same(`insert ${at}+${len}`, concat(d.subarray(0, at), bytes, d.subarray(at)));
    }
    case 'delete': {
      const at = near(r, d, cfg);
      const len = pick(r, [1, 2, 4, 8, 20, 40]);
      return same(`delete ${at}+${len}`, concat(d.subarray(0, at), d.subarray(Math.min(n, at + len))));
    }
    case 'duplicate': {
      // Repeat a header-sized block: stacks extension headers, tags, GRE, whole layers.
      const a = near(r, d, cfg);
      const len = pick(r, [4, 8, 14, 16, 20, 40]);
      const blk = d.slice(a, Math.min(n, a + len));
      return same(`duplicate ${a}+${blk.length}`, concat(d.subarray(0, a + blk.length), blk, d.subarray(a + blk.length)));
    }
    case 'splice': {
      if (!donor) return applyOperator(r, 'truncate', f, cfg);
      const a = near(r, d, cfg);
      const b = near(r, donor.data, cfg);
      return same(`splice ${a}|${b}`, concat(d.subarray(0, a), donor.data.subarray(b)));
    }
    case 'mac-error':
      return same(`mac-error ${!f.macError}`, d, !f.macError);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(
    Math.min(
      MAX_FUZZ_FRAME,
      parts.reduce((s, p) => s + p.length, 0),
    ),
  );
  let o = 0;
  for (const p of parts) {
    const k = Math.min(p.length, out.length - o);
    out.set(p.subarray(0, k), o);
    o += k;
  }
  return out;
}

/** Weights: structured field mutations and cuts dominate; whole-frame blanks and giants are rare. */
const WEIGHTS: Record<Operator, number> = {
  field: 30,
  'field-random': 8,
  truncate: 14,
  extend: 3,
  oversize: 0.2,
  'all-zero': 0.5,
  'all-ones': 0.5,
  'header-zero': 3,
  'header-ones': 3,
  bitflip: 8,
  byte: 8,
  'insert-tag': 4,
  insert: 3,
  delete: 3,
  duplicate: 4,
  splice: 4,
  'mac-error': 1,
};
const TOTAL = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);

export function pickOperator(r: Rand): Operator {
  let x = r() * TOTAL;
  for (const op of OPERATORS) {
    x -= WEIGHTS[op];
    if (x < 0) return op;
  }
  return 'field';
}

/** 1 to `maxOps` random operators in a row (a stack of mutations, as in AFL's havoc stage). */
export function mutate(r: Rand, f: FuzzFrame, cfg: BuildConfig, donor?: FuzzFrame, maxOps = 3): Mutant {
  let cur: Mutant = { ...f, ops: [] };
  const k = 1 + int(r, maxOps);
  for (let i = 0; i < k; i++) {
    const m = applyOperator(r, pickOperator(r), cur, cfg, donor);
    cur = { data: m.data.length ? m.data : Uint8Array.of(0), macError: m.macError, ops: [...cur.ops, ...m.ops] };
  }
  return cur;
}
