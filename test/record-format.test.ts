// SPDX-License-Identifier: MIT
// The compiled record writers: a jsonl line is exactly JSON.stringify's, for engine records
// of every kind and for records with values and fields the engine does not make yet (new
// enum values, a new field); csv carries the same values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedCapture } from '../bench/mixed-capture.ts';
import { csvHeader, csvWriter, jsonlWriter, writeBatch } from '../cli/record-format.ts';
import { DEFAULT_BUILD } from '../ref/build.ts';
import { RefEngine } from '../ref/engine.ts';
import { defaultProfile } from '../ref/profile.ts';
import type { MetaRecord } from '../ref/record.ts';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const engine = new RefEngine(defaultProfile(), DEFAULT_BUILD);
const records = mixedCapture().map((f, i) => engine.classify(f, { frameIndex: i, macError: i % 97 === 0 }));

const anyRecord = fc.record({
  frame: fc.nat(),
  hash: fc.integer({ min: 0, max: 0xffffffff }),
  hash_type: fc.integer({ min: 0, max: 0xffff }),
  hash_valid: fc.boolean(),
  hash_input: fc.constantFrom('none', '2tuple', '4tuple', 'outer-2tuple', 'inner-4tuple'),
  rss_queue: fc.integer({ min: 0, max: 255 }),
  vmq_queue: fc.integer({ min: 0, max: 255 }),
  vmq_hit: fc.boolean(),
  vmq_filter: fc.integer({ min: -1, max: 63 }),
  // Values a later engine may emit: the writer must not care.
  encap: fc.constantFrom('none', 'gre', 'nvgre', 'vxlan', 'geneve', 'we"ird,\nvalue', 'é'),
  inner_parsed: fc.boolean(),
  vsid: fc.oneof(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double()),
  flowid: fc.integer({ min: 0, max: 255 }),
  outer_l3_offset: fc.nat(),
  inner_l2_offset: fc.nat(),
  inner_l3_offset: fc.nat(),
  inner_l4_offset: fc.nat(),
  length: fc.nat(),
  errors: fc.subarray(['truncated', 'too_deep', 'bad_ip', 'mac_error', 'new_error']),
}) as unknown as fc.Arbitrary<MetaRecord>;

describe('jsonl writer', () => {
  it("engine records: the bytes are JSON.stringify's, one line each", () => {
    const w = jsonlWriter(records[0]!);
    expect(text(writeBatch(w, records))).toBe(records.map((r) => JSON.stringify(r) + '\n').join(''));
  });

  it('property: any values, new enum values, non-integers and -0', () => {
    const w = jsonlWriter(records[0]!);
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 20 }), (rs) => {
        expect(text(writeBatch(w, rs))).toBe(rs.map((r) => JSON.stringify(r) + '\n').join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('a field added to the record flows through in its place', () => {
    const r = { ...records[1]!, vni: 77, outer_udp: true } as unknown as MetaRecord;
    expect(text(writeBatch(jsonlWriter(r), [r]))).toBe(JSON.stringify(r) + '\n');
  });

  it('grows its buffer for large batches', () => {
    const many = Array.from({ length: 20000 }, (_, i) => ({ ...records[i % records.length]!, frame: i }));
    const out = text(writeBatch(jsonlWriter(many[0]!), many));
    expect(out.length).toBeGreaterThan(20000 * 300);
    expect(
      out
        .split('\n')
        .slice(0, -1)
        .map((l) => (JSON.parse(l) as MetaRecord).frame),
    ).toEqual(many.map((r) => r.frame));
  });
});

/** RFC 4180 reader for the test: quoted cells with doubled quotes and newlines. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      for (i++; i < s.length; i++) {
        if (s[i] === '"' && s[i + 1] === '"') ((cell += '"'), i++);
        else if (s[i] === '"') break;
        else cell += s[i];
      }
    } else if (c === ',') (row.push(cell), (cell = ''));
    else if (c === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''));
    else cell += c;
  }
  return rows;
}

describe('csv writer', () => {
  it('a header of the record keys, then the values in their columns; errors joined with |', () => {
    fc.assert(
      fc.property(fc.array(anyRecord, { minLength: 1, maxLength: 10 }), (rs) => {
        const rows = parseCsv(text(writeBatch(csvWriter(records[0]!), rs, csvHeader(records[0]!))));
        expect(rows[0]).toEqual(Object.keys(records[0]!));
        rows.slice(1).forEach((row, i) => {
          const r = rs[i]! as unknown as Record<string, unknown>;
          // Numbers as in the jsonl: a non-finite one (no record has one) is null.
          const cell = (v: unknown): string => (Array.isArray(v) ? v.join('|') : typeof v === 'number' ? JSON.stringify(v) : String(v));
          expect(row).toEqual(Object.keys(records[0]!).map((k) => cell(r[k])));
        });
      }),
      { numRuns: 200 },
    );
  });
});
