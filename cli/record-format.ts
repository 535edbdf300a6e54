// SPDX-License-Identifier: MIT
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

/** How a string or string-list field is rendered (JSON, or a CSV cell). */
interface Render<T> {
  key: (v: T) => string;
  text: (v: T) => string;
}

/**
 * Each distinct value's bytes, rendered once; values met first are then compiled into the
 * writer as inline comparisons with interned constants (see RecordWriter.refresh), this
 * path serves the rest. `onNew` says a value was met here.
 */
function memo<T extends string | readonly string[]>(r: Render<T>, onNew: (v: T) => void): (out: Uint8Array, p: number, v: T) => number {
  const byKey = new Map<string, Uint8Array>();
  return (out, p, v) => {
    const k = r.key(v);
    let b = byKey.get(k);
    if (b === undefined) {
      byKey.set(k, (b = utf8.encode(r.text(v))));
      onNew(v);
    }
    return put(out, p, b);
  };
}

type WriteFn = (r: MetaRecord, out: Uint8Array, p: number, view: DataView) => number;

const TRUE = utf8.encode('true');
const FALSE = utf8.encode('false');
/** Distinct values of a field compiled inline, at most; a field with more (none today) uses the memo. */
const MAX_INLINE = 24;

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

interface TextField {
  render: Render<string> | Render<readonly string[]>;
  list: boolean;
  /** Values met so far, in order: the inline comparisons of the next compile. */
  known: (string | readonly string[])[];
  fallback: (out: Uint8Array, p: number, v: never) => number;
}

/**
 * A record writer compiled from the shape of a sample record: constant bytes stored
 * inline, small integers (queues, offsets, flags) inline, each string field compared with
 * the values met so far as constants. V8 then sees straight-line code over known
 * properties (what fast-json-stringify does from a JSON schema, without the schema or the
 * package). A value not met before goes through a memo, and `refresh()` (after each batch)
 * compiles it in.
 */
export class RecordWriter {
  /** Writes one record at out[p..] and returns the new end; the caller leaves room (ROOM). */
  fn: WriteFn;
  private stale = false;
  private readonly text = new Map<number, TextField>();

  constructor(
    private readonly layout: [string, Kind][],
    private readonly pieces: string[],
    renders: { string: Render<string>; strings: Render<readonly string[]> },
  ) {
    layout.forEach(([, kind], i) => {
      if (kind !== 'string' && kind !== 'strings') return;
      const f: TextField = { render: renders[kind], list: kind === 'strings', known: [], fallback: () => 0 };
      const onNew = (v: string | readonly string[]): void => {
        if (f.known.length < MAX_INLINE) {
          f.known.push(v);
          this.stale = true;
        }
      };
      f.fallback = (kind === 'string' ? memo(renders.string, onNew) : memo(renders.strings, onNew)) as TextField['fallback'];
      this.text.set(i, f);
    });
    this.fn = this.compile();
  }

  /** Recompiles when values were met that the current code does not compare inline. */
  refresh(): void {
    if (!this.stale) return;
    this.stale = false;
    this.fn = this.compile();
  }

  private compile(): WriteFn {
    const names: string[] = ['num', 'pairs'];
    const values: unknown[] = [num, PAIRS];
    const lines: string[] = [];
    this.layout.forEach(([k, kind], i) => {
      if (this.pieces[i]!.length) lines.push(storeConst(utf8.encode(this.pieces[i]!)));
      const v = `r[${JSON.stringify(k)}]`;
      if (kind === 'number') {
        // Most fields are one or two digits (queues, offsets, flags): those without a call.
        lines.push(
          `v = ${v}; if (v >>> 0 === v && v < 100) { if (v < 10) o[p++] = 48 + v; else { o[p] = pairs[v << 1]; o[p + 1] = pairs[(v << 1) + 1]; p += 2; } } else p = num(o, p, v);`,
        );
      } else if (kind === 'boolean') {
        lines.push(`if (${v}) { ${storeConst(TRUE)} } else { ${storeConst(FALSE)} }`);
      } else {
        const f = this.text.get(i)!;
        names.push(`w${i}`);
        values.push(f.fallback);
        // Lists compare by length and items; strings by value (interned: a pointer compare).
        const test = (x: string | readonly string[]): string =>
          f.list
            ? [`s.length === ${x.length}`, ...(x as readonly string[]).map((e, j) => `s[${j}] === ${JSON.stringify(e)}`)].join(' && ')
            : `s === ${JSON.stringify(x)}`;
        const render = f.render as Render<string | readonly string[]>;
        const branches = f.known.map((x) => `if (${test(x)}) { ${storeConst(utf8.encode(render.text(x)))} } else `).join('');
        lines.push(`{ const s = ${v}; ${branches}p = w${i}(o, p, s); }`);
      }
    });
    lines.push(storeConst(utf8.encode(this.pieces[this.layout.length]!)));
    const body = `return function writeRecord(r, o, p, d) {\nlet v = 0;\n${lines.join('\n')}\nreturn p;\n};`;
    return new Function(...names, body)(...values) as WriteFn;
  }
}

const JSON_RENDERS = {
  string: { key: (s: string) => s, text: (s: string) => JSON.stringify(s) },
  strings: { key: (a: readonly string[]) => a.join('\0'), text: (a: readonly string[]) => JSON.stringify(a) },
};

/** One JSON object and a newline per record. */
export function jsonlWriter(sample: MetaRecord): RecordWriter {
  const layout = recordLayout(sample);
  const pieces = layout.map(([k], i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  pieces.push('}\n');
  return new RecordWriter(layout, pieces, JSON_RENDERS);
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Lists (errors) are joined with '|' inside their cell. */
export const CSV_LIST_SEPARATOR = '|';

const CSV_RENDERS = {
  string: { key: (s: string) => s, text: csvCell },
  strings: { key: (a: readonly string[]) => a.join('\0'), text: (a: readonly string[]) => csvCell(a.join(CSV_LIST_SEPARATOR)) },
};

export function csvHeader(sample: MetaRecord): string {
  return (
    recordLayout(sample)
      .map(([k]) => csvCell(k))
      .join(',') + '\n'
  );
}

export function csvWriter(sample: MetaRecord): RecordWriter {
  const layout = recordLayout(sample);
  const pieces: string[] = layout.map((_, i) => (i === 0 ? '' : ','));
  pieces.push('\n');
  return new RecordWriter(layout, pieces, CSV_RENDERS);
}

/** Bytes of a batch of records: one buffer, grown as needed and refilled batch after batch. */
export class BatchBuffer {
  private out = new Uint8Array(1 << 20);

  /** The records (after `prefix`) as bytes; valid until the next call. */
  write(writer: RecordWriter, records: readonly MetaRecord[], prefix = ''): Uint8Array {
    const head = utf8.encode(prefix);
    let out = this.out;
    if (out.length < head.length + ROOM) out = new Uint8Array(head.length + ROOM);
    let view = new DataView(out.buffer);
    let p = put(out, 0, head);
    const write = writer.fn;
    for (let i = 0; i < records.length; i++) {
      if (p + ROOM > out.length) {
        const bigger = new Uint8Array(out.length * 2);
        bigger.set(out.subarray(0, p));
        out = bigger;
        view = new DataView(out.buffer);
      }
      p = write(records[i]!, out, p, view);
    }
    writer.refresh();
    this.out = out;
    return out.subarray(0, p);
  }
}

/** Records as bytes in a buffer of their own. */
export function writeBatch(write: RecordWriter, records: readonly MetaRecord[], prefix = ''): Uint8Array {
  return new BatchBuffer().write(write, records, prefix).slice();
}
