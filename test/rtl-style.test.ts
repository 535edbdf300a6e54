// SPDX-License-Identifier: MIT
// The checked-in Verilog reads as if written by hand (issue 17): no line over 160
// characters, no decimal literal wider than a byte (hex, or a named localparam), and no raw
// literal where a named constant exists. Each check is also shown failing on a bad file.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LINE_LIMIT } from '../gen/emit/verilog.ts';
import * as K from '../ref/constants.ts';

const RTL = resolve(fileURLToPath(new URL('../rtl', import.meta.url)));

/** Every shared named constant: name, width, value. */
const SHARED = Object.values(K)
  .filter((g): g is K.ConstGroup<string> => typeof g === 'object' && g !== null && 'prefix' in g)
  .flatMap((g) => Object.entries(g.values).map(([k, v]) => ({ name: `${g.prefix}_${k}`, width: g.width, value: BigInt(v) })));

/** The value of a sized literal's digits in base h, d or b. */
function literalValue(base: string, digits: string): bigint {
  const d = digits.replace(/_/g, '');
  return base === 'h' ? BigInt(`0x${d}`) : base === 'b' ? BigInt(`0b${d}`) : BigInt(d);
}

/** What is wrong with one generated Verilog file (empty when nothing). */
export function rtlStyleProblems(file: string, text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  // The named constants this file declares, and those shared by ref/ and gen/.
  const named = new Map<string, string>();
  for (const c of SHARED) named.set(`${c.width}:${c.value}`, c.name);
  for (const l of lines) {
    const m = /^\s*localparam\s+(?:\[(\d+):0\]\s+)?([A-Z][A-Z0-9_]*)\s*=\s*(\d+)'([hdb])([0-9a-fA-F_]+);/.exec(l);
    if (m) named.set(`${m[3]}:${literalValue(m[4]!, m[5]!)}`, m[2]!);
  }
  lines.forEach((l, i) => {
    if (l.length > LINE_LIMIT) out.push(`${file}:${i + 1}: ${l.length} characters`);
    if (/^\s*localparam\b/.test(l)) return;
    const code = l.replace(/\/\/.*$/, '');
    for (const m of code.matchAll(/\b(\d+)'([hdb])([0-9a-fA-F_]+)\b/g)) {
      const w = Number(m[1]);
      const v = literalValue(m[2]!, m[3]!);
      const where = `${file}:${i + 1}`;
      if (m[2] === 'd' && w > 8 && v > 9n) out.push(`${where}: decimal ${m[0]} wider than 8 bits`);
      // Narrower fields (codes, flags, counts) and 0 or 1 meet a named constant's value by coincidence.
      const n = named.get(`${w}:${v}`);
      if (n !== undefined && w >= 8 && v > 1n) out.push(`${where}: ${m[0]} where ${n} exists`);
    }
  });
  return out;
}

describe('rtl/ style', () => {
  const files = readdirSync(RTL).filter((f) => f.endsWith('.v'));

  it('has no line over 160 characters, no decimal literal wider than 8 bits and no literal where a named constant exists', () => {
    expect(LINE_LIMIT).toBe(160);
    expect(files.length).toBeGreaterThan(5);
    const problems = files.flatMap((f) => rtlStyleProblems(f, readFileSync(join(RTL, f), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('keeps every other file of rtl/ (the register map as C, Markdown, JSON, TypeScript) within 160 characters a line', () => {
    const others = readdirSync(RTL).filter((f) => !f.endsWith('.v'));
    expect(others.sort()).toEqual(['nvgre_rx_regs.h', 'nvgre_rx_regs.json', 'nvgre_rx_regs.md', 'nvgre_rx_regs.ts']);
    const long = others.flatMap((f) =>
      readFileSync(join(RTL, f), 'utf8')
        .split('\n')
        .flatMap((l, i) => (l.length > LINE_LIMIT ? [`${f}:${i + 1}: ${l.length} characters`] : [])),
    );
    expect(long).toEqual([]);
  });

  it('names the licence (SPDX) in the first lines of every file of rtl/', () => {
    const missing = readdirSync(RTL).filter((f) => !readFileSync(join(RTL, f), 'utf8').split('\n').slice(0, 3).join('\n').includes('SPDX-License-Identifier'));
    expect(missing).toEqual([]);
  });

  it('guards every module parameter: another value stops elaboration with a message naming the generator', () => {
    let n = 0;
    for (const f of files) {
      const v = readFileSync(join(RTL, f), 'utf8');
      for (const m of v.matchAll(/^\s*parameter ([A-Z_]+) = (\d+)/gm)) {
        n++;
        expect(v, `${f} ${m[1]}`).toContain(
          `if (${m[1]} != ${m[2]}) begin\n        $error("Error: ${m[1]} must be ${m[2]} in this build; regenerate the module with nvgre-rx gen`,
        );
      }
    }
    expect(n).toBeGreaterThan(5);
  });

  it('names the EtherTypes and IP protocols of the parser as localparams', () => {
    const p = readFileSync(join(RTL, 'nvgre_rx_parser.v'), 'utf8');
    expect(p).toContain("localparam [15:0] ETHERTYPE_VLAN = 16'h8100;");
    expect(p).toContain("localparam [7:0] IPPROTO_GRE = 8'h2f;");
    expect(p).toMatch(/== ETHERTYPE_TEB\)/);
  });

  it('catches a wide decimal, a raw constant and a raw local constant', () => {
    expect(rtlStyleProblems('a.v', "assign x = (y == 16'd33024);")).toEqual([
      "a.v:1: decimal 16'd33024 wider than 8 bits",
      "a.v:1: 16'd33024 where ETHERTYPE_VLAN exists",
    ]);
    expect(rtlStyleProblems('a.v', "assign x = (y == 16'h86dd);")).toEqual(["a.v:1: 16'h86dd where ETHERTYPE_IPV6 exists"]);
    expect(rtlStyleProblems('a.v', "localparam [15:0] ADDR_CTRL = 16'h0100;\nassign x = (a == 16'h100);")).toEqual(["a.v:2: 16'h100 where ADDR_CTRL exists"]);
    expect(rtlStyleProblems('a.v', "assign x = (y == 16'd0) & (z == 8'd200) & (w == 32'hd700); // 16'd33024")).toEqual([]);
    expect(rtlStyleProblems('a.v', `assign x = ${'a & '.repeat(40)}b;`)).toEqual(['a.v:1: 173 characters']);
  });
});
