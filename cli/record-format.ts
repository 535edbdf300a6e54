// Record writers for --format jsonl and csv, compiled once from the shape of a sample
// record: the keys in their order and each value's kind (number, boolean, string, list
// of strings). A field or an enum value added to MetaRecord flows through without a
// change here. A jsonl line is byte for byte what JSON.stringify gives (test/cli-output
// .test.ts); the point is speed: records are written as bytes straight into an output
// buffer, with no string built and encoded per frame.

import type { MetaRecord } from '../ref/record.ts';

type Kind = 'number' | 'boolean' | 'string' | 'strings';

function kindOf(key: string, v: unknown): Kind {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return typeof v as Kind;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return 'strings';
  throw new Error(`record field ${key} has a value the writers do not know: ${JSON.stringify(v)}`);
}

export function recordLayout(sample: MetaRecord): [string, Kind][] {
  return Object.entries(sample).map(([k, v]) => [k, kindOf(k, v)]);
}

const utf8 = new TextEncoder();

/** Copies bytes b into out at p; a loop beats set() for the few bytes of a key. */
function put(out: Uint8Array, p: number, b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) out[p++] = b[i]!;
  return p;
}

/** "00".."99" as byte pairs: two digits per division. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/** Decimal digits of an unsigned 32-bit integer, written from the last one back. */
function uint(out: Uint8Array, p: number, u: number): number {
  const n = u < 10 ? 1 : u < 100 ? 2 : u < 1000 ? 3 : u < 10000 ? 4 : u < 100000 ? 5 : u < 1e6 ? 6 : u < 1e7 ? 7 : u < 1e8 ? 8 : u < 1e9 ? 9 : 10;
  let e = p + n;
  while (u >= 100) {
    const q = (u / 100) >>> 0;
    const r = (u - q * 100) << 1;
    out[--e] = PAIRS[r + 1]!;
    out[--e] = PAIRS[r]!;
    u = q;
  }
  if (u >= 10) {
    out[--e] = PAIRS[(u << 1) + 1]!;
    out[--e] = PAIRS[u << 1]!;
  } else out[--e] = 0x30 + u;
  return p + n;
}

/** A number as JSON.stringify writes it: integers without a string in between. */
function num(out: Uint8Array, p: number, v: number): number {
  if (v >>> 0 === v) return uint(out, p, v);
  if (v < 0 && -v >>> 0 === -v) {
    out[p] = 0x2d;
    return uint(out, p + 1, -v);
  }
  return put(out, p, utf8.encode(JSON.stringify(v) ?? 'null'));
}

/**
 * Each distinct value's bytes, rendered once. Values are found by identity first (enum
 * strings are interned, the engine's error lists are shared arrays) in a short list, which
 * beats hashing for a handful of values; by content after that.
 */
function memo<T extends string | readonly string[]>(key: (v: T) => string, render: (v: T) => string): (out: Uint8Array, p: number, v: T) => number {
  const seen: T[] = [];
  const bytes: Uint8Array[] = [];
  const byKey = new Map<string, Uint8Array>();
  return (out, p, v) => {
    for (let i = 0; i < seen.length; i++) if (seen[i] === v) return put(out, p, bytes[i]!);
    const k = key(v);
    let b = byKey.get(k);
    if (b === undefined) byKey.set(k, (b = utf8.encode(render(v))));
    if (seen.length < 32) {
      seen.push(v);
      bytes.push(b);
    }
    return put(out, p, b);
  };
}

type FieldWriter = (out: Uint8Array, p: number, v: never) => number;

/** Writes one record at out[p..] and returns the new end; the caller leaves room (ROOM). */
export type RecordWriter = (r: MetaRecord, out: Uint8Array, p: number, view: DataView) => number;

const TRUE = utf8.encode('true');
const FALSE = utf8.encode('false');

/** Room left before each record: far more than any record's bytes. */
export const ROOM = 4096;

/**
 * Straight-line stores of constant bytes (the keys and punctuation): four at a time through
 * the DataView `d` over the same buffer, no loop, no call.
 */
function storeConst(bytes: Uint8Array): string {
  const s: string[] = [];
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    const w = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    s.push(`d.setUint32(p + ${i}, ${w}, true);`);
  }
  for (; i < bytes.length; i++) s.push(`o[p + ${i}] = ${bytes[i]};`);
  return `${s.join(' ')} p += ${bytes.length};`;
}

/**
 * Builds one function per record shape: constant bytes stored inline, each field through
 * its writer, small integers (queues, offsets, flags) inline too. V8 then sees
 * straight-line code over known properties (what fast-json-stringify does from a JSON
 * schema, without the schema or the package).
 */
function compile(layout: [string, Kind][], pieces: string[], field: (kind: Kind) => FieldWriter): RecordWriter {
  const names: string[] = ['num', 'pairs'];
  const values: unknown[] = [num, PAIRS];
  const lines: string[] = [];
  layout.forEach(([k, kind], i) => {
    if (pieces[i]!.length) lines.push(storeConst(utf8.encode(pieces[i]!)));
    const v = `r[${JSON.stringify(k)}]`;
    if (kind === 'number') {
      // Most fields are one or two digits (queues, offsets, flags): those without a call.
      lines.push(
        `v = ${v}; if (v >>> 0 === v && v < 100) { if (v < 10) o[p++] = 48 + v; else { o[p] = pairs[v << 1]; o[p + 1] = pairs[(v << 1) + 1]; p += 2; } } else p = num(o, p, v);`,
      );
    } else if (kind === 'boolean') {
      lines.push(`if (${v}) { ${storeConst(TRUE)} } else { ${storeConst(FALSE)} }`);
    } else {
      names.push(`w${i}`);
      values.push(field(kind));
      lines.push(`p = w${i}(o, p, ${v});`);
    }
  });
  lines.push(storeConst(utf8.encode(pieces[layout.length]!)));
  const body = `return function writeRecord(r, o, p, d) {\nlet v = 0;\n${lines.join('\n')}\nreturn p;\n};`;
  return new Function(...names, body)(...values) as RecordWriter;
}

const bool = (out: Uint8Array, p: number, v: boolean): number => put(out, p, v ? TRUE : FALSE);

/** One JSON object and a newline per record. */
export function jsonlWriter(sample: MetaRecord): RecordWriter {
  const layout = recordLayout(sample);
  const pieces = layout.map(([k], i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  pieces.push('}\n');
  return compile(layout, pieces, (kind): FieldWriter => {
    if (kind === 'number') return num;
    if (kind === 'boolean') return bool;
    if (kind === 'string') return memo((s: string) => s, (s) => JSON.stringify(s));
    return memo((a: readonly string[]) => a.join('\0'), (a) => JSON.stringify(a));
  });
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Lists (errors) are joined with '|' inside their cell. */
export const CSV_LIST_SEPARATOR = '|';

export function csvHeader(sample: MetaRecord): string {
  return recordLayout(sample).map(([k]) => csvCell(k)).join(',') + '\n';
}

export function csvWriter(sample: MetaRecord): RecordWriter {
  const layout = recordLayout(sample);
  const pieces: string[] = layout.map((_, i) => (i === 0 ? '' : ','));
  pieces.push('\n');
  return compile(layout, pieces, (kind): FieldWriter => {
    if (kind === 'number') return num;
    if (kind === 'boolean') return bool;
    if (kind === 'string') return memo((s: string) => s, csvCell);
    return memo((a: readonly string[]) => a.join('\0'), (a) => csvCell(a.join(CSV_LIST_SEPARATOR)));
  });
}

/** Bytes of a batch of records: one buffer, grown as needed and refilled batch after batch. */
export class BatchBuffer {
  private out = new Uint8Array(1 << 20);

  /** The records (after `prefix`) as bytes; valid until the next call. */
  write(write: RecordWriter, records: readonly MetaRecord[], prefix = ''): Uint8Array {
    const head = utf8.encode(prefix);
    let out = this.out;
    if (out.length < head.length + ROOM) out = new Uint8Array(head.length + ROOM);
    let view = new DataView(out.buffer);
    let p = put(out, 0, head);
    for (let i = 0; i < records.length; i++) {
      if (p + ROOM > out.length) {
        const bigger = new Uint8Array(out.length * 2);
        bigger.set(out.subarray(0, p));
        out = bigger;
        view = new DataView(out.buffer);
      }
      p = write(records[i]!, out, p, view);
    }
    this.out = out;
    return out.subarray(0, p);
  }
}

/** Records as bytes in a buffer of their own. */
export function writeBatch(write: RecordWriter, records: readonly MetaRecord[], prefix = ''): Uint8Array {
  return new BatchBuffer().write(write, records, prefix).slice();
}
